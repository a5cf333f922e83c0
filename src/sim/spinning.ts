/**
 * What the two spinning locks (SpinLock, RwLock) share: the "held across an await" check, and
 * the failure of a contended acquisition.
 * In single-threaded JS a spinning lock is atomic context for the synchronous code that holds
 * it; if its holder yields (awaits) with the lock still held, that is the kernel's "sleeping
 * while atomic". After every acquisition a microtask checks, once the holder's synchronous run
 * is over, whether the same task still holds the lock; if so, and the task emitted no sleep point
 * since (a sleeping acquisition there was already reported by the engine), the check emits a
 * `might-sleep` event for the task, which the validator reports as sleep-in-atomic.
 * Invariant: costs one queued microtask per acquisition, and nothing when the runtime is inactive.
 */
import type { LockMode } from '../events/event.js';
import { SpinLockContendedError } from './errors.js';
import type { AcquireOptions, LockdepRuntime, LockIdentity } from './runtime.js';
import type { Task } from './task.js';

export interface SpinningLock extends LockIdentity {
  readonly runtime: LockdepRuntime;
  readonly displayName: string;
  isHeldBy(task: Task): boolean;
}

/**
 * A spinning acquisition that finds the lock held by `holders`: they can only be tasks that
 * yielded while holding it, or the caller itself, so instead of spinning for ever it is recorded
 * (the validator sees it: recursion, cycles), compensated by a release, and fails with
 * SpinLockContendedError.
 */
export function failContended(
  lock: SpinningLock,
  task: Task,
  mode: LockMode,
  options: AcquireOptions | undefined,
  holders: readonly Task[],
): never {
  const rt = lock.runtime;
  if (rt.active) {
    rt.acquire(task, lock, mode, false, options);
    rt.release(task, lock);
  }
  throw new SpinLockContendedError(lock.displayName, task.id, holders.map((holder) => holder.id));
}

export function watchForYieldWhileHeld(lock: SpinningLock, task: Task): void {
  const rt = lock.runtime;
  if (!rt.active) return;
  const sleepPoints = task.sleepPoints;
  queueMicrotask(() => {
    if (task.state === 'done' || task.sleepPoints !== sleepPoints || !lock.isHeldBy(task)) return;
    rt.mightSleepDetached(task, `await while holding ${lock.className}`);
  });
}
