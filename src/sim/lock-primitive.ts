/**
 * The base of every instrumented lock: identity (instance id, class, type), registration with
 * the runtime (the `init` event), task resolution (explicit handle or the async context), the
 * assertions, the skeletons of a sleeping acquisition and of a trylock, and the FIFO waiter
 * queue shared by the sleeping locks.
 * Invariants: the instance id is unique in its runtime; a task argument of `null`/`undefined`
 * means "the current task of the async context"; a waiter is in at most one queue and is removed
 * from it before its promise is resolved.
 */
import type { AssertKind, LockMode, LockType } from '../events/event.js';
import type { Branch } from './branch.js';
import { SimulationUsageError } from './errors.js';
import type { AcquireOptions, LockdepRuntime, LockIdentity } from './runtime.js';
import type { Task } from './task.js';
import type { Waitable } from './waitable.js';

/** A class name, or `{class, name}` (`name` names the instance; default: the class). */
export type LockOptions = string | { class?: string; name?: string };

/** A task argument: a handle, or null/undefined for the async context's current task. */
export type TaskArg = Task | null | undefined;

/**
 * The given task (which must belong to `runtime`), or the runtime's current task. A handle of a
 * task that async code runs (`runTask`, a Simulation with the async context) resolves, inside
 * that task's own flow, to the lane of the current branch.
 */
export function resolveTask(runtime: LockdepRuntime, task: TaskArg, owner: string): Task {
  if (task === null || task === undefined) return runtime.currentTask();
  if (task.runtime !== runtime) throw new SimulationUsageError(`task ${task.id} belongs to another LockdepRuntime than ${owner}`);
  return task.family === null ? task : runtime.context.laneInFlow(task);
}

/** A task waiting in a lock's queue. */
export interface Waiter {
  task: Task;
  mode: 'write' | 'read';
  resolve: () => void;
}

/** Where a sleeping lock queues its waiters; `wake`, if given, grants the waiters an aborted one was holding back. */
export interface WaiterQueue {
  readonly queue: Waiter[];
  wake?(): void;
}

/** Shared resolved promise: an uncontended acquisition allocates no promise. */
const RESOLVED: Promise<void> = Promise.resolve();

/** The rejection of an acquisition whose AbortSignal fired: the signal's reason. */
function abortedAcquisition(signal: AbortSignal): Promise<never> {
  return Promise.reject(signal.reason as unknown);
}

export abstract class LockPrimitive implements LockIdentity {
  readonly runtime: LockdepRuntime;
  readonly id: string;
  readonly className: string;
  readonly type: LockType;

  protected constructor(runtime: LockdepRuntime, type: LockType, options: LockOptions | undefined) {
    const given: unknown = runtime; // JavaScript callers may pass anything
    if (given === undefined || given === null || typeof runtime.registerLock !== 'function') {
      throw new SimulationUsageError(`a ${type} needs a LockdepRuntime as its first argument`);
    }
    this.runtime = runtime;
    this.type = type;
    const className =
      typeof options === 'string' ? options : (options?.class ?? options?.name ?? runtime.anonymousClassName(type));
    const name = typeof options === 'string' ? undefined : options?.name;
    this.className = className;
    this.id = runtime.registerLock(className, type, name);
  }

  /** The class, plus the instance id when it differs. */
  get displayName(): string {
    return this.id === this.className ? this.className : `${this.className} (${this.id})`;
  }

  /** `lockdep_assert_held()` (`held: 'any'`), `_held_write`, `_held_read`, `_not_held` (`'none'`). */
  assertHeld(task?: TaskArg, held: AssertKind = 'any', site?: string): void {
    const rt = this.runtime;
    if (rt.active) rt.assertHeld(this.taskOf(task), this, held, site);
  }

  /** `lockdep_assert_not_held()`. */
  assertNotHeld(task?: TaskArg, site?: string): void {
    this.assertHeld(task, 'none', site);
  }

  /**
   * A sleeping acquisition (`mutex_lock()`, `down_read()`...) in `mode`: recorded before any
   * waiting, then the lock is taken (`take`) if `isFree()`, else the task waits in `waiters`. An
   * already aborted signal rejects before anything is recorded; whatever throws (a finding in
   * `throw` mode, a usage error) becomes the rejection.
   */
  protected acquireSleeping(
    this: LockPrimitive & Waitable,
    task: TaskArg,
    mode: LockMode,
    options: AcquireOptions | undefined,
    isFree: () => boolean,
    take: (t: Task) => void,
    waiters: WaiterQueue,
  ): Promise<void> {
    try {
      const t = this.taskOf(task);
      const signal = options?.signal;
      if (signal?.aborted === true) return abortedAcquisition(signal);
      if (this.runtime.active) this.runtime.acquire(t, this, mode, false, options);
      if (!isFree()) return this.waitInQueue(waiters, t, mode, signal);
      take(t);
      return RESOLVED;
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** A trylock in `mode`: if `isFree()`, records the try-acquisition and takes the lock (`take`); else records nothing. */
  protected tryAcquireIfFree(
    task: TaskArg,
    mode: LockMode,
    options: AcquireOptions | undefined,
    isFree: () => boolean,
    take: (t: Task) => void,
  ): boolean {
    const t = this.taskOf(task);
    if (!isFree()) return false;
    if (this.runtime.active) this.runtime.acquire(t, this, mode, true, options);
    take(t);
    return true;
  }

  /**
   * Queues `task`, blocked on this lock in `mode`, until the primitive resolves it. The wait can
   * be cancelled before the grant, by the signal's abort or by the deadlock detector choosing
   * this task as the victim (`WaitState.cancel`): the waiter leaves the queue, the task is
   * unblocked, the acquisition recorded before waiting is undone with a release (as the kernel's
   * killable lock paths do), the primitive wakes the waiters the cancelled one was holding back
   * (`waiters.wake`), and the promise rejects with the reason (or, in `throw` mode, with the
   * finding that release raised).
   */
  private waitInQueue(
    this: LockPrimitive & Waitable,
    waiters: WaiterQueue,
    task: Task,
    mode: LockMode,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    const queue = waiters.queue;
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { task, mode: mode === 'write' ? 'write' : 'read', resolve };
      const cancel = (reason: unknown): void => {
        const index = queue.indexOf(waiter);
        if (index < 0) return;
        queue.splice(index, 1);
        if (signal !== undefined) signal.removeEventListener('abort', onAbort);
        task.unblock();
        let error: unknown = reason;
        try {
          if (this.runtime.active) this.runtime.release(task, this);
        } catch (releaseError) {
          error = releaseError;
        }
        waiters.wake?.();
        reject(error);
      };
      const onAbort = (): void => cancel((signal as AbortSignal).reason);
      if (signal !== undefined) {
        signal.addEventListener('abort', onAbort, { once: true });
        waiter.resolve = () => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        };
      }
      queue.push(waiter);
      task.block(this, mode, cancel);
    });
  }

  /**
   * An unlock by a task that does not hold the lock (in that mode): the lock is left alone.
   * With validation on it is recorded, and the validator reports a bad unlock balance; with
   * validation off it is a usage error (`what`: e.g. "up_writes", `side`: e.g. " for write").
   */
  protected unlockNotHeld(t: Task, what: string, side = ''): void {
    if (!this.runtime.active) throw new SimulationUsageError(`task ${t.id} ${what} ${this.displayName}, which it does not hold${side}`);
    this.runtime.release(t, this);
  }

  /** `fn` run by `task` between `acquire` and `release` of this lock, released even when `fn` throws. */
  protected holding<T>(task: TaskArg, acquire: (t: Task) => void, release: (t: Task) => void, fn: () => T): T {
    const t = this.taskOf(task);
    acquire(t);
    try {
      return fn();
    } finally {
      release(t);
    }
  }

  /**
   * `holding` for sleeping locks: the acquisition and `fn` may wait. For async code (no handle,
   * or a handle of a task async code runs) `fn` runs in a branch of its own, so what it holds is
   * not held by the caller's other branches.
   */
  protected holdingAsync<T>(task: TaskArg, acquire: (t: Task) => Promise<void>, release: (t: Task) => void, fn: () => T | Promise<T>): Promise<T> {
    if (task === null || task === undefined || task.family !== null) {
      return this.runtime.context.runScope((branch) => this.holdingAsyncIn(task, acquire, release, fn, branch));
    }
    return this.holdingAsyncIn(task, acquire, release, fn, null);
  }

  private async holdingAsyncIn<T>(
    task: TaskArg,
    acquire: (t: Task) => Promise<void>,
    release: (t: Task) => void,
    fn: () => T | Promise<T>,
    scope: Branch | null,
  ): Promise<T> {
    const t = this.taskOf(task);
    await acquire(t);
    if (scope !== null) scope.collecting = false;
    try {
      return await fn();
    } finally {
      release(t);
    }
  }

  protected taskOf(task: TaskArg): Task {
    return resolveTask(this.runtime, task, this.id);
  }

  /**
   * The task an unlock is recorded for: a handle without async context as given; otherwise the
   * lane that holds this lock in the current flow (a lock may be released in another branch of
   * its task than the one that took it), else the current lane.
   */
  protected releaserOf(task: TaskArg): Task {
    if (task !== null && task !== undefined && (task.family === null || task.runtime !== this.runtime)) return this.taskOf(task);
    return this.runtime.context.releaser(task ?? undefined, this);
  }
}
