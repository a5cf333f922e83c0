/**
 * How a `graph diff` answer is printed: the added, widened and removed dependencies with their
 * witnesses, the added and removed classes, and the dependencies that fail the gate; the graph
 * holds every changed dependency with its `status` (added edges highlighted).
 */
import type { ChangedDependency, GraphDiff } from './graph-diff.js';
import { markdownClass, pathLines, pathTable, type GraphAnswerPrinter } from './graph-formats.js';
import { escapeMarkdown } from '../report/escape.js';
import { GraphViewBuilder } from './graph-view.js';

function summary(diff: GraphDiff): string {
  const { classes, dependencies } = diff;
  return `${dependencies.added.length} new dependenc${dependencies.added.length === 1 ? 'y' : 'ies'}, ${dependencies.widened.length} widened, ${dependencies.removed.length} removed; ` +
    `${classes.added.length} new class(es), ${classes.removed.length} removed`;
}

function gate(diff: GraphDiff): string | null {
  if (diff.failing.length === 0) return null;
  return `${diff.failing.length} new dependenc${diff.failing.length === 1 ? 'y matches' : 'ies match'} --fail-on-new: ${diff.failing.map((dep) => `${dep.from} -> ${dep.to}`).join('; ')}`;
}

const SECTIONS = [
  ['added', 'new dependencies'],
  ['widened', 'widened dependencies (new types on a known pair)'],
  ['removed', 'removed dependencies'],
] as const;

export const diffPrinter: GraphAnswerPrinter<GraphDiff> = {
  text: (diff) => {
    const lines = [summary(diff)];
    for (const [key, title] of SECTIONS) {
      const list: ChangedDependency[] = diff.dependencies[key];
      if (list.length > 0) lines.push(`${title}:`, ...pathLines(list.map((dep) => ({ ...dep.witness, types: dep.types }))));
    }
    if (diff.classes.added.length > 0) lines.push(`new classes: ${diff.classes.added.join(', ')}`);
    if (diff.classes.removed.length > 0) lines.push(`removed classes: ${diff.classes.removed.join(', ')}`);
    const failed = gate(diff);
    if (failed !== null) lines.push(failed);
    return `${lines.join('\n')}\n`;
  },
  markdown: (diff) => {
    const lines = ['### lockdep graph diff', '', escapeMarkdown(summary(diff))];
    const failed = gate(diff);
    if (failed !== null) lines.push('', `**${escapeMarkdown(failed)}**`);
    for (const [key, title] of SECTIONS) {
      const list: ChangedDependency[] = diff.dependencies[key];
      if (list.length > 0) lines.push('', `#### ${title}`, '', ...pathTable(list.map((dep) => ({ ...dep.witness, types: dep.types }))));
    }
    if (diff.classes.added.length > 0) lines.push('', `New classes: ${diff.classes.added.map(markdownClass).join(', ')}`);
    if (diff.classes.removed.length > 0) lines.push('', `Removed classes: ${diff.classes.removed.map(markdownClass).join(', ')}`);
    return `${lines.join('\n')}\n`;
  },
  view: (diff) => {
    const builder = new GraphViewBuilder('diff');
    for (const name of diff.classes.added) builder.node(name, { status: 'added' });
    for (const name of diff.classes.removed) builder.node(name, { status: 'removed' });
    for (const [key] of SECTIONS) {
      for (const dep of diff.dependencies[key]) builder.edge(dep.from, dep.to, dep.types, dep.witness, { status: key, highlight: key !== 'removed' });
    }
    return builder.view;
  },
};
