import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FINDING_KINDS } from '../../src/engine/finding.js';
import { SPAWN_TIMEOUT_MS, runCli, runCliInProcess } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'lockdep-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function traceFile(name: string, lines: readonly string[]): string {
  const path = join(dir, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

/** Asserts a usage/input error: exit 2, nothing on stdout, exactly one line on stderr, no stack. */
function expectOneLineError(run: { status: number | null; stdout: string; stderr: string }): string {
  expect(run.status).toBe(2);
  expect(run.stdout).toBe('');
  const lines = run.stderr.split('\n').filter((line) => line !== '');
  expect(lines).toHaveLength(1);
  expect(run.stderr).not.toMatch(/^\s+at /m);
  return lines[0] ?? '';
}

const HEADER = '{"format":"lockdep-trace","version":1}';
const AB = [
  '{"op":"acquire","task":"t1","lock":"A","site":"ab_path+0x1/0x10"}',
  '{"op":"acquire","task":"t1","lock":"B","site":"ab_path+0x2/0x10"}',
  '{"op":"release","task":"t1","lock":"B"}',
  '{"op":"release","task":"t1","lock":"A"}',
];
const BA = [
  '{"op":"acquire","task":"t2","lock":"B","site":"ba_path+0x1/0x10"}',
  '{"op":"acquire","task":"t2","lock":"A","site":"ba_path+0x2/0x10"}',
  '{"op":"release","task":"t2","lock":"A"}',
  '{"op":"release","task":"t2","lock":"B"}',
];

describe('lockdep check: verdicts and exit codes', () => {
  it('exits 0 on a clean trace and prints the summary line', async () => {
    const run = await runCliInProcess(['check', 'examples/clean.jsonl']);
    expect(run.status).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/^lockdep: 15 events, 2 tasks, 3 classes, 2 dependencies; no findings\n$/);
  });

  it('exits 1 on the ABBA example with the kernel-style report, both witnesses and the scenario', async () => {
    const run = await runCliInProcess(['check', 'examples/abba.jsonl']);
    expect(run.status).toBe(1);
    const out = run.stdout;
    expect(out).toContain('======================================================\nWARNING: possible circular locking dependency detected\n');
    expect(out).toContain('evictor/2 is trying to acquire lock:\ncache0.lock (&cache->lock){+.+.}, at: cache_drop_entry+0x14/0x50');
    expect(out).toContain('but task is already holding lock:\npool0.lock (&pool->lock){+.+.}, at: pool_evict+0x20/0xb0');
    expect(out).toContain('the existing dependency chain (in reverse order) is:');
    // witness of the existing edge (flusher/1) and of the closing edge (evictor/2), with trace lines
    expect(out).toContain('-> #1 (&pool->lock){+.+.}:\n       flusher/1 took (&pool->lock) at pool_put_dirty+0x2a/0x70 [examples/abba.jsonl:5]');
    expect(out).toContain('while holding (&cache->lock), taken at cache_flush+0x1c/0x120 [examples/abba.jsonl:4]');
    expect(out).toContain('-> #0 (&cache->lock){+.+.}:\n       evictor/2 took (&cache->lock) at cache_drop_entry+0x14/0x50 [examples/abba.jsonl:9]');
    expect(out).toContain('while holding (&pool->lock), taken at pool_evict+0x20/0xb0 [examples/abba.jsonl:8]');
    expect(out).toContain(
      '       CPU0                    CPU1\n       ----                    ----\n  lock(&pool->lock);\n                               lock(&cache->lock);\n                               lock(&pool->lock);\n  lock(&cache->lock);\n\n *** DEADLOCK ***',
    );
    expect(out).toContain('1 lock held by evictor/2:\n #0: pool0.lock (&pool->lock){+.+.}, at: pool_evict+0x20/0xb0');
    expect(out).toMatch(/lockdep: 12 events, 2 tasks, 2 classes, 2 dependencies; 1 finding \(1 error, 0 warnings, 0 info\)\n$/);
    expect(out).not.toContain('\u001b[');
  });

  it.each([
    ['examples/recursive.jsonl', 'WARNING: possible recursive locking detected'],
    ['examples/bad-unlock.jsonl', 'WARNING: bad unlock balance detected!'],
    ['examples/held-at-exit.jsonl', 'WARNING: handler/5 still has locks held!'],
  ])('exits 1 on %s', async (file, header) => {
    const run = await runCliInProcess(['check', file]);
    expect(run.status).toBe(1);
    expect(run.stdout).toContain(header);
  });

  it('validates each file from an empty graph', async () => {
    const half1 = traceFile('half1.jsonl', [HEADER, ...AB]);
    const half2 = traceFile('half2.jsonl', [HEADER, ...BA]);
    const both = traceFile('both.jsonl', [HEADER, ...AB, ...BA]);
    const separate = await runCliInProcess(['check', half1, half2]);
    expect(separate.status).toBe(0);
    expect(separate.stdout).toContain(`  ${half1}: 4 events, 1 task, 2 classes, 1 dependency; 0 findings`);
    expect(separate.stdout).toContain('in 2 traces; no findings');
    const together = await runCliInProcess(['check', both]);
    expect(together.status).toBe(1);
    expect(together.stdout).toContain('WARNING: possible circular locking dependency detected');
    // a finding in one file among several still fails the run, and is attributed to its file
    const mixed = await runCliInProcess(['check', '--format', 'json', half1, both]);
    expect(mixed.status).toBe(1);
    const result = JSON.parse(mixed.stdout);
    expect(result.traces.map((t: { file: string }) => t.file)).toEqual([half1, both]);
    expect(result.traces[0].summary.violations).toBe(0);
    expect(result.traces[1].summary.violations).toBe(1);
    expect(result.violations[0].events.every((e: { file: string }) => e.file === both)).toBe(true);
  });
});

describe('lockdep check --format json', () => {
  it('prints the spec result shape', async () => {
    const run = await runCliInProcess(['check', '--format', 'json', 'examples/abba.jsonl']);
    expect(run.status).toBe(1);
    const result = JSON.parse(run.stdout);
    expect(Object.keys(result).slice(0, 3)).toEqual(['version', 'violations', 'summary']);
    expect(result.version).toBe(1);
    expect(result.violations).toHaveLength(1);
    const v = result.violations[0];
    expect(Object.keys(v).slice(0, 7)).toEqual(['kind', 'rule', 'severity', 'fingerprint', 'message', 'classes', 'events']);
    expect(FINDING_KINDS).toContain(v.kind);
    expect(v.kind).toBe('circular-dependency');
    expect(v.rule).toBeNull();
    expect(v.severity).toBe('error');
    expect(v.fingerprint).toMatch(/\S/);
    expect(v.message).not.toContain('\n');
    expect([...v.classes].sort()).toEqual(['&cache->lock', '&pool->lock']);
    for (const event of v.events) {
      expect(event.file).toBe('examples/abba.jsonl');
      expect(Number.isInteger(event.line)).toBe(true);
      expect(typeof event.task).toBe('string');
    }
    expect(v.events.map((e: { line: number }) => e.line).sort()).toEqual([4, 5, 8, 9]);
    expect(v.chain).toHaveLength(2);
    expect(result.summary).toMatchObject({ events: 12, tasks: 2, classes: 2, dependencies: 2, violations: 1 });
    expect(result.traces).toBeUndefined();
  });

  it('has the same fingerprint when line numbers change', async () => {
    const abba = readFileSync('examples/abba.jsonl', 'utf8').split('\n');
    const shifted = traceFile('shifted.jsonl', [abba[0] ?? '', '', '', ...abba.slice(1)]);
    const a = JSON.parse((await runCliInProcess(['check', '--format', 'json', 'examples/abba.jsonl'])).stdout);
    const b = JSON.parse((await runCliInProcess(['check', '--format', 'json', shifted])).stdout);
    expect(b.violations[0].events[0].line).not.toBe(a.violations[0].events[0].line);
    expect(b.violations[0].fingerprint).toBe(a.violations[0].fingerprint);
  });

  it('prints an empty violation list for a clean trace', async () => {
    const run = await runCliInProcess(['check', '--format', 'json', 'examples/clean.jsonl']);
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ version: 1, violations: [], summary: { violations: 0 } });
  });
});

describe('lockdep check: input errors', () => {
  it('names file:line, prints one line, exits 2 and no stack', async () => {
    const bad = traceFile('bad.jsonl', [HEADER, AB[0] ?? '', '{"op":"acquire","task":"t1"}']);
    const line = expectOneLineError(await runCliInProcess(['check', bad]));
    expect(line).toBe(`${bad}:3: acquire event is missing required field "lock" (a string or number)`);
  });

  it.each([
    // The column is 1-based and points at the offending character (here the second `"`).
    ['invalid JSON', '{"op" "acquire"}', ":2:7: invalid JSON: expected ':' after a key (each line must be one JSON object)"],
    ['truncated JSON', '{"op":', ':2:7: invalid JSON: unexpected end of input (each line must be one JSON object)'],
    ['an unknown op', '{"op":"grab","task":"t","lock":"A"}', ':2: unknown op "grab"'],
    ['a subclass out of range', '{"op":"acquire","task":"t","lock":"A","subclass":9}', ':2: acquire: field "subclass" must be an integer from 0 to 7'],
  ])('reports %s', async (_name, text, expected) => {
    const bad = traceFile(`bad-${_name.replace(/\W/g, "-")}.jsonl`, [HEADER, text]);
    expect(expectOneLineError(await runCliInProcess(['check', bad]))).toContain(`${bad}${expected}`);
  });

  it('reports a too-new header version', async () => {
    const bad = traceFile('v2.jsonl', ['{"format":"lockdep-trace","version":2}', ...AB]);
    expect(expectOneLineError(await runCliInProcess(['check', bad]))).toContain(`${bad}:1: trace format version 2 is newer`);
  });

  it('reports a missing file', async () => {
    const missing = join(dir, 'nope.jsonl');
    expect(expectOneLineError(await runCliInProcess(['check', missing]))).toBe(`${missing}: cannot read trace: no such file`);
  });

  it('reports a directory given as a trace (not an internal error)', async () => {
    expect(expectOneLineError(await runCliInProcess(['check', dir]))).toBe(`${dir}: cannot read trace: is a directory, not a trace file`);
  });

  it('prints the stack with --debug', async () => {
    const bad = traceFile('bad-debug.jsonl', ['{"op":"nope"}']);
    const run = await runCliInProcess(['check', '--debug', bad]);
    expect(run.status).toBe(2);
    expect(run.stderr.split('\n')[0]).toBe(`${bad}:1: unknown op "nope" (expected one of: init, acquire, release, sync, irq, free, assert, access, might-sleep, exit)`);
    expect(run.stderr).toMatch(/^\s+at /m);
  });
});

describe('lockdep command line', () => {
  it('--help lists commands and examples', async () => {
    const run = await runCliInProcess(['--help']);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('lockdep check <trace...>');
    expect(run.stdout).toContain('Examples:');
    expect(run.stdout).toContain('lockdep check examples/abba.jsonl');
    expect(run.stdout).toContain('Exit codes: 0 clean, 1 error-severity findings, 2 usage');
  });

  it('check --help lists the options and examples of check', async () => {
    const run = await runCliInProcess(['check', '--help']);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('--format');
    expect(run.stdout).toContain('--max-depth');
    expect(run.stdout).toContain('Examples:');
    expect(run.stdout).toContain('machine-readable result');
  });

  it('--version prints the package version', async () => {
    const run = await runCliInProcess(['--version']);
    expect(run.status).toBe(0);
    const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
    expect(run.stdout.trim()).toBe(pkg.version);
  });

  it.each([
    [[], 'no command given'],
    [['chek', 'x.jsonl'], 'Did you mean check?'],
    [['check'], 'Not enough non-option arguments'],
    [['check', '--no-such-option', 'examples/clean.jsonl'], 'Unknown argument'],
    [['check', '--format', 'xml', 'examples/clean.jsonl'], 'unknown format'],
    [['check', '--max-depth', '0', 'examples/clean.jsonl'], '--max-depth must be a positive integer, got 0'],
    [['check', '--max-depth', 'many', 'examples/clean.jsonl'], '--max-depth must be a positive integer'],
    [['check', '-', '-'], '"-" (standard input) can be given only once'],
    [['check', '--input-format', 'xml', 'examples/clean.jsonl'], 'Invalid values: Argument: input-format, Given: "xml"'],
  ])('usage error %j exits 2 with one line', async (args, message) => {
    const line = expectOneLineError(await runCliInProcess(args));
    expect(line.startsWith('lockdep: ')).toBe(true);
    expect(line).toContain(message);
  });

  it('--max-depth limits the held-lock depth', async () => {
    const deep = traceFile('deep.jsonl', [
      '{"op":"acquire","task":"t","lock":"A"}',
      '{"op":"acquire","task":"t","lock":"B"}',
      '{"op":"acquire","task":"t","lock":"C"}',
    ]);
    expect((await runCliInProcess(['check', deep])).status).toBe(0);
    const limited = await runCliInProcess(['check', '--max-depth', '2', deep]);
    expect(limited.status).toBe(1);
    expect(limited.stdout).toContain('BUG: MAX_LOCK_DEPTH too low!');
  });
});

describe('the built binary (process boundary)', { timeout: SPAWN_TIMEOUT_MS }, () => {
  it('reads a trace from standard input with "-"', () => {
    const run = runCli(['check', '-'], { input: readFileSync('examples/abba.jsonl', 'utf8') });
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('[<stdin>:5]');
  });

  it.each([
    [['check', 'examples/clean.jsonl'], 0],
    [['check', 'examples/abba.jsonl'], 1],
    [['check', '--max-depth', '0', 'examples/clean.jsonl'], 2],
  ])('lockdep %j exits %i with the output of the in-process run', async (args, status) => {
    const spawned = runCli(args);
    expect(spawned.status).toBe(status);
    expect(spawned.signal).toBeNull();
    const inProcess = await runCliInProcess(args);
    expect(inProcess.status).toBe(status);
    expect({ stdout: spawned.stdout, stderr: spawned.stderr }).toEqual({ stdout: inProcess.stdout, stderr: inProcess.stderr });
  });
});
