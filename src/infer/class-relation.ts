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
import { placed, slotsOf, startsOf } from './compressed-adjacency.js';
import type { ChainTallies } from './chain-tallies.js';
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
  /** Per class, its number among the chains' tallies (chain-tallies.ts), or -1 (a class only a graph input has). */
  chainClass: Int32Array;
}

/** The relation's pairs, in the order found: `from[i] -> to[i]`, by graph dependency `edge[i]` (-1: none); `seen`: their keys. */
interface PairList {
  from: number[];
  to: number[];
  edge: number[];
  seen: Set<number>;
}

export function classRelation(graph: InferGraph, observations: Observations): ClassRelation {
  const chains = observations.chains;
  const nesting = chains.nestingOrder();
  const toRelation = graphIndexes(graph, chains.classes.names);
  const { names, indexOf } = withNestingClasses(graph, chains, nesting, toRelation);
  const count = names.length;
  const pairs: PairList = { from: [], to: [], edge: [], seen: new Set<number>() };
  addDependencyPairs(pairs, count, graph.edgeFrom, graph.edgeTo);
  addNestingPairs(pairs, count, chains, nesting, toRelation);
  const forward = compress(count, pairs.from, pairs.to);
  const backward = compress(count, pairs.to, pairs.from);
  const nextEdge = placed(forward.slots, pairs.edge);
  const components = stronglyConnectedComponents({ nodeCount: count, start: forward.start, next: forward.list });
  return { names, indexOf, start: forward.start, next: forward.list, nextEdge, prevStart: backward.start, prev: backward.list, components, chainClass: inverted(toRelation, count) };
}

/** Per chain class number, its index in the graph, or -1. */
function graphIndexes(graph: InferGraph, chainNames: readonly string[]): Int32Array {
  const indexes = new Int32Array(chainNames.length);
  for (let cls = 0; cls < indexes.length; cls++) indexes[cls] = graph.indexOf.get(chainNames[cls]!) ?? -1;
  return indexes;
}

/** Per relation class, the chain class number mapped to it, or -1. */
function inverted(toRelation: Int32Array, count: number): Int32Array {
  const chainClass = new Int32Array(count).fill(-1);
  for (let cls = 0; cls < toRelation.length; cls++) if (toRelation[cls] !== -1) chainClass[toRelation[cls]!] = cls;
  return chainClass;
}

/**
 * The graph's classes, then the classes seen only in nestings (numbered after the graph's); the
 * graph's own lists serve as they are when there are none (a trace's graph has every class it
 * took).
 */
function withNestingClasses(graph: InferGraph, chains: ChainTallies, nesting: Int32Array, toRelation: Int32Array): { names: readonly string[]; indexOf: ReadonlyMap<string, number> } {
  let extra: { names: string[]; indexOf: Map<string, number> } | undefined;
  for (let index = 0; index < nesting.length; index++) {
    const outer = chains.pairOuterClass(nesting[index]!);
    const inner = chains.pairInnerClass(nesting[index]!);
    if (toRelation[outer] === -1) extra = withClass(extra, graph, chains.classes.names, outer, toRelation);
    if (toRelation[inner] === -1) extra = withClass(extra, graph, chains.classes.names, inner, toRelation);
  }
  return extra ?? graph;
}

/** Adds chain class `cls` (one the graph does not have) after the graph's classes, and maps it. */
function withClass(extra: { names: string[]; indexOf: Map<string, number> } | undefined, graph: InferGraph, chainNames: readonly string[], cls: number, toRelation: Int32Array): { names: string[]; indexOf: Map<string, number> } {
  const into = extra ?? { names: [...graph.names], indexOf: new Map(graph.indexOf) };
  const name = chainNames[cls]!;
  toRelation[cls] = into.names.length;
  into.indexOf.set(name, into.names.length);
  into.names.push(name);
  return into;
}

function addDependencyPairs(pairs: PairList, count: number, edgeFrom: ArrayLike<number>, edgeTo: ArrayLike<number>): void {
  for (let edge = 0; edge < edgeFrom.length; edge++) addPair(pairs, count, edgeFrom[edge]!, edgeTo[edge]!, edge);
}

function addNestingPairs(pairs: PairList, count: number, chains: ChainTallies, nesting: Int32Array, toRelation: Int32Array): void {
  for (let index = 0; index < nesting.length; index++) {
    addPair(pairs, count, toRelation[chains.pairOuterClass(nesting[index]!)]!, toRelation[chains.pairInnerClass(nesting[index]!)]!, -1);
  }
}

/** Adds `from -> to` once (self pairs left out). */
function addPair(pairs: PairList, count: number, from: number, to: number, edge: number): void {
  const key = from * count + to;
  if (from === to || pairs.seen.has(key)) return;
  pairs.seen.add(key);
  pairs.from.push(from);
  pairs.to.push(to);
  pairs.edge.push(edge);
}

/** Compressed adjacency keyed by `keys`, listing `values`; `slots[pair]`: the slot each pair went to. */
function compress(count: number, keys: readonly number[], values: readonly number[]): { start: Int32Array; list: Int32Array; slots: Int32Array } {
  const start = startsOf(count, keys);
  const slots = slotsOf(start, keys);
  return { start, list: placed(slots, values), slots };
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
