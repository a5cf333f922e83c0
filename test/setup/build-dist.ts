/**
 * Vitest global setup: builds dist/ from src/ once, before any test file runs, so that no test
 * spawns a stale `bin/lockdep.js` or imports a stale `dist/index.js`: tsc, then the CLI's bundle
 * (scripts/bundle-cli.mjs, what `bin/lockdep.js` starts), as `npm run build` does. The tsc build
 * is incremental (its build info lives in dist/, so removing dist/ rebuilds everything): with
 * sources unchanged it costs about two seconds, the bundle about one more. A failed step fails
 * the run with its messages.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const REPO_ROOT = join(import.meta.dirname, '..', '..');

export default function buildDist(): void {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const build = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.json', '--incremental', '--tsBuildInfoFile', 'dist/.tsbuildinfo'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  });
  if (build.status !== 0) {
    throw new Error(`building dist/ for the tests failed (tsc -p tsconfig.json, exit ${String(build.status)}):\n${build.stdout}${build.stderr}`);
  }
  const bundle = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts', 'bundle-cli.mjs'), '--quiet'], { cwd: REPO_ROOT, encoding: 'utf8' });
  if (bundle.status !== 0) {
    throw new Error(`bundling the CLI for the tests failed (scripts/bundle-cli.mjs, exit ${String(bundle.status)}):\n${bundle.stdout}${bundle.stderr}`);
  }
}
