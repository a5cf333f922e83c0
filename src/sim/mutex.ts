/**
 * Mutex: a sleeping exclusive lock for async code (the kernel's `struct mutex`, lockdep type
 * `mutex`), instrumented for lockdep.
 * Invariants: at most one owner; waiters are served strictly FIFO and the lock is handed to the
 * first waiter on unlock (no barging), so a waiter is never starved; the acquisition is emitted
 * before waiting, so a finding is raised before a real deadlock can happen; a failed trylock
 * emits nothing (as the spec says); an unlock by a task that does not own it leaves the lock
 * untouched and is reported by the validator (bad unlock balance).
 */
import { LockPrimitive } from './lock-primitive.js';
import type { LockOptions, TaskArg, Waiter } from './lock-primitive.js';
import type { AcquireOptions, LockdepRuntime } from './runtime.js';
import type { Task } from './task.js';
import type { Blocker, Waitable } from './waitable.js';

export class Mutex extends LockPrimitive implements Waitable {
  private owner: Task | null = null;
  private readonly queue: Waiter[] = [];

  constructor(runtime: LockdepRuntime, options?: LockOptions) {
    super(runtime, 'mutex', options);
  }

  /** The owning task, or null. */
  get holder(): Task | null {
    return this.owner;
  }

  get isLocked(): boolean {
    return this.owner !== null;
  }

  /** Tasks waiting, in service order. */
  get waiters(): readonly Task[] {
    return this.queue.map((w) => w.task);
  }

  /** `mutex_lock()` (with `subclass`: `mutex_lock_nested()`, with `nest`: `mutex_lock_nest_lock()`). */
  lock(task?: TaskArg, options?: AcquireOptions): Promise<void> {
    return this.acquireSleeping(task, 'write', options, () => this.owner === null, (t) => { this.owner = t; }, { queue: this.queue });
  }

  /** `mutex_trylock()`: takes the lock if it is free, without waiting. */
  tryLock(task?: TaskArg, options?: AcquireOptions): boolean {
    return this.tryAcquireIfFree(task, 'write', options, () => this.owner === null, (t) => { this.owner = t; });
  }

  /** `mutex_unlock()`: hands the lock to the first waiter, if any. */
  unlock(task?: TaskArg): void {
    const t = this.releaserOf(task);
    const rt = this.runtime;
    if (this.owner !== t) {
      this.unlockNotHeld(t, 'unlocks');
      return;
    }
    const next = this.queue.shift();
    if (next === undefined) {
      this.owner = null;
    } else {
      this.owner = next.task;
      next.task.unblock();
      next.resolve();
    }
    if (rt.active) rt.release(t, this);
  }

  /** Runs `fn` with the lock held (released also when `fn` throws). */
  with<T>(task: TaskArg, fn: () => T | Promise<T>, options?: AcquireOptions): Promise<T> {
    return this.holdingAsync(task, (t) => this.lock(t, options), (t) => this.unlock(t), fn);
  }


  blockersOf(waiter: Task): Blocker[] {
    const blockers: Blocker[] = [];
    if (this.owner !== null) blockers.push({ task: this.owner, reason: 'holds', mode: 'write' });
    for (const w of this.queue) {
      if (w.task === waiter) break;
      blockers.push({ task: w.task, reason: 'queued-ahead', mode: w.mode });
    }
    return blockers;
  }
}
