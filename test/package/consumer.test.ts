// The package as a consumer gets it: `npm pack` contents, then a consumer project built from the
// packed tarball (strict TypeScript, ESM and CommonJS) that type-checks and runs the examples of
// the README's "Install and first use" section, its vitest example included. The consumer's
// node_modules links the packages already installed here (lockdep's dependencies, its optional
// ones, and the consumer's own tools), so nothing is downloaded.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../cli/run-cli.js';

interface PackedFile {
  path: string;
}
interface PackResult {
  filename: string;
  files: PackedFile[];
}

const NODE_MODULES = join(REPO_ROOT, 'node_modules');
let dir = '';

function pack(extra: readonly string[]): PackResult {
  const out = execFileSync('npm', ['pack', '--json', '--ignore-scripts', ...extra], { cwd: REPO_ROOT, encoding: 'utf8' });
  return (JSON.parse(out) as PackResult[])[0] as PackResult;
}

/** The `// file: NAME` code blocks of the README's "Install and first use" section, by NAME. */
function readmeExamples(): Map<string, string> {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('## Install and first use');
  const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
  const files = new Map<string, string>();
  // Each file as a user copies it, its `// file:` line included (line numbers in reports count it).
  for (const match of section.matchAll(/```ts\n(\/\/ file: (\S+)\n[\s\S]*?)```/g)) files.set(match[2] as string, match[1] as string);
  return files;
}

function run(command: string, args: readonly string[], cwd: string): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: 120_000, env: { PATH: process.env['PATH'] ?? '', NO_COLOR: '1' } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'lockdep-consumer-'));
}, 180_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npm pack', { timeout: 60_000 }, () => {
  it('ships the built library, CLI, rules, schema and licence, and no sources, tests or source maps', () => {
    const packed = pack(['--dry-run']);
    const files = packed.files.map((file) => file.path);
    for (const needed of [
      'LICENSE', 'README.md', 'package.json', 'bin/lockdep.js', 'dist/index.js', 'dist/index.d.ts',
      'dist/testing/vitest.js', 'dist/testing/vitest.d.ts', 'dist/testing/fail-on-deadlock.js',
      'dist/sim/deadlock-error.js', 'dist/cli/main.js', 'dist/cli-bundle/main.js', 'dist/cli-bundle/check-worker.js',
      'schema/rules.schema.json', 'rules/kvm-2021.yaml',
    ]) expect(files).toContain(needed);
    expect(files.filter((file) => file.endsWith('.map'))).toEqual([]);
    expect(files.filter((file) => /^(src|test|bench|examples|scripts|docs)\//.test(file))).toEqual([]);
    // The CLI's bundle is what bin/lockdep.js runs, not an API: no types, and its metafile stays home.
    expect(files).not.toContain('dist/cli-bundle/meta.json');
    const javascript = files.filter((file) => file.startsWith('dist/') && !file.startsWith('dist/cli-bundle/') && file.endsWith('.js'));
    for (const file of javascript) expect(files, `${file} has its types`).toContain(file.replace(/\.js$/, '.d.ts'));
    for (const file of javascript.slice(0, 40)) {
      expect(readFileSync(join(REPO_ROOT, file), 'utf8'), file).not.toContain('sourceMappingURL');
    }
  });

  it('declares what a consumer needs: licence, no invented repository address, CLI-only packages optional, vitest an optional peer', () => {
    const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as Record<string, Record<string, unknown> | string>;
    expect(manifest['license']).toBe('MIT');
    expect(readFileSync(join(REPO_ROOT, 'LICENSE'), 'utf8')).toMatch(/^MIT License/);
    // The project has no public repository yet: the manifest must not point at an address that does not exist.
    expect(manifest['repository']).toBeUndefined();
    expect(Object.keys(manifest['dependencies'] as object)).not.toEqual(expect.arrayContaining(['tsx']));
    expect(Object.keys(manifest['dependencies'] as object)).not.toContain('@hpcc-js/wasm-graphviz');
    expect(Object.keys(manifest['optionalDependencies'] as object).sort()).toEqual(['@hpcc-js/wasm-graphviz', 'tsx']);
    expect(manifest['peerDependenciesMeta']).toEqual({ vitest: { optional: true } });
  });
});

describe('the library entries', { timeout: 60_000 }, () => {
  it('load none of the packages only the CLI needs (tsx, esbuild, Graphviz, yargs)', () => {
    const hook = join(dir, 'report-loads.mjs');
    writeFileSync(hook, `export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  if (/node_modules\\/(tsx|esbuild|@hpcc-js|yargs)\\//.test(resolved.url)) console.log('loaded', resolved.url);
  return resolved;
}
`);
    const entries = ['dist/index.js', 'dist/testing/vitest.js'].map((entry) => JSON.stringify(join(REPO_ROOT, entry)));
    const script = `import { register } from 'node:module';
register(${JSON.stringify(`file://${hook}`)});
for (const entry of [${entries.join(', ')}]) await import(entry);
console.log('entries loaded');`;
    const loaded = run(process.execPath, ['--input-type=module', '-e', script], REPO_ROOT);
    expect(loaded.stderr).toBe('');
    expect(loaded.stdout).toBe('entries loaded\n');
    // The hook does see what the CLI loads: the same check on the CLI (which then complains that
    // no command was given) names yargs.
    const cli = run(process.execPath, ['--input-type=module', '-e', script.replace(/for \(.*\n/, `await import(${JSON.stringify(join(REPO_ROOT, 'dist', 'cli', 'main.js'))});\n`)], REPO_ROOT);
    expect(cli.stdout).toContain('node_modules/yargs/');
  });
});

describe('a consumer project built from the packed tarball', { timeout: 240_000 }, () => {
  it('type-checks the README examples under strict TypeScript and runs them (ESM, the async-mutex swap, CommonJS, lockdep run, vitest)', () => {
    const { filename } = pack(['--pack-destination', dir]);
    const project = join(dir, 'shop');
    const modules = join(project, 'node_modules');
    mkdirSync(join(modules, 'lockdep'), { recursive: true });
    execFileSync('tar', ['-xzf', join(dir, filename), '-C', join(modules, 'lockdep'), '--strip-components=1']);
    // lockdep's dependencies and optional dependencies, and the consumer's own tools.
    const manifest = JSON.parse(readFileSync(join(modules, 'lockdep', 'package.json'), 'utf8')) as Record<string, Record<string, string>>;
    const linked = [...Object.keys(manifest['dependencies'] ?? {}), ...Object.keys(manifest['optionalDependencies'] ?? {}), 'vitest', 'typescript', '@types/node'];
    for (const name of linked) {
      mkdirSync(join(modules, name, '..'), { recursive: true });
      symlinkSync(join(NODE_MODULES, name), join(modules, name), 'dir');
    }
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'shop', private: true, type: 'module' }));
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({
      compilerOptions: {
        target: 'es2022', module: 'nodenext', moduleResolution: 'nodenext', strict: true,
        exactOptionalPropertyTypes: true, noUncheckedIndexedAccess: true, skipLibCheck: false,
        types: ['node'], outDir: 'build', rootDir: '.',
      },
      include: ['*.ts', '*.cts'],
    }));
    const examples = readmeExamples();
    expect([...examples.keys()].sort()).toEqual(['checkout-sim.ts', 'checkout.test.ts', 'checkout.ts', 'order.cts', 'transfer.ts']);
    for (const [name, code] of examples) writeFileSync(join(project, name), code);

    const tsc = run(process.execPath, [join(modules, 'typescript', 'bin', 'tsc'), '-p', '.'], project);
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);

    const esm = run(process.execPath, ['build/checkout.js'], project);
    expect(esm.stdout).toContain('fulfilled true');
    expect(esm.stdout).toContain('WARNING: deadlock: tasks wait for each other in a cycle');
    expect(esm.status).toBe(1);

    // The async-mutex swap: plain node, the default runtime reports the ABBA order at exit.
    expect(examples.get('transfer.ts')).toContain("import { Mutex } from 'lockdep/async-mutex';");
    const swap = run(process.execPath, ['build/transfer.js'], project);
    expect(swap.stdout).toBe('rent paid\nrefund\n');
    expect(swap.stderr.split('\n').filter((line) => line.startsWith('['))).toEqual([
      expect.stringMatching(/^\[error\] circular-dependency: possible circular locking dependency: Mutex@build\/transfer\.js:3:18 -> Mutex@build\/transfer\.js:4:17 -> Mutex@build\/transfer\.js:3:18 /),
    ]);
    expect(swap.status).toBe(1);

    const cjs = run(process.execPath, ['build/order.cjs'], project);
    expect(cjs.stderr).toBe('');
    expect(cjs.stdout).toBe('0 findings\n');

    const cli = run(process.execPath, [join(modules, 'lockdep', 'bin', 'lockdep.js'), 'run', 'checkout-sim.ts'], project);
    expect(cli.stdout).toContain('possible circular locking dependency: cart -> stock -> cart');
    expect(cli.status).toBe(1);

    const vitest = run(process.execPath, [join(modules, 'vitest', 'vitest.mjs'), 'run', 'checkout.test.ts'], project);
    expect(vitest.stdout).toMatch(/1 passed/);
    expect(vitest.status).toBe(0);
  });
});
