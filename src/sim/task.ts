/**
 * Task: one logical thread of execution (a kernel task, a worker, an async job). Held locks are
 * per task, as in lockdep. A task handle is passed explicitly to every primitive operation for
 * deterministic simulations; the AsyncLocalStorage adapter supplies it implicitly.
 * Owns: the task's id, its pseudo call frames (`task.call(name, fn)`, used as `site`/`stack` of
 * its events), and its scheduling state (running, blocked on a waitable, done) that the
 * Simulation uses for deadlock detection.
 * Invariants: a task is blocked on at most one waitable at a time; `state === 'blocked'` iff
 * `waitingOn !== null`; frames are pushed and popped in LIFO order by `call`.
 */
import type { Hold } from './branch.js';
import type { LockdepRuntime } from './runtime.js';
import type { TaskFamily } from './task-family.js';
import type { Waitable } from './waitable.js';

/** Where a simulation task is: running (or runnable), blocked on a Waitable, or finished. */
export type TaskStatus = 'running' | 'blocked' | 'done';

/** The stack outside any `call`: shared and frozen, so no event can see frames pushed later. */
const NO_FRAMES: readonly string[] = Object.freeze([]);

/** The scheduler a task reports its state changes to (a Simulation). */
export interface TaskScheduler {
  taskBlocked(task: Task): void;
  taskUnblocked(task: Task): void;
}

/** What a blocked task is waiting for. */
export interface WaitState {
  on: Waitable;
  /** `write`, `read`, `recursive-read`, or `event` for a wait queue / completion. */
  mode: string;
  /** Ends the wait by rejecting it with `reason` (and undoing the recorded acquisition), when the waitable supports it. */
  cancel?: (reason: unknown) => void;
}

export class Task {
  readonly id: string;
  readonly runtime: LockdepRuntime;
  /** Scheduling state, kept by the runtime and the primitives. @internal */
  state: TaskStatus = 'running';
  /** Scheduling state, kept by the runtime and the primitives. @internal */
  waitingOn: WaitState | null = null;
  /**
   * Sleep points emitted for this task so far (sleeping acquisitions, might-sleep): lets the
   * spinning locks tell whether a yield while holding them was already reported.
   * @internal
   */
  sleepPoints = 0;
  /** Set by the Simulation that runs this task. @internal */
  scheduler: TaskScheduler | null = null;
  /** The logical task this one is a lane of, once async code runs it (see task-family.ts). @internal */
  family: TaskFamily | null = null;
  /** The holds the validator has on this task, in order (kept by its TaskFamily). @internal */
  readonly mirror: Hold[] = [];
  /** Pseudo call frames, outermost first. */
  private readonly frames: string[] = [];
  /** Frames innermost first, cached until the next push/pop. */
  private framesInnermostFirst: string[] | null = null;

  constructor(runtime: LockdepRuntime, id: string) {
    this.runtime = runtime;
    this.id = id;
  }

  /** The innermost pseudo frame, or undefined outside any `call`. */
  get currentFrame(): string | undefined {
    const depth = this.frames.length;
    // Never read past the end: an out-of-bounds read is a slow prototype-chain lookup in V8.
    return depth === 0 ? undefined : this.frames[depth - 1];
  }

  /** True inside a `call` (cheap check for the hot path). */
  get hasFrames(): boolean {
    return this.frames.length !== 0;
  }

  /** Pseudo frames innermost first (the spec's `stack` order); empty outside any `call`. */
  frameStack(): readonly string[] {
    if (this.frames.length === 0) return NO_FRAMES;
    if (this.framesInnermostFirst === null) this.framesInnermostFirst = this.frames.slice().reverse();
    return this.framesInnermostFirst;
  }

  /**
   * Runs `fn` as the function `name` of this task: events raised inside carry `name` as their
   * site and the enclosing names as their stack (what a rule's `writers-only-at` matches).
   */
  call<T>(name: string, fn: () => T): T {
    this.frames.push(name);
    this.framesInnermostFirst = null;
    let result: T;
    try {
      result = fn();
    } catch (error) {
      this.popFrame();
      throw error;
    }
    if (result instanceof Promise) {
      return result.finally(() => this.popFrame()) as T;
    }
    this.popFrame();
    return result;
  }

  /** `might_sleep()`: a point where the task may block. In atomic context, a finding. */
  mightSleep(site?: string): void {
    this.runtime.mightSleep(this, site);
  }

  /** The task reads (or, with `write`, writes) the shared variable `name` (guarded-by rules). */
  access(name: string, options: { write?: boolean; site?: string } = {}): void {
    this.runtime.access(this, name, options.write ?? false, options.site);
  }

  /** Interrupt context entry/exit or local interrupt disable/enable on this task. */
  irq(kind: 'hardirq' | 'softirq', action: 'enter' | 'exit' | 'disable' | 'enable'): void {
    this.runtime.irq(this, kind, action);
  }

  /** The task ends (locks still held are a finding). Idempotent. */
  exit(): void {
    if (this.state === 'done') return;
    this.runtime.exitTask(this);
  }

  /**
   * Scheduler bookkeeping: the task starts waiting on `on`. The runtime's deadlock detector then
   * checks the wait-for graph at once (and, with `onDeadlock: 'throw'`, may `cancel` this wait).
   * @internal
   */
  block(on: Waitable, mode: string, cancel?: (reason: unknown) => void): void {
    this.state = 'blocked';
    this.waitingOn = cancel === undefined ? { on, mode } : { on, mode, cancel };
    if (this.scheduler !== null) this.scheduler.taskBlocked(this);
    this.runtime.waitFor.taskBlocked(this);
  }

  /** Scheduler bookkeeping: the task's wait is over (it was granted the lock or woken). @internal */
  unblock(): void {
    if (this.state === 'done') return; // a grant that reaches a task that has ended (see Simulation.finish)
    this.state = 'running';
    this.waitingOn = null;
    this.runtime.waitFor.taskUnblocked(this);
    if (this.scheduler !== null) this.scheduler.taskUnblocked(this);
  }

  toString(): string {
    return this.id;
  }

  private popFrame(): void {
    this.frames.pop();
    this.framesInnermostFirst = null;
  }
}
