/**
 * Applying a baseline to a result: findings whose fingerprint is listed are marked
 * `baselined: true` (kept, shown as known, not counted for the exit code or --max-warnings,
 * nor in summary.errors/warnings); entries that match no finding are stale. `pruneBaseline` drops the stale entries.
 * Invariants: pure (the input result is not modified); a finding is matched by fingerprint only,
 * which is line-independent, so moving code does not break the baseline.
 */
import { countUnbaselined } from '../engine/finding.js';
import type { CheckResult } from '../engine/result.js';
import { BASELINE_FORMAT, BASELINE_VERSION, normalizeEntries, type Baseline, type BaselineEntry } from './baseline-file.js';

export interface BaselineOutcome {
  result: CheckResult;
  /** Findings that the baseline downgraded. */
  matched: number;
  /** Baseline entries that no finding matched. */
  stale: BaselineEntry[];
}


export function applyBaseline(result: CheckResult, baseline: Baseline): BaselineOutcome {
  const known = new Map<string, BaselineEntry>(baseline.findings.map((entry) => [entry.fingerprint, entry]));
  const used = new Set<string>();
  let matched = 0;
  const violations = result.violations.map((finding) => {
    if (!known.has(finding.fingerprint)) return finding;
    used.add(finding.fingerprint);
    matched++;
    return { ...finding, baselined: true };
  });
  const stale = normalizeEntries(baseline.findings).filter((entry) => !used.has(entry.fingerprint));
  // As the engine's own summary: errors and warnings count only findings that are not baselined.
  const summary = { ...result.summary };
  if (summary.errors !== undefined) summary.errors = countUnbaselined(violations, 'error');
  if (summary.warnings !== undefined) summary.warnings = countUnbaselined(violations, 'warning');
  return { result: { ...result, violations, summary }, matched, stale };
}

/** The baseline without its stale entries. */
export function pruneBaseline(baseline: Baseline, stale: readonly BaselineEntry[]): Baseline {
  const drop = new Set(stale.map((entry) => entry.fingerprint));
  return {
    format: BASELINE_FORMAT,
    version: BASELINE_VERSION,
    findings: normalizeEntries(baseline.findings.filter((entry) => !drop.has(entry.fingerprint))),
  };
}

/** One line per stale entry: `file:line: stale baseline entry ... (how to fix)`. */
export function describeStale(file: string, text: string, stale: readonly BaselineEntry[], lineOf: (text: string, entry: BaselineEntry) => number | undefined): string[] {
  return stale.map((entry) => {
    const line = lineOf(text, entry);
    const where = line === undefined ? file : `${file}:${line}`;
    const what = entry.rule === null ? entry.kind : `${entry.kind} ${entry.rule}`;
    return `${where}: stale baseline entry ${entry.fingerprint} (${what}: ${entry.classes.join(', ')}) matches no finding (remove it with --prune-baseline)`;
  });
}
