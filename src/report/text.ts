/**
 * The kernel-style text report (`lockdep check`'s default format): one report per finding,
 * modelled on the printk output of kernel/locking/lockdep.c, then
 * one summary line.
 * Invariants: a pure function of the result and the options (no I/O, no clock, no environment);
 * header lines are the kernel's verbatim text; every user-supplied string (names, sites, files,
 * messages) passes through `escapeTerminal`, so control characters, ANSI sequences and line
 * breaks in names are shown as visible escapes; color codes appear only when `color` is true; a Finding
 * field that is missing degrades to a shorter report, never to an exception.
 */
import type { Finding } from '../engine/finding.js';
import { severityCounts } from '../engine/finding.js';
import type { CheckResult, Summary } from '../engine/result.js';
import { escapeTerminal } from './escape.js';
import { FINDING_KIND_REPORTS } from './finding-kind-reports.js';
import { SPLAT_REPORT } from './text-splat.js';
import { ReportWriter } from './report-writer.js';

export interface TextReportOptions {
  /** Emit ANSI color codes (the CLI decides with `colorEnabled`, src/report/color.ts). */
  color?: boolean;
}

/** A copy of `value` with every string passed through `escapeTerminal`. */
function neutralized<T>(value: T): T {
  if (typeof value === 'string') return escapeTerminal(value) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => neutralized(item)) as T;
  if (value === null || typeof value !== 'object') return value;
  const copy: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    Object.defineProperty(copy, key, { value: neutralized(field), enumerable: true, writable: true, configurable: true });
  }
  return copy as T;
}

/** The report of one finding, as lines joined by `\n` (no trailing newline). */
export function renderFindingText(rawFinding: Finding, options: TextReportOptions = {}): string {
  const finding = neutralized(rawFinding);
  const writer = new ReportWriter(finding, options.color === true);
  const report = finding.splat === undefined ? FINDING_KIND_REPORTS[finding.kind] : SPLAT_REPORT;
  writer.banner(report.header(finding));
  report.render(writer);
  writer.footer();
  return writer.lines.join('\n');
}

function plural(count: number, word: string, pluralWord = `${word}s`): string {
  return `${count} ${count === 1 ? word : pluralWord}`;
}

function summaryCounts(summary: Summary): string {
  return `${plural(summary.events, 'event')}, ${plural(summary.tasks, 'task')}, ${plural(summary.classes, 'class', 'classes')}, ${plural(summary.dependencies, 'dependency', 'dependencies')}`;
}

/** The closing summary line: counts, then findings by severity with baselined ones counted apart. */
export function renderSummaryLine(result: CheckResult): string {
  const findings = result.violations;
  const counts = severityCounts(findings);
  const bySeverity = [plural(counts.error, 'error'), plural(counts.warning, 'warning'), `${counts.info} info`];
  if (counts.baselined > 0) bySeverity.push(`${counts.baselined} baselined`);
  const verdict = findings.length === 0 ? 'no findings' : `${plural(findings.length, 'finding')} (${bySeverity.join(', ')})`;
  const traces = result.traces;
  const scope = traces !== undefined && traces.length > 1 ? ` in ${traces.length} traces` : '';
  return `lockdep: ${summaryCounts(result.summary)}${scope}; ${verdict}`;
}

/** The whole text report: every finding's report, per-trace lines when several, the summary. */
export function renderText(result: CheckResult, options: TextReportOptions = {}): string {
  const parts: string[] = [];
  for (const finding of result.violations) parts.push(renderFindingText(finding, options));
  const tail: string[] = [];
  if (result.traces !== undefined && result.traces.length > 1) {
    for (const trace of result.traces) {
      tail.push(`  ${escapeTerminal(trace.file)}: ${summaryCounts(trace.summary)}; ${plural(trace.summary.violations, 'finding')}`);
    }
  }
  tail.push(renderSummaryLine(result));
  if (parts.length > 0) parts.push('');
  parts.push(tail.join('\n'));
  return `${parts.join('\n')}\n`;
}
