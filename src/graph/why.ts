/**
 * `graph why A B`: the shortest dependency path from class A to class B, with the witness of
 * each edge. A strong path (lockdep's strong-path rule: the kind of path that closes a deadlock)
 * is preferred; when there is none, the shortest path of any kind is given with the class where
 * it stops being strong. No path is an answer too. `why A A` asks for the shortest cycle
 * through A. Invariant: `path` is null exactly when B is unreachable from A.
 */
import type { DependencyWitness } from '../engine/finding.js';
import type { IndexedGraph } from './indexed-graph.js';
import { firstWeakStep, shortestStrongCycle, shortestWalk } from './shortest-walk.js';

export interface WhyAnswer {
  from: string;
  to: string;
  /** The dependencies from `from` to `to`, in order, each with its first witness; null: no path. */
  path: DependencyWitness[] | null;
  /** Whether the path is strong (could close a deadlock with a dependency from `to` back to `from`). */
  strong: boolean;
  /** For a path that is not strong: the class reached only through recursive-read edges and left through a shared one. */
  weakAt: string | null;
}

/** Answers `why from to`; both classes must be in the graph (`graph.indexOf`). */
export function explainDependency(graph: IndexedGraph, from: string, to: string): WhyAnswer {
  const source = graph.indexOf.get(from);
  const target = graph.indexOf.get(to);
  if (source === undefined || target === undefined) throw new Error(`explainDependency: ${source === undefined ? from : to} is not a class of the graph`);
  const cycle = source === target;
  const strongWalk = cycle ? shortestStrongCycle(graph, source) : shortestWalk(graph, source, target, { strong: true });
  if (strongWalk !== null) return { from, to, path: witnessesOf(graph, strongWalk), strong: true, weakAt: null };
  const walk = shortestWalk(graph, source, target);
  if (walk === null) return { from, to, path: null, strong: false, weakAt: null };
  return { from, to, path: witnessesOf(graph, walk), strong: false, weakAt: weakClass(graph, walk, cycle) };
}

/** The class where a walk that is not strong stops being strong (the class a blocked step leaves). */
export function weakClass(graph: IndexedGraph, walk: readonly number[], closed: boolean): string | null {
  const weak = firstWeakStep(graph, walk, closed);
  return weak < 0 ? null : graph.names[graph.edgeFrom[walk[weak]!]!]!;
}

export function witnessesOf(graph: IndexedGraph, walk: readonly number[]): DependencyWitness[] {
  return walk.map((edge) => graph.witnesses[edge]!);
}
