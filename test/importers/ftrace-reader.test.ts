/**
 * The ftrace importer on fixtures written from the kernel's formats: lock_acquire's
 * TP_printk("%p %s%s%s") with "try " / "read ", the trace_print_lat_fmt flags column
 * (irqs-off, need-resched, hardirq/softirq, preempt depth), trace-cmd report's layout, the
 * old address-less format, stack traces, lost events, NMI and process lifecycle lines.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EventOrigin, LockType, TraceEvent } from '../../src/events/event.js';
import { FtraceParser, readFtraceFile } from '../../src/events/ftrace-reader.js';
import type { FtraceReaderOptions } from '../../src/events/ftrace-reader.js';
import { InputError } from '../../src/io/input-error.js';
import { Validator } from '../../src/engine/validator.js';

const fixture = (name: string): string => join(import.meta.dirname, 'fixtures', name);

function read(name: string, options: Partial<FtraceReaderOptions> = {}): { events: TraceEvent[]; origins: EventOrigin[] } {
  const events: TraceEvent[] = [];
  const origins: EventOrigin[] = [];
  readFtraceFile(fixture(name), { file: name, ...options }, (event, origin) => {
    events.push(event);
    origins.push(origin);
  });
  return { events, origins };
}

function parse(lines: string[], options: Partial<FtraceReaderOptions> = {}): TraceEvent[] {
  const events: TraceEvent[] = [];
  const parser = new FtraceParser({ file: 'inline.txt', ...options }, (event) => events.push(event));
  lines.forEach((line, i) => parser.line(line, i + 1));
  parser.end();
  return events;
}

function check(name: string, classTypes?: Map<string, LockType>): string[] {
  const validator = new Validator({ file: name });
  readFtraceFile(fixture(name), { file: name, ...(classTypes ? { classTypes } : {}) }, (event, origin) => validator.process(event, origin));
  validator.end();
  return validator.findings.map((finding) => finding.kind);
}

const withoutTs = (events: TraceEvent[]): TraceEvent[] => events.map(({ ts: _ts, ...rest }) => rest as TraceEvent);

describe('ftrace importer: lock lines', () => {
  it('maps lock_acquire/lock_release to init + acquire/release per task, with file:line origins', () => {
    const { events, origins } = read('ftrace-abba.txt');
    expect(withoutTs(events.slice(0, 4))).toEqual([
      { op: 'init', lock: '00000000a1b2c3d4', class: '&mm->mmap_lock', type: 'map' },
      { op: 'acquire', task: 'bash/1234', lock: '00000000a1b2c3d4' },
      { op: 'init', lock: '00000000b2c3d4e5', class: '&sb->s_type->i_mutex_key#3', type: 'map' },
      { op: 'acquire', task: 'bash/1234', lock: '00000000b2c3d4e5' },
    ]);
    expect(origins[1]).toEqual({ file: 'ftrace-abba.txt', line: 13 });
    expect(events[1]!.ts).toBe(100.0001);
    // A comm with '-' in it still splits at the pid.
    expect(events.filter((e) => e.op === 'acquire').map((e) => (e as { task: string }).task)).toEqual([
      'bash/1234', 'bash/1234', 'kworker/u4:2-events/87', 'kworker/u4:2-events/87',
    ]);
  });

  it('finds the ABBA between two tasks of a real-looking trace', () => {
    expect(check('ftrace-abba.txt')).toEqual(['circular-dependency']);
  });

  it('reads the try and read flags, choosing recursive-read where the kernel does', () => {
    const classTypes = new Map<string, LockType>([['tasklist_lock', 'rwlock'], ['&sig->rwsem', 'rwsem'], ['&rq->__lock', 'spinlock']]);
    const acquires = read('ftrace-flags.txt', { classTypes }).events.filter((e) => e.op === 'acquire');
    expect(withoutTs(acquires)).toEqual([
      { op: 'acquire', task: 'kworker/0:1/42', lock: '00000000deadbeef', try: true },
      // read_lock in process context: queued rwlocks are not recursive there (read=1).
      { op: 'acquire', task: 'kworker/0:1/42', lock: '00000000feedface', mode: 'read' },
      // read_lock in softirq context: read_lock_is_recursive() (read=2).
      { op: 'acquire', task: 'kworker/0:1/42', lock: '00000000feedface', mode: 'recursive-read' },
      { op: 'acquire', task: 'kworker/0:1/42', lock: '0000000011112222', mode: 'read', try: true },
    ]);
  });

  it('keeps plain read for classes without a configured type', () => {
    const acquires = read('ftrace-flags.txt').events.filter((e) => e.op === 'acquire' && e.mode !== undefined);
    expect(acquires.map((e) => (e as { mode: string }).mode)).toEqual(['read', 'read', 'read']);
  });

  it('types classes from the class-to-type map, so sleeping checks work', () => {
    const classTypes = new Map<string, LockType>([['&dev->lock', 'spinlock'], ['&dev->mutex', 'mutex']]);
    const events = parse([
      ' bash-1234 [000] ...1. 1.000001: lock_acquire: 0000000000000001 &dev->lock',
      ' bash-1234 [000] ...1. 1.000002: lock_acquire: 0000000000000002 &dev->mutex',
    ], { classTypes });
    expect(events.filter((e) => e.op === 'init')).toEqual([
      { op: 'init', lock: '0000000000000001', class: '&dev->lock', type: 'spinlock' },
      { op: 'init', lock: '0000000000000002', class: '&dev->mutex', type: 'mutex' },
    ]);
    const validator = new Validator({ file: 'inline.txt' });
    for (const event of events) validator.process(event);
    expect(validator.findings.map((f) => f.kind)).toEqual(['sleep-in-atomic']);
  });

  it('reads trace-cmd report lines and attaches a following <stack trace> to the event', () => {
    const { events } = read('ftrace-trace-cmd.txt');
    const acquire = events.find((e) => e.op === 'acquire');
    expect(acquire).toMatchObject({ task: 'bash/1234', lock: '0xffff8881003c2a40', ts: 12345.678901 });
    // lock_acquire itself is the tracing machinery: the stack starts at its caller.
    expect(acquire!.stack).toEqual(['down_read+0x44/0x180', 'do_user_addr_fault+0x1c7/0x7a0']);
    expect(events.find((e) => e.op === 'release')!.stack).toBeUndefined();
  });

  it('ignores the stack trace of a non-lock event', () => {
    const events = parse([
      ' bash-1 [000] ..... 1.1: sched_switch: prev_comm=bash prev_pid=1 ==> next_comm=x next_pid=2',
      ' bash-1 [000] ..... 1.2: <stack trace>',
      ' => __schedule+0x2f0/0x8a0',
      ' => schedule+0x5e/0xd0',
      ' bash-1 [000] ..... 1.3: lock_acquire: 0000000000000001 &x->lock',
    ]);
    expect(withoutTs(events)).toEqual([
      { op: 'init', lock: '0000000000000001', class: '&x->lock', type: 'map' },
      { op: 'acquire', task: 'bash/1', lock: '0000000000000001' },
    ]);
  });

  it('reads the old address-less format (instance = class name)', () => {
    const events = withoutTs(read('ftrace-old-format.txt').events.filter((e) => e.op === 'acquire' || e.op === 'release'));
    expect(events).toEqual([
      { op: 'acquire', task: 'bash/1234', lock: '&mm->mmap_sem' },
      { op: 'acquire', task: 'bash/1234', lock: '&mapping->i_mmap_rwsem', mode: 'read', try: true },
      { op: 'release', task: 'bash/1234', lock: '&mapping->i_mmap_rwsem' },
      { op: 'release', task: 'bash/1234', lock: '&mm->mmap_sem' },
    ]);
  });

  it('infers the nesting subclass for a second instance of a held class', () => {
    const lines = [
      ' bash-1 [000] ..... 1.1: lock_acquire: 00000000000000a1 &rq->__lock',
      ' bash-1 [000] ..... 1.2: lock_acquire: 00000000000000a2 &rq->__lock',
      ' bash-1 [000] ..... 1.3: lock_release: 00000000000000a2 &rq->__lock',
      ' bash-1 [000] ..... 1.4: lock_release: 00000000000000a1 &rq->__lock',
    ];
    const acquires = parse(lines).filter((e) => e.op === 'acquire');
    expect(acquires.map((e) => (e as { subclass?: number }).subclass)).toEqual([undefined, 1]);
    expect(parse(lines, { inferSubclass: false }).filter((e) => e.op === 'acquire').every((e) => (e as { subclass?: number }).subclass === undefined)).toBe(true);
  });

  it('keeps each held lock with its class when a lock is released out of stack order', () => {
    const lines = [
      ' bash-1 [000] ..... 1.1: lock_acquire: 00000000000000a1 &rq->__lock',
      ' bash-1 [000] ..... 1.2: lock_acquire: 00000000000000b1 &p->pi_lock',
      ' bash-1 [000] ..... 1.3: lock_acquire: 00000000000000a2 &rq->__lock',
      // Out of stack order: the two &rq->__lock instances stay held, below and at the top.
      ' bash-1 [000] ..... 1.4: lock_release: 00000000000000b1 &p->pi_lock',
      ' bash-1 [000] ..... 1.5: lock_acquire: 00000000000000a3 &rq->__lock',
    ];
    const acquires = parse(lines).filter((e) => e.op === 'acquire');
    expect(acquires.map((e) => (e as { subclass?: number }).subclass)).toEqual([undefined, undefined, 1, 2]);
  });

  it('skips NMI-context lock events and the RCU read-side maps (check=0 in the kernel)', () => {
    const parser = new FtraceParser({ file: 'x' }, () => undefined);
    [
      ' perf-9 [000] d.Z1. 1.1: lock_acquire: 0000000000000001 &x->lock',
      ' perf-9 [000] ..... 1.2: lock_acquire: 0000000000000002 rcu_read_lock',
      ' perf-9 [000] ..... 1.3: lock_release: 0000000000000002 rcu_read_lock',
    ].forEach((line, i) => parser.line(line, i + 1));
    parser.end();
    expect(parser.stats).toMatchObject({ lockEvents: 2, skippedLockEvents: 3, events: 0 });
  });

  it('skips releases of locks taken before the trace began', () => {
    const parser = new FtraceParser({ file: 'x' }, () => undefined);
    parser.line(' bash-1 [000] ..... 1.1: lock_release: 0000000000000001 &x->lock', 1);
    parser.end();
    expect(parser.stats).toMatchObject({ events: 0, unmatchedReleases: 1 });
  });

  it('ends a task on sched_process_free', () => {
    const events = parse([
      ' worker-77 [000] ..... 1.1: lock_acquire: 0000000000000001 &x->lock',
      ' rcuc/0-16 [000] ..s.. 1.2: sched_process_free: comm=worker pid=77 prio=120',
    ]);
    expect(events.at(-1)).toEqual({ op: 'exit', task: 'worker/77' });
  });
});

describe('ftrace importer: the irq-flags column', () => {
  it('turns h into hardirq enter/exit around the handler\'s lock events', () => {
    const events = withoutTs(read('ftrace-irq.txt').events);
    expect(events.slice(0, 4)).toEqual([
      { op: 'irq', task: 'swapper/1/0', kind: 'hardirq', action: 'enter' },
      { op: 'init', lock: '00000000c0ffee00', class: '&dev->lock', type: 'map' },
      { op: 'acquire', task: 'swapper/1/0', lock: '00000000c0ffee00' },
      { op: 'release', task: 'swapper/1/0', lock: '00000000c0ffee00' },
    ]);
    // No disable event in the handler: interrupts being off there is implied by the context.
    expect(events.filter((e) => e.op === 'irq' && e.action === 'disable')).toEqual([]);
  });

  it('reports an irq-safe lock taken with interrupts enabled (inconsistent lock state)', () => {
    expect(check('ftrace-irq.txt', new Map([['&dev->lock', 'spinlock']]))).toEqual(['inconsistent-lock-state']);
  });

  it('is silent when process context takes it with interrupts off (d)', () => {
    const events = withoutTs(read('ftrace-irqsave.txt').events).filter((e) => e.op === 'irq' && e.task === 'bash/1234');
    expect(events).toEqual([
      { op: 'irq', task: 'bash/1234', kind: 'hardirq', action: 'disable' },
      { op: 'irq', task: 'bash/1234', kind: 'hardirq', action: 'enable' },
    ]);
    expect(check('ftrace-irqsave.txt', new Map([['&dev->lock', 'spinlock']]))).toEqual([]);
  });

  it('handles softirq, bottom halves off (b), both off (D) and a hardirq inside a softirq (H)', () => {
    const events = parse([
      ' t-5 [000] ..s1. 1.1: softirq_entry: vec=3 [action=NET_RX]',
      ' t-5 [000] d.H2. 1.2: irq_handler_entry: irq=9 name=acpi',
      ' t-5 [000] ..s1. 1.3: softirq_exit: vec=3 [action=NET_RX]',
      ' t-5 [000] b.... 1.4: sched_waking: comm=x pid=6',
      ' t-5 [000] D.... 1.5: sched_waking: comm=x pid=6',
      ' t-5 [000] ..... 1.6: sched_waking: comm=x pid=6',
    ]);
    expect(events.map((e) => (e.op === 'irq' ? `${e.kind}:${e.action}` : e.op))).toEqual([
      'softirq:enter',
      'hardirq:enter',
      'hardirq:exit',
      'softirq:exit',
      'softirq:disable',
      'hardirq:disable',
      'hardirq:enable',
      'softirq:enable',
    ]);
  });
});

describe('ftrace importer: errors and warnings', () => {
  it('names file:line for a malformed lock line', () => {
    const parser = new FtraceParser({ file: 'bad.txt' }, () => undefined);
    parser.line(' bash-1 [000] ..... 1.1: lock_acquire: 0000000000000001 &x->lock', 1);
    expect(() => parser.line(' bash-1 [000] ..... 1.2: lock_acquire: ', 2)).toThrow(InputError);
    try {
      parser.line(' bash-1 [000] ..... 1.2: lock_acquire: ', 2);
    } catch (error) {
      expect(String(error)).toMatch(/^bad\.txt:2: lock_acquire without a lock class name/);
    }
  });

  it('rejects a line that is not an event once events have started', () => {
    const parser = new FtraceParser({ file: 'bad.txt' }, () => undefined);
    parser.line(' bash-1 [000] ..... 1.1: lock_acquire: 0000000000000001 &x->lock', 1);
    expect(() => parser.line('this is not ftrace', 7)).toThrow(/^not an ftrace event line/);
    try {
      parser.line('this is not ftrace', 7);
    } catch (error) {
      expect(error).toBeInstanceOf(InputError);
      expect(String(error)).toBe('bad.txt:7: not an ftrace event line: expected "comm-pid [cpu] flags timestamp: event: ...", got "this is not ftrace"');
    }
  });

  it('warns about lost events with file:line', () => {
    const warnings: string[] = [];
    const parser = new FtraceParser({ file: 'lost.txt', onWarning: (m, o) => warnings.push(`${o.file}:${o.line}: ${m}`) }, () => undefined);
    parser.line(' bash-1 [000] ..... 1.1: lock_acquire: 0000000000000001 &x->lock', 1);
    parser.line('CPU:1 [LOST 4096 EVENTS]', 2);
    expect(parser.stats.lostEvents).toBe(4096);
    expect(warnings).toEqual([
      'lost.txt:2: the ring buffer of CPU 1 lost 4096 events; held-lock state after this line may be wrong (record with a larger buffer_size_kb)',
    ]);
  });

  it('says at the end how many lock events it skipped of each kind, and where the first was', () => {
    const warnings: string[] = [];
    const events: TraceEvent[] = [];
    const parser = new FtraceParser({ file: 'skips.txt', onWarning: (m, o) => warnings.push(`${o.file}:${o.line}: ${m}`) }, (e) => events.push(e));
    const lines = [
      ' bash-1 [000] ..... 1.1: lock_release: 0000000000000009 &held->before',
      ' perf-9 [000] d.Z1. 1.2: lock_acquire: 0000000000000001 &x->lock',
      ' bash-1 [000] ..... 1.3: lock_acquire: 0000000000000002 rcu_read_lock',
      ' bash-1 [000] ..... 1.4: lock_release: 0000000000000002 rcu_read_lock',
      ' bash-1 [000] ..... 1.5: lock_acquire: 0000000000000003 &y->lock',
      ' bash-1 [000] ..... 1.6: lock_release: 0000000000000003 &y->lock',
      ' bash-1 [000] ..... 1.7: lock_release: 0000000000000003 &y->lock',
    ];
    lines.forEach((line, i) => parser.line(line, i + 1));
    expect(warnings).toEqual([]); // said once, at the end
    parser.end();
    expect(events.map((e) => e.op)).toEqual(['init', 'acquire', 'release']);
    expect(parser.stats).toMatchObject({ nmiLockEvents: 1, unvalidatedLockEvents: 2, unmatchedReleases: 2, skippedLockEvents: 3 });
    expect(warnings).toEqual([
      'skips.txt:1: 2 lock_releases of locks the task was not seen taking skipped (held since before the trace began, or a double unlock the trace cannot tell apart); the first is here',
      'skips.txt:2: 1 lock event in NMI context skipped (lockdep does not record NMI acquisitions); the first is here',
      'skips.txt:3: 2 lock events of RCU read-side maps skipped (the kernel acquires them with check=0, unvalidated); the first is here',
    ]);
  });
});
