/**
 * The output formats of `lockdep graph` and the one dispatcher that renders an answer in them:
 * json (the answer object itself), text, markdown (for PR comments), and the answer's graph as
 * dot, graphml or gexf. A command may add formats of its own (`hierarchy` adds yaml). Invariants:
 * every command supports every common format; json is the answer as is, pretty-printed, so a
 * field added to an answer appears in the JSON without a renderer change.
 */
import type { DependencyWitness, EventRef } from '../engine/finding.js';
import { escapeMarkdown } from '../report/escape.js';
import { describeEvent } from '../report/witnesses.js';
import { viewToDot, viewToGexf, viewToGraphml } from './graph-export.js';
import type { GraphView } from './graph-view.js';

export interface GraphAnswerPrinter<T> {
  text(answer: T): string;
  markdown(answer: T): string;
  view(answer: T): GraphView;
  /** Formats only this command has, by name. */
  extra?: Readonly<Record<string, (answer: T) => string>>;
}

export const COMMON_GRAPH_FORMATS = ['text', 'json', 'markdown', 'dot', 'graphml', 'gexf'] as const;

export function renderGraphAnswer<T>(format: string, answer: T, printer: GraphAnswerPrinter<T>): string {
  switch (format) {
    case 'text': return printer.text(answer);
    case 'json': return `${JSON.stringify(answer, null, 2)}\n`;
    case 'markdown': return printer.markdown(answer);
    case 'dot': return viewToDot(printer.view(answer));
    case 'graphml': return viewToGraphml(printer.view(answer));
    case 'gexf': return viewToGexf(printer.view(answer));
  }
  const extra = printer.extra?.[format];
  if (extra === undefined) throw new Error(`renderGraphAnswer: unknown format ${format}`);
  return extra(answer);
}

/**
 * Text lines of a dependency path: one line per dependency, then both witness acquisitions,
 * each followed by its recorded stack frames, innermost first.
 */
export function pathLines(path: readonly DependencyWitness[], indent = '  '): string[] {
  const lines: string[] = [];
  const frames = (ref: EventRef): string[] => (ref.stack ?? []).map((frame) => `${indent}              ${frame}`);
  path.forEach((dep, index) => {
    lines.push(`${indent}${index + 1}. ${dep.from} -> ${dep.to} [${dep.types.join(',')}]`);
    lines.push(`${indent}     held:  ${describeEvent(dep.prev)}`, ...frames(dep.prev));
    lines.push(`${indent}     taken: ${describeEvent(dep.next)}`, ...frames(dep.next));
  });
  return lines;
}

/** Markdown table of a dependency path with both witness acquisitions. */
export function pathTable(path: readonly DependencyWitness[]): string[] {
  const lines = ['| # | dependency | types | held at | taken at |', '| --- | --- | --- | --- | --- |'];
  path.forEach((dep, index) => {
    lines.push(`| ${index + 1} | ${markdownClass(dep.from)} → ${markdownClass(dep.to)} | ${dep.types.join(', ')} | ${escapeMarkdown(describeEvent(dep.prev))} | ${escapeMarkdown(describeEvent(dep.next))} |`);
  });
  return lines;
}

/** A class name as bold Markdown text (escaped; not a code span, which a backtick in a name would end). */
export function markdownClass(name: string): string {
  return `**${escapeMarkdown(name)}**`;
}
