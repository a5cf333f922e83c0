/**
 * Vitest global setup: builds dist/ from src/ once, before any test file runs, so that no test
 * spawns a stale `bin/lockdep.js` or imports a stale `dist/index.js`. The build is incremental
 * (its build info lives in dist/, so removing dist/ rebuilds everything): with sources unchanged
 * it costs about two seconds. A failed build fails the run with tsc's messages.
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
}
