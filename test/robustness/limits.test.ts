/**
 * Limits: lines over 1 MB in every text format, a million tasks and a million lock instances
 * (generated as a stream, never an array), held depth far beyond the limit, 100k classes, and
 * the capacity limits (`--max-classes`, `--max-tasks`, `--max-locks`) stopping a check with one
 * clear line. Ended tasks and freed locks are forgotten at once: a stream of a million tasks (or
 * locks) that each end passes under a limit of 10 live ones. These tests count live entries, not
 * bytes; memory itself is measured by `npm run bench`, never by a test.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { checkTrace } from '../../src/check/check-trace.js';
import type { CheckTraceOptions } from '../../src/check/check-trace.js';
import { Validator } from '../../src/engine/validator.js';
import type { CheckResult } from '../../src/engine/result.js';
import { InputError } from '../../src/io/input-error.js';
import { runCliInProcess } from '../cli/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'lockdep-limits-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const MB = 1 << 20;

/** Lines of a generated trace as a stream of ~4k-line chunks. */
function* lines(count: number, line: (i: number) => string): Generator<string> {
  const batch: string[] = [];
  for (let i = 0; i < count; i++) {
    batch.push(line(i));
    if (batch.length === 4096) {
      yield batch.join('');
      batch.length = 0;
    }
  }
  if (batch.length > 0) yield batch.join('');
}

function checkStream(name: string, chunks: Iterable<string>, options: CheckTraceOptions = {}): Promise<CheckResult> {
  return checkTrace('-', { ...options, read: { input: Readable.from(chunks), displayName: name } });
}

async function inputError(promise: Promise<unknown>): Promise<InputError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('expected an InputError');
}

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('lines over 1 MB', () => {
  const longName = `class-${'x'.repeat(1.5 * MB)}`;

  it('JSONL: a 1.5 MB class name is checked and kept whole; a 1.5 MB bad line is a clean error', async () => {
    const trace = file('long.jsonl', [
      JSON.stringify({ op: 'acquire', task: 't', lock: 'a', class: longName }),
      JSON.stringify({ op: 'acquire', task: 't', lock: 'b' }),
      JSON.stringify({ op: 'exit', task: 't' }),
      '',
    ].join('\n'));
    const result = await checkTrace(trace);
    expect(result.violations.map((f) => f.kind)).toEqual(['held-lock-at-exit']);
    expect(result.violations[0]?.classes[0]).toBe(longName);
    const bad = file('long-bad.jsonl', `{"op":"exit","task":"t"}\n{"op":"acquire","task":"${'y'.repeat(1.5 * MB)}\n`);
    const error = await inputError(checkTrace(bad));
    expect(error.line).toBe(2);
    expect(error.toString()).toMatch(/^.*long-bad\.jsonl:2(:\d+)?: invalid JSON/);
  });

  it('ftrace: a 1.5 MB class name is imported; a 1.5 MB line of spaces is rejected without backtracking', async () => {
    const line = (op: string, name: string): string => `  kworker/0:1-42  [000] .....  100.000001: ${op}: ffff888003c1a0b8 ${name}`;
    const trace = file('long.trace', `${line('lock_acquire', longName)}\n${line('lock_release', longName)}\n`);
    const result = await checkTrace(trace, { inputFormat: 'ftrace' });
    expect(result.summary.classes).toBe(1);
    expect(result.violations).toEqual([]);
    // Spaces then a non-space: a pattern like /^\s*.*-\d+/ would take minutes here.
    const hostile = file('spaces.trace', `${line('lock_acquire', 'a')}\n${' '.repeat(1.5 * MB)}x\n`);
    const error = await inputError(checkTrace(hostile, { inputFormat: 'ftrace' }));
    expect(error.line).toBe(2);
    const detect = file('spaces-detect.txt', `${' '.repeat(1.5 * MB)}x-1 [0]\n`);
    // Detection sees only the first 64 kB (blank): the JSONL reader then rejects line 1 cleanly.
    expect((await inputError(checkTrace(detect))).toString()).toMatch(/spaces-detect\.txt:1(:\d+)?: /);
  });

  it('STD: a 1.5 MB lock name is imported; a 1.5 MB line without fields is a clean error', async () => {
    const trace = file('long.std', `T1|acq(${longName})|1\nT1|rel(${longName})|2\n`);
    const result = await checkTrace(trace, { inputFormat: 'std' });
    expect(result.summary.classes).toBe(1);
    const bad = file('long-bad.std', `T1|acq(L)|1\n${'z'.repeat(1.5 * MB)}\n`);
    const error = await inputError(checkTrace(bad, { inputFormat: 'std' }));
    expect(error.line).toBe(2);
    expect(error.toString().length).toBeLessThan(400);
  });
});

describe('millions of tasks and locks: ended ones are forgotten, so a limit of 10 live ones holds', () => {
  it('a million tasks that each end: checked in full under a limit of 10 live tasks', async () => {
    const chunks = lines(1_000_000, (i) => `{"op":"might-sleep","task":${i}}\n{"op":"exit","task":${i}}\n`);
    const result = await checkStream('tasks.jsonl', chunks, { limits: { tasks: 10 } });
    expect(result.summary.events).toBe(2_000_000);
    expect(result.summary.tasks).toBe(1_000_000);
    expect(result.violations).toEqual([]);
  }, 120_000);

  it('a million lock instances that are each freed: checked in full under a limit of 10 live instances', async () => {
    const chunks = lines(1_000_000, (i) => `{"op":"init","lock":${i},"class":"C"}\n{"op":"free","task":"t","lock":${i}}\n`);
    const result = await checkStream('locks.jsonl', chunks, { limits: { locks: 10 } });
    expect(result.summary.events).toBe(2_000_000);
    expect(result.violations).toEqual([]);
  }, 120_000);

  it('live tasks and locks beyond a configured limit stop the check with file:line and the flag to raise', async () => {
    const tasks = await inputError(checkStream('live.jsonl', lines(50_000, (i) => `{"op":"acquire","task":${i},"lock":"a"}\n`), { limits: { tasks: 20_000 } }));
    expect(tasks.toString()).toBe('live.jsonl:20001: the live task limit (20000) is reached; nothing was dropped, the check stops here (raise it with --max-tasks)');
    const locks = await inputError(checkStream('live.jsonl', lines(50_000, (i) => `{"op":"init","lock":${i},"class":"C"}\n`), { limits: { locks: 30_000 } }));
    expect(locks.toString()).toBe('live.jsonl:30001: the live lock instance limit (30000) is reached; nothing was dropped, the check stops here (raise it with --max-locks)');
  }, 60_000);
});

describe('held depth beyond the limit', () => {
  it('100k nested locks: one lock-depth-exceeded finding; holds beyond the limit are still tracked', () => {
    const validator = new Validator({ file: 'deep.jsonl' });
    const depth = 100_000;
    for (let i = 0; i < depth; i++) validator.process({ op: 'acquire', task: 't', lock: `L${i}` });
    // Released in stack order: every release matches a hold (no bad unlock balance).
    for (let i = depth - 1; i >= 0; i--) validator.process({ op: 'release', task: 't', lock: `L${i}` });
    // And deep again, then exit while holding: the held-at-exit report names them.
    for (let i = 0; i < 60; i++) validator.process({ op: 'acquire', task: 't', lock: `L${i}` });
    validator.process({ op: 'exit', task: 't' });
    validator.end();
    const kinds = validator.findings.map((f) => f.kind);
    expect(kinds).toEqual(['lock-depth-exceeded', 'held-lock-at-exit']);
    expect(validator.findings[0]?.message).toMatch(/limit 48\).*not validated.*--max-depth/);
    expect(validator.findings[1]?.classes).toHaveLength(60);
  }, 60_000);

  it('the same lock taken recursively 100k times: recursive-locking and lock-depth-exceeded, once each', () => {
    const validator = new Validator({ file: 'rec.jsonl' });
    for (let i = 0; i < 100_000; i++) validator.process({ op: 'acquire', task: 't', lock: 'same' });
    for (let i = 0; i < 100_000; i++) validator.process({ op: 'release', task: 't', lock: 'same' });
    validator.process({ op: 'release', task: 't', lock: 'same' });
    validator.end();
    expect(validator.findings.map((f) => f.kind).sort()).toEqual(['bad-unlock-balance', 'lock-depth-exceeded', 'recursive-locking']);
  }, 60_000);
});

describe('100k classes', () => {
  const pairs = (count: number): Generator<string> =>
    lines(count, (i) => `{"op":"acquire","task":"t","lock":"a${i}"}\n{"op":"acquire","task":"t","lock":"b${i}"}\n{"op":"release","task":"t","lock":"b${i}"}\n{"op":"release","task":"t","lock":"a${i}"}\n`);

  it('are all kept, with their dependencies', async () => {
    const result = await checkStream('classes.jsonl', pairs(50_000));
    expect(result.summary.classes).toBe(100_000);
    expect(result.summary.dependencies).toBe(50_000);
    expect(result.violations).toEqual([]);
  }, 120_000);

  it('reaching --max-classes stops with a clear message at the line of the first class too many', async () => {
    const error = await inputError(checkStream('classes.jsonl', pairs(50_000), { limits: { classes: 60_000 } }));
    // Class 60001 is b30000's... a30000 is the 60001st class: line 4 * 30000 + 1.
    expect(error.toString()).toBe('classes.jsonl:120001: the lock class limit (60000) is reached; nothing was dropped, the check stops here (raise it with --max-classes)');
  }, 120_000);
});

describe('capacity flags on the command line', () => {
  const run = (...args: string[]) => runCliInProcess(args, { cwd: dir });

  it('--max-classes, --max-tasks and --max-locks exit 2 with one line naming file:line and the flag', async () => {
    const trace = file('flags.jsonl', [...lines(300, (i) => `{"op":"init","lock":"l${i}","class":"C${i}"}\n{"op":"acquire","task":"t${i}","lock":"l${i}"}\n`)].join(''));
    const cases: [string, string, RegExp][] = [
      ['--max-classes', '100', /^flags\.jsonl:202: the lock class limit \(100\) is reached; .*--max-classes\)\n$/],
      ['--max-tasks', '50', /^flags\.jsonl:102: the live task limit \(50\) is reached; .*--max-tasks\)\n$/],
      ['--max-locks', '20', /^flags\.jsonl:41: the live lock instance limit \(20\) is reached; .*--max-locks\)\n$/],
    ];
    for (const [flag, value, message] of cases) {
      const result = await run('check', flag, value, 'flags.jsonl');
      expect(result.status, result.stderr).toBe(2);
      expect(result.stderr).toMatch(message);
    }
    expect((await run('check', '--max-classes', '300', '--max-tasks', '300', '--max-locks', '300', trace)).status).toBe(0);
    const bad = await run('check', '--max-tasks', '0', 'flags.jsonl');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^lockdep: --max-tasks must be a positive integer, got 0/);
    expect((await run('check', '--help')).stdout).toMatch(/--max-classes[\s\S]*--max-tasks[\s\S]*--max-locks/);
  }, 60_000);
});
