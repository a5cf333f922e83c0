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
import { Semaphore, type AcquireLimit } from './semaphore.js';

class LimitedMutex implements MutexInterface {
  readonly mutex: Mutex;
  private readonly limit: AcquireLimit;

  constructor(mutex: Mutex, limit: AcquireLimit) {
    this.mutex = mutex;
    this.limit = limit;
  }

  acquire(priority = 0): Promise<MutexInterface.Releaser> {
    return this.mutex.lock.request(1, priority, this.limit, releaserOnly);
  }

  runExclusive<T>(callback: MutexInterface.Worker<T>, priority = 0): Promise<T> {
    return this.mutex.lock.exclusive(1, priority, this.limit, () => callback());
  }

  waitForUnlock(priority = 0): Promise<void> {
    return limitWait(this.mutex.waitForUnlock(priority), this.limit);
  }

  isLocked(): boolean {
    return this.mutex.isLocked();
  }

  release(): void {
    this.mutex.release();
  }

  cancel(): void {
    this.mutex.cancel();
  }
}

class LimitedSemaphore implements SemaphoreInterface {
  readonly semaphore: Semaphore;
  private readonly limit: AcquireLimit;

  constructor(semaphore: Semaphore, limit: AcquireLimit) {
    this.semaphore = semaphore;
    this.limit = limit;
  }

  acquire(weight = 1, priority = 0): Promise<[number, SemaphoreInterface.Releaser]> {
    if (weight <= 0) throw new Error(`invalid weight ${weight}: must be positive`);
    return this.semaphore.request(weight, priority, this.limit, (value, release): [number, SemaphoreInterface.Releaser] => [value, release]);
  }

  runExclusive<T>(callback: SemaphoreInterface.Worker<T>, weight = 1, priority = 0): Promise<T> {
    if (weight <= 0) throw new Error(`invalid weight ${weight}: must be positive`);
    return this.semaphore.exclusive(weight, priority, this.limit, callback);
  }

  waitForUnlock(weight = 1, priority = 0): Promise<void> {
    return limitWait(this.semaphore.waitForUnlock(weight, priority), this.limit);
  }

  isLocked(): boolean {
    return this.semaphore.isLocked();
  }

  getValue(): number {
    return this.semaphore.getValue();
  }

  setValue(value: number): void {
    this.semaphore.setValue(value);
  }

  release(weight = 1): void {
    this.semaphore.release(weight);
  }

  cancel(): void {
    this.semaphore.cancel();
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
  if (sync instanceof LimitedMutex) return new LimitedMutex(sync.mutex, limit);
  if (sync instanceof Semaphore) return new LimitedSemaphore(sync, limit);
  if (sync instanceof LimitedSemaphore) return new LimitedSemaphore(sync.semaphore, limit);
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
