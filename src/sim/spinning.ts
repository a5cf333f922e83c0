/**
 * What the two spinning locks (SpinLock, RwLock) share: the "held across an await" check.
 * In single-threaded JS a spinning lock is atomic context for the synchronous code that holds
 * it; if its holder yields (awaits) with the lock still held, that is the kernel's "sleeping
 * while atomic". After every acquisition a microtask checks, once the holder's synchronous run
 * is over, whether the same task still holds the lock; if so, and the task emitted no sleep point
 * since (a sleeping acquisition there was already reported by the engine), the check emits a
 * `might-sleep` event for the task, which the validator reports as sleep-in-atomic.
 * Invariant: costs one queued microtask per acquisition, and nothing when the runtime is inactive.
 */
import type { LockdepRuntime } from './runtime.js';
import type { Task } from './task.js';

export interface SpinningLock {
  readonly runtime: LockdepRuntime;
  readonly className: string;
  isHeldBy(task: Task): boolean;
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
