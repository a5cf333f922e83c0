/**
 * The class graph as the inference reads it: class names and types, the dependencies' classes
 * in edge order, and a dependency's witness on demand (only a graph input's support reads one:
 * a trace's pairs all have tallies). Made from the engine's own columns after checking one trace
 * (engine/graph-columns.ts: no snapshot, no witness built for nothing), or from the index of a
 * merged snapshot (several inputs, saved graphs). Both give the same classes, dependencies and
 * witnesses in the same order, so the same proposal.
 */
import type { GraphColumns } from '../engine/graph-columns.js';
import type { DependencyWitness } from '../engine/finding.js';
import type { LockType } from '../events/event.js';
import type { IndexedGraph } from '../graph/indexed-graph.js';

export interface InferGraph {
  readonly names: readonly string[];
  readonly types: readonly LockType[];
  readonly indexOf: ReadonlyMap<string, number>;
  /** Per dependency, in graph order: its classes' indexes. */
  readonly edgeFrom: ArrayLike<number>;
  readonly edgeTo: ArrayLike<number>;
  /** The first witness of dependency `edge`. */
  witness(edge: number): DependencyWitness;
}

/** The inference's view of an indexed snapshot. */
export function inferGraphOfIndex(graph: IndexedGraph): InferGraph {
  const { names, types, indexOf, edgeFrom, edgeTo, witnesses } = graph;
  return { names, types, indexOf, edgeFrom, edgeTo, witness: (edge) => witnesses[edge]! };
}

/** The inference's view of a checked trace's graph, read from the engine's columns. */
export function inferGraphOfColumns(columns: GraphColumns): InferGraph {
  const { names, types, edgeFrom, edgeTo } = columns;
  return { names, types, indexOf: indexOfNames(names), edgeFrom, edgeTo, witness: (edge) => columns.witness(edge) };
}

function indexOfNames(names: readonly string[]): Map<string, number> {
  const indexOf = new Map<string, number>();
  for (let index = 0; index < names.length; index++) indexOf.set(names[index]!, index);
  return indexOf;
}
