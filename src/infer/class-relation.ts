/**
 * The observed "taken before" relation over classes that `lockdep infer` orders: the
 * dependencies of the graph plus every nesting the checker's chains showed (a nesting that
 * adds no dependency, such as one serialised by a nest lock, still orders the two classes for
 * an `order` rule's check). Self nestings are left out. Indexed as compressed adjacency both
 * ways, with its strongly connected components.
 * Invariants: class i of the graph is class i here (classes seen only in nestings follow);
 * successor lists hold each class once.
 */
import type { InferGraph } from './infer-graph.js';
import { stronglyConnectedComponents, type Components } from '../graph/strongly-connected.js';
import type { Observations } from './observations.js';

export interface ClassRelation {
  names: readonly string[];
  indexOf: ReadonlyMap<string, number>;
  /** Successors of i: `next[start[i] .. start[i+1])`. */
  start: Int32Array;
  next: Int32Array;
  /** Per successor slot, the graph's dependency between the two classes, or -1 (a nesting only). */
  nextEdge: Int32Array;
  /** Predecessors of i: `prev[prevStart[i] .. prevStart[i+1])`. */
  prevStart: Int32Array;
  prev: Int32Array;
  components: Components;
}

/** The relation's pairs, in the order found: `from[i] -> to[i]`, by graph dependency `edge[i]` (-1: none). */
interface PairList {
  from: number[];
  to: number[];
  edge: number[];
}

export function classRelation(graph: InferGraph, observations: Observations): ClassRelation {
  // Classes seen only in nestings (not in the graph) are numbered after the graph's; the graph's
  // own lists serve as they are when there are none (a trace's graph has every class it took).
  let extra: { names: string[]; indexOf: Map<string, number> } | undefined;
  const intern = (name: string): void => {
    if (graph.indexOf.has(name) || extra?.indexOf.has(name) === true) return;
    extra ??= { names: [...graph.names], indexOf: new Map(graph.indexOf) };
    extra.indexOf.set(name, extra.names.length);
    extra.names.push(name);
  };
  for (const [outer, inners] of observations.nesting) {
    intern(outer);
    for (const inner of inners.keys()) intern(inner);
  }
  const names = extra?.names ?? graph.names;
  const indexOf = extra?.indexOf ?? graph.indexOf;
  const count = names.length;
  const pairs: PairList = { from: [], to: [], edge: [] };
  const seen = new Set<number>();
  for (let edge = 0; edge < graph.edgeFrom.length; edge++) addPair(pairs, seen, count, graph.edgeFrom[edge]!, graph.edgeTo[edge]!, edge);
  for (const [outer, inners] of observations.nesting) {
    const from = indexOf.get(outer)!;
    for (const inner of inners.keys()) addPair(pairs, seen, count, from, indexOf.get(inner)!, -1);
  }
  const forward = compress(count, pairs.from, pairs.to);
  const backward = compress(count, pairs.to, pairs.from);
  const nextEdge = new Int32Array(forward.list.length);
  for (let slot = 0; slot < nextEdge.length; slot++) nextEdge[slot] = pairs.edge[forward.pairAt[slot]!]!;
  const components = stronglyConnectedComponents({ nodeCount: count, start: forward.start, next: forward.list });
  return { names, indexOf, start: forward.start, next: forward.list, nextEdge, prevStart: backward.start, prev: backward.list, components };
}

/** Adds `from -> to` once (self pairs left out). */
function addPair(pairs: PairList, seen: Set<number>, count: number, from: number, to: number, edge: number): void {
  const key = from * count + to;
  if (from === to || seen.has(key)) return;
  seen.add(key);
  pairs.from.push(from);
  pairs.to.push(to);
  pairs.edge.push(edge);
}

/** Compressed adjacency keyed by `keys`, listing `values`; `pairAt[slot]`: the pair each slot came from. */
function compress(count: number, keys: readonly number[], values: readonly number[]): { start: Int32Array; list: Int32Array; pairAt: Int32Array } {
  const start = new Int32Array(count + 1);
  for (let pair = 0; pair < keys.length; pair++) start[keys[pair]! + 1]!++;
  for (let node = 0; node < count; node++) start[node + 1]! += start[node]!;
  const fill = start.slice(0, count);
  const list = new Int32Array(keys.length);
  const pairAt = new Int32Array(keys.length);
  for (let pair = 0; pair < keys.length; pair++) {
    const slot = fill[keys[pair]!]!++;
    list[slot] = values[pair]!;
    pairAt[slot] = pair;
  }
  return { start, list, pairAt };
}

/** Every class reachable from `from` along `start`/`next` (including `from`), as flags. */
export function reachable(count: number, start: Int32Array, next: Int32Array, from: number): Uint8Array {
  const flags = new Uint8Array(count);
  const queue = [from];
  flags[from] = 1;
  for (let head = 0; head < queue.length; head++) {
    const node = queue[head]!;
    for (let slot = start[node]!; slot < start[node + 1]!; slot++) {
      const successor = next[slot]!;
      if (flags[successor] === 0) {
        flags[successor] = 1;
        queue.push(successor);
      }
    }
  }
  return flags;
}
