/**
 * Shortest dependency walks over an indexed class graph, breadth first and iterative. A strong
 * walk follows lockdep's strong-path rule through `strongStep` (engine/lock-mode.ts), the same
 * step the engine's own search takes: the search state is (class, reached only through
 * recursive-read edges), so a class first reached through a weak edge is still found later
 * through a strong one. A plain walk ignores dependency types.
 * Invariants: the target matches only on arrival through an edge, so `from === to` asks for the
 * shortest cycle through the class; the walk returned is a list of edge indices, shortest in
 * edges among the walks the options allow.
 */
import { STEP_BLOCKED, STEP_ONLY_RECURSIVE, strongStep } from '../engine/lock-mode.js';
import type { IndexedGraph } from './indexed-graph.js';

export interface WalkOptions {
  /** Follow the strong-path rule (default: any dependency). */
  strong?: boolean;
  /** Whether the first class counts as reached only through recursive-read edges (strong walks). */
  rootOnlyXr?: boolean;
  /** Classes the walk may pass through (default: all). */
  within?: (cls: number) => boolean;
  /** Whether arriving at the target in this state ends the walk (default: any arrival). */
  accept?: (onlyXr: boolean) => boolean;
}

export function shortestWalk(graph: IndexedGraph, from: number, to: number, options: WalkOptions = {}): number[] | null {
  const strong = options.strong === true;
  const { within, accept } = options;
  const states = graph.names.length * 2;
  const seen = new Uint8Array(states);
  const parentState = new Int32Array(states);
  const parentEdge = new Int32Array(states);
  const queue = new Int32Array(states);
  const root = from * 2 + (strong && options.rootOnlyXr === true ? 1 : 0);
  let tail = 0;
  queue[tail++] = root;
  seen[root] = 1;
  parentState[root] = -1;
  for (let head = 0; head < tail; head++) {
    const state = queue[head]!;
    const cls = state >> 1;
    const onlyXr = (state & 1) === 1;
    for (let slot = graph.outStart[cls]!; slot < graph.outStart[cls + 1]!; slot++) {
      const edge = graph.outEdges[slot]!;
      const step = strong ? strongStep(graph.edgeMask[edge]!, onlyXr) : 0;
      if (step === STEP_BLOCKED) continue;
      const target = graph.edgeTo[edge]!;
      if (target === to && (accept === undefined || accept(step === STEP_ONLY_RECURSIVE))) return [...edgesTo(state, parentState, parentEdge), edge];
      if (within !== undefined && !within(target)) continue;
      const next = target * 2 + step;
      if (seen[next] === 1) continue;
      seen[next] = 1;
      parentState[next] = state;
      parentEdge[next] = edge;
      queue[tail++] = next;
    }
  }
  return null;
}

function edgesTo(state: number, parentState: Int32Array, parentEdge: Int32Array): number[] {
  const edges: number[] = [];
  for (let at = state; parentState[at] !== -1; at = parentState[at]!) edges.push(parentEdge[at]!);
  return edges.reverse();
}

/**
 * Where a walk stops being strong: the index of the first edge that `strongStep` blocks (a
 * shared `-(Sx)->` edge leaving a class reached only through recursive-read edges), counting
 * the wrap-around pair when `closed`; -1 when the walk is strong.
 */
export function firstWeakStep(graph: IndexedGraph, walk: readonly number[], closed: boolean): number {
  let onlyXr = false;
  const rounds = closed ? 2 : 1;
  for (let round = 0; round < rounds; round++) {
    for (let index = 0; index < walk.length; index++) {
      const step = strongStep(graph.edgeMask[walk[index]!]!, onlyXr);
      if (step === STEP_BLOCKED) return index;
      onlyXr = step === STEP_ONLY_RECURSIVE;
    }
  }
  return -1;
}

/**
 * The shortest strong cycle through class `cls` (the wrap-around pair counts): a walk back to
 * `cls` that starts in some state and ends in one at least as strong, so that going round again
 * is allowed. Tries both starting states and keeps the shorter cycle.
 */
export function shortestStrongCycle(graph: IndexedGraph, cls: number, within?: (cls: number) => boolean): number[] | null {
  const limits = within === undefined ? {} : { within };
  const fromNonRecursive = shortestWalk(graph, cls, cls, { ...limits, strong: true, rootOnlyXr: false, accept: (onlyXr) => !onlyXr });
  const fromRecursive = shortestWalk(graph, cls, cls, { ...limits, strong: true, rootOnlyXr: true });
  if (fromNonRecursive === null) return fromRecursive;
  if (fromRecursive === null) return fromNonRecursive;
  return fromRecursive.length < fromNonRecursive.length ? fromRecursive : fromNonRecursive;
}
