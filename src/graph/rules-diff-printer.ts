/**
 * How a `rules diff` answer is printed: a summary line, then the rules grouped by status
 * (violated with check's report of each finding, followed with its support, never exercised with
 * what never happened, not decidable with the inputs that could not decide), then the
 * undocumented orders with their first witness. Markdown is one table of rules and one of
 * orders, for a pull-request comment. The graph (`dot`, `graphml`, `gexf`) holds the
 * dependencies of violating findings (highlighted) and the undocumented orders, one edge per
 * class pair whose `status` lists the rules it violates and `undocumented`.
 */
import type { DependencyWitness, EventRef } from '../engine/finding.js';
import { escapeMarkdown } from '../report/escape.js';
import { renderFindingText } from '../report/text.js';
import { describeEvent } from '../report/witnesses.js';
import { markdownClass, pathLines, type GraphAnswerPrinter } from './graph-formats.js';
import { GraphViewBuilder } from './graph-view.js';
import { RULE_STATUSES, type RuleStatus, type RuleVerdict, type RulesDiff } from './rules-diff.js';

function count(n: number, word: string, plural = `${word}s`): string {
  return `${n} ${n === 1 ? word : plural}`;
}

function summary(diff: RulesDiff): string {
  const statuses = RULE_STATUSES.map((status) => `${diff.counts[status]} ${status}`).join(', ');
  const scope = diff.scope === 'all' ? 'between any classes' : 'between classes the rules name';
  return `${count(diff.rules.length, 'rule')} of ${diff.ruleFiles.join(', ')} against ${diff.inputs.join(', ')}: ${statuses}; ` +
    `${count(diff.undocumented.length, 'undocumented order')} ${scope}`;
}

/** `3 events, 1 dependency, 2 tasks; first: FILE:LINE task T: acquire ...` */
function supportText(rule: RuleVerdict): string {
  const { events, dependencies, tasks, first } = rule.support;
  const parts = [count(events, 'event'), count(dependencies, 'dependency', 'dependencies'), count(tasks, 'task')].join(', ');
  if (first === undefined) return parts;
  const access = first.var === undefined ? '' : ` (${first.write === true ? 'write' : 'read'} of ${first.var})`;
  return `${parts}; first: ${describeEvent(first)}${access}`;
}

function detail(rule: RuleVerdict): string {
  switch (rule.status) {
    case 'violated': return `${count(rule.findings.length, 'finding')}; exercised by ${supportText(rule)}`;
    case 'followed': return supportText(rule);
    case 'never exercised': return rule.neverReached ?? '';
    case 'not decidable': return `it needs single acquisitions, and ${(rule.undecidableIn ?? []).join(', ')} ${(rule.undecidableIn ?? []).length === 1 ? 'is a dependency graph' : 'are dependency graphs'}`;
  }
}

const TITLES: Record<RuleStatus, string> = {
  violated: 'violated',
  followed: 'followed',
  'never exercised': 'never exercised (the inputs never reached the situation the rule is about)',
  'not decidable': 'not decidable from these inputs',
};

const indent = (text: string, by: string): string => text.split('\n').map((line) => (line === '' ? line : `${by}${line}`)).join('\n');

/** The event without its stack (the undocumented orders stay one line per acquisition; `graph why` shows the stacks). */
function withoutStack({ stack: _stack, ...ref }: EventRef): EventRef {
  return ref;
}

function firstSeen(at: EventRef): string {
  return escapeMarkdown(describeEvent(at));
}

export const rulesDiffPrinter: GraphAnswerPrinter<RulesDiff> = {
  text: (diff) => {
    const lines = [summary(diff)];
    for (const status of RULE_STATUSES) {
      const rules = diff.rules.filter((rule) => rule.status === status);
      if (rules.length === 0) continue;
      lines.push('', `${TITLES[status]}:`);
      for (const rule of rules) {
        lines.push(`  ${rule.id} (${rule.kind}): ${detail(rule)}`);
        for (const finding of rule.findings) lines.push(indent(renderFindingText(finding), '    '));
      }
    }
    if (diff.undocumented.length > 0) {
      lines.push('', `observed orders no rule documents (${diff.scope === 'all' ? 'any classes' : 'classes the rules name'}):`);
      lines.push(...pathLines(diff.undocumented.map((order) => ({ ...order.witness, from: order.from, to: order.to, types: order.types, prev: withoutStack(order.witness.prev), next: withoutStack(order.witness.next) }))));
    }
    if (diff.failing.length > 0) lines.push('', ...diff.failing);
    return `${lines.join('\n')}\n`;
  },
  markdown: (diff) => {
    const lines = ['### lockdep rules diff', '', escapeMarkdown(summary(diff))];
    for (const failed of diff.failing) lines.push('', `**${escapeMarkdown(failed)}**`);
    lines.push('', '| rule | kind | status | evidence |', '| --- | --- | --- | --- |');
    for (const rule of diff.rules) {
      const evidence = rule.status === 'violated' ? rule.findings.map((finding) => finding.message).join('; ') : detail(rule);
      lines.push(`| ${escapeMarkdown(rule.id)} | ${rule.kind} | **${rule.status}** | ${escapeMarkdown(evidence)} |`);
    }
    if (diff.undocumented.length > 0) {
      lines.push('', '#### Observed orders no rule documents', '', '| order | types | first seen |', '| --- | --- | --- |');
      for (const order of diff.undocumented) {
        lines.push(`| ${markdownClass(order.from)} → ${markdownClass(order.to)} | ${order.types.join(', ')} | ${firstSeen(order.witness.next)} |`);
      }
    }
    return `${lines.join('\n')}\n`;
  },
  view: (diff) => {
    // One edge per class pair; its status lists every rule its dependency violates, and `undocumented`.
    const edges = new Map<string, { dep: DependencyWitness; statuses: string[]; violates: boolean }>();
    const add = (dep: DependencyWitness, status: string, violates: boolean): void => {
      const key = `${dep.from}\u0000${dep.to}`;
      const known = edges.get(key);
      if (known === undefined) edges.set(key, { dep, statuses: [status], violates });
      else {
        if (!known.statuses.includes(status)) known.statuses.push(status);
        known.violates ||= violates;
      }
    };
    for (const rule of diff.rules) for (const finding of rule.findings) for (const dep of finding.chain ?? []) add(dep, rule.id, true);
    for (const order of diff.undocumented) add({ ...order.witness, from: order.from, to: order.to, types: order.types }, 'undocumented', false);
    const builder = new GraphViewBuilder('rules diff');
    for (const { dep, statuses, violates } of edges.values()) builder.edge(dep.from, dep.to, dep.types, dep, { status: statuses.join(','), highlight: violates });
    return builder.view;
  },
};
