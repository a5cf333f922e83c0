/**
 * How a `graph cycles` answer is printed: text and Markdown list every component with its
 * witness cycle; the graph holds each component's classes and dependencies, numbered by
 * component, with the witness cycle's edges highlighted.
 */
import { escapeMarkdown } from '../report/escape.js';
import type { CycleComponent, CyclesAnswer } from './cycles.js';
import { markdownClass, pathLines, pathTable, type GraphAnswerPrinter } from './graph-formats.js';
import { GraphViewBuilder } from './graph-view.js';
import type { IndexedGraph } from './indexed-graph.js';

function heading(component: CycleComponent, index: number): string {
  const strength = component.strong
    ? 'strong: a possible deadlock'
    : `weak: every cycle passes a recursive read (${component.weakAt ?? '?'} is reached only through recursive-read dependencies and left through a shared one)`;
  return `cycle ${index + 1}: ${component.classes.length} class(es), ${component.dependencies} dependenc${component.dependencies === 1 ? 'y' : 'ies'}, ${strength}`;
}

function summary(answer: CyclesAnswer): string {
  const strong = answer.cycles.filter((component) => component.strong).length;
  if (answer.cycles.length === 0) return 'no cycle: the dependency graph is acyclic';
  return `${answer.cycles.length} strongly connected component(s) with cycles, ${strong} strong`;
}

export function cyclesPrinter(graph: IndexedGraph): GraphAnswerPrinter<CyclesAnswer> {
  return {
    text: (answer) => {
      const lines = [summary(answer)];
      answer.cycles.forEach((component, index) => {
        lines.push('', heading(component, index), `  classes: ${component.classes.join(', ')}`, '  witness cycle:', ...pathLines(component.cycle, '    '));
      });
      return `${lines.join('\n')}\n`;
    },
    markdown: (answer) => {
      const lines = ['### lockdep graph cycles', '', escapeMarkdown(summary(answer))];
      answer.cycles.forEach((component, index) => {
        lines.push('', `#### ${escapeMarkdown(heading(component, index))}`, '', `Classes: ${component.classes.map(markdownClass).join(', ')}`, '', ...pathTable(component.cycle));
      });
      return `${lines.join('\n')}\n`;
    },
    view: (answer) => {
      const builder = new GraphViewBuilder('cycles');
      answer.cycles.forEach((component, index) => {
        const members = new Set(component.classes);
        for (const name of component.classes) builder.node(name, { cycle: index + 1, strong: component.strong });
        for (const name of component.classes) {
          const cls = graph.indexOf.get(name)!;
          for (let slot = graph.outStart[cls]!; slot < graph.outStart[cls + 1]!; slot++) {
            const edge = graph.outEdges[slot]!;
            const witness = graph.witnesses[edge]!;
            const to = graph.names[graph.edgeTo[edge]!]!;
            if (members.has(to)) builder.edge(name, to, witness.types, witness, { cycle: index + 1 });
          }
        }
        for (const dep of component.cycle) builder.edge(dep.from, dep.to, dep.types, dep, { highlight: true });
      });
      return builder.view;
    },
  };
}
