/**
 * `withTimeout` and `tryAcquire` of the `lockdep/async-mutex` drop-in: views of a drop-in Mutex or
 * Semaphore whose `acquire` and `runExclusive` give up after a timeout (`E_TIMEOUT`, or the given
 * error) or at once when the lock is not free (`E_ALREADY_LOCKED`).
 * What lockdep sees: a waiter that times out leaves the queue and its recorded acquisition is
 * undone with a release (async-mutex itself takes the lock later and releases it at once; the
 * drop-in never takes it), so a timeout leaves no held lock behind; `tryAcquire` is a trylock,
 * recorded only when it succeeds. `waitForUnlock` under a timeout rejects with the error when
 * the lock stays busy. A view of a view applies the outer limit.
 */
import type { MutexInterface, SemaphoreInterface } from './interfaces.js';
import { E_ALREADY_LOCKED, E_TIMEOUT } from './errors.js';
import { Mutex, releaserOnly } from './mutex.js';
import { Semaphore, validWeight, type AcquireLimit } from './semaphore.js';

/** A drop-in lock (`target`) whose acquisitions are under `limit`; the other operations pass through. */
abstract class LimitedView<S extends Mutex | Semaphore> {
  readonly target: S;
  protected readonly limit: AcquireLimit;

  constructor(target: S, limit: AcquireLimit) {
    this.target = target;
    this.limit = limit;
  }

  isLocked(): boolean {
    return this.target.isLocked();
  }

  cancel(): void {
    this.target.cancel();
  }
}

class LimitedMutex extends LimitedView<Mutex> implements MutexInterface {
  acquire(priority = 0): Promise<MutexInterface.Releaser> {
    return this.target.lock.request(1, priority, this.limit, releaserOnly);
  }

  runExclusive<T>(callback: MutexInterface.Worker<T>, priority = 0): Promise<T> {
    return this.target.lock.exclusive(1, priority, this.limit, () => callback());
  }

  waitForUnlock(priority = 0): Promise<void> {
    return limitWait(this.target.waitForUnlock(priority), this.limit);
  }

  release(): void {
    this.target.release();
  }
}

class LimitedSemaphore extends LimitedView<Semaphore> implements SemaphoreInterface {
  acquire(weight = 1, priority = 0): Promise<[number, SemaphoreInterface.Releaser]> {
    return this.target.request(validWeight(weight), priority, this.limit, (value, release): [number, SemaphoreInterface.Releaser] => [value, release]);
  }

  runExclusive<T>(callback: SemaphoreInterface.Worker<T>, weight = 1, priority = 0): Promise<T> {
    return this.target.exclusive(validWeight(weight), priority, this.limit, callback);
  }

  waitForUnlock(weight = 1, priority = 0): Promise<void> {
    return limitWait(this.target.waitForUnlock(weight, priority), this.limit);
  }

  getValue(): number {
    return this.target.getValue();
  }

  setValue(value: number): void {
    this.target.setValue(value);
  }

  release(weight = 1): void {
    this.target.release(weight);
  }
}

/** A wait that rejects with the limit's error when it does not end in time (at once for `try`). */
function limitWait(wait: Promise<void>, limit: AcquireLimit): Promise<void> {
  const ms = limit.kind === 'timeout' ? limit.ms : 0;
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(limit.error), ms);
    void wait.then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

type Lockable = MutexInterface | SemaphoreInterface;

function view(sync: Lockable, limit: AcquireLimit): Lockable {
  if (sync instanceof Mutex) return new LimitedMutex(sync, limit);
  if (sync instanceof LimitedMutex) return new LimitedMutex(sync.target, limit);
  if (sync instanceof Semaphore) return new LimitedSemaphore(sync, limit);
  if (sync instanceof LimitedSemaphore) return new LimitedSemaphore(sync.target, limit);
  throw new TypeError('lockdep/async-mutex: expected a Mutex or Semaphore made by lockdep/async-mutex (import them from there too)');
}

export function withTimeout(mutex: MutexInterface, timeout: number, timeoutError?: Error): MutexInterface;
export function withTimeout(semaphore: SemaphoreInterface, timeout: number, timeoutError?: Error): SemaphoreInterface;
export function withTimeout(sync: Lockable, timeout: number, timeoutError: Error = E_TIMEOUT): Lockable {
  return view(sync, { kind: 'timeout', ms: timeout, error: timeoutError });
}

export function tryAcquire(mutex: MutexInterface, alreadyAcquiredError?: Error): MutexInterface;
export function tryAcquire(semaphore: SemaphoreInterface, alreadyAcquiredError?: Error): SemaphoreInterface;
export function tryAcquire(sync: Lockable, alreadyAcquiredError: Error = E_ALREADY_LOCKED): Lockable {
  return view(sync, { kind: 'try', error: alreadyAcquiredError });
}
