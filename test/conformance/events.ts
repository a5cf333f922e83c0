/**
 * Event builders for the conformance catalog: one function per trace-format event, plus the
 * selftest's context brackets (HI/SI/IRQOFF/BHOFF). Pure; every case runs on the single task
 * `t` unless a builder is given another one, as the kernel selftest runs on one CPU.
 * Invariant: builders emit only fields of docs/trace-format.md (plus the `percpu` extension).
 */
import type {
  AcquireEvent,
  FreeEvent,
  InitEvent,
  IrqAction,
  IrqEvent,
  IrqKind,
  LockMode,
  LockType,
  MightSleepEvent,
  ReleaseEvent,
  TraceEvent,
} from '../../src/events/event.js';

export const TASK = 't';

/** One lock instance and the class/type its `init` declares. */
export interface LockDef {
  lock: string;
  class: string;
  type: LockType;
  percpu?: boolean;
}

export function def(lock: string, cls: string, type: LockType, percpu = false): LockDef {
  return percpu ? { lock, class: cls, type, percpu: true } : { lock, class: cls, type };
}

export function init(d: LockDef): InitEvent {
  const event: InitEvent = { op: 'init', lock: d.lock, class: d.class, type: d.type };
  if (d.percpu === true) event.percpu = true;
  return event;
}

export interface AcquireOptions {
  try?: boolean;
  subclass?: number;
  nest?: string;
  task?: string;
}

export function acq(lock: string, mode: LockMode, options: AcquireOptions = {}): AcquireEvent {
  const event: AcquireEvent = { op: 'acquire', task: options.task ?? TASK, lock, mode };
  if (options.try === true) event.try = true;
  if (options.subclass !== undefined) event.subclass = options.subclass;
  if (options.nest !== undefined) event.nest = options.nest;
  return event;
}

export function rel(lock: string, task: string = TASK): ReleaseEvent {
  return { op: 'release', task, lock };
}

export function free(lock: string, task: string = TASK): FreeEvent {
  return { op: 'free', task, lock };
}

export function mightSleep(task: string = TASK): MightSleepEvent {
  return { op: 'might-sleep', task };
}

export function irq(kind: IrqKind, action: IrqAction, task: string = TASK): IrqEvent {
  return { op: 'irq', task, kind, action };
}

function bracket(kind: IrqKind, open: IrqAction, close: IrqAction, body: TraceEvent[]): TraceEvent[] {
  return [irq(kind, open), ...body, irq(kind, close)];
}

/** `HI{...}`: inside a simulated hardirq handler. */
export const HI = (...body: TraceEvent[]): TraceEvent[] => bracket('hardirq', 'enter', 'exit', body);
/** `SI{...}`: inside a simulated softirq. */
export const SI = (...body: TraceEvent[]): TraceEvent[] => bracket('softirq', 'enter', 'exit', body);
/** `IRQOFF{...}`: local_irq_disable ... local_irq_enable in process context. */
export const IRQOFF = (...body: TraceEvent[]): TraceEvent[] => bracket('hardirq', 'disable', 'enable', body);
/** `BHOFF{...}`: local_bh_disable ... local_bh_enable in process context. */
export const BHOFF = (...body: TraceEvent[]): TraceEvent[] => bracket('softirq', 'disable', 'enable', body);

/** `LU(x)`: acquire and release. */
export function lu(lock: string, mode: LockMode, options: AcquireOptions = {}): TraceEvent[] {
  return [acq(lock, mode, options), rel(lock, options.task ?? TASK)];
}

/** `LOCK_UNLOCK_2(x, y)`: L(x) L(y) U(y) U(x). */
export function lu2(x: string, xMode: LockMode, y: string, yMode: LockMode = xMode): TraceEvent[] {
  return [acq(x, xMode), acq(y, yMode), rel(y), rel(x)];
}

/** Every lock id an event refers to (acquire/release/free/sync/init, plus nest). */
export function locksOf(event: TraceEvent): string[] {
  switch (event.op) {
    case 'acquire':
      return event.nest === undefined ? [String(event.lock)] : [String(event.lock), String(event.nest)];
    case 'release':
    case 'free':
    case 'sync':
    case 'init':
    case 'assert':
      return [String(event.lock)];
    default:
      return [];
  }
}
