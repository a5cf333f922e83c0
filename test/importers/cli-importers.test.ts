/**
 * The importers through the CLI (in-process; spawned where standard input is read):
 * `check --input-format` (and detection), config `classTypes`, `convert` (stdout, -o written
 * atomically, stdin), and input errors (exit 2, one line naming file:line).
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type CliRun, SPAWN_TIMEOUT_MS, runCli, runCliInProcess } from '../cli/run-cli.js';

const fixture = (name: string): string => join(import.meta.dirname, 'fixtures', name);

/** Runs the CLI in-process, or spawns the built binary when the test feeds standard input. */
async function lockdep(args: string[], options: { cwd?: string; input?: string } = {}): Promise<CliRun> {
  return options.input === undefined ? runCliInProcess(args, options) : runCli(args, options);
}

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'lockdep-importers-'));
});

describe('lockdep check on imported formats', { timeout: SPAWN_TIMEOUT_MS }, () => {
  it('detects ftrace and reports the ABBA (exit 1)', async () => {
    const run = await lockdep(['check', fixture('ftrace-abba.txt'), '--format', 'json', '--no-config']);
    expect(run.status).toBe(1);
    const result = JSON.parse(run.stdout) as { violations: { kind: string; classes: string[] }[] };
    expect(result.violations.map((v) => v.kind)).toEqual(['circular-dependency']);
    expect(result.violations[0]!.classes.sort()).toEqual(['&mm->mmap_lock', '&sb->s_type->i_mutex_key#3']);
  });

  it('takes class types from lockdep.config.yaml (irq-safe spinlock taken with irqs on)', async () => {
    const dir = mkdtempSync(join(work, 'cfg-'));
    writeFileSync(join(dir, 'lockdep.config.yaml'), "classTypes:\n  '&dev->lock': spinlock\n");
    const run = await lockdep(['check', fixture('ftrace-irq.txt'), '--format', 'json'], { cwd: dir });
    expect(run.status).toBe(1);
    expect((JSON.parse(run.stdout) as { violations: { kind: string }[] }).violations.map((v) => v.kind)).toEqual(['inconsistent-lock-state']);
    expect((await lockdep(['check', fixture('ftrace-irqsave.txt'), '--format', 'json'], { cwd: dir })).status).toBe(0);
  });

  it('reads STD with --input-format std and by detection', async () => {
    for (const args of [['--input-format', 'std'], []]) {
      const run = await lockdep(['check', fixture('std-abba.std'), '--format', 'json', '--no-config', ...args]);
      expect(run.status).toBe(1);
      expect((JSON.parse(run.stdout) as { summary: { events: number } }).summary.events).toBe(8);
    }
  });

  it('a wrong --input-format is an input error at file:line (exit 2)', async () => {
    const run = await lockdep(['check', fixture('std-abba.std'), '--input-format', 'jsonl', '--no-config']);
    expect(run.status).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/std-abba\.std:1(:1)?: invalid JSON/);
  });

  it('an unknown --input-format value is a usage error (exit 2)', async () => {
    const run = await lockdep(['check', fixture('std-abba.std'), '--input-format', 'csv', '--no-config']);
    expect(run.status).toBe(2);
  });

  it('a file in no known format names its first unknown line', async () => {
    const file = join(work, 'mystery.log');
    writeFileSync(file, 'hello\n');
    const run = await lockdep(['check', file, '--no-config']);
    expect(run.status).toBe(2);
    expect(run.stderr.trim()).toBe(`${file}:1: cannot tell the trace format: this line is not spec JSONL, ftrace text, perf script output, STD, /proc/lockdep text or a kernel console log (pass --input-format jsonl|ftrace|perf|std|proc-lockdep|dmesg)`);
  });

  it('detects the format of standard input', async () => {
    const run = await lockdep(['check', '-', '--format', 'json', '--no-config'], { input: readFileSync(fixture('ftrace-abba.txt'), 'utf8') });
    expect(run.status).toBe(1);
    const jsonl = await lockdep(['check', '-', '--format', 'json', '--no-config'], { input: '{"op":"acquire","task":1,"lock":"a"}\n{"op":"release","task":1,"lock":"a"}\n' });
    expect(jsonl.status).toBe(0);
  });
});

describe('lockdep convert', { timeout: SPAWN_TIMEOUT_MS }, () => {
  it('writes spec JSONL that checks to the same findings', async () => {
    const out = join(work, 'abba.jsonl');
    const run = await lockdep(['convert', fixture('ftrace-abba.txt'), '-o', out, '--no-config']);
    expect(run.status).toBe(0);
    const lines = readFileSync(out, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines[0]).toMatchObject({ format: 'lockdep-trace', version: 1 });
    expect(lines[1]).toEqual({ op: 'init', lock: '00000000a1b2c3d4', class: '&mm->mmap_lock', type: 'map' });
    const direct = JSON.parse((await lockdep(['check', fixture('ftrace-abba.txt'), '--format', 'json', '--no-config'])).stdout) as { violations: { fingerprint: string }[] };
    const converted = JSON.parse((await lockdep(['check', out, '--format', 'json', '--no-config'])).stdout) as { violations: { fingerprint: string }[] };
    expect(converted.violations.map((v) => v.fingerprint)).toEqual(direct.violations.map((v) => v.fingerprint));
  });

  it('writes to stdout without -o and reads stdin', async () => {
    const run = await lockdep(['convert', '-', '--no-config'], { input: 'T1|acq(A)|1\nT1|rel(A)|2\n' });
    expect(run.status).toBe(0);
    expect(run.stdout.trim().split('\n').slice(1)).toEqual([
      '{"op":"acquire","task":"T1","lock":"A","site":"1"}',
      '{"op":"release","task":"T1","lock":"A","site":"2"}',
    ]);
  });

  it('leaves no output file behind when the input is bad', async () => {
    const dir = mkdtempSync(join(work, 'bad-'));
    const input = join(dir, 'bad.std');
    writeFileSync(input, 'T1|acq(A)|1\nT1|acq()|2\n');
    const run = await lockdep(['convert', input, '-o', join(dir, 'out.jsonl'), '--no-config']);
    expect(run.status).toBe(2);
    expect(run.stderr.trim()).toBe(`${input}:2: acq needs an argument, e.g. acq(L1)`);
    expect(readdirSync(dir)).toEqual(['bad.std']);
  });
});
