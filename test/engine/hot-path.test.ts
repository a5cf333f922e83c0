/**
 * The validator's shortest paths for the byte lanes (engine/hot-path.ts): a program of lock
 * operations given through the lane entrance (`acquireAt`/`releaseAt`... with cached handles, as a
 * lane passes them) gives exactly what the same operations give as TraceEvents through
 * `process()`: every finding with its witnesses, the summary and the graph snapshot. The programs
 * mix lock types and modes, trylocks, out-of-order releases, irq contexts and irq state changes,
 * might-sleep, re-initialised locks, and a small depth limit, so that every condition that sends
 * an operation off the shortest paths occurs.
 */
import { describe, expect, test as vitest } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { Validator } from '../../src/engine/validator.js';
import type { LockInstance, TaskState } from '../../src/engine/held-lock.js';
import type { IrqAction, IrqKind, LockType, TraceEvent } from '../../src/events/event.js';
import type { LockOpMode } from '../../src/events/lock-op-sink.js';

const TASKS = ['t1', 't2'];
const LOCKS = ['A', 'B', 'C', 'D'];
const TYPES: LockType[] = ['mutex', 'spinlock', 'rwsem', 'rwlock'];
const MODES = ['write', 'read', 'recursive-read'] as const;

type Op =
  | { op: 'acquire'; task: string; lock: string; mode: LockOpMode; try: boolean }
  | { op: 'release'; task: string; lock: string }
  | { op: 'irq'; task: string; kind: IrqKind; action: IrqAction }
  | { op: 'might-sleep'; task: string }
  | { op: 'init'; lock: string; type: LockType };

const task = fc.constantFrom(...TASKS);
const lock = fc.constantFrom(...LOCKS);
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ op: fc.constant('acquire' as const), task, lock, mode: fc.constantFrom<LockOpMode>(0, 0, 1, 2), try: fc.boolean() }) },
  { weight: 8, arbitrary: fc.record({ op: fc.constant('release' as const), task, lock }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('irq' as const), task, kind: fc.constantFrom<IrqKind>('hardirq', 'softirq'), action: fc.constantFrom<IrqAction>('enter', 'exit', 'disable', 'enable') }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('might-sleep' as const), task }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('init' as const), lock, type: fc.constantFrom(...TYPES) }) },
);

function asEvent(o: Op, site: number): TraceEvent {
  switch (o.op) {
    case 'acquire': {
      const event: TraceEvent = { op: 'acquire', task: o.task, lock: o.lock, site: String(site) };
      if (o.mode !== 0) event.mode = MODES[o.mode];
      if (o.try) event.try = true;
      return event;
    }
    case 'release':
      return { op: 'release', task: o.task, lock: o.lock, site: String(site) };
    case 'irq':
      return { op: 'irq', task: o.task, kind: o.kind, action: o.action, site: String(site) };
    case 'might-sleep':
      return { op: 'might-sleep', task: o.task, site: String(site) };
    case 'init':
      return { op: 'init', lock: o.lock, class: o.lock, type: o.type };
  }
}

/** The lane entrance as a lane uses it: a cached handle while it is alive, else the id (then the new handle). */
function throughLanes(ops: readonly Op[], maxDepth: number): Validator {
  const v = new Validator({ file: 'f', maxDepth });
  const tasks = new Map<string, TaskState | undefined>();
  const locks = new Map<string, LockInstance | undefined>();
  const taskOf = (id: string): TaskState | string => {
    const handle = tasks.get(id);
    return handle !== undefined && handle.alive ? handle : id;
  };
  const lockOf = (id: string): LockInstance | string => {
    const handle = locks.get(id);
    return handle !== undefined && handle.alive ? handle : id;
  };
  ops.forEach((o, i) => {
    const line = i + 1;
    if (o.op === 'init') {
      v.initAt(o.lock, o.lock, o.type, 'f', line);
      return;
    }
    const t = taskOf(o.task);
    if (o.op === 'acquire' || o.op === 'release') {
      const l = lockOf(o.lock);
      if (o.op === 'acquire') v.acquireAt(t, l, o.mode, o.try, line, 'f', line);
      else v.releaseAt(t, l, line, 'f', line);
      if (typeof l === 'string') locks.set(o.lock, v.lockHandle(o.lock));
    } else if (o.op === 'irq') {
      v.irqAt(t, o.kind, o.action, line, 'f', line);
    } else {
      v.mightSleepAt(t, line, 'f', line);
    }
    if (typeof t === 'string') tasks.set(o.task, v.taskHandle(o.task));
  });
  v.end();
  return v;
}

function throughEvents(ops: readonly Op[], maxDepth: number): Validator {
  const v = new Validator({ file: 'f', maxDepth });
  ops.forEach((o, i) => v.process(asEvent(o, i + 1), { file: 'f', line: i + 1 }));
  v.end();
  return v;
}

describe('the lanes’ shortest paths', () => {
  /** Every lock declared first with a type of its own, so spinning and sleeping locks meet. */
  const declared = fc.tuple(...LOCKS.map(() => fc.constantFrom(...TYPES))).map((types) =>
    types.map((type, i): Op => ({ op: 'init', lock: LOCKS[i]!, type })),
  );

  test.prop([declared, fc.array(op, { maxLength: 150 }), fc.constantFrom(2, 3, 48)], { numRuns: 400 })(
    'give what the same operations give as events',
    (inits, program, maxDepth) => {
      const ops = [...inits, ...program];
      const lanes = throughLanes(ops, maxDepth);
      const events = throughEvents(ops, maxDepth);
      expect(lanes.result()).toEqual(events.result());
      expect(lanes.snapshot()).toEqual(events.snapshot());
    },
  );

  const acquire = (t: string, l: string): Op => ({ op: 'acquire', task: t, lock: l, mode: 0, try: false });
  const release = (t: string, l: string): Op => ({ op: 'release', task: t, lock: l });

  vitest('a spinlock taken on a known chain makes the task atomic (a mutex then is sleep-in-atomic)', () => {
    const ops: Op[] = [
      { op: 'init', lock: 'A', type: 'spinlock' },
      acquire('t1', 'A'), release('t1', 'A'),
      acquire('t1', 'A'), acquire('t1', 'B'), release('t1', 'B'), release('t1', 'A'),
    ];
    const lanes = throughLanes(ops, 48);
    expect(lanes.result()).toEqual(throughEvents(ops, 48).result());
    expect(lanes.result().violations.map((v) => v.kind)).toEqual(['sleep-in-atomic']);
  });

  vitest('a known chain taken with irqs enabled, first seen with them disabled, still marks the enabled usage', () => {
    const irq = (action: IrqAction): Op => ({ op: 'irq', task: 't1', kind: 'hardirq', action });
    const ops: Op[] = [
      { op: 'init', lock: 'A', type: 'spinlock' },
      irq('disable'), acquire('t1', 'A'), release('t1', 'A'), irq('enable'),
      acquire('t1', 'A'), release('t1', 'A'),
      // A in hardirq context after it was taken with irqs enabled: an inconsistent lock state.
      irq('enter'), acquire('t1', 'A'), release('t1', 'A'), irq('exit'),
    ];
    const lanes = throughLanes(ops, 48);
    expect(lanes.snapshot()).toEqual(throughEvents(ops, 48).snapshot());
    expect(lanes.result()).toEqual(throughEvents(ops, 48).result());
    expect(lanes.result().violations.length).toBe(1);
  });
});
