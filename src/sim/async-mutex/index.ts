/**
 * `lockdep/async-mutex`: a drop-in for the async-mutex package (0.5 API). Change
 * `from 'async-mutex'` to `from 'lockdep/async-mutex'` and every Mutex and Semaphore is validated
 * by lockdep, reporting to the default runtime (`lockdep run`, the `lockdep/testing` helpers, or
 * a report on stderr when a plain `node` process exits). See docs/simulation.md.
 */
export { Mutex } from './mutex.js';
export { Semaphore } from './semaphore.js';
export type { DropInLockOptions } from './semaphore.js';
export type { MutexInterface, SemaphoreInterface } from './interfaces.js';
export { withTimeout, tryAcquire } from './with-timeout.js';
export { E_ALREADY_LOCKED, E_CANCELED, E_TIMEOUT } from './errors.js';
export { defaultRuntime, setDefaultRuntime } from '../default-runtime.js';
