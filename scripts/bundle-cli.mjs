/**
 * Bundles the built CLI (dist/cli/main.js, dist/cli/check-worker.js for `--jobs` workers, and
 * dist/cli/parallel-check.js, which the bench's `--jobs` mode imports) into dist/cli-bundle/:
 * one file per entry plus shared chunks, the packages the CLI uses
 * (yargs, graphology, zod, yaml) inside them. Run by `npm run build` after tsc, and by the test
 * suite's global setup. `lockdep` (bin/lockdep.js) starts from the bundle: a process then reads,
 * resolves and compiles a few files instead of about 140, which takes a quarter off the CPU time
 * of a small check (docs/performance.md, "Start-up").
 * Invariants: built from dist/ (tsc's output), never from src/; what each run imports lazily
 * (a subcommand, the rule code, a renderer) stays lazy, in its own chunk (`splitting`);
 * dist/cli-bundle/ is two levels under the package root, as dist/cli/ is, so the
 * package.json read by src/io/package-info.ts and the worker at `./check-worker.js` beside the
 * code that starts it are found the same way; the optional packages (tsx for `lockdep run`,
 * the Graphviz renderer) stay outside, loaded from node_modules when present; CommonJS code in
 * the bundle gets a `require` of its own (the banner) for Node's built-in modules; the bundle's
 * metafile (dist/cli-bundle/meta.json) says which modules each output holds; the simulation
 * runtime (dist/sim/) stays outside, imported from dist/ as the package's own entry imports it,
 * so that a module `lockdep run` loads shares its classes with the CLI (`error instanceof
 * DeadlockError` holds for what the CLI's runtime throws; a bundled copy would be other classes).
 * Usage: node scripts/bundle-cli.mjs [--quiet]
 */
import { build } from 'esbuild';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';

const ROOT = join(import.meta.dirname, '..');
const OUT_DIR = join(ROOT, 'dist', 'cli-bundle');
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));

/** Packages loaded from node_modules at run time: optional ones, absent on some installs. */
const EXTERNAL = [...Object.keys(manifest.optionalDependencies ?? {}), ...Object.keys(manifest.peerDependencies ?? {})];

const SIM_DIR = join(ROOT, 'dist', 'sim');

/** Imports of dist/sim/ modules stay imports of those files, relative to the bundle's directory. */
const simOutside = {
  name: 'sim-outside',
  setup(bundle) {
    bundle.onResolve({ filter: /^\.\.?\// }, (args) => {
      const target = resolve(args.resolveDir, args.path);
      if (!target.startsWith(SIM_DIR + sep)) return undefined;
      return { path: relative(OUT_DIR, target).split(sep).join('/'), external: true };
    });
  },
};

rmSync(OUT_DIR, { recursive: true, force: true });
const result = await build({
  absWorkingDir: ROOT,
  // parallel-check: `lockdep check` after start-up as the bench measures it (bench/cli-runs.js).
  entryPoints: { main: 'dist/cli/main.js', 'check-worker': 'dist/cli/check-worker.js', 'parallel-check': 'dist/cli/parallel-check.js' },
  outdir: OUT_DIR,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: `node${manifest.engines.node.replace(/^>=\s*/, '')}`,
  external: EXTERNAL,
  plugins: [simOutside],
  legalComments: 'eof',
  // CommonJS packages inside the bundle call require() for Node's built-in modules.
  banner: { js: "import { createRequire as createRequireForBundle } from 'node:module'; const require = createRequireForBundle(import.meta.url);" },
  metafile: true,
  logLevel: 'warning',
});
writeFileSync(join(OUT_DIR, 'meta.json'), JSON.stringify(result.metafile));
if (!process.argv.includes('--quiet')) {
  console.log(`dist/cli-bundle: ${Object.keys(result.metafile.outputs).length} files from ${Object.keys(result.metafile.inputs).length} modules`);
}
