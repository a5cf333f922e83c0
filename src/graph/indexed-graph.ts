/**
 * The graphology class graph (engine/class-graph.ts) indexed for the offline analyses: classes
 * numbered in graph order, edges numbered in graph order, and a compressed out-adjacency
 * (`outStart`/`outEdges`) so that searches over 100,000 edges walk typed arrays instead of
 * graphology callbacks. Invariants: built once per analysis from the graphology graph and never
 * mutated; class `i` is the graph's i-th node; `outEdges[outStart[i] .. outStart[i+1])` are the
 * edges leaving class `i` in graph order.
 */
import type { ClassGraph } from '../engine/class-graph.js';
import type { DependencyWitness } from '../engine/finding.js';
import type { LockType } from '../events/event.js';

export interface IndexedGraph {
  readonly graph: ClassGraph;
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

export function indexGraph(graph: ClassGraph): IndexedGraph {
  const names: string[] = [];
  const types: LockType[] = [];
  const usage: string[] = [];
  const usageMasks: number[] = [];
  const keyIndex = new Map<string, number>();
  const indexOf = new Map<string, number>();
  graph.forEachNode((key, attributes) => {
    const { name, type, usage: chars, usageMask } = attributes as NodeAttributes;
    keyIndex.set(key, names.length);
    indexOf.set(name, names.length);
    names.push(name);
    types.push(type);
    usage.push(chars);
    usageMasks.push(usageMask);
  });
  const size = graph.size;
  const edgeFrom = new Int32Array(size);
  const edgeTo = new Int32Array(size);
  const edgeMask = new Int32Array(size);
  const witnesses: DependencyWitness[] = [];
  const outDegree = new Int32Array(names.length + 1);
  graph.forEachEdge((_edge, attributes, source, target) => {
    const { mask, witness } = attributes as EdgeAttributes;
    const index = witnesses.length;
    const from = keyIndex.get(source)!;
    edgeFrom[index] = from;
    edgeTo[index] = keyIndex.get(target)!;
    edgeMask[index] = mask;
    witnesses.push(witness);
    outDegree[from]!++;
  });
  const outStart = new Int32Array(names.length + 1);
  for (let node = 0; node < names.length; node++) outStart[node + 1] = outStart[node]! + outDegree[node]!;
  const fill = outStart.slice(0, names.length);
  const outEdges = new Int32Array(size);
  for (let edge = 0; edge < size; edge++) outEdges[fill[edgeFrom[edge]!]!++] = edge;
  return { graph, names, types, usage, usageMasks, indexOf, edgeFrom, edgeTo, edgeMask, witnesses, outStart, outEdges };
}
