/**
 * What the built binary loads at start-up (docs/performance.md, "Start-up"): a plain `check`
 * loads neither the rule code (zod, yaml) nor the simulation, the graph analyses, the other
 * commands or the renderers of formats it does not print; the same check with rules, a
 * baseline, another format or another command still loads what that needs, with the same
 * output. The files are recorded by a resolve hook registered with `--import`, which prints
 * every resolved URL on stderr; the binary starts from the CLI's bundle (scripts/bundle-cli.mjs),
 * so each file of the bundle loaded stands for the modules its metafile says it holds.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, REPO_ROOT, runCliInProcess, SPAWN_TIMEOUT_MS } from './run-cli.js';

const HOOKS = "export async function resolve(specifier, context, next) { const resolved = await next(specifier, context); process.stderr.write('IMPORTED ' + resolved.url + '\\n'); return resolved; }";
const REGISTER = `import { register } from 'node:module'; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(HOOKS)}`)});`;

interface RecordedRun {
  status: number | null;
  stdout: string;
  /** Loaded modules: package names, and paths under dist/ for our own. */
  modules: Set<string>;
  /** How many distinct files of the package (ours and its node_modules) were loaded. */
  files: number;
}

function runRecordingImports(args: readonly string[]): RecordedRun {
  const result = spawnSync(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(REGISTER)}`, BIN, ...args], {
    cwd: REPO_ROOT,
    env: { PATH: process.env['PATH'] ?? '', NO_COLOR: '1' },
    input: '',
    encoding: 'utf8',
    timeout: SPAWN_TIMEOUT_MS,
  });
  const modules = new Set<string>();
  const files = new Set<string>();
  const add = (path: string) => {
    const inPackage = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(path);
    if (inPackage?.[1] !== undefined) modules.add(inPackage[1]);
    else if (path.startsWith('dist/')) modules.add(path);
  };
  for (const line of result.stderr.split('\n')) {
    if (!line.startsWith('IMPORTED file://')) continue;
    const path = decodeURIComponent(line.slice('IMPORTED file://'.length));
    if (!path.startsWith(`${REPO_ROOT}/`)) continue;
    const relative = path.slice(REPO_ROOT.length + 1);
    files.add(relative);
    const bundled = bundleOutputs()[relative];
    if (bundled === undefined) add(relative);
    else for (const input of Object.keys(bundled.inputs)) add(input);
  }
  return { status: result.status, stdout: result.stdout, modules, files: files.size };
}

/** The bundle's outputs (paths from the package root) with the modules each holds, from its metafile. */
function bundleOutputs(): Record<string, { inputs: Record<string, unknown> }> {
  const meta = JSON.parse(readFileSync(join(REPO_ROOT, 'dist', 'cli-bundle', 'meta.json'), 'utf8')) as { outputs: Record<string, { inputs: Record<string, unknown> }> };
  return meta.outputs;
}

const under = (modules: Set<string>, prefix: string) => [...modules].filter((module) => module.startsWith(prefix));

const dir = mkdtempSync(join(tmpdir(), 'lockdep-startup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('start-up of the built binary', { timeout: SPAWN_TIMEOUT_MS }, () => {
  it('a plain check loads only the check: no zod, yaml, simulation, graph analyses, other commands or other renderers', async () => {
    const run = runRecordingImports(['check', '--no-config', 'examples/abba.jsonl']);
    expect(run.status).toBe(1);
    // The recorder works: the check's own modules and yargs are there.
    expect(run.modules).toContain('yargs');
    expect(run.modules).toContain('dist/cli/commands/check.js');
    expect(run.modules).toContain('dist/report/text.js');
    // It starts from the bundle: a few files read and compiled, where the modules are about 140.
    expect(run.files).toBeLessThan(40);
    expect(run.modules.size).toBeGreaterThan(100);
    for (const heavy of ['zod', 'yaml', 'graphology-dag', 'graphology-gexf']) expect(run.modules).not.toContain(heavy);
    expect(under(run.modules, 'dist/sim/')).toEqual([]);
    expect(under(run.modules, 'dist/graph/')).toEqual([]);
    expect(under(run.modules, 'dist/rules/').filter((module) => module !== 'dist/rules/config-discovery.js')).toEqual([]);
    expect(under(run.modules, 'dist/baseline/')).toEqual([]);
    expect(under(run.modules, 'dist/cli/commands/').sort()).toEqual(['dist/cli/commands/check.js', 'dist/cli/commands/index.js']);
    for (const renderer of ['html', 'sarif', 'svg-render', 'junit', 'markdown', 'graphml', 'dot', 'json']) {
      expect(run.modules).not.toContain(`dist/report/${renderer}.js`);
    }
    // Loading less changes nothing in the output.
    expect(run.stdout).toBe((await runCliInProcess(['check', '--no-config', 'examples/abba.jsonl'])).stdout);
  });

  it('what a run asks for is loaded: rules, a baseline, another format, another command', async () => {
    const withRules = runRecordingImports(['check', '--no-config', '--rules', 'rules/kvm-locking.yaml', 'examples/abba.jsonl']);
    expect(withRules.status).toBe(1);
    expect(withRules.modules).toContain('zod');
    expect(withRules.modules).toContain('yaml');
    expect(withRules.stdout).toBe((await runCliInProcess(['check', '--no-config', '--rules', 'rules/kvm-locking.yaml', 'examples/abba.jsonl'])).stdout);

    const baseline = join(dir, 'baseline.json');
    writeFileSync(baseline, JSON.stringify({ format: 'lockdep-baseline', version: 1, findings: [] }));
    const gated = runRecordingImports(['check', '--no-config', '--baseline', baseline, '-f', 'sarif', 'examples/abba.jsonl']);
    expect(gated.modules).toContain('dist/baseline/baseline-file.js');
    expect(gated.status).toBe(1);
    expect(gated.modules).toContain('dist/report/sarif.js');
    expect(gated.stdout).toBe((await runCliInProcess(['check', '--no-config', '--baseline', baseline, '-f', 'sarif', 'examples/abba.jsonl'])).stdout);

    const graph = runRecordingImports(['graph', 'cycles', 'examples/abba.jsonl']);
    expect(graph.status).toBe(0);
    expect(graph.stdout).toBe((await runCliInProcess(['graph', 'cycles', 'examples/abba.jsonl'])).stdout);
    expect(under(graph.modules, 'dist/cli/commands/').sort()).toEqual(['dist/cli/commands/graph.js', 'dist/cli/commands/index.js']);
  });

  it('help lists every command without loading them, and a command\'s help loads that command', () => {
    const help = runRecordingImports(['--help']);
    expect(help.status).toBe(0);
    for (const command of ['check', 'rules', 'run', 'report', 'baseline', 'merge', 'convert', 'graph']) expect(help.stdout).toContain(`lockdep ${command} `);
    expect(under(help.modules, 'dist/cli/commands/')).toEqual(['dist/cli/commands/index.js']);
    const mergeHelp = runRecordingImports(['merge', '--help']);
    expect(mergeHelp.stdout).toContain('--save-graph');
    // merge shares check's option and config helpers, and loads nothing of the other commands.
    expect(under(mergeHelp.modules, 'dist/cli/commands/').sort()).toEqual(['dist/cli/commands/check.js', 'dist/cli/commands/index.js', 'dist/cli/commands/merge.js']);
  });
});
