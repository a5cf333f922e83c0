/**
 * SpinLock: a synchronous exclusive lock (the kernel's `spinlock_t`, lockdep type `spinlock`).
 * Holding it is atomic context: acquiring a sleeping lock, calling `mightSleep`, or awaiting
 * while holding it is a sleep-in-atomic finding (the engine reports the first two at the event;
 * the third is detected by `watchForYieldWhileHeld`).
 * Invariants: `lock()` never waits; a contended lock can only be held by a task that yielded
 * while holding it or by the caller itself, so the acquisition is emitted (the validator sees
 * it: recursion, cycles), compensated by a release, and fails with SpinLockContendedError
 * instead of spinning for ever.
 */
import { LockPrimitive } from './lock-primitive.js';
import type { LockOptions, TaskArg } from './lock-primitive.js';
import type { AcquireOptions, LockdepRuntime } from './runtime.js';
import { failContended, watchForYieldWhileHeld } from './spinning.js';
import type { SpinningLock } from './spinning.js';
import type { Task } from './task.js';

export class SpinLock extends LockPrimitive implements SpinningLock {
  private owner: Task | null = null;

  constructor(runtime: LockdepRuntime, options?: LockOptions) {
    super(runtime, 'spinlock', options);
  }

  get holder(): Task | null {
    return this.owner;
  }

  get isLocked(): boolean {
    return this.owner !== null;
  }

  isHeldBy(task: Task): boolean {
    return this.owner === task;
  }

  /** `spin_lock()` (with `subclass`: `spin_lock_nested()`, with `nest`: `spin_lock_nest_lock()`). */
  lock(task?: TaskArg, options?: AcquireOptions): void {
    const t = this.taskOf(task);
    if (this.owner !== null) failContended(this, t, 'write', options, [this.owner]);
    if (this.runtime.active) this.runtime.acquire(t, this, 'write', false, options);
    this.take(t);
  }

  /** `spin_trylock()`. */
  tryLock(task?: TaskArg, options?: AcquireOptions): boolean {
    return this.tryAcquireIfFree(task, 'write', options, () => this.owner === null, (t) => this.take(t));
  }

  /** `spin_unlock()`. */
  unlock(task?: TaskArg): void {
    const t = this.releaserOf(task);
    const rt = this.runtime;
    if (this.owner !== t) {
      this.unlockNotHeld(t, 'unlocks');
      return;
    }
    this.owner = null;
    if (rt.active) rt.release(t, this);
  }

  /** Runs the synchronous `fn` with the lock held. */
  with<T>(task: TaskArg, fn: () => T, options?: AcquireOptions): T {
    return this.holding(task, (t) => this.lock(t, options), (t) => this.unlock(t), fn);
  }

  private take(t: Task): void {
    this.owner = t;
    watchForYieldWhileHeld(this, t);
  }
}
