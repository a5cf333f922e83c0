/** How a `graph why` answer is printed: text, Markdown, and the path as a graph (steps numbered). */
import { escapeMarkdown } from '../report/escape.js';
import { markdownClass, pathLines, pathTable, type GraphAnswerPrinter } from './graph-formats.js';
import { GraphViewBuilder } from './graph-view.js';
import type { WhyAnswer } from './why.js';

function verdict(answer: WhyAnswer): string {
  if (answer.path === null) return `no dependency path from ${answer.from} to ${answer.to}`;
  const count = `${answer.path.length} dependenc${answer.path.length === 1 ? 'y' : 'ies'}`;
  if (answer.strong) return `${answer.from} before ${answer.to}: strong path, ${count}`;
  return `${answer.from} before ${answer.to}: ${count}, not a strong path (${answer.weakAt ?? '?'} is reached only through recursive-read dependencies and left through a shared one), so it cannot close a deadlock`;
}

export const whyPrinter: GraphAnswerPrinter<WhyAnswer> = {
  text: (answer) => [verdict(answer), ...pathLines(answer.path ?? [])].join('\n') + '\n',
  markdown: (answer) => {
    const lines = [`### lockdep graph why ${markdownClass(answer.from)} → ${markdownClass(answer.to)}`, '', escapeMarkdown(verdict(answer))];
    if (answer.path !== null) lines.push('', ...pathTable(answer.path));
    return `${lines.join('\n')}\n`;
  },
  view: (answer) => {
    const builder = new GraphViewBuilder(`why ${answer.from} ${answer.to}`);
    builder.node(answer.from, { highlight: true });
    builder.node(answer.to, { highlight: true });
    (answer.path ?? []).forEach((dep, index) => builder.edge(dep.from, dep.to, dep.types, dep, { step: index + 1, highlight: answer.strong }));
    return builder.view;
  },
};
