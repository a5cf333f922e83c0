/**
 * Combines the results of checking several trace files (each from an empty graph) into the one
 * result the reporters render. Invariants: violations keep file order, then each file's finding
 * order; summary counters are sums over files; `errors`/`warnings` count the combined
 * violations by severity, baselined ones excluded (as the baseline code counts them); `traces`
 * lists every file's own summary when more than one file was checked (absent for one file, so
 * a single-file result is unchanged).
 */
import { countUnbaselined } from '../engine/finding.js';
import type { Finding } from '../engine/finding.js';
import type { CheckResult, Summary, TraceSummary } from '../engine/result.js';

export interface FileResult {
  file: string;
  result: CheckResult;
}

function addOptional(total: number | undefined, value: number | undefined): number | undefined {
  if (value === undefined) return total;
  return (total ?? 0) + value;
}

/** Sums summaries; optional counters appear in the total when any input has them. */
export function sumSummaries(summaries: readonly Summary[]): Summary {
  const total: Summary = { events: 0, tasks: 0, classes: 0, dependencies: 0, violations: 0 };
  let chains: number | undefined;
  let chainCacheHits: number | undefined;
  for (const summary of summaries) {
    total.events += summary.events;
    total.tasks += summary.tasks;
    total.classes += summary.classes;
    total.dependencies += summary.dependencies;
    total.violations += summary.violations;
    chains = addOptional(chains, summary.chains);
    chainCacheHits = addOptional(chainCacheHits, summary.chainCacheHits);
  }
  if (chains !== undefined) total.chains = chains;
  if (chainCacheHits !== undefined) total.chainCacheHits = chainCacheHits;
  return total;
}

export function combineResults(files: readonly FileResult[], tool?: CheckResult['tool']): CheckResult {
  const violations: Finding[] = [];
  for (const { result } of files) violations.push(...result.violations);
  const summary = sumSummaries(files.map(({ result }) => result.summary));
  summary.violations = violations.length;
  summary.errors = countUnbaselined(violations, 'error');
  summary.warnings = countUnbaselined(violations, 'warning');
  const combined: CheckResult = { version: 1, violations, summary };
  if (files.length > 1) {
    combined.traces = files.map(({ file, result }): TraceSummary => ({ file, summary: result.summary }));
  }
  const notices = files.flatMap(({ result }) => result.notices ?? []);
  if (notices.length > 0) combined.notices = notices;
  if (tool !== undefined) combined.tool = tool;
  return combined;
}
