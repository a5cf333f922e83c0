/**
 * The event model, and the first of the engine's two entrances. One `TraceEvent` is one line of
 * `docs/trace-format.md`, version 1; every importer (the registry, importers.ts) and the
 * simulation's primitives produce only this type, and a validator consumes it through an
 * `EventSink` (`Validator.process`, engine/validator.ts).
 *
 * The contract of the event entrance (what a producer guarantees to the engine):
 *  - Order: events arrive one at a time, synchronously, in the order of the trace (file order for
 *    a trace, program order per task for the simulation); one line may give several events (an
 *    STD `wait`, an `init` before a first acquisition) and then they come in a fixed order.
 *  - Shape: every event is spec-valid (event-validate.ts or the importer's own mapping); the
 *    engine does not check shapes again.
 *  - Origins: an importer gives each event the `file:line` it was read from: `file` the trace's
 *    display name (`<stdin>` for `-`), `line` 1-based counting every line; the events of one line
 *    share its origin. The simulation gives one only when it records to a file (the recorded
 *    line); without an origin the engine places the event at its default file and its own event
 *    count. Findings and input errors name these positions.
 *  - Ids: a task or lock id is the trace's value as is; `1` and `"1"` are different ids (the
 *    engine keys its maps by the value). The engine interns ids itself.
 *  - The event object: the producer builds one per event and hands it over; the engine may keep
 *    it for its reports (a held lock keeps its acquire event: its `site` and `stack` are shown
 *    while it is held), so a producer never reuses or changes an event it has delivered.
 *
 * The second entrance, for the byte lanes' plain lines, is lock-op-sink.ts: both entrances have
 * one behaviour. A lane line has no event object; when a report needs one, the engine rebuilds
 * it from the line's arguments in one module, engine/event-refs.ts (lock-op-sink.ts says when).
 */

export type TaskId = string | number;
export type LockId = string | number;

export const LOCK_TYPES = ['spinlock', 'rwlock', 'mutex', 'rwsem', 'map'] as const;
export type LockType = (typeof LOCK_TYPES)[number];

export const LOCK_MODES = ['write', 'read', 'recursive-read'] as const;
export type LockMode = (typeof LOCK_MODES)[number];

export const IRQ_KINDS = ['hardirq', 'softirq'] as const;
export type IrqKind = (typeof IRQ_KINDS)[number];

export const IRQ_ACTIONS = ['enter', 'exit', 'disable', 'enable'] as const;
export type IrqAction = (typeof IRQ_ACTIONS)[number];

export const ASSERT_KINDS = ['any', 'write', 'read', 'none'] as const;
export type AssertKind = (typeof ASSERT_KINDS)[number];

/** Fields every event may carry. */
export interface EventCommon {
  /** Call site, e.g. `install_new_memslots+0x5a/0x120` or `src/kvm.ts:88`. */
  site?: string;
  /** Stack, innermost frame first. */
  stack?: string[];
  /** Timestamp (any unit); informational only. */
  ts?: number;
}

export interface InitEvent extends EventCommon {
  op: 'init';
  lock: LockId;
  class?: string;
  type?: LockType;
  /**
   * Extension: a per-CPU local lock (the kernel's `local_lock_t`, LD_LOCK_PERCPU). Such a
   * class is skipped by the irq-safety graph searches, as in lockdep.
   */
  percpu?: boolean;
}

export interface AcquireEvent extends EventCommon {
  op: 'acquire';
  task: TaskId;
  lock: LockId;
  mode?: LockMode;
  try?: boolean;
  subclass?: number;
  nest?: LockId;
  /** Extension: class and type inline, used when the instance was never `init`ed. */
  class?: string;
  type?: LockType;
}

export interface ReleaseEvent extends EventCommon {
  op: 'release';
  task: TaskId;
  lock: LockId;
}

export interface SyncEvent extends EventCommon {
  op: 'sync';
  task: TaskId;
  lock: LockId;
  /** Extension: class and type inline, as for `acquire`. */
  class?: string;
  type?: LockType;
}

export interface IrqEvent extends EventCommon {
  op: 'irq';
  task: TaskId;
  kind: IrqKind;
  action: IrqAction;
}

export interface FreeEvent extends EventCommon {
  op: 'free';
  task: TaskId;
  lock: LockId;
}

export interface AssertEvent extends EventCommon {
  op: 'assert';
  task: TaskId;
  lock: LockId;
  held: AssertKind;
}

export interface AccessEvent extends EventCommon {
  op: 'access';
  task: TaskId;
  var: string;
  write: boolean;
}

export interface MightSleepEvent extends EventCommon {
  op: 'might-sleep';
  task: TaskId;
}

export interface ExitEvent extends EventCommon {
  op: 'exit';
  task: TaskId;
}

export type TraceEvent =
  | InitEvent
  | AcquireEvent
  | ReleaseEvent
  | SyncEvent
  | IrqEvent
  | FreeEvent
  | AssertEvent
  | AccessEvent
  | MightSleepEvent
  | ExitEvent;

export type EventOp = TraceEvent['op'];

export const EVENT_OPS: readonly EventOp[] = [
  'init', 'acquire', 'release', 'sync', 'irq', 'free', 'assert', 'access', 'might-sleep', 'exit',
];

/** Where an event came from: the trace file and its 1-based line. */
export interface EventOrigin {
  file: string;
  line: number;
}

/** Where readers deliver events, in order, with their origin. */
export type EventSink = (event: TraceEvent, origin: EventOrigin) => void;

/** The optional first line of a trace. */
export interface TraceHeader {
  format: 'lockdep-trace';
  version: number;
  [key: string]: unknown;
}

export const TRACE_FORMAT_VERSION = 1;
