/**
 * The record KernelLockTracker (kernel-lock-tracker.ts) keeps per task (its lock instances and
 * classes are numbers, kernel-lock-ids.ts), and the lock event it holds back until the next line
 * (a stack trace may follow and belong to it). The byte lane (ftrace-fast-lane.ts) caches the
 * task record per pid, so a line whose ids were seen before looks nothing up by string.
 * Owns how a held-back lock event is delivered: as the call of the engine's fast entrance
 * (lock-op-sink.ts) when it carries nothing such a call cannot (no stack, no inferred subclass),
 * else as the TraceEvent the line parses to (`heldBackEvent`), and how the frames of a following
 * stack trace attach to it (`attachFrame`); and the task's held locks, two parallel arrays of
 * instance and class numbers (`otherHeldOfClass`, `dropHeld`).
 * Invariants: one record per task key for the tracker's lifetime (a freed task's record is dead:
 * `alive` false); the event of a held-back lock event is the one the tracker always built for it
 * (fields in the same order, `ts` included).
 */
import type { LockMode, TraceEvent } from './event.js';
import type { LiveHandle, LockOpMode } from './lock-op-sink.js';

/** Interrupt context of one line, innermost last (`H` is a hardirq inside a softirq). */
export type Context = readonly ('softirq' | 'hardirq')[];

export interface KernelTask {
  /** False once the task has exited (`sched_process_free`). */
  alive: boolean;
  /** pid, or `0@cpu` for an idle task. */
  readonly key: string;
  /** The spec task id: `comm/pid` as first seen (`swapper/N/0` for idle; the pid without a comm). */
  readonly id: string;
  context: Context;
  /** Hardirqs / bottom halves disabled by the task itself at the innermost context level. */
  hardOff: boolean;
  bhOff: boolean;
  /** The instances the task holds, in acquisition order, and the class of each (numbers of kernel-lock-ids.ts). */
  readonly heldInstances: number[];
  readonly heldClasses: number[];
  /** The engine's handle of the task, when the tracker delivers through the fast entrance. */
  handle: LiveHandle | undefined;
}

/** A lock event held back until the next line (the tracker reuses one record). */
export interface HeldBackLock {
  acquire: boolean;
  task: KernelTask;
  /** The instance's number (kernel-lock-ids.ts). */
  inst: number;
  /** 0 write, 1 read, 2 recursive-read (an acquire's). */
  mode: LockOpMode;
  isTry: boolean;
  /** The inferred nesting subclass (0: none). */
  subclass: number;
  /** The timestamp, `(tsSeconds * tsScale + tsFraction) / tsScale` (`timestampOf`). */
  tsSeconds: number;
  tsFraction: number;
  tsScale: number;
  line: number;
  /** Frames of a stack trace that followed it, machinery frames dropped. */
  stack: string[] | undefined;
}

const MODE_NAMES: readonly (LockMode | undefined)[] = [undefined, 'read', 'recursive-read'];

/**
 * The innermost frames of a stack recorded at a lock tracepoint that belong to the tracing and
 * lockdep machinery (the event's own probe, lock_acquire itself), not to the locking code: they
 * are dropped, so that the event's site is its caller (`down_read+0x44`), as in lockdep's reports.
 */
const MACHINERY_FRAME =
  /^(?:trace_event_raw_event_lock\w*|perf_trace_lock\w*|perf_trace_run_bpf_submit|perf_trace_buf_submit|perf_tp_event|trace_lock_\w+|(?:__)?lock_acquire|(?:__)?lock_release|lock_acquire\.part\.\d+)(?:[+.\s(]|$)/;

/** A frame of the stack trace that follows `lock`: leading machinery frames are dropped. */
export function attachFrame(lock: HeldBackLock, frame: string): void {
  if (lock.stack !== undefined) lock.stack.push(frame);
  else if (!MACHINERY_FRAME.test(frame)) lock.stack = [frame];
}

/** How many instances of class `cls` other than `inst` the task holds. */
export function otherHeldOfClass(task: KernelTask, cls: number, inst: number): number {
  const { heldInstances, heldClasses } = task;
  let count = 0;
  for (let i = 0; i < heldClasses.length; i++) if (heldClasses[i] === cls && heldInstances[i] !== inst) count++;
  return count;
}

/** Drops the innermost hold of `inst` from the task's held locks; false if it holds none. */
export function dropHeld(task: KernelTask, inst: number): boolean {
  const { heldInstances, heldClasses } = task;
  let index = heldInstances.length - 1;
  while (index >= 0 && heldInstances[index] !== inst) index--;
  if (index < 0) return false;
  // Out of stack order: the entries above move down one (no `splice`, which allocates the removed part).
  for (let above = index + 1; above < heldInstances.length; above++) {
    heldInstances[above - 1] = heldInstances[above]!;
    heldClasses[above - 1] = heldClasses[above]!;
  }
  heldInstances.pop();
  heldClasses.pop();
  return true;
}

/** Whether the engine's fast entrance can take `lock` (its calls carry no stack and no subclass). */
export function isPlainLock(lock: HeldBackLock): boolean {
  return lock.stack === undefined && lock.subclass === 0;
}

/** The TraceEvent of a held-back lock event, whose instance's id is `lockId`. */
export function heldBackEvent(lock: HeldBackLock, lockId: string): TraceEvent {
  const { task, stack } = lock;
  let event: TraceEvent;
  if (lock.acquire) {
    event = { op: 'acquire', task: task.id, lock: lockId };
    const mode = MODE_NAMES[lock.mode];
    if (mode !== undefined) event.mode = mode;
    if (lock.isTry) event.try = true;
    if (lock.subclass > 0) event.subclass = lock.subclass;
    event.ts = timestampOf(lock);
  } else {
    event = { op: 'release', task: task.id, lock: lockId, ts: timestampOf(lock) };
  }
  if (stack !== undefined) event.stack = stack;
  return event;
}

/**
 * The timestamp of a held-back lock event: the general path gives it whole (`tsSeconds`, with
 * 0 and 1), the byte lane as the integer seconds and fraction of its text and the fraction's power
 * of ten; with up to 15 digits in all, the sum is an exact integer and the quotient the correctly
 * rounded value of the text (what `Number()` of it gives).
 */
function timestampOf(lock: HeldBackLock): number {
  return (lock.tsSeconds * lock.tsScale + lock.tsFraction) / lock.tsScale;
}
