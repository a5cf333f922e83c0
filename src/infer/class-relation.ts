/**
 * The observed "taken before" relation over classes that `lockdep infer` orders: the
 * dependencies of the graph plus every nesting the checker's chains showed (a nesting that
 * adds no dependency, such as one serialised by a nest lock, still orders the two classes for
 * an `order` rule's check). Self nestings are left out. Indexed as compressed adjacency both
 * ways, with its strongly connected components.
 * Invariants: class i of the graph is class i here (classes seen only in nestings follow);
 * successor lists hold each class once.
 */
import type { IndexedGraph } from '../graph/indexed-graph.js';
import { stronglyConnectedComponents, type Components } from '../graph/strongly-connected.js';
import type { Observations } from './observations.js';

export interface ClassRelation {
  names: readonly string[];
  indexOf: ReadonlyMap<string, number>;
  /** Successors of i: `next[start[i] .. start[i+1])`. */
  start: Int32Array;
  next: Int32Array;
  /** Predecessors of i: `prev[prevStart[i] .. prevStart[i+1])`. */
  prevStart: Int32Array;
  prev: Int32Array;
  components: Components;
}

export function classRelation(graph: IndexedGraph, observations: Observations): ClassRelation {
  const names = [...graph.names];
  const indexOf = new Map(graph.indexOf);
  const intern = (name: string): number => {
    let index = indexOf.get(name);
    if (index === undefined) {
      index = names.length;
      indexOf.set(name, index);
      names.push(name);
    }
    return index;
  };
  for (const [outer, inners] of observations.nesting) {
    intern(outer);
    for (const inner of inners.keys()) intern(inner);
  }
  const count = names.length;
  const pairs: Array<[number, number]> = [];
  const seen = new Set<number>();
  const add = (from: number, to: number): void => {
    const key = from * count + to;
    if (from === to || seen.has(key)) return;
    seen.add(key);
    pairs.push([from, to]);
  };
  for (let edge = 0; edge < graph.edgeFrom.length; edge++) add(graph.edgeFrom[edge]!, graph.edgeTo[edge]!);
  for (const [outer, inners] of observations.nesting) {
    const from = indexOf.get(outer)!;
    for (const inner of inners.keys()) add(from, indexOf.get(inner)!);
  }
  const forward = compress(count, pairs, 0);
  const backward = compress(count, pairs, 1);
  const components = stronglyConnectedComponents({ nodeCount: count, start: forward.start, next: forward.list });
  return { names, indexOf, start: forward.start, next: forward.list, prevStart: backward.start, prev: backward.list, components };
}

/** Compressed adjacency of `pairs` keyed by their element `side` (0: successors, 1: predecessors). */
function compress(count: number, pairs: ReadonlyArray<[number, number]>, side: 0 | 1): { start: Int32Array; list: Int32Array } {
  const start = new Int32Array(count + 1);
  for (const pair of pairs) start[pair[side] + 1]!++;
  for (let node = 0; node < count; node++) start[node + 1]! += start[node]!;
  const fill = start.slice(0, count);
  const list = new Int32Array(pairs.length);
  for (const pair of pairs) list[fill[pair[side]]!++] = pair[1 - side]!;
  return { start, list };
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
