/**
 * How `graph stats` is printed: `/proc/lockdep_stats`-style aligned lines as text, a table as
 * Markdown; the graph is the whole class graph with each class's degrees.
 */
import { escapeMarkdown } from '../report/escape.js';
import type { GraphAnswerPrinter } from './graph-formats.js';
import type { GraphStats } from './graph-stats.js';
import { GraphViewBuilder, addEveryDependency } from './graph-view.js';
import type { IndexedGraph } from './indexed-graph.js';

function rows(stats: GraphStats): Array<[string, string]> {
  const byType = (record: Partial<Record<string, number>>): string => Object.entries(record).map(([name, count]) => `${name} ${count ?? 0}`).join(', ');
  const extreme = (value: GraphStats['maxOutDegree']): string => value.class === null ? '0' : `${value.degree} (${value.class})`;
  return [
    ['lock-classes', String(stats.classes)],
    ['direct dependencies', String(stats.dependencies)],
    ['dependency chains', stats.chains === null ? 'unknown (a saved graph without its result)' : String(stats.chains)],
    ['classes by lock type', byType(stats.classesByType) || '-'],
    ['dependencies by type', byType(stats.dependenciesByType)],
    ['hardirq-safe locks', String(stats.irq.hardirqSafe)],
    ['hardirq-unsafe locks', String(stats.irq.hardirqUnsafe)],
    ['softirq-safe locks', String(stats.irq.softirqSafe)],
    ['softirq-unsafe locks', String(stats.irq.softirqUnsafe)],
    ['hardirq-read-safe locks', String(stats.irq.hardirqReadSafe)],
    ['hardirq-read-unsafe locks', String(stats.irq.hardirqReadUnsafe)],
    ['softirq-read-safe locks', String(stats.irq.softirqReadSafe)],
    ['softirq-read-unsafe locks', String(stats.irq.softirqReadUnsafe)],
    ['uncategorized locks', String(stats.irq.uncategorized)],
    ['unused locks', String(stats.irq.unused)],
    ['outermost classes (none taken before)', String(stats.roots)],
    ['innermost classes (none taken inside)', String(stats.leaves)],
    ['max out-degree', extreme(stats.maxOutDegree)],
    ['max in-degree', extreme(stats.maxInDegree)],
    ['cycles (strongly connected components)', String(stats.cycles)],
    ['classes on cycles', String(stats.classesOnCycles)],
    ['longest dependency chain', `${stats.longestChain.length}${stats.longestChain.length > 0 ? ` (${stats.longestChain.join(' -> ')})` : ''}`],
  ];
}

export function statsPrinter(graph: IndexedGraph): GraphAnswerPrinter<GraphStats> {
  return {
    text: (stats) => {
      const table = rows(stats);
      const width = Math.max(...table.map(([label]) => label.length)) + 1;
      return `${table.map(([label, value]) => ` ${`${label}:`.padEnd(width)} ${value}`).join('\n')}\n`;
    },
    markdown: (stats) => ['### lockdep graph stats', '', '| figure | value |', '| --- | --- |', ...rows(stats).map(([label, value]) => `| ${escapeMarkdown(label)} | ${escapeMarkdown(value)} |`)].join('\n') + '\n',
    view: () => {
      const builder = new GraphViewBuilder('stats');
      const outDegree = new Map<string, number>();
      const inDegree = new Map<string, number>();
      for (let edge = 0; edge < graph.edgeFrom.length; edge++) {
        const from = graph.names[graph.edgeFrom[edge]!]!;
        const to = graph.names[graph.edgeTo[edge]!]!;
        outDegree.set(from, (outDegree.get(from) ?? 0) + 1);
        inDegree.set(to, (inDegree.get(to) ?? 0) + 1);
      }
      graph.names.forEach((name, index) => builder.node(name, { type: graph.types[index]!, usage: graph.usage[index]!, out: outDegree.get(name) ?? 0, in: inDegree.get(name) ?? 0 }));
      addEveryDependency(builder, graph);
      return builder.view;
    },
  };
}
