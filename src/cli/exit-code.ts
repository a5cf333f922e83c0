/**
 * The exit-code policy of `lockdep check` (spec "Verdict and exit codes"):
 *   0 clean; 1 at least one error-severity finding that is not baselined; 2 usage, config or
 *   input error (decided by main.ts's error handling, never by a result).
 * Invariant: a pure function of the result and the policy options; never a count (exit
 * codes keep only 8 bits). Extend `ExitPolicy` for new thresholds.
 */
import { severityCounts } from '../engine/finding.js';
import type { CheckResult } from '../engine/result.js';

export const EXIT_CLEAN = 0;
export const EXIT_VIOLATIONS = 1;
export const EXIT_USAGE = 2;
export type ExitCode = typeof EXIT_CLEAN | typeof EXIT_VIOLATIONS | typeof EXIT_USAGE;

/** Options that change the verdict. */
export interface ExitPolicy {
  /** `--max-warnings N`: more than N warning-severity findings (not baselined) fail the run. */
  maxWarnings?: number;
  /** `--exit-zero`: findings never fail the run (usage and input errors still exit 2). */
  exitZero?: boolean;
  /** `--strict-baseline`: stale baseline entries (this many) fail the run. */
  strictBaseline?: boolean;
  staleBaselineEntries?: number;
}

export function exitCodeFor(result: CheckResult, policy: ExitPolicy = {}): ExitCode {
  if (policy.exitZero === true) return EXIT_CLEAN;
  // A baselined finding is counted apart (`baselined`), so it never fails the run.
  const counts = severityCounts(result.violations);
  if (counts.error > 0) return EXIT_VIOLATIONS;
  if (policy.maxWarnings !== undefined && counts.warning > policy.maxWarnings) return EXIT_VIOLATIONS;
  if (policy.strictBaseline === true && (policy.staleBaselineEntries ?? 0) > 0) return EXIT_VIOLATIONS;
  return EXIT_CLEAN;
}
