/**
 * How a `lockdep infer` answer is printed: `yaml`, a rules file (each rule preceded by its
 * evidence as comments) that `lockdep rules lint` and `check --rules` read; `json`, the answer
 * as data; `markdown`, a table for review. Invariants: names and descriptions are YAML
 * double-quoted scalars (JSON string syntax, which YAML reads back unchanged), and comments never
 * carry a line break, so any class or variable name survives.
 */
import { escapeMarkdown } from '../report/escape.js';
import type { Evidence, InferAnswer, ProposedRule } from './proposal.js';
import { percent } from './support.js';

export const INFER_FORMATS = ['yaml', 'json', 'markdown'] as const;
export type InferFormat = (typeof INFER_FORMATS)[number];

const quote = (text: string): string => JSON.stringify(text);
const LINE_BREAK = /[\r\n\u2028\u2029]/;
const LINE_BREAKS = /[\r\n\u2028\u2029]/g;
/** A YAML comment line: a line break in a name would end the comment early. */
const comment = (text: string): string => `# ${LINE_BREAK.test(text) ? text.replace(LINE_BREAKS, ' ') : text}`;

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

/**
 * "3 chains, 2 tasks, first at t.jsonl:12, held together: A + B in 97.4% of them; note", or
 * "at least 1 chain, at least 1 task, ..." when the counts are a floor (a saved graph's witness).
 */
export function evidenceText(evidence: Evidence, kind: ProposedRule['kind']): string {
  const { support } = evidence;
  const floor = support.witnessesAtLeast === true ? 'at least ' : '';
  const unit = kind === 'guarded-by' ? plural(support.witnesses, 'access', 'accesses') : plural(support.witnesses, 'chain', 'chains');
  const parts = [`${floor}${unit}, ${floor}${plural(support.tasks, 'task', 'tasks')}`];
  if (support.firstSeen !== '') parts.push(`first at ${support.firstSeen}`);
  if (evidence.confidence !== undefined && evidence.lockset !== undefined) {
    parts.push(`${evidence.lockset.length > 1 ? 'held together' : 'held'}: ${evidence.lockset.join(' + ')} in ${percent(evidence.confidence)} of them`);
  }
  return `${evidence.about}: ${parts.join(', ')}${evidence.note === undefined ? '' : `; ${evidence.note}`}`;
}

/** The evidence cell of a rule that only continues a lockset (its first rule has the evidence). */
function locksetContinued(proposed: ProposedRule): string {
  return `held together with the rule above: ${(proposed.lockset ?? []).join(' + ')}`;
}

function header(answer: InferAnswer): string[] {
  const { summary } = answer;
  const lines = [
    `Rules proposed by lockdep infer from ${answer.inputs.join(', ')}`,
    `(${plural(summary.classes, 'class', 'classes')}, ${plural(summary.dependencies, 'dependency', 'dependencies')}, ${plural(summary.accessesSeen, 'access', 'accesses')}): ` +
      `${summary.proposed} rule(s)${summary.off > 0 ? `, ${summary.off} off (the input breaks them: review before enabling)` : ''}.`,
    'Support counts distinct lock chains (a held-lock sequence counts once, however often it repeats)',
    'and the tasks that first took them; guarded-by counts every access. Check with lockdep rules lint.',
  ];
  if (answer.rules.some((proposed) => proposed.evidence.some((entry) => entry.support.witnessesAtLeast === true))) {
    lines.push('"At least": a saved graph or /proc/lockdep keeps one witness per dependency, however often it was taken; counts from traces leave out what such an input saw.');
  }
  if (answer.cycles.length > 0) {
    lines.push('Classes on these cycles are not ordered among themselves (see lockdep graph cycles):');
    for (const group of answer.cycles) lines.push(`  ${group.join(', ')}`);
  }
  return lines.map(comment);
}

/** Fields whose values are the rule kinds' keywords (ids, kinds, modes): plain scalars; the others (names, text) are quoted. */
const KEYWORD_FIELDS: ReadonlySet<string> = new Set(['id', 'kind', 'severity', 'heldMode', 'mode', 'access']);

export function inferYaml(answer: InferAnswer): string {
  const lines = [...header(answer), 'version: 1'];
  if (answer.classes.length > 0) {
    lines.push('classes:');
    classLines(lines, answer.classes);
  }
  lines.push(answer.rules.length === 0 ? 'rules: []' : 'rules:');
  ruleLines(lines, answer.rules);
  return `${lines.join('\n')}\n`;
}

/** One line per declared class. (Each loop of the YAML is a function of its own: V8 compiles it while it runs, and nothing after it.) */
function classLines(lines: string[], classes: InferAnswer['classes']): void {
  for (let index = 0; index < classes.length; index++) {
    const { name, type } = classes[index]!;
    lines.push(`  ${quote(name)}: ${type}`);
  }
}

/** Each rule: its evidence comments, then its fields in the order they were set (Object.keys: no for-in over the rule). */
function ruleLines(lines: string[], rules: readonly ProposedRule[]): void {
  for (let index = 0; index < rules.length; index++) {
    const proposed = rules[index]!;
    for (const evidence of proposed.evidence) lines.push(`  ${comment(evidenceText(evidence, proposed.kind))}`);
    const rule = proposed.rule;
    const fields = Object.keys(rule);
    for (let at = 0; at < fields.length; at++) {
      const field = fields[at]!;
      const value = rule[field]!;
      const prefix = at === 0 ? '  - ' : '    ';
      if (typeof value === 'string') lines.push(`${prefix}${field}: ${KEYWORD_FIELDS.has(field) ? value : quote(value)}`);
      else {
        lines.push(`${prefix}${field}:`);
        for (const item of value) lines.push(`      - ${quote(item)}`);
      }
    }
  }
}

export function inferMarkdown(answer: InferAnswer): string {
  const lines = ['### lockdep infer', '', ...header(answer).map((line) => escapeMarkdown(line.slice(2))), ''];
  if (answer.rules.length > 0) {
    lines.push('| rule | kind | rule says | evidence |', '| --- | --- | --- | --- |');
    for (const proposed of answer.rules) {
      const id = `${escapeMarkdown(String(proposed.rule['id']))}${proposed.rule['severity'] === 'off' ? ' (off)' : ''}`;
      const evidence = proposed.evidence.length === 0 && proposed.lockset !== undefined
        ? escapeMarkdown(locksetContinued(proposed))
        : proposed.evidence.map((entry) => escapeMarkdown(evidenceText(entry, proposed.kind))).join('<br>');
      lines.push(`| ${id} | ${proposed.kind} | ${escapeMarkdown(String(proposed.rule['description']))} | ${evidence} |`);
    }
  }
  return `${lines.join('\n')}\n`;
}

export function renderInferAnswer(format: InferFormat, answer: InferAnswer): string {
  switch (format) {
    case 'yaml': return inferYaml(answer);
    case 'json': return `${JSON.stringify(answer, null, 2)}\n`;
    case 'markdown': return inferMarkdown(answer);
  }
}
