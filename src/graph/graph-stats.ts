/**
 * `graph stats`: the figures of the kernel's /proc/lockdep_stats that a dependency graph holds
 * (lock classes, direct dependencies, dependency chains when the inputs' checks counted them,
 * irq-safe and irq-unsafe classes...) and a few it does not
 * print: classes and dependencies by type, degree extremes, classes on cycles, and the longest
 * dependency chain (the longest path through the condensation, a cycle counting as one step).
 * Invariants: a pure function of the graph; ties in the extremes go to the first class in graph
 * order; `longestChain` lists one class per step (the first class of a cycle's group).
 */
import type { DepType } from '../engine/finding.js';
import { DEP_ER, DEP_EN, DEP_SN, DEP_SR } from '../engine/lock-mode.js';
import {
  ENABLED_HARDIRQ, ENABLED_HARDIRQ_READ, ENABLED_SOFTIRQ, ENABLED_SOFTIRQ_READ, LOCK_USED, LOCK_USED_READ,
  USED_IN_HARDIRQ, USED_IN_HARDIRQ_READ, USED_IN_SOFTIRQ, USED_IN_SOFTIRQ_READ,
} from '../engine/usage.js';
import type { LockType } from '../events/event.js';
import type { IndexedGraph } from './indexed-graph.js';
import { classAdjacency, stronglyConnectedComponents, type Components } from './strongly-connected.js';

export interface DegreeExtreme {
  class: string | null;
  degree: number;
}

export interface GraphStats {
  classes: number;
  dependencies: number;
  /** Held-lock chains the checks validated (the kernel's `dependency chains`), summed over the inputs; null when unknown. */
  chains: number | null;
  classesByType: Partial<Record<LockType, number>>;
  /** Dependencies carrying each type (a dependency may carry several). */
  dependenciesByType: Record<DepType, number>;
  /** The /proc/lockdep_stats irq lines: classes with each usage. */
  irq: {
    hardirqSafe: number; hardirqUnsafe: number; softirqSafe: number; softirqUnsafe: number;
    hardirqReadSafe: number; hardirqReadUnsafe: number; softirqReadSafe: number; softirqReadUnsafe: number;
    uncategorized: number; unused: number;
  };
  /** Classes nothing is taken outside of, classes nothing is taken inside of. */
  roots: number;
  leaves: number;
  maxOutDegree: DegreeExtreme;
  maxInDegree: DegreeExtreme;
  /** Groups of classes on cycles, and the classes in them. */
  cycles: number;
  classesOnCycles: number;
  /** The longest dependency chain, one class per step. */
  longestChain: string[];
}

const has = (mask: number, bit: number): boolean => (mask & (1 << bit)) !== 0;

export function graphStats(graph: IndexedGraph, chains: number | null = null, components: Components = stronglyConnectedComponents(classAdjacency(graph))): GraphStats {
  const classCount = graph.names.length;
  const outDegree = new Int32Array(classCount);
  const inDegree = new Int32Array(classCount);
  const dependenciesByType: Record<DepType, number> = { ER: 0, EN: 0, SR: 0, SN: 0 };
  for (let edge = 0; edge < graph.edgeFrom.length; edge++) {
    outDegree[graph.edgeFrom[edge]!]!++;
    inDegree[graph.edgeTo[edge]!]!++;
    const mask = graph.edgeMask[edge]!;
    if (mask & DEP_ER) dependenciesByType.ER++;
    if (mask & DEP_EN) dependenciesByType.EN++;
    if (mask & DEP_SR) dependenciesByType.SR++;
    if (mask & DEP_SN) dependenciesByType.SN++;
  }
  const classesByType: Partial<Record<LockType, number>> = {};
  for (const type of graph.types) classesByType[type] = (classesByType[type] ?? 0) + 1;
  const sizes = new Int32Array(components.count);
  for (let cls = 0; cls < classCount; cls++) sizes[components.component[cls]!]!++;
  let cycles = 0;
  let classesOnCycles = 0;
  for (const size of sizes) {
    if (size > 1) {
      cycles++;
      classesOnCycles += size;
    }
  }
  return {
    classes: classCount,
    dependencies: graph.edgeFrom.length,
    chains,
    classesByType,
    dependenciesByType,
    irq: irqCounts(graph),
    roots: inDegree.filter((degree) => degree === 0).length,
    leaves: outDegree.filter((degree) => degree === 0).length,
    maxOutDegree: extreme(graph, outDegree),
    maxInDegree: extreme(graph, inDegree),
    cycles,
    classesOnCycles,
    longestChain: longestChain(graph, components),
  };
}

function extreme(graph: IndexedGraph, degrees: Int32Array): DegreeExtreme {
  let best = -1;
  for (let cls = 0; cls < degrees.length; cls++) if (best < 0 || degrees[cls]! > degrees[best]!) best = cls;
  return best < 0 ? { class: null, degree: 0 } : { class: graph.names[best]!, degree: degrees[best]! };
}

function irqCounts(graph: IndexedGraph): GraphStats['irq'] {
  const counts: GraphStats['irq'] = {
    hardirqSafe: 0, hardirqUnsafe: 0, softirqSafe: 0, softirqUnsafe: 0,
    hardirqReadSafe: 0, hardirqReadUnsafe: 0, softirqReadSafe: 0, softirqReadUnsafe: 0,
    uncategorized: 0, unused: 0,
  };
  for (const mask of graph.usageMasks) {
    if (has(mask, USED_IN_HARDIRQ)) counts.hardirqSafe++;
    if (has(mask, ENABLED_HARDIRQ)) counts.hardirqUnsafe++;
    if (has(mask, USED_IN_SOFTIRQ)) counts.softirqSafe++;
    if (has(mask, ENABLED_SOFTIRQ)) counts.softirqUnsafe++;
    if (has(mask, USED_IN_HARDIRQ_READ)) counts.hardirqReadSafe++;
    if (has(mask, ENABLED_HARDIRQ_READ)) counts.hardirqReadUnsafe++;
    if (has(mask, USED_IN_SOFTIRQ_READ)) counts.softirqReadSafe++;
    if (has(mask, ENABLED_SOFTIRQ_READ)) counts.softirqReadUnsafe++;
    const used = has(mask, LOCK_USED) || has(mask, LOCK_USED_READ);
    if (!used) counts.unused++;
    else if ((mask & ((1 << LOCK_USED) - 1)) === 0) counts.uncategorized++;
  }
  return counts;
}

/**
 * The longest path through the condensation: components come numbered sinks first
 * (strongly-connected.ts), so one pass from the highest number down sees every component after
 * all the components that lead into it.
 */
function longestChain(graph: IndexedGraph, { component, count }: Components): string[] {
  if (count === 0) return [];
  const first = new Int32Array(count).fill(-1);
  for (let cls = 0; cls < component.length; cls++) if (first[component[cls]!] === -1) first[component[cls]!] = cls;
  const length = new Int32Array(count).fill(1);
  const previous = new Int32Array(count).fill(-1);
  const successors: number[][] = Array.from({ length: count }, () => []);
  for (let edge = 0; edge < graph.edgeFrom.length; edge++) {
    const source = component[graph.edgeFrom[edge]!]!;
    const target = component[graph.edgeTo[edge]!]!;
    if (source !== target) successors[source]!.push(target);
  }
  let end = count - 1;
  for (let id = count - 1; id >= 0; id--) {
    for (const target of successors[id]!) {
      if (length[id]! + 1 > length[target]!) {
        length[target] = length[id]! + 1;
        previous[target] = id;
      }
    }
    if (length[id]! > length[end]!) end = id;
  }
  const chain: string[] = [];
  for (let id = end; id !== -1; id = previous[id]!) chain.push(graph.names[first[id]!]!);
  return chain.reverse();
}
