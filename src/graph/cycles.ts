/**
 * `graph cycles`: every strongly connected component of the class graph that holds a cycle,
 * each with one shortest witness cycle and its strength (the kernel reports only the first
 * cycle it meets). A component is strong when some cycle in it is strong (lockdep's strong-path
 * rule: a deadlock), found in linear time as a cycle of the strong-path state graph, whose
 * states are (class, reached only through recursive-read edges) and whose steps are
 * `strongStep`'s. Invariants: components are listed by their first class in graph order (first
 * seen); a strong component's witness is a strong cycle through its first class that lies on
 * one, a weak component's the shortest cycle through its first class; every witness stays
 * inside its component.
 */
import { STEP_BLOCKED, strongStep } from '../engine/lock-mode.js';
import type { DependencyWitness } from '../engine/finding.js';
import type { IndexedGraph } from './indexed-graph.js';
import { shortestStrongCycle, shortestWalk } from './shortest-walk.js';
import { classAdjacency, stronglyConnectedComponents, type Components } from './strongly-connected.js';
import { weakClass, witnessesOf } from './why.js';

export interface CycleComponent {
  /** The classes of the component, in graph order. */
  classes: string[];
  /** Dependencies between classes of the component. */
  dependencies: number;
  /** Whether some cycle of the component is strong (a possible deadlock). */
  strong: boolean;
  /** A shortest witness cycle (a strong one when the component is strong), edge by edge. */
  cycle: DependencyWitness[];
  /** For a weak component: where its witness cycle stops being strong. */
  weakAt: string | null;
}

export interface CyclesAnswer {
  cycles: CycleComponent[];
}

export function findCycles(graph: IndexedGraph, components: Components = stronglyConnectedComponents(classAdjacency(graph))): CyclesAnswer {
  const { component } = components;
  const members = componentMembers(component, components.count);
  const cyclic = new Uint8Array(components.count);
  const inner = new Int32Array(components.count);
  for (let edge = 0; edge < graph.edgeFrom.length; edge++) {
    const from = component[graph.edgeFrom[edge]!]!;
    if (from !== component[graph.edgeTo[edge]!]) continue;
    inner[from]!++;
    if (members[from]!.length > 1 || graph.edgeFrom[edge] === graph.edgeTo[edge]) cyclic[from] = 1;
  }
  const strongStart = strongCycleStarts(graph, component, components.count);
  const cycles: CycleComponent[] = [];
  const order = [...members.keys()].filter((id) => cyclic[id] === 1).sort((a, b) => members[a]![0]! - members[b]![0]!);
  for (const id of order) {
    const within = (cls: number): boolean => component[cls] === id;
    const classes = members[id]!.map((cls) => graph.names[cls]!);
    const start = strongStart[id]!;
    if (start >= 0) {
      const walk = shortestStrongCycle(graph, start, within)!;
      cycles.push({ classes, dependencies: inner[id]!, strong: true, cycle: witnessesOf(graph, walk), weakAt: null });
    } else {
      const first = members[id]![0]!;
      const walk = shortestWalk(graph, first, first, { within })!;
      cycles.push({ classes, dependencies: inner[id]!, strong: false, cycle: witnessesOf(graph, walk), weakAt: weakClass(graph, walk, true) });
    }
  }
  return { cycles };
}

/** The classes of each component, in graph order. */
function componentMembers(component: Int32Array, count: number): number[][] {
  const members: number[][] = Array.from({ length: count }, () => []);
  for (let cls = 0; cls < component.length; cls++) members[component[cls]!]!.push(cls);
  return members;
}

/**
 * Per class component, the first class (graph order) that lies on a strong cycle, or -1: the
 * strongly connected components of the state graph restricted to each class component; a state
 * component with two states, or a state with a step to itself, is a strong closed walk.
 */
function strongCycleStarts(graph: IndexedGraph, component: Int32Array, count: number): Int32Array {
  const states = graph.names.length * 2;
  const start = new Int32Array(states + 1);
  const next: number[] = [];
  const selfStep = new Uint8Array(states);
  for (let state = 0; state < states; state++) {
    const cls = state >> 1;
    for (let slot = graph.outStart[cls]!; slot < graph.outStart[cls + 1]!; slot++) {
      const edge = graph.outEdges[slot]!;
      const to = graph.edgeTo[edge]!;
      if (component[to] !== component[cls]) continue;
      const step = strongStep(graph.edgeMask[edge]!, (state & 1) === 1);
      if (step === STEP_BLOCKED) continue;
      const successor = to * 2 + step;
      if (successor === state) selfStep[state] = 1;
      next.push(successor);
    }
    start[state + 1] = next.length;
  }
  const stateComponents = stronglyConnectedComponents({ nodeCount: states, start, next: Int32Array.from(next) });
  const sizes = new Int32Array(stateComponents.count);
  for (let state = 0; state < states; state++) sizes[stateComponents.component[state]!]!++;
  const starts = new Int32Array(count).fill(-1);
  for (let state = 0; state < states; state++) {
    const onStrongCycle = sizes[stateComponents.component[state]!]! > 1 || selfStep[state] === 1;
    const id = component[state >> 1]!;
    if (onStrongCycle && starts[id] === -1) starts[id] = state >> 1;
  }
  return starts;
}
