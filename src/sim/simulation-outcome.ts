/**
 * What a Simulation run leaves behind, as plain data: the result `run()` resolves with, the
 * errors its task functions threw and the wait-for report of a run that ended with every task
 * blocked. A leaf of the simulation layer (types only), so the runtime, the scheduler, the
 * wait-for analysis and the test helpers share these shapes without importing one another.
 * The same outcomes are also findings in the runtime (`deadlock`, `task-error`): these records
 * are the scheduler's view of one run, never a second store the runtime keeps.
 */
import type { Finding } from '../engine/finding.js';

/** An error thrown by a task function (the task still exits). */
export interface TaskError {
  task: string;
  error: unknown;
}

/** One hop of the cycle: `task` waits for `lock` in `mode` because of `blockedBy`. */
export interface WaitForStep {
  task: string;
  lock: string;
  mode: string;
  blockedBy: string;
  /** `holds`: `blockedBy` holds the lock in `blockedByMode`; `queued-ahead`: it is queued before `task`. */
  reason: 'holds' | 'queued-ahead';
  blockedByMode: string;
}

/** What one blocked task waits for. */
export interface BlockedTask {
  task: string;
  lock: string;
  mode: string;
  blockedBy: { task: string; reason: 'holds' | 'queued-ahead'; mode: string }[];
}

export interface DeadlockReport {
  /** One line. */
  message: string;
  /** The wait-for cycle; empty when the tasks wait for events nobody can signal. */
  cycle: WaitForStep[];
  /** Every blocked task (all tasks of the simulation that had not finished). */
  blocked: BlockedTask[];
}

export interface SimulationResult {
  /** The deadlock that ended the run, or null when every task finished. */
  deadlock: DeadlockReport | null;
  /** Errors thrown by task functions (each is also a `task-error` finding). */
  errors: TaskError[];
  /** The runtime's findings at the end of the run. */
  findings: readonly Finding[];
  /** Tasks that finished, in finishing order. */
  finished: string[];
}
