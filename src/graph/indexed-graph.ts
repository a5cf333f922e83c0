/**
 * The class graph indexed for the offline analyses: classes numbered in graph order, edges
 * numbered in graph order, and a compressed out-adjacency (`outStart`/`outEdges`) so that searches
 * over 100,000 edges walk typed arrays instead of graphology callbacks. Built either from the
 * graphology class graph (engine/class-graph.ts; `lockdep graph`) or straight from a graph
 * snapshot when no analysis needs graphology (`lockdep infer`): both give the same index, since
 * the graphology graph holds the snapshot's classes and dependencies in the snapshot's order.
 * Invariants: built once per analysis and never mutated; class `i` is the graph's i-th node;
 * `outEdges[outStart[i] .. outStart[i+1])` are the edges leaving class `i` in graph order.
 */
import type { ClassGraph } from '../engine/class-graph.js';
import type { DependencyWitness } from '../engine/finding.js';
import type { GraphSnapshot } from '../engine/snapshot.js';
import type { LockType } from '../events/event.js';

export interface IndexedGraph {
  /** Class names, by class index. */
  readonly names: readonly string[];
  readonly types: readonly LockType[];
  /** Usage characters (`+.+.`), by class index. */
  readonly usage: readonly string[];
  /** Usage bits (engine/usage.ts), by class index. */
  readonly usageMasks: readonly number[];
  readonly indexOf: ReadonlyMap<string, number>;
  readonly edgeFrom: Int32Array;
  readonly edgeTo: Int32Array;
  /** Forward dependency-type mask (bit0 SR, bit1 ER, bit2 SN, bit3 EN). */
  readonly edgeMask: Int32Array;
  readonly witnesses: readonly DependencyWitness[];
  readonly outStart: Int32Array;
  readonly outEdges: Int32Array;
}

interface NodeAttributes {
  name: string;
  type: LockType;
  usage: string;
  usageMask: number;
}

interface EdgeAttributes {
  mask: number;
  witness: DependencyWitness;
}

/** The per-class columns, filled class by class. */
interface ClassColumns {
  names: string[];
  types: LockType[];
  usage: string[];
  usageMasks: number[];
  indexOf: Map<string, number>;
}

function emptyColumns(): ClassColumns {
  return { names: [], types: [], usage: [], usageMasks: [], indexOf: new Map() };
}

function addClass(columns: ClassColumns, { name, type, usage, usageMask }: NodeAttributes): void {
  columns.indexOf.set(name, columns.names.length);
  columns.names.push(name);
  columns.types.push(type);
  columns.usage.push(usage);
  columns.usageMasks.push(usageMask);
}

/** The out-adjacency of the edges, and the index. */
function finishIndex(columns: ClassColumns, edgeFrom: Int32Array, edgeTo: Int32Array, edgeMask: Int32Array, witnesses: DependencyWitness[]): IndexedGraph {
  const classes = columns.names.length;
  const outStart = new Int32Array(classes + 1);
  for (let edge = 0; edge < edgeFrom.length; edge++) outStart[edgeFrom[edge]! + 1]!++;
  for (let node = 0; node < classes; node++) outStart[node + 1]! += outStart[node]!;
  const fill = outStart.slice(0, classes);
  const outEdges = new Int32Array(edgeFrom.length);
  for (let edge = 0; edge < edgeFrom.length; edge++) outEdges[fill[edgeFrom[edge]!]!++] = edge;
  return { ...columns, edgeFrom, edgeTo, edgeMask, witnesses, outStart, outEdges };
}

export function indexGraph(graph: ClassGraph): IndexedGraph {
  const columns = emptyColumns();
  const keyIndex = new Map<string, number>();
  graph.forEachNode((key, attributes) => {
    keyIndex.set(key, columns.names.length);
    addClass(columns, attributes as NodeAttributes);
  });
  const size = graph.size;
  const edgeFrom = new Int32Array(size);
  const edgeTo = new Int32Array(size);
  const edgeMask = new Int32Array(size);
  const witnesses: DependencyWitness[] = [];
  graph.forEachEdge((_edge, attributes, source, target) => {
    const { mask, witness } = attributes as EdgeAttributes;
    const index = witnesses.length;
    edgeFrom[index] = keyIndex.get(source)!;
    edgeTo[index] = keyIndex.get(target)!;
    edgeMask[index] = mask;
    witnesses.push(witness);
  });
  return finishIndex(columns, edgeFrom, edgeTo, edgeMask, witnesses);
}

/** The same index as `indexGraph(toGraphology(snapshot))`, without building the graphology graph. */
export function indexSnapshot(snapshot: GraphSnapshot): IndexedGraph {
  const columns = emptyColumns();
  for (const cls of snapshot.classes) addClass(columns, cls);
  const size = snapshot.dependencies.length;
  const edgeFrom = new Int32Array(size);
  const edgeTo = new Int32Array(size);
  const edgeMask = new Int32Array(size);
  const witnesses: DependencyWitness[] = new Array<DependencyWitness>(size);
  for (let index = 0; index < size; index++) {
    const dep = snapshot.dependencies[index]!;
    edgeFrom[index] = columns.indexOf.get(dep.from)!;
    edgeTo[index] = columns.indexOf.get(dep.to)!;
    edgeMask[index] = dep.mask;
    witnesses[index] = dep.witness;
  }
  return finishIndex(columns, edgeFrom, edgeTo, edgeMask, witnesses);
}
