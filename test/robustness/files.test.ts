/**
 * Output files are never lost or half-written (the CLI in-process; spawned for SIGINT):
 *  - results, saved graphs, baselines (written, and pruned in place) are replaced by rename of
 *    a temporary file: a hard link to the old file keeps the old bytes, and no temporary is left;
 *  - an interrupted run (SIGINT while it reads a trace) exits 130 and leaves every existing
 *    output file as it was;
 *  - an output whose directory is missing is refused before the check starts, so nothing is
 *    written (a baseline is not pruned);
 *  - `-o` (or `-f FORMAT:FILE`, `--save-graph`, `baseline -o`, `run --record`) pointing at any
 *    input of the command is refused with exit 2 and the input is untouched, also through a
 *    symbolic link.
 */
import { spawn } from 'node:child_process';
import { existsSync, linkSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { BIN, SPAWN_TIMEOUT_MS, runCliInProcess } from '../cli/run-cli.js';

const root = join(import.meta.dirname, '..', '..');
const base = mkdtempSync(join(tmpdir(), 'lockdep-files-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

let dir = base;
let caseNo = 0;
beforeEach(() => {
  dir = join(base, `case${caseNo++}`);
  mkdirSync(dir);
  writeFileSync(join(dir, 'lockdep.config.yaml'), '{}\n');
  writeFileSync(join(dir, 'abba.jsonl'), readFileSync(join(root, 'examples', 'abba.jsonl')));
});

function run(...args: string[]) {
  return runCliInProcess(args, { cwd: dir, env: { CI: '1' } });
}

const read = (name: string): string => readFileSync(join(dir, name), 'utf8');
const temporaries = (): string[] => readdirSync(dir).filter((name) => name.endsWith('.tmp'));

/** Creates `name` with old content and a hard link `name.old` to the same inode. */
function oldFileWithLink(name: string, content = 'old content\n'): void {
  writeFileSync(join(dir, name), content);
  linkSync(join(dir, name), join(dir, `${name}.old`));
}

describe('atomic output files', () => {
  it('results, saved graphs and baselines replace the old file by rename (a hard link keeps the old bytes)', async () => {
    oldFileWithLink('out.json');
    oldFileWithLink('graph.json');
    const checked = await run('check', '-f', 'json:out.json', '--save-graph', 'graph.json', 'abba.jsonl');
    expect(checked.status, checked.stderr).toBe(1);
    expect(JSON.parse(read('out.json')).violations[0].kind).toBe('circular-dependency');
    expect(JSON.parse(read('graph.json')).format).toBe('lockdep-graph');
    expect(read('out.json.old')).toBe('old content\n');
    expect(read('graph.json.old')).toBe('old content\n');

    oldFileWithLink('baseline.json');
    const written = await run('baseline', '-o', 'baseline.json', 'abba.jsonl');
    expect(written.status, written.stderr).toBe(0);
    expect(JSON.parse(read('baseline.json')).findings).toHaveLength(1);
    expect(read('baseline.json.old')).toBe('old content\n');
    expect(temporaries()).toEqual([]);
  });

  it('--prune-baseline rewrites the baseline by rename too', async () => {
    const stale = { format: 'lockdep-baseline', version: 1, findings: [{ fingerprint: '0000stale', kind: 'circular-dependency', rule: null, classes: ['x', 'y'] }] };
    oldFileWithLink('baseline.json', `${JSON.stringify(stale, null, 2)}\n`);
    const pruned = await run('check', '--baseline', 'baseline.json', '--prune-baseline', '-f', 'json:out.json', 'abba.jsonl');
    expect(pruned.status, pruned.stderr).toBe(1);
    expect(JSON.parse(read('baseline.json')).findings).toEqual([]);
    expect(JSON.parse(read('baseline.json.old')).findings).toHaveLength(1);
    expect(temporaries()).toEqual([]);
  });

  it('an output in a missing directory is refused before the check: exit 2, one line, the baseline is not pruned', async () => {
    const stale = { format: 'lockdep-baseline', version: 1, findings: [{ fingerprint: '0000stale', kind: 'circular-dependency', rule: null, classes: ['x', 'y'] }] };
    writeFileSync(join(dir, 'baseline.json'), `${JSON.stringify(stale, null, 2)}\n`);
    const before = read('baseline.json');
    const missing = join(dir, 'missing');
    for (const [option, value, file] of [['-f', 'json:missing/out.json', 'missing/out.json'], ['--save-graph', 'missing/graph.json', 'missing/graph.json']] as const) {
      const refused = await run('check', '--baseline', 'baseline.json', '--prune-baseline', option, value, 'abba.jsonl');
      expect(refused.status, refused.stderr).toBe(2);
      expect(refused.stderr).toBe(`${file}: cannot write output: directory ${missing} does not exist (choose another path)\n`);
      expect(refused.stdout).toBe('');
      expect(read('baseline.json')).toBe(before);
    }
    // Found before any trace is read: the missing trace is never reached.
    const early = await run('check', '-f', 'json:missing/out.json', 'no-such-trace.jsonl');
    expect(early.status).toBe(2);
    expect(early.stderr).toContain('missing/out.json: cannot write output');
    expect(temporaries()).toEqual([]);
  });

  it('a write that fails (the target is a directory) is one clean line, exit 2, no temporary left', async () => {
    mkdirSync(join(dir, 'out.json'));
    const failed = await run('check', '-f', 'json:out.json', 'abba.jsonl');
    expect(failed.status).toBe(2);
    expect(failed.stderr).toMatch(/^out\.json: cannot write output: .*\n$/);
    expect(temporaries()).toEqual([]);
  });
});

describe('an interrupted run', () => {
  it('SIGINT while checking exits 130, and earlier output files are left intact', async () => {
    writeFileSync(join(dir, 'out.json'), 'result of an earlier run\n');
    writeFileSync(join(dir, 'graph.json'), 'graph of an earlier run\n');
    const child = spawn(process.execPath, [BIN, 'check', '-f', 'json:out.json', '--save-graph', 'graph.json', '-'], {
      cwd: dir,
      env: { ...process.env, NO_COLOR: '1', CI: '1' },
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const closed = new Promise<{ status: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      child.on('close', (status, signal) => resolve({ status, signal }));
    });
    // A long check: 4 MB of events, written only once the child reads them (so the CLI is
    // running, its handler installed), and standard input is never closed.
    const line = '{"op":"acquire","task":"t","lock":"a"}\n{"op":"release","task":"t","lock":"a"}\n';
    await new Promise<void>((resolve, reject) => child.stdin.write(line.repeat(50_000), (error) => (error ? reject(error) : resolve())));
    child.kill('SIGINT');
    const { status, signal } = await closed;
    expect(signal).toBeNull();
    expect(status).toBe(130);
    expect(stderr).toMatch(/^lockdep: interrupted \(exit 130\)/m);
    expect(stderr).not.toMatch(/^\s+at /m);
    expect(read('out.json')).toBe('result of an earlier run\n');
    expect(read('graph.json')).toBe('graph of an earlier run\n');
    expect(temporaries()).toEqual([]);
  }, SPAWN_TIMEOUT_MS);
});

describe('-o pointing at an input is refused', () => {
  it('for traces, saved graphs and results, baselines, rule, config and simulation files, also through a symlink', async () => {
    writeFileSync(join(dir, 'rules.yaml'), 'rules: []\n');
    writeFileSync(join(dir, 'sim.mjs'), 'export default async function () {}\n');
    expect((await run('check', '-f', 'json:result.json', '--save-graph', 'g1.json', 'abba.jsonl')).status).toBe(1);
    expect((await run('check', '--save-graph', 'g2.json', 'abba.jsonl')).status).toBe(1);
    expect((await run('baseline', '-o', 'baseline.json', 'abba.jsonl')).status).toBe(0);
    symlinkSync(join(dir, 'abba.jsonl'), join(dir, 'link.jsonl'));
    const inputs = ['abba.jsonl', 'result.json', 'g1.json', 'g2.json', 'baseline.json', 'rules.yaml', 'lockdep.config.yaml', 'sim.mjs'];
    const before = new Map(inputs.map((name) => [name, read(name)]));
    const refused: string[][] = [
      ['check', '-o', 'abba.jsonl', 'abba.jsonl'],
      ['check', '-f', 'sarif:abba.jsonl', 'abba.jsonl'],
      ['check', '--save-graph', 'abba.jsonl', 'abba.jsonl'],
      ['check', '-o', 'link.jsonl', 'abba.jsonl'],
      ['check', '-o', 'abba.jsonl', 'link.jsonl'],
      ['check', '--baseline', 'baseline.json', '-o', 'baseline.json', 'abba.jsonl'],
      ['check', '--rules', 'rules.yaml', '-o', 'rules.yaml', 'abba.jsonl'],
      ['report', 'result.json', '-o', 'result.json'],
      ['merge', 'g1.json', 'g2.json', '-o', 'g1.json'],
      ['merge', 'g1.json', 'g2.json', '--save-graph', 'g2.json'],
      ['baseline', '-o', 'abba.jsonl', 'abba.jsonl'],
      ['baseline', '--from', 'result.json', '-o', 'result.json'],
      ['baseline', '--rules', 'rules.yaml', '-o', 'rules.yaml', 'abba.jsonl'],
      ['baseline', '-o', 'lockdep.config.yaml', 'abba.jsonl'],
      ['run', 'sim.mjs', '--record', 'sim.mjs'],
      ['run', 'sim.mjs', '--rules', 'rules.yaml', '--record', 'rules.yaml'],
      ['run', 'sim.mjs', '--record', 'lockdep.config.yaml'],
    ];
    for (const args of refused) {
      const result = await run(...args);
      expect(result.status, `${args.join(' ')}: ${result.stderr}`).toBe(2);
      expect(result.stderr, args.join(' ')).toMatch(/^lockdep: .*(refusing|input).*\n$/);
      expect(result.stdout).toBe('');
      for (const [name, content] of before) expect(read(name), `${args.join(' ')} changed ${name}`).toBe(content);
    }
    expect(existsSync(join(dir, 'abba.jsonl'))).toBe(true);
    expect(temporaries()).toEqual([]);
  }, 120_000);
});
