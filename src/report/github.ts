/**
 * GitHub Actions workflow-command annotations (`::error file=F,line=L,title=T::message`).
 * Escaping follows @actions/core's command.ts: message data escapes `%`, CR and LF; property
 * values also escape `:` and `,`. GitHub shows at most 10 error and 10 warning (and 10 notice)
 * annotations per step and silently drops the rest, so this format prints at most that many of
 * each, in finding order, then one plain summary line that counts everything (including what was
 * not annotated and what a baseline downgraded). Baselined findings get no annotation.
 */
import { severityCounts } from '../engine/finding.js';
import type { Finding, Severity } from '../engine/finding.js';
import type { CheckResult } from '../engine/result.js';
import { findingTitle } from './rule-catalog.js';
import { primaryWitness, witnessPosition } from './source-position.js';
import { findingDetails } from './witnesses.js';

/** GitHub's per-step display limit for each annotation level. */
const ANNOTATIONS_PER_LEVEL = 10;

type Command = 'error' | 'warning' | 'notice';
const COMMANDS = new Map<Severity, Command>([['error', 'error'], ['warning', 'warning'], ['info', 'notice']]);

/** Escapes command data (the message), as @actions/core's escapeData. */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escapes a command property value, as @actions/core's escapeProperty. */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

function annotation(finding: Finding, command: Command): string {
  const properties: string[] = [];
  const primary = primaryWitness(finding);
  const position = primary ? witnessPosition(primary) : null;
  if (position) {
    properties.push(`file=${escapeProperty(position.file)}`);
    properties.push(`line=${position.line}`);
    if (position.column !== undefined) properties.push(`col=${position.column}`);
  }
  properties.push(`title=${escapeProperty(`lockdep: ${findingTitle(finding)}`)}`);
  const lines = [finding.message, ...findingDetails(finding).map((detail) => `${detail.label}: ${detail.text}`)];
  return `::${command} ${properties.join(',')}::${escapeData(lines.join('\n'))}`;
}

/** Renders annotations (capped per level) followed by a summary line. */
export function renderGithub(result: CheckResult): string {
  const shown = new Map<Command, number>();
  const out: string[] = [];
  for (const finding of result.violations) {
    if (finding.baselined === true) continue;
    const command = COMMANDS.get(finding.severity) ?? 'warning';
    if ((shown.get(command) ?? 0) >= ANNOTATIONS_PER_LEVEL) continue;
    shown.set(command, (shown.get(command) ?? 0) + 1);
    out.push(annotation(finding, command));
  }
  const counts = severityCounts(result.violations);
  const annotated = [...shown.values()].reduce((sum, count) => sum + count, 0);
  const notAnnotated = counts.error + counts.warning + counts.info - annotated;
  const parts = [
    `lockdep: ${counts.error} error(s), ${counts.warning} warning(s), ${counts.info} info`,
    `${result.summary.events} events, ${result.summary.classes} classes, ${result.summary.dependencies} dependencies`,
  ];
  if (notAnnotated > 0) parts.push(`${notAnnotated} finding(s) not annotated (GitHub shows ${ANNOTATIONS_PER_LEVEL} per level per step; see the SARIF upload or the step summary)`);
  if (counts.baselined > 0) parts.push(`${counts.baselined} baselined`);
  out.push(parts.join('; '));
  return `${out.join('\n')}\n`;
}
