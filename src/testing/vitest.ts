/**
 * Test helpers for a project's own vitest suites (package entry `lockdep/testing`):
 *  - `expectNoLockdepFindings(x)` throws an assertion error listing every finding (kernel-style
 *    text), real deadlock and task error of a run;
 *  - `lockdepMatchers` for `expect.extend(lockdepMatchers)`, giving
 *    `expect(x).toHaveNoLockdepFindings()` (typed for vitest by `LockdepMatchers`);
 *  - `failOnDeadlock(runtime, work)` (fail-on-deadlock.ts): a deadlock fails the test at once
 *    with its report, instead of a timeout.
 * `x` is a LockdepRuntime, a SimulationResult, a CheckResult or a list of findings.
 * Invariant: this module does not import vitest at run time (only its types), so it also works
 * with any runner that treats a thrown Error as a failure.
 */
import { findingLine, type Finding } from '../engine/finding.js';
import type { CheckResult } from '../engine/result.js';
import { renderFindingText } from '../report/text.js';
import { defaultRuntime } from '../sim/default-runtime.js';
import type { LockdepRuntime } from '../sim/runtime.js';
import type { DeadlockReport, SimulationResult, TaskError } from '../sim/simulation-outcome.js';
import { thrownText } from '../sim/task-error-finding.js';
import { formatDeadlockReport } from '../sim/wait-for.js';
import type {} from 'vitest';

export type LockdepOutcome = LockdepRuntime | SimulationResult | CheckResult | readonly Finding[];

export interface LockdepProblems {
  findings: readonly Finding[];
  deadlocks: readonly DeadlockReport[];
  taskErrors: readonly TaskError[];
}

function isRuntime(x: object): x is LockdepRuntime {
  return 'waitFor' in x && 'findings' in x;
}

function isSimulationResult(x: object): x is SimulationResult {
  return 'deadlock' in x && 'errors' in x && 'findings' in x;
}

function isCheckResult(x: object): x is CheckResult {
  return 'violations' in x && Array.isArray((x as CheckResult).violations);
}

/** A Simulation's deadlock reports, unless the findings already show the deadlock (the runtime reports it as a finding). */
function reportsNotInFindings(findings: readonly Finding[], reports: readonly DeadlockReport[]): readonly DeadlockReport[] {
  return findings.some((finding) => finding.kind === 'deadlock') ? [] : reports;
}

/** A Simulation's task errors that are not `task-error` findings already (a runtime that does not validate). */
function errorsNotInFindings(findings: readonly Finding[], errors: readonly TaskError[]): readonly TaskError[] {
  const reported = new Set(findings.flatMap((finding) => (finding.kind === 'task-error' && finding.task !== undefined ? [finding.task] : [])));
  return errors.filter((error) => !reported.has(error.task));
}

/** Everything wrong with a run, whatever form it is given in. */
export function lockdepProblems(outcome: LockdepOutcome): LockdepProblems {
  if (Array.isArray(outcome)) return { findings: outcome as readonly Finding[], deadlocks: [], taskErrors: [] };
  const x = outcome as object;
  // A runtime's deadlocks and task errors are among its findings.
  if (isRuntime(x)) return { findings: x.findings, deadlocks: [], taskErrors: [] };
  if (isSimulationResult(x)) {
    const reports = x.deadlock === null ? [] : [x.deadlock];
    return { findings: x.findings, deadlocks: reportsNotInFindings(x.findings, reports), taskErrors: errorsNotInFindings(x.findings, x.errors) };
  }
  if (isCheckResult(x)) return { findings: x.violations, deadlocks: [], taskErrors: [] };
  throw new TypeError('expected a LockdepRuntime, a SimulationResult, a CheckResult or an array of findings');
}

/** The failure message: a count line, then every finding, deadlock and task error in full. */
export function describeLockdepProblems(problems: LockdepProblems): string {
  const { findings, deadlocks, taskErrors } = problems;
  const parts: string[] = [];
  const counts: string[] = [];
  if (findings.length > 0) counts.push(`${findings.length} lockdep finding${findings.length === 1 ? '' : 's'}`);
  if (deadlocks.length > 0) counts.push(`${deadlocks.length} real deadlock${deadlocks.length === 1 ? '' : 's'}`);
  if (taskErrors.length > 0) counts.push(`${taskErrors.length} task error${taskErrors.length === 1 ? '' : 's'}`);
  parts.push(`expected no lockdep findings, got ${counts.join(', ')}:`);
  for (const finding of findings) parts.push(`- ${findingLine(finding)}`);
  for (const finding of findings) parts.push(renderFindingText(finding, { color: false }));
  for (const deadlock of deadlocks) parts.push(formatDeadlockReport(deadlock));
  for (const { task, error } of taskErrors) parts.push(`task ${task} threw ${thrownText(error)}`);
  return parts.join('\n');
}

function hasProblems(problems: LockdepProblems): boolean {
  return problems.findings.length > 0 || problems.deadlocks.length > 0 || problems.taskErrors.length > 0;
}

/**
 * Throws (failing the test) when the run has findings, a real deadlock or task errors. Without
 * an argument: the default runtime (the one `lockdep/async-mutex` locks report to).
 */
export function expectNoLockdepFindings(outcome?: LockdepOutcome): void {
  const problems = lockdepProblems(outcome ?? defaultRuntime());
  if (!hasProblems(problems)) return;
  const error = new Error(describeLockdepProblems(problems));
  error.name = 'AssertionError';
  throw error;
}

interface MatcherResult {
  pass: boolean;
  message: () => string;
}

/** `expect.extend(lockdepMatchers)` adds `toHaveNoLockdepFindings()`. */
export const lockdepMatchers = {
  toHaveNoLockdepFindings(received: LockdepOutcome): MatcherResult {
    const problems = lockdepProblems(received);
    const pass = !hasProblems(problems);
    return {
      pass,
      message: () => (pass ? 'expected lockdep findings, got none' : describeLockdepProblems(problems)),
    };
  },
};

export { failOnDeadlock } from './fail-on-deadlock.js';

/** The matchers `lockdepMatchers` adds, for vitest's `Matchers` (declared below) or another runner's. */
export interface LockdepMatchers<R = unknown> {
  toHaveNoLockdepFindings(): R;
}

declare module 'vitest' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-explicit-any -- vitest's augmentation pattern: same type parameter and default as its Matchers
  interface Matchers<T = any> extends LockdepMatchers<T> {}
}
