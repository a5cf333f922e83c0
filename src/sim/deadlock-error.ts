/**
 * DeadlockError: the rejection of the acquisition that closed a wait-for cycle when the runtime
 * reacts to deadlocks with `onDeadlock: 'throw'` (like a database's deadlock detector choosing a
 * victim). The victim's lock was not taken and its wait was undone, so the other tasks of the
 * cycle go on once the victim releases what it holds.
 */
import type { DeadlockDetail } from '../engine/deadlock-detail.js';
import type { Finding } from '../engine/finding.js';

export class DeadlockError extends Error {
  /** The `deadlock` finding (also in `runtime.findings`). */
  readonly finding: Finding;
  /** The task whose acquisition was rejected. */
  readonly victim: string;
  /** The wait-for cycle, starting at the victim. */
  readonly cycle: DeadlockDetail['cycle'];

  constructor(finding: Finding, victim: string) {
    super(`lockdep: ${finding.message} (${victim}'s acquisition rejected to break the cycle)`);
    this.name = 'DeadlockError';
    this.finding = finding;
    this.victim = victim;
    this.cycle = finding.deadlock?.cycle ?? [];
  }
}
