/**
 * Markdown for a job's step summary (`>> $GITHUB_STEP_SUMMARY`): a verdict line, a summary
 * table, a table of findings and, for each, its witnesses. Invariants: every user-supplied text
 * goes through escapeMarkdown (HTML entities + Markdown punctuation), so names render literally
 * and no tag can get through; output stays far below GitHub's 1 MiB summary limit by listing at
 * most MAX_DETAILED findings in detail (the table still counts all of them).
 */
import { severityCounts } from '../engine/finding.js';
import type { Finding } from '../engine/finding.js';
import type { CheckResult } from '../engine/result.js';
import { escapeMarkdown } from './escape.js';
import { findingTitle } from './rule-catalog.js';
import { classPath, findingDetails } from './witnesses.js';

const MAX_DETAILED = 100;

const SEVERITY_MARK = new Map<string, string>([['error', '❌ error'], ['warning', '⚠️ warning'], ['info', 'ℹ️ info']]);

function severityCell(finding: Finding): string {
  const mark = SEVERITY_MARK.get(finding.severity) ?? finding.severity;
  return finding.baselined === true ? `${mark} (baselined)` : mark;
}

/** Renders the result as GitHub-flavoured Markdown. */
export function renderMarkdown(result: CheckResult): string {
  const counts = severityCounts(result.violations);
  const otherCounts = `${counts.warning} warning(s), ${counts.info} info${counts.baselined > 0 ? `, ${counts.baselined} baselined` : ''}.`;
  const s = result.summary;
  const out: string[] = ['## lockdep', ''];
  out.push(counts.error > 0 ? `**${counts.error} error(s)**, ${otherCounts}` : `No lock-order errors. ${otherCounts}`);
  out.push('', '| events | tasks | classes | dependencies | findings |', '| ---: | ---: | ---: | ---: | ---: |');
  out.push(`| ${s.events} | ${s.tasks} | ${s.classes} | ${s.dependencies} | ${result.violations.length} |`);
  if (result.traces && result.traces.length > 0) {
    out.push('', '| trace | events | classes | dependencies | findings |', '| --- | ---: | ---: | ---: | ---: |');
    for (const trace of result.traces) {
      const t = trace.summary;
      out.push(`| ${escapeMarkdown(trace.file)} | ${t.events} | ${t.classes} | ${t.dependencies} | ${t.violations} |`);
    }
  }
  if (result.violations.length === 0) return `${out.join('\n')}\n`;

  out.push('', '| # | severity | finding | classes |', '| ---: | --- | --- | --- |');
  result.violations.forEach((finding, index) => {
    out.push(`| ${index + 1} | ${severityCell(finding)} | ${escapeMarkdown(findingTitle(finding))} | ${escapeMarkdown(classPath(finding))} |`);
  });

  out.push('', '### Findings');
  result.violations.slice(0, MAX_DETAILED).forEach((finding, index) => {
    out.push('', `#### ${index + 1}. ${severityCell(finding)}: ${escapeMarkdown(findingTitle(finding))}`, '');
    out.push(escapeMarkdown(finding.message), '');
    // The classes are already in the findings table.
    for (const detail of findingDetails(finding)) {
      if (detail.part !== 'classes') out.push(`- ${escapeMarkdown(detail.label)}: ${escapeMarkdown(detail.text)}`);
    }
  });
  if (result.violations.length > MAX_DETAILED) {
    out.push('', `${result.violations.length - MAX_DETAILED} more finding(s) not shown in detail; see the SARIF or JSON output.`);
  }
  return `${out.join('\n')}\n`;
}
