/**
 * Errors thrown by the simulation runtime. Invariant: a finding is never an error by itself
 * (the validator collects findings); these are thrown only when the user asked for it
 * (`onFinding: 'throw'`) or when an operation cannot be carried out in single-threaded JS
 * (a contended spinlock would spin for ever).
 */
import { findingLine, type Finding } from '../engine/finding.js';

/** Thrown by the operation that raised a finding when the runtime reacts with `'throw'`. */
export class LockdepFindingError extends Error {
  readonly finding: Finding;

  constructor(finding: Finding) {
    super(`lockdep: ${findingLine(finding)}`);
    this.name = 'LockdepFindingError';
    this.finding = finding;
  }
}

/**
 * A spinning lock (SpinLock, RwLock) is contended. In single-threaded JS the holder can only be
 * a task that yielded while holding it (already a sleep-in-atomic finding) or the same task
 * (recursion): spinning would never end, so the acquisition fails instead.
 */
export class SpinLockContendedError extends Error {
  readonly lock: string;
  readonly holders: readonly string[];

  constructor(lock: string, task: string, holders: readonly string[]) {
    super(
      `task ${task} would spin for ever on ${lock}, held by ${holders.join(', ')} ` +
        '(a spinning lock must not be held across an await)',
    );
    this.name = 'SpinLockContendedError';
    this.lock = lock;
    this.holders = holders;
  }
}

/** A primitive was used in a way that cannot work (wrong runtime, bad option value). */
export class SimulationUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SimulationUsageError';
  }
}
