/**
 * The importer registry (src/events/importers.ts) is the one list of trace formats: every
 * registered importer is found by detection (from text, from a file, from standard input) and
 * reads its format; an importer's byte lane, and only such a lane, reaches the engine's fast
 * entrance; and the `--input-format` choices of every command that reads traces are `auto` and
 * the registry's names, in registry order.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { classifyLine, detectFormatOfFile, detectFormatOfText } from '../../src/events/detect-format.js';
import type { TraceEvent } from '../../src/events/event.js';
import { importTrace } from '../../src/events/import-trace.js';
import { readIntoImport } from '../../src/events/importer.js';
import { IMPORTERS, INPUT_FORMATS, type InputFormat } from '../../src/events/importers.js';
import { STDIN_PATH } from '../../src/events/jsonl-reader.js';
import type { LockOpSink } from '../../src/events/lock-op-sink.js';
import { runCliInProcess } from '../cli/run-cli.js';

/**
 * A short trace per format: A then B by one task, four lock lines (a new importer without a
 * sample fails to compile). The JSONL one starts with its header: the lane never takes the first
 * line. The kernel formats name a lock's class on its line, so they add an `init` per new lock.
 */
const SAMPLES: Readonly<Record<InputFormat, string>> = {
  jsonl: ['{"format":"lockdep-trace","version":1}', '{"op":"acquire","task":"t1","lock":"A"}', '{"op":"acquire","task":"t1","lock":"B"}', '{"op":"release","task":"t1","lock":"B"}', '{"op":"release","task":"t1","lock":"A"}', ''].join('\n'),
  ftrace: [
    '            bash-1040    [004] .....    49.339892: lock_acquire: 0000000084e3738a A',
    '            bash-1040    [004] .....    49.339893: lock_acquire: 0000000084e3738b B',
    '            bash-1040    [004] .....    49.339894: lock_release: 0000000084e3738b B',
    '            bash-1040    [004] .....    49.339895: lock_release: 0000000084e3738a A',
    '',
  ].join('\n'),
  perf: [
    '            bash  1234/1236  [002]  1234.567905: lock:lock_acquire: 0xffff88810a1b2d00 A',
    '            bash  1234/1236  [002]  1234.567906: lock:lock_acquire: 0xffff88810a1b2d40 B',
    '            bash  1234/1236  [002]  1234.567907: lock:lock_release: 0xffff88810a1b2d40 B',
    '            bash  1234/1236  [002]  1234.567910: lock:lock_release: 0xffff88810a1b2d00 A',
    '',
  ].join('\n'),
  std: ['T1|acq(A)|10', 'T1|acq(B)|11', 'T1|rel(B)|12', 'T1|rel(A)|13', ''].join('\n'),
  'proc-lockdep': ['all lock classes:', 'ffff000001 FD:    2 BD:    1 ....: A', ' -> [ffff000002] B', 'ffff000002 FD:    1 BD:    2 ....: B', ''].join('\n'),
  // A console log carries lockdep's reports, not lock events: it reads into none.
  dmesg: ['[    0.000000] Linux version 6.8.0', '[    1.000000] usb 1-1: new high-speed USB device number 2', ''].join('\n'),
};

const dir = mkdtempSync(join(tmpdir(), 'lockdep-registry-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PLAIN_OPS = ['acquire', 'acquire', 'release', 'release'];
const KERNEL_OPS = ['init', 'acquire', 'init', 'acquire', 'release', 'release'];
/** The /proc/lockdep replay: its two tasks' irqs off, A declared and held, B declared and taken under it, then B's own line. */
const PROC_LOCKDEP_OPS = ['irq', 'irq', 'irq', 'irq', 'init', 'acquire', 'init', 'acquire', 'release', 'release', 'acquire', 'release'];
/** The events each sample reads into, in order. */
const SAMPLE_OPS: Readonly<Record<InputFormat, readonly string[]>> = { jsonl: PLAIN_OPS, ftrace: KERNEL_OPS, perf: KERNEL_OPS, std: PLAIN_OPS, 'proc-lockdep': PROC_LOCKDEP_OPS, dmesg: [] };

/** What an import says, without what only graph inputs add (notices, graph facts: test/importers/proc-lockdep.test.ts). */
function countsOf<T extends { notices?: unknown; graph?: unknown }>(counts: T): Omit<T, 'notices' | 'graph'> {
  const { notices: _notices, graph: _graph, ...rest } = counts;
  return rest;
}

function lineCount(format: InputFormat): number {
  return SAMPLES[format].split('\n').length - 1;
}

function sampleFile(format: InputFormat): string {
  const path = join(dir, `sample-${format}.trace`);
  writeFileSync(path, SAMPLES[format]);
  return path;
}

/** A LockOpSink that counts its calls and has no handles (every call then passes the id). */
function countingSink(): { sink: LockOpSink; calls: () => number } {
  let calls = 0;
  const count = (): void => {
    calls++;
  };
  const sink: LockOpSink = {
    acquireAt: count,
    releaseAt: count,
    mightSleepAt: count,
    irqAt: count,
    accessAt: count,
    initAt: count,
    taskHandle: () => undefined,
    lockHandle: () => undefined,
  };
  return { sink, calls: () => calls };
}

describe('importer registry', () => {
  it('names every importer once, in the order detection asks them', () => {
    expect(INPUT_FORMATS).toEqual(['jsonl', 'ftrace', 'perf', 'std', 'proc-lockdep', 'dmesg']);
    expect(new Set(INPUT_FORMATS).size).toBe(IMPORTERS.length);
  });

  it.each(IMPORTERS.map((importer) => [importer.name, importer]))('%s is detected from text, a file and standard input', async (name, importer) => {
    const text = SAMPLES[name];
    // A format told line by line claims each of its lines; one told by a whole prefix (a console log) claims none.
    for (const line of text.split('\n').filter((l) => l !== '')) expect(classifyLine(line), line).toBe(importer.detectText === undefined ? name : null);
    expect(detectFormatOfText(text, 'sample')).toBe(name);
    const path = sampleFile(name);
    expect(detectFormatOfFile(path)).toBe(name);
    const fromFile = await importTrace(path, () => undefined);
    expect(countsOf(fromFile)).toEqual({ format: name, events: SAMPLE_OPS[name].length, lines: lineCount(name) });
    const fromStdin = await importTrace(STDIN_PATH, () => undefined, { read: { input: Readable.from([Buffer.from(text)]) } });
    expect(fromStdin.format).toBe(name);
  });

  it.each(IMPORTERS.map((importer) => [importer.name, importer]))('%s reads its format into its events, by lane or as events', async (name, importer) => {
    const events: TraceEvent[] = [];
    const { sink: fast, calls } = countingSink();
    const run = importer.open({ file: 'sample' }, (event) => events.push(event), fast);
    const counts = await readIntoImport(sampleFile(name), run, 'sample');
    expect(countsOf(counts)).toEqual({ events: SAMPLE_OPS[name].length, lines: lineCount(name) });
    // With a byte lane every plain line goes to the fast entrance; without one, every line is an event.
    if (importer.hasByteLane) {
      expect(calls()).toBe(SAMPLE_OPS[name].length);
      expect(events).toEqual([]);
    } else {
      expect(calls()).toBe(0);
      expect(events.map((event) => event.op)).toEqual(SAMPLE_OPS[name]);
    }
  });

  it('has byte lanes for JSONL, ftrace, STD and the /proc/lockdep replay only', () => {
    expect(IMPORTERS.filter((importer) => importer.hasByteLane).map((importer) => importer.name)).toEqual(['jsonl', 'ftrace', 'std', 'proc-lockdep']);
  });

  it('offers detection exactly the registry: every importer, by its description and name', () => {
    let message = '';
    try {
      detectFormatOfText('hello world\n', 'mystery.log');
    } catch (error) {
      message = (error as Error).message;
    }
    for (const importer of IMPORTERS) expect(message).toContain(importer.description);
    expect(message).toContain(`(pass --input-format ${IMPORTERS.map((importer) => importer.name).join('|')})`);
  });

  it('names every format in the error for a line that fits none', () => {
    expect(() => detectFormatOfText('hello world\n', 'mystery.log')).toThrow(
      'cannot tell the trace format: this line is not spec JSONL, ftrace text, perf script output, STD, /proc/lockdep text or a kernel console log (pass --input-format jsonl|ftrace|perf|std|proc-lockdep|dmesg)',
    );
  });
});

describe('--input-format choices', () => {
  it.each([['check'], ['convert'], ['baseline']])('lockdep %s offers auto and the registry names', async (command) => {
    const run = await runCliInProcess([command, '--no-config', '--input-format', 'xml', sampleFile('jsonl')]);
    expect(run.status).toBe(2);
    const choices = /Choices: ("[^"]*"(?:, "[^"]*")*)/.exec(run.stderr)?.[1];
    expect(choices, run.stderr).toBeDefined();
    expect(choices!.split(', ').map((choice) => JSON.parse(choice) as unknown)).toEqual(['auto', ...IMPORTERS.map((importer) => importer.name)]);
  });
});
