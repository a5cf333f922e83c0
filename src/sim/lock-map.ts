/**
 * LockMap: a lockdep pseudo-lock (the kernel's `struct lockdep_map` without a lock: workqueue
 * and flush maps, `mmu_notifier_invalidate_range_start`, `fs_reclaim`, SRCU), lockdep type
 * `map`. It is validated like a lock but, by default, never blocks: `acquire` is
 * `lock_map_acquire` (exclusive), `acquireRead` is `lock_map_acquire_read` (recursive read),
 * `sync` is `lock_map_sync`, and `with(task, fn)` holds the map around `fn` as the kernel
 * brackets callbacks with it.
 * With `blocking: true` the map also behaves as the lock lockdep pretends it is (exclusive
 * holders exclude everyone, recursive readers exclude writers only, FIFO writers: a
 * reader-preference RwSemaphore, whose SleepingRwState it shares), which turns a lockdep-only
 * cycle into a real, detectable deadlock (the `pseudo_as_mutex` design of examples/kvm, docs/simulation.md).
 * Invariants: acquisitions are emitted before any waiting; a release of a map the task does not
 * hold leaves the state untouched and is reported by the validator.
 */
import { addHold } from './hold-counts.js';
import { LockPrimitive } from './lock-primitive.js';
import type { TaskArg } from './lock-primitive.js';
import type { AcquireOptions, LockdepRuntime } from './runtime.js';
import { SleepingRwState } from './sleeping-rw-state.js';
import type { Task } from './task.js';
import type { Blocker, Waitable } from './waitable.js';

export interface LockMapOptions {
  class?: string;
  name?: string;
  /** Make the pseudo-lock really exclude (to replay lockdep's view as a real schedule). Default false. */
  blocking?: boolean;
}

export class LockMap extends LockPrimitive implements Waitable {
  readonly blocking: boolean;
  /** Blocking: a reader-preference rwsem's state. Non-blocking: every hold, of either kind, is counted as a reader, and nobody queues. */
  private readonly rw = new SleepingRwState(true);

  constructor(runtime: LockdepRuntime, options?: string | LockMapOptions) {
    super(runtime, 'map', options);
    this.blocking = typeof options === 'object' && options.blocking === true;
  }

  /** Tasks holding the map (any mode). */
  get holders(): readonly Task[] {
    const holders = [...this.rw.readers.keys()];
    if (this.rw.writer !== null && !this.rw.readers.has(this.rw.writer)) holders.unshift(this.rw.writer);
    return holders;
  }

  /** `lock_map_acquire()`. */
  acquire(task?: TaskArg, options?: AcquireOptions): Promise<void> {
    return this.acquireSleeping(task, 'write', options, () => !this.blocking || this.rw.canWrite(), (t) => this.takeExclusive(t), this.rw);
  }

  /** `lock_map_acquire_read()`: a recursive read. */
  acquireRead(task?: TaskArg, options?: AcquireOptions): Promise<void> {
    const isFree = (): boolean => !this.blocking || this.rw.canRead();
    return this.acquireSleeping(task, 'recursive-read', options, isFree, (t) => addHold(this.rw.readers, t), this.rw);
  }

  /** `lock_map_acquire_try()`: never waits; fails only in blocking mode when the map is held. */
  tryAcquire(task?: TaskArg, options?: AcquireOptions): boolean {
    const isFree = (): boolean => !this.blocking || (this.rw.writer === null && this.rw.readers.size === 0);
    return this.tryAcquireIfFree(task, 'write', options, isFree, (t) => this.takeExclusive(t));
  }

  /** `lock_map_release()`. */
  release(task?: TaskArg): void {
    const t = this.releaserOf(task);
    const rt = this.runtime;
    if (this.blocking && this.rw.writer === t) {
      this.rw.releaseWriter();
    } else if (!this.rw.releaseReader(t)) {
      this.unlockNotHeld(t, 'releases');
      return;
    }
    if (rt.active) rt.release(t, this);
  }

  /** `lock_map_sync()` (a `synchronize_srcu()`-like wait): validated as an acquisition, holds nothing. */
  sync(task?: TaskArg, site?: string): void {
    const t = this.taskOf(task);
    const rt = this.runtime;
    if (rt.active) rt.sync(t, this, site);
  }

  /** Holds the map (exclusively) around `fn`, as the kernel brackets callbacks. */
  with<T>(task: TaskArg, fn: () => T | Promise<T>, options?: AcquireOptions): Promise<T> {
    return this.holdingAsync(task, (t) => this.acquire(t, options), (t) => this.release(t), fn);
  }


  /** Holds the map as a recursive reader around `fn`. */
  withRead<T>(task: TaskArg, fn: () => T | Promise<T>, options?: AcquireOptions): Promise<T> {
    return this.holdingAsync(task, (t) => this.acquireRead(t, options), (t) => this.release(t), fn);
  }


  blockersOf(waiter: Task): Blocker[] {
    return this.rw.blockersOf(waiter);
  }

  /** An exclusive hold: the writer in blocking mode, one more counted hold otherwise. */
  private takeExclusive(t: Task): void {
    if (this.blocking) this.rw.writer = t;
    else addHold(this.rw.readers, t);
  }
}
