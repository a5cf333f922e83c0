/**
 * LockMap: a lockdep pseudo-lock (the kernel's `struct lockdep_map` without a lock: workqueue
 * and flush maps, `mmu_notifier_invalidate_range_start`, `fs_reclaim`, SRCU), lockdep type
 * `map`. It is validated like a lock but, by default, never blocks: `acquire` is
 * `lock_map_acquire` (exclusive), `acquireRead` is `lock_map_acquire_read` (recursive read),
 * `sync` is `lock_map_sync`, and `with(task, fn)` holds the map around `fn` as the kernel
 * brackets callbacks with it.
 * With `blocking: true` the map also behaves as the lock lockdep pretends it is (exclusive
 * holders exclude everyone, recursive readers exclude writers only, FIFO writers), which turns a
 * lockdep-only cycle into a real, detectable deadlock (kvm-history.md §3.4, `pseudo_as_mutex`).
 * Invariants: acquisitions are emitted before any waiting; a release of a map the task does not
 * hold leaves the state untouched and is reported by the validator.
 */
import { LockPrimitive, RESOLVED, abortedAcquisition } from './lock-primitive.js';
import type { TaskArg, Waiter } from './lock-primitive.js';
import type { AcquireOptions, LockdepRuntime } from './runtime.js';
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
  private writer: Task | null = null;
  private readonly readers = new Map<Task, number>();
  private readonly queue: Waiter[] = [];

  constructor(runtime: LockdepRuntime, options?: string | LockMapOptions) {
    super(runtime, 'map', options);
    this.blocking = typeof options === 'object' && options.blocking === true;
  }

  /** Tasks holding the map (any mode). */
  get holders(): readonly Task[] {
    const holders = [...this.readers.keys()];
    if (this.writer !== null && !this.readers.has(this.writer)) holders.unshift(this.writer);
    return holders;
  }

  /** `lock_map_acquire()`. */
  acquire(task?: TaskArg, options?: AcquireOptions): Promise<void> {
    try {
      const t = this.taskOf(task);
      const rt = this.runtime;
      if (options?.signal?.aborted === true) return abortedAcquisition(options.signal);
      if (rt.active) rt.acquire(t, this, 'write', false, options);
      if (!this.blocking) {
        this.addHold(t);
        return RESOLVED;
      }
      if (this.writer === null && this.readers.size === 0 && this.queue.length === 0) {
        this.writer = t;
        return RESOLVED;
      }
      return this.enqueue(t, 'write', options?.signal);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** `lock_map_acquire_read()`: a recursive read. */
  acquireRead(task?: TaskArg, options?: AcquireOptions): Promise<void> {
    try {
      const t = this.taskOf(task);
      const rt = this.runtime;
      if (options?.signal?.aborted === true) return abortedAcquisition(options.signal);
      if (rt.active) rt.acquire(t, this, 'recursive-read', false, options);
      if (!this.blocking || this.writer === null) {
        this.addHold(t);
        return RESOLVED;
      }
      return this.enqueue(t, 'read', options?.signal);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** `lock_map_acquire_try()`: never waits; fails only in blocking mode when the map is held. */
  tryAcquire(task?: TaskArg, options?: AcquireOptions): boolean {
    const t = this.taskOf(task);
    if (this.blocking && (this.writer !== null || this.readers.size > 0)) return false;
    const rt = this.runtime;
    if (rt.active) rt.acquire(t, this, 'write', true, options);
    if (this.blocking) {
      this.writer = t;
    } else {
      this.addHold(t);
    }
    return true;
  }

  /** `lock_map_release()`. */
  release(task?: TaskArg): void {
    const t = this.taskOf(task);
    const rt = this.runtime;
    if (this.blocking && this.writer === t) {
      this.writer = null;
      this.wake();
    } else if (this.readers.has(t)) {
      const holds = this.readers.get(t) as number;
      if (holds === 1) this.readers.delete(t);
      else this.readers.set(t, holds - 1);
      if (this.blocking && this.readers.size === 0) this.wake();
    } else {
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
    const entry = this.queue.find((w) => w.task === waiter);
    const blockers: Blocker[] = [];
    if (this.writer !== null) blockers.push({ task: this.writer, reason: 'holds', mode: 'write' });
    if (entry?.mode !== 'read') {
      for (const reader of this.readers.keys()) blockers.push({ task: reader, reason: 'holds', mode: 'recursive-read' });
      for (const w of this.queue) {
        if (w.task === waiter) break;
        blockers.push({ task: w.task, reason: 'queued-ahead', mode: w.mode });
      }
    }
    return blockers;
  }

  /** Non-blocking holds (and blocking-mode readers) are counted per task; writers are `writer`. */
  private addHold(t: Task): void {
    this.readers.set(t, (this.readers.get(t) ?? 0) + 1);
  }

  private enqueue(t: Task, mode: 'write' | 'read', signal: AbortSignal | undefined): Promise<void> {
    return this.waitInQueue(this.queue, t, mode, this, mode === 'read' ? 'recursive-read' : 'write', signal, () => this.wake());
  }

  private wake(): void {
    if (this.writer !== null) return;
    for (let i = 0; i < this.queue.length; ) {
      const w = this.queue[i] as Waiter;
      if (w.mode === 'read') {
        this.queue.splice(i, 1);
        this.addHold(w.task);
        w.task.unblock();
        w.resolve();
      } else {
        i++;
      }
    }
    const head = this.queue[0];
    if (head !== undefined && this.readers.size === 0) {
      this.queue.shift();
      this.writer = head.task;
      head.task.unblock();
      head.resolve();
    }
  }
}
