/**
 * Mutex of the `lockdep/async-mutex` drop-in: async-mutex 0.5's Mutex API over a drop-in
 * Semaphore of value 1, which lockdep validates as a `mutex` class named from the call site of
 * `new Mutex()` (or explicitly: `new Mutex('cache')`, `new Mutex({class, name, runtime})`, also
 * after a cancel error: `new Mutex(myError, 'cache')`).
 * Invariant: every operation is the Semaphore's with weight 1, so both report the same events.
 */
import type { MutexInterface } from './interfaces.js';
import { Semaphore, splitLockArguments, type DropInLockOptions } from './semaphore.js';

/** Shapes a grant as a Mutex's acquire resolves it: the releaser alone. */
export const releaserOnly = (_value: number, release: MutexInterface.Releaser): MutexInterface.Releaser => release;

export class Mutex implements MutexInterface {
  /** The lock lockdep validates (its class, instance id and holders). */
  readonly lock: Semaphore;

  constructor(cancelError?: Error | DropInLockOptions, options?: DropInLockOptions) {
    const [error, named] = splitLockArguments(cancelError, options);
    const fields = typeof named === 'string' ? { class: named } : (named ?? {});
    this.lock = new Semaphore(1, error, { ...fields, kind: 'Mutex' } as DropInLockOptions);
  }

  acquire(priority = 0): Promise<MutexInterface.Releaser> {
    return this.lock.request(1, priority, null, releaserOnly);
  }

  runExclusive<T>(callback: MutexInterface.Worker<T>, priority = 0): Promise<T> {
    return this.lock.exclusive(1, priority, null, () => callback());
  }

  isLocked(): boolean {
    return this.lock.isLocked();
  }

  waitForUnlock(priority = 0): Promise<void> {
    return this.lock.waitForUnlock(1, priority);
  }

  /** Unscoped release (a no-op when unlocked, as in async-mutex). */
  release(): void {
    if (this.lock.isLocked()) this.lock.release();
  }

  cancel(): void {
    this.lock.cancel();
  }
}
