/**
 * Markdown for a job's step summary (`>> $GITHUB_STEP_SUMMARY`): a verdict line, a summary
 * table, a table of findings and, for each, its witnesses. Invariants: every user-supplied text
 * goes through escapeMarkdown (HTML entities + Markdown punctuation), so names render literally
 * and no tag can get through; output stays far below GitHub's 1 MiB summary limit by listing at
 * most MAX_DETAILED findings in detail (the table still counts all of them).
 */
import { countUnbaselined } from '../engine/finding.js';
import type { Finding } from '../engine/finding.js';
import type { CheckResult } from '../engine/result.js';
import { escapeMarkdown } from './escape.js';
import { findingTitle } from './rule-catalog.js';
import { classPath, describeEvent, witnessesOf } from './witnesses.js';

const MAX_DETAILED = 100;

const SEVERITY_MARK = new Map<string, string>([['error', '❌ error'], ['warning', '⚠️ warning'], ['info', 'ℹ️ info']]);

function severityCell(finding: Finding): string {
  const mark = SEVERITY_MARK.get(finding.severity) ?? finding.severity;
  return finding.baselined === true ? `${mark} (baselined)` : mark;
}

/** Renders the result as GitHub-flavoured Markdown. */
export function renderMarkdown(result: CheckResult): string {
  const active = result.violations.filter((finding) => finding.baselined !== true);
  const errors = countUnbaselined(active, 'error');
  const warnings = countUnbaselined(active, 'warning');
  const baselined = result.violations.length - active.length;
  const s = result.summary;
  const out: string[] = ['## lockdep', ''];
  out.push(errors > 0
    ? `**${errors} error(s)**, ${warnings} warning(s), ${active.length - errors - warnings} info${baselined > 0 ? `, ${baselined} baselined` : ''}.`
    : `No lock-order errors. ${warnings} warning(s), ${active.length - warnings} info${baselined > 0 ? `, ${baselined} baselined` : ''}.`);
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
    for (const witness of witnessesOf(finding)) {
      out.push(`- ${escapeMarkdown(witness.role)}: ${escapeMarkdown(describeEvent(witness.ref))}`);
    }
    out.push(`- fingerprint: ${escapeMarkdown(finding.fingerprint)}`);
  });
  if (result.violations.length > MAX_DETAILED) {
    out.push('', `${result.violations.length - MAX_DETAILED} more finding(s) not shown in detail; see the SARIF or JSON output.`);
  }
  return `${out.join('\n')}\n`;
}
