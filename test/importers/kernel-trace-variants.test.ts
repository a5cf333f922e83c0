/**
 * The layouts of kernel traces besides the plain trace file, on fixtures written from each
 * tool's format: `perf script` (default with callchains, the -F variants, inline ip/sym),
 * `trace-cmd report -R` (raw fields in any order) and `-l` (latency: CPU and flags without
 * brackets), lost-event notes of both tools, function_graph rows, a file whose first event is a
 * function-tracer call, user stack traces, and lines that only look like lock events.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { checkTrace } from '../../src/check/check-trace.js';
import { runConvert } from '../../src/cli/commands/convert.js';
import type { EventOrigin, TraceEvent } from '../../src/events/event.js';
import { detectFormatOfFile } from '../../src/events/detect-format.js';
import { FtraceParser } from '../../src/events/ftrace-reader.js';
import { importTrace } from '../../src/events/import-trace.js';
import { InputError } from '../../src/io/input-error.js';
import { STDIN_PATH } from '../../src/events/jsonl-reader.js';
import { PerfScriptParser } from '../../src/events/perf-script-reader.js';

const fixture = (name: string): string => join(import.meta.dirname, 'fixtures', name);

async function imported(name: string): Promise<{ events: TraceEvent[]; origins: EventOrigin[]; warnings: string[]; format: string }> {
  const events: TraceEvent[] = [];
  const origins: EventOrigin[] = [];
  const warnings: string[] = [];
  const stats = await importTrace(fixture(name), (event, origin) => {
    events.push(event);
    origins.push(origin);
  }, { onWarning: (message, origin) => warnings.push(`${origin.line}: ${message}`) });
  return { events, origins, warnings, format: stats.format };
}

const acquires = (events: TraceEvent[]): TraceEvent[] => events.filter((e) => e.op === 'acquire').map(({ ts: _ts, ...rest }) => rest as TraceEvent);

describe('perf script', () => {
  it('is detected, and a callchain below an event becomes its stack (from the caller of lock_acquire; module frames keep [mod])', async () => {
    expect(detectFormatOfFile(fixture('perf-callchain-abba.txt'))).toBe('perf');
    const { events, origins, format } = await imported('perf-callchain-abba.txt');
    expect(format).toBe('perf');
    const first = events.find((e) => e.op === 'acquire')!;
    expect(first).toMatchObject({ task: 'kworker/1:2/187', lock: '0xffff888103a4c0d8', stack: ['__mutex_lock+0x93', 'foo_probe+0x33 [foo]'] });
    expect(origins[events.indexOf(first)]!.line).toBe(6);
    // The sched_switch callchain is not attached to anything.
    expect(events.filter((e) => e.op === 'acquire' && (e.stack ?? []).includes('__schedule+0x3c2'))).toEqual([]);
  });

  it('finds the ABBA between the two tasks (exit 1)', async () => {
    const result = await checkTrace(fixture('perf-callchain-abba.txt'));
    expect(result.violations.map((v) => [v.kind, [...v.classes].sort()])).toEqual([['circular-dependency', ['&dev->lock', '&dev->mutex']]]);
  });

  it('is detected on a stream too (perf script | lockdep check -), with the same events as from the file', async () => {
    const fromFile = await imported('perf-callchain-abba.txt');
    const events: TraceEvent[] = [];
    const text = readFileSync(fixture('perf-callchain-abba.txt'), 'utf8');
    const stats = await importTrace(STDIN_PATH, (event) => events.push(event), { read: { input: Readable.from([text.slice(0, 700), text.slice(700)]) } });
    expect(stats.format).toBe('perf');
    expect(events).toEqual(fromFile.events);
  });

  it('convert --input-format perf writes spec JSONL that checks to the same findings', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lockdep-perf-'));
    try {
      const out = join(dir, 'perf.jsonl');
      await runConvert({ trace: fixture('perf-callchain-abba.txt'), output: out, inputFormat: 'perf', config: false });
      const direct = await checkTrace(fixture('perf-callchain-abba.txt'), { inputFormat: 'perf' });
      const converted = await checkTrace(out);
      expect(converted.violations.map((v) => v.fingerprint)).toEqual(direct.violations.map((v) => v.fingerprint));
      expect(converted.violations).toHaveLength(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads the -F variants: pid/tid, a period, no comm and no CPU, ip/sym inline', async () => {
    const { events, warnings } = await imported('perf-fields.txt');
    expect(acquires(events)).toEqual([
      { op: 'acquire', task: 'bash/1236', lock: '0xffff88810a1b2c40', try: true },
      { op: 'acquire', task: 'bash/1236', lock: '0xffff88810a1b2d00', mode: 'read' },
      { op: 'acquire', task: '1240', lock: '0xffff88810a1b2e00' },
    ]);
    expect(events.find((e) => e.op === 'init' && e.lock === '0xffff88810a1b2c40')).toMatchObject({ class: '&p->pi_lock' });
    expect(warnings).toEqual(['1: 2 lock events of RCU read-side maps skipped (the kernel acquires them with check=0, unvalidated); the first is here']);
  });

  it('names file:line for a malformed lock line and for a line of no perf shape', () => {
    const parser = new PerfScriptParser({ file: 'p.txt' }, () => undefined);
    expect(() => parser.line('  bash  12 [000]  1.000001: lock:lock_acquire:', 1)).toThrow(InputError);
    expect(() => parser.line('  bash  12 [000]  1.000001: lock:lock_release: ', 2)).toThrow(
      expect.objectContaining({ file: 'p.txt', line: 2, message: 'lock_release without a lock class name (expected "lock_release: <addr> <class>")' }),
    );
    expect(() => parser.line('garbage here', 3)).toThrow(/^not a perf script line/);
  });
});

describe('trace-cmd report', () => {
  it('-R: raw fields in any order, flags bit 0 = try, bit 1 = read', async () => {
    const { events, format } = await imported('trace-cmd-raw.txt');
    expect(format).toBe('ftrace');
    expect(acquires(events)).toEqual([
      { op: 'acquire', task: 'bash/1234', lock: '0xffff8881003c2a40', mode: 'read' },
      { op: 'acquire', task: 'bash/1234', lock: '0xffff888100aa0000', try: true },
    ]);
    expect(events.filter((e) => e.op === 'release').map((e) => (e as { lock: string }).lock)).toEqual(['0xffff888100aa0000', '0xffff8881003c2a40']);
  });

  it('-l: CPU and flags without brackets, and both tools\' lost-event notes', async () => {
    const { events, warnings } = await imported('trace-cmd-latency.txt');
    expect(events.map((e) => (e.op === 'irq' ? `${e.task} irq ${e.kind} ${e.action}` : e.op))).toEqual([
      'bash/1234 irq hardirq disable',
      'init',
      'acquire',
      'release',
      'swapper/3/0 irq hardirq enter',
      'acquire',
      'release',
    ]);
    expect(warnings).toEqual([
      '4: the ring buffer of CPU 2 lost 12 events; held-lock state after this line may be wrong (record with a larger buffer_size_kb)',
      '7: the ring buffer of CPU 3 dropped events; held-lock state after this line may be wrong (record with a larger buffer_size_kb)',
    ]);
  });
});

describe('ftrace lines that are not lock events', () => {
  it('detects a file whose first event is a function-tracer call, by its prefix', () => {
    expect(detectFormatOfFile(fixture('ftrace-function-first.txt'))).toBe('ftrace');
  });

  it('skips function calls (lock_acquire <-parent too), syscall lines, trace_marker; the kernel stack joins the event, the user stack does not', async () => {
    const { events } = await imported('ftrace-function-first.txt');
    expect(acquires(events)).toEqual([
      // The probe and lock_acquire itself are dropped: the stack starts at the locking code.
      { op: 'acquire', task: 'bash/1234', lock: '00000000a1b2c3d4', stack: ['_raw_spin_lock_irqsave'] },
    ]);
    expect(events.filter((e) => e.op === 'release')).toHaveLength(1);
  });

  it('counts lock events inside function_graph rows and says so once (a graph-only file is ftrace)', async () => {
    expect(detectFormatOfFile(fixture('ftrace-function-graph.txt'))).toBe('ftrace');
    const { events, warnings } = await imported('ftrace-function-graph.txt');
    expect(events).toEqual([]);
    expect(warnings).toEqual([
      '6: 2 lock events inside function_graph rows skipped (record the lock tracepoints with the nop or function tracer to check them); the first is here',
    ]);
  });

  it('keeps a damaged lock line an input error, with or without the prefix', () => {
    const parser = new FtraceParser({ file: 'd.txt' }, () => undefined);
    parser.line('  bash-1 [000] ..... 1.0: sys_setpgid -> 0x0', 1);
    expect(() => parser.line('  bash-1 [000] ..... 1.1: lock_release:', 2)).toThrow(InputError);
    expect(() => parser.line('  bash-1 [000] ..... 1.2: lock_acquire:   ', 3)).toThrow(
      expect.objectContaining({ file: 'd.txt', line: 3, message: 'lock_acquire without a lock class name (expected "lock_acquire: <addr> [try ][read ]<class>")' }),
    );
    expect(() => parser.line('bash-1 [zz] lock_acquire: 0000000000000001 &x', 4)).toThrow(/^malformed lock event line/);
  });
});
