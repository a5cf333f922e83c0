/**
 * How a `graph hierarchy` answer is printed: levels as text and Markdown; the classes and the
 * observed order as a graph (each class with its level, classes on cycles highlighted); and,
 * as `yaml`, a rules file of `order` rules (hierarchy-rules.ts).
 */
import { escapeMarkdown } from '../report/escape.js';
import { markdownClass, type GraphAnswerPrinter } from './graph-formats.js';
import { GraphViewBuilder, addEveryDependency } from './graph-view.js';
import type { HierarchyAnswer } from './hierarchy.js';
import { hierarchyRulesYaml } from './hierarchy-rules.js';
import type { IndexedGraph } from './indexed-graph.js';

function levelText(classes: readonly string[], cycles: readonly string[][], name: (text: string) => string): string {
  return [...classes.map(name), ...cycles.map((group) => `(cycle: ${group.map(name).join(', ')})`)].join(', ');
}

function summary(answer: HierarchyAnswer): string {
  const onCycles = answer.cycles.reduce((sum, group) => sum + group.length, 0);
  const apart = answer.cycles.length === 0 ? 'no class on a cycle' : `${onCycles} class(es) on ${answer.cycles.length} cycle(s), listed apart`;
  return `${answer.levels.length} level(s), outermost first; ${apart}`;
}

export function hierarchyPrinter(graph: IndexedGraph): GraphAnswerPrinter<HierarchyAnswer> {
  return {
    text: (answer) => {
      const lines = [summary(answer)];
      answer.levels.forEach((level, index) => lines.push(`level ${index}: ${levelText(level.classes, level.cycles, (name) => name)}`));
      if (answer.cycles.length > 0) {
        lines.push('on cycles (no place in a lock order; see lockdep graph cycles):');
        for (const group of answer.cycles) lines.push(`  ${group.join(', ')}`);
      }
      return `${lines.join('\n')}\n`;
    },
    markdown: (answer) => {
      const lines = ['### lockdep graph hierarchy', '', escapeMarkdown(summary(answer)), '', '| level | classes |', '| --- | --- |'];
      answer.levels.forEach((level, index) => lines.push(`| ${index} | ${levelText(level.classes, level.cycles, markdownClass)} |`));
      if (answer.cycles.length > 0) {
        lines.push('', 'On cycles (no place in a lock order):', '');
        for (const group of answer.cycles) lines.push(`- ${group.map(markdownClass).join(', ')}`);
      }
      return `${lines.join('\n')}\n`;
    },
    view: (answer) => {
      const builder = new GraphViewBuilder('hierarchy');
      answer.levels.forEach((level, index) => {
        for (const name of level.classes) builder.node(name, { level: index });
        for (const group of level.cycles) for (const name of group) builder.node(name, { level: index, highlight: true });
      });
      addEveryDependency(builder, graph);
      return builder.view;
    },
    extra: { yaml: (answer) => hierarchyRulesYaml(answer, graph) },
  };
}
