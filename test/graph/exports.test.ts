/**
 * The graph formats of `lockdep graph` (src/graph/graph-export.ts): GraphML (ours; the tests
 * read it back with graphology-graphml's parser) and GEXF (graphology-gexf's writer) round-trip
 * every class name, attribute and edge, hostile names included; DOT quotes every name. Also
 * `check -f graphml` (src/report/graphml.ts), which stays hand-written for the same reason.
 */
import { DirectedGraph } from 'graphology';
import type { AbstractGraph } from 'graphology-types';
import { parse as parseGexf } from 'graphology-gexf';
import { parse as parseGraphml } from 'graphology-graphml';
import { describe, expect, test } from 'vitest';
import { findCycles } from '../../src/graph/cycles.js';
import { cyclesPrinter } from '../../src/graph/cycles-printer.js';
import { viewToDot, viewToGexf, viewToGraphml } from '../../src/graph/graph-export.js';
import { GraphViewBuilder, type GraphView } from '../../src/graph/graph-view.js';
import { renderGraphml } from '../../src/report/graphml.js';
import { lu2 } from '../engine/trace-builder.js';
import { graphOf, snapshotOf } from './graph-of.js';

const HOSTILE = ['&kvm->lock', '<a href="x">&amp;</a>', '__proto__', 'tab\there', 'emoji 🔒'];

function hostileView(): GraphView {
  const builder = new GraphViewBuilder('test <graph>');
  builder.node(HOSTILE[0]!, { level: 0, highlight: true });
  HOSTILE.forEach((name, index) => {
    const next = HOSTILE[(index + 1) % HOSTILE.length]!;
    builder.edge(name, next, ['EN'], null, { step: index + 1, ratio: 0.5 + index, label: `${name} -> ${next}` });
  });
  return builder.view;
}

/** Class names and edges (by name) of a parsed graph. */
function shape(graph: AbstractGraph, nameOf: (attributes: Record<string, unknown>) => unknown): { nodes: unknown[]; edges: string[] } {
  const names = new Map<string, unknown>();
  graph.forEachNode((key, attributes) => names.set(key, nameOf(attributes)));
  const edges: string[] = [];
  graph.forEachEdge((_key, _attributes, source, target) => edges.push(`${String(names.get(source))} => ${String(names.get(target))}`));
  return { nodes: [...names.values()], edges };
}

describe('graph exports round-trip', () => {
  const view = hostileView();
  const expected = shape(view, (attributes) => attributes['name']);

  test('GraphML read back by graphology-graphml: names, edges and typed attributes', () => {
    const parsed = parseGraphml(DirectedGraph, viewToGraphml(view));
    expect(shape(parsed, (attributes) => attributes['name'])).toEqual(expected);
    const first = parsed.findEdge(() => true)!;
    expect(parsed.getEdgeAttributes(first)).toMatchObject({ types: 'EN', step: 1, ratio: 0.5 });
    expect(parsed.getNodeAttributes(parsed.nodes()[0]!)).toMatchObject({ level: 0, highlight: true });
  });

  test('GEXF read back by graphology-gexf: labels, edges and attributes', () => {
    const parsed = parseGexf(DirectedGraph, viewToGexf(view));
    expect(shape(parsed, (attributes) => attributes['label'])).toEqual(expected);
    expect(parsed.getEdgeAttributes(parsed.edges()[1]!)).toMatchObject({ types: 'EN', step: 2 });
  });

  test('characters XML cannot carry become U+FFFD, and the file stays well-formed', () => {
    const builder = new GraphViewBuilder('g');
    builder.edge('bell\u0007', 'nul\u0000', ['ER'], null);
    for (const xml of [viewToGraphml(builder.view), viewToGexf(builder.view)]) {
      expect(xml.includes('\u0000') || xml.includes('\u0007')).toBe(false);
      const parsed = xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<graphml') ? parseGraphml(DirectedGraph, xml) : parseGexf(DirectedGraph, xml);
      expect(parsed.order).toBe(2);
    }
  });

  test('DOT quotes every name and highlights what the answer points at', () => {
    const dot = viewToDot(view);
    expect(dot).toContain('label="<a href=\\"x\\">&amp;</a>"');
    expect(dot).toMatch(/n0 \[label="&kvm->lock\\nlevel=0", color="#c62828"/);
  });

  test('classes of one hierarchy level share a rank in DOT', () => {
    const builder = new GraphViewBuilder('hierarchy');
    for (const [name, level] of [['a', 0], ['b', 1], ['c', 0]] as const) builder.node(name, { level });
    expect(viewToDot(builder.view)).toContain('  { rank=same; n0; n2; }\n  { rank=same; n1; }\n');
  });

  test('the cycles graph holds each component, its witness cycle highlighted', () => {
    const graph = graphOf([...lu2('t', 'A', 'B'), ...lu2('u', 'B', 'A'), ...lu2('t', 'B', 'C')]);
    const cyclesView = cyclesPrinter(graph).view(findCycles(graph));
    expect(shape(cyclesView as unknown as DirectedGraph, (attributes) => attributes['name'])).toEqual({ nodes: ['A', 'B'], edges: ['A => B', 'B => A'] });
    cyclesView.forEachEdge((_key, attributes) => expect(attributes).toMatchObject({ cycle: 1, highlight: true }));
  });
});

describe("check's GraphML (src/report/graphml.ts) read by graphology-graphml", () => {
  test('every class and dependency of a saved graph comes back, with the witnesses', () => {
    const snapshot = snapshotOf([...lu2('t', '&kvm->lock', '<b>'), ...lu2('u', '<b>', '&kvm->lock')]);
    const result = { version: 1 as const, violations: [], summary: { events: 8, tasks: 2, classes: 2, dependencies: 2, violations: 0 } };
    const parsed = parseGraphml(DirectedGraph, renderGraphml(result, snapshot));
    expect(shape(parsed, (attributes) => attributes['name'])).toEqual({ nodes: ['&kvm->lock', '<b>'], edges: ['&kvm->lock => <b>', '<b> => &kvm->lock'] });
    expect(parsed.getEdgeAttributes(parsed.edges()[0]!)).toMatchObject({ types: 'EN', task: 't' });
  });
});
