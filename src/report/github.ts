/**
 * GitHub Actions workflow-command annotations (`::error file=F,line=L,title=T::message`).
 * Escaping follows @actions/core's command.ts: message data escapes `%`, CR and LF; property
 * values also escape `:` and `,`. GitHub shows at most 10 error and 10 warning (and 10 notice)
 * annotations per step and silently drops the rest, so this format prints at most that many of
 * each, in finding order, then one plain summary line that counts everything (including what was
 * not annotated and what a baseline downgraded). Baselined findings get no annotation.
 */
import type { Finding, Severity } from '../engine/finding.js';
import type { CheckResult } from '../engine/result.js';
import { findingTitle } from './rule-catalog.js';
import { primaryWitness, witnessPosition } from './source-position.js';
import { classPath, describeEvent, witnessesOf } from './witnesses.js';

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
  const lines = [finding.message];
  if (finding.classes.length > 0) lines.push(`classes: ${classPath(finding)}`);
  for (const witness of witnessesOf(finding)) lines.push(`${witness.role}: ${describeEvent(witness.ref)}`);
  lines.push(`fingerprint: ${finding.fingerprint}`);
  return `::${command} ${properties.join(',')}::${escapeData(lines.join('\n'))}`;
}

/** Renders annotations (capped per level) followed by a summary line. */
export function renderGithub(result: CheckResult): string {
  const shown = new Map<Command, number>();
  const total = new Map<Command, number>();
  const out: string[] = [];
  let baselined = 0;
  for (const finding of result.violations) {
    if (finding.baselined === true) { baselined++; continue; }
    const command = COMMANDS.get(finding.severity) ?? 'warning';
    total.set(command, (total.get(command) ?? 0) + 1);
    if ((shown.get(command) ?? 0) >= ANNOTATIONS_PER_LEVEL) continue;
    shown.set(command, (shown.get(command) ?? 0) + 1);
    out.push(annotation(finding, command));
  }
  const count = (map: Map<Command, number>, command: Command): number => map.get(command) ?? 0;
  const annotated = count(shown, 'error') + count(shown, 'warning') + count(shown, 'notice');
  const all = count(total, 'error') + count(total, 'warning') + count(total, 'notice');
  const parts = [
    `lockdep: ${count(total, 'error')} error(s), ${count(total, 'warning')} warning(s), ${count(total, 'notice')} info`,
    `${result.summary.events} events, ${result.summary.classes} classes, ${result.summary.dependencies} dependencies`,
  ];
  if (all > annotated) parts.push(`${all - annotated} finding(s) not annotated (GitHub shows ${ANNOTATIONS_PER_LEVEL} per level per step; see the SARIF upload or the step summary)`);
  if (baselined > 0) parts.push(`${baselined} baselined`);
  out.push(parts.join('; '));
  return `${out.join('\n')}\n`;
}
