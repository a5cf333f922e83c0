/**
 * `graph hierarchy`: the lock order the code follows, as levels. The class graph is condensed
 * (one node per strongly connected component) into a graphology DAG and split into topological
 * generations with graphology-dag: level 0 holds the classes nothing is taken outside of, and
 * every dependency goes from a lower level to a higher one. Classes on cycles have no place in
 * an order: their components keep a level (so the levels stay consistent) but are listed apart.
 * The observed order is also given as order pairs (`outer` taken outside each of `inner`), the
 * input of the YAML rules writer: every dependency between two different components. The
 * dependencies inside a cycle have no place in an order and give no pair.
 * Invariants: classes within a level, and inner lists, are in graph order; the pairs follow the
 * condensation, a DAG, so together they never form a cycle (`rules lint` accepts them).
 */
import { DirectedGraph } from 'graphology';
import { topologicalGenerations } from 'graphology-dag';
import { traceLocation } from '../report/witnesses.js';
import type { IndexedGraph } from './indexed-graph.js';
import { classAdjacency, stronglyConnectedComponents, type Components } from './strongly-connected.js';

export interface HierarchyLevel {
  /** Classes off cycles at this level. */
  classes: string[];
  /** Cycles (groups of classes) at this level. */
  cycles: string[][];
}

export interface ObservedOrder {
  outer: string;
  /** Classes observed taken while `outer` is held, directly. */
  inner: string[];
  /** Where each pair was first seen (trace position of the inner acquisition), aligned with `inner`. */
  seenAt: string[];
}

export interface HierarchyAnswer {
  levels: HierarchyLevel[];
  /** Every group of classes on a cycle, in graph order of their first class. */
  cycles: string[][];
  order: ObservedOrder[];
}

export function lockHierarchy(graph: IndexedGraph, components: Components = stronglyConnectedComponents(classAdjacency(graph))): HierarchyAnswer {
  const { component, count } = components;
  const members: number[][] = Array.from({ length: count }, () => []);
  for (let cls = 0; cls < component.length; cls++) members[component[cls]!]!.push(cls);
  const onCycle = new Uint8Array(count);
  for (let id = 0; id < count; id++) if (members[id]!.length > 1) onCycle[id] = 1;
  for (let edge = 0; edge < graph.edgeFrom.length; edge++) {
    if (graph.edgeFrom[edge] === graph.edgeTo[edge]) onCycle[component[graph.edgeFrom[edge]!]!] = 1;
  }
  const condensation = new DirectedGraph();
  for (let id = 0; id < count; id++) condensation.addNode(String(id));
  /** Per outer class, its dependencies on classes of other components (edge ids). */
  const orderByOuter = new Map<number, number[]>();
  const condensed = new Set<number>();
  for (let edge = 0; edge < graph.edgeFrom.length; edge++) {
    const from = graph.edgeFrom[edge]!;
    const source = component[from]!;
    const target = component[graph.edgeTo[edge]!]!;
    if (source === target) continue;
    const pair = source * count + target;
    if (!condensed.has(pair)) {
      condensed.add(pair);
      condensation.addEdge(String(source), String(target));
    }
    const inner = orderByOuter.get(from);
    if (inner === undefined) orderByOuter.set(from, [edge]);
    else inner.push(edge);
  }
  const levels: HierarchyLevel[] = topologicalGenerations(condensation).map((generation) => {
    const ids = generation.map(Number).sort((a, b) => members[a]![0]! - members[b]![0]!);
    const level: HierarchyLevel = { classes: [], cycles: [] };
    for (const id of ids) {
      const names = members[id]!.map((cls) => graph.names[cls]!);
      if (onCycle[id] === 1) level.cycles.push(names);
      else level.classes.push(...names);
    }
    level.classes.sort((a, b) => graph.indexOf.get(a)! - graph.indexOf.get(b)!);
    return level;
  });
  const cycles = members
    .filter((list, id) => onCycle[id] === 1 && list.length > 0)
    .sort((a, b) => a[0]! - b[0]!)
    .map((list) => list.map((cls) => graph.names[cls]!));
  const order = [...orderByOuter.entries()]
    .sort(([a], [b]) => a - b)
    .map(([outer, edges]) => {
      edges.sort((a, b) => graph.edgeTo[a]! - graph.edgeTo[b]!);
      const seenAt = edges.map((edge) => traceLocation(graph.witnesses[edge]!.next));
      return { outer: graph.names[outer]!, inner: edges.map((edge) => graph.names[graph.edgeTo[edge]!]!), seenAt };
    });
  return { levels, cycles, order };
}
