/**
 * The brute-force oracle for circular dependencies (issue 3, "Done when"): builds the typed
 * dependency graph of a lock program independently of the engine, enumerates every simple cycle
 * and applies lockdep's strong-path rule (docs/semantics.md).
 *
 * Dependencies: for every non-trylock acquisition of class C in mode m by a task, an edge from
 * EVERY lock that task holds to C, typed by the held lock's mode (E if write, else S) and C's
 * mode (R if recursive-read, else N); trylocks get no incoming edge but are sources later; types
 * accumulate per class pair. (The kernel links only the nearest non-trylock plus the trylocks
 * above it and relies on transitivity, which fails through recursive readers, §3.2(b); the
 * all-held graph is the reference the engine must agree with.)
 * Strong cycle: some choice of one type per edge such that no `-(xR)->` is immediately followed by
 * `-(Sx)->`, including the wrap-around pair.
 * Invariant: pure; no engine code is used.
 */
import type { DepType } from '../../src/engine/finding.js';
import type { Program } from './program.js';

export const DEP_TYPES: readonly DepType[] = ['ER', 'EN', 'SR', 'SN'];

/** Edge type masks: one bit per DepType, in DEP_TYPES order. */
export type TypeMask = number;

export function typeBit(type: DepType): TypeMask {
  return 1 << DEP_TYPES.indexOf(type);
}

export function typesOf(mask: TypeMask): DepType[] {
  return DEP_TYPES.filter((type) => (mask & typeBit(type)) !== 0);
}

/** A dependency graph over classes 0..size-1 with a type mask per ordered pair. */
export class OracleGraph {
  private readonly masks = new Map<number, TypeMask>();

  constructor(readonly size: number) {}

  add(from: number, to: number, type: DepType): void {
    const key = from * this.size + to;
    this.masks.set(key, (this.masks.get(key) ?? 0) | typeBit(type));
  }

  mask(from: number, to: number): TypeMask {
    return this.masks.get(from * this.size + to) ?? 0;
  }

  successors(from: number): number[] {
    const result: number[] = [];
    for (let to = 0; to < this.size; to++) if (this.mask(from, to) !== 0) result.push(to);
    return result;
  }

  get edgeCount(): number {
    return this.masks.size;
  }
}

/** The all-held dependency graph of a program. */
export function dependencyGraph(program: Program): OracleGraph {
  const graph = new OracleGraph(program.classes);
  const held: { cls: number; exclusive: boolean }[][] = Array.from({ length: program.tasks }, () => []);
  for (const op of program.ops) {
    const stack = held[op.task];
    if (stack === undefined) throw new Error(`task ${op.task} out of range`);
    if (op.op === 'release') {
      const at = stack.findIndex((h) => h.cls === op.cls);
      if (at < 0) throw new Error(`task ${op.task} releases class ${op.cls} it does not hold`);
      stack.splice(at, 1);
      continue;
    }
    if (!op.try) {
      const second = op.mode === 'recursive-read' ? 'R' : 'N';
      for (const h of stack) graph.add(h.cls, op.cls, `${h.exclusive ? 'E' : 'S'}${second}` as DepType);
    }
    stack.push({ cls: op.cls, exclusive: op.mode === 'write' });
  }
  return graph;
}

/** Every simple cycle, each once, starting at its smallest class (brute force DFS; size <= ~8). */
export function simpleCycles(graph: OracleGraph): number[][] {
  const cycles: number[][] = [];
  const path: number[] = [];
  const onPath = new Set<number>();
  const extend = (start: number, node: number): void => {
    for (const next of graph.successors(node)) {
      if (next === start) cycles.push([...path]);
      else if (next > start && !onPath.has(next)) {
        path.push(next);
        onPath.add(next);
        extend(start, next);
        onPath.delete(next);
        path.pop();
      }
    }
  };
  for (let start = 0; start < graph.size; start++) {
    path.push(start);
    onPath.add(start);
    extend(start, start);
    onPath.delete(start);
    path.pop();
  }
  return cycles;
}

/** `a` then `b` keeps a path strong unless a ends in R (recursive reader) and b starts with S. */
export function strongPair(a: DepType, b: DepType): boolean {
  return !(a[1] === 'R' && b[0] === 'S');
}

/**
 * One type per edge of the cycle (edge i = cycle[i] -> cycle[i+1], wrapping) that makes the cycle
 * strong, or null when no choice does.
 */
export function strongAssignment(graph: OracleGraph, cycle: readonly number[]): DepType[] | null {
  const edges = cycle.map((from, i) => typesOf(graph.mask(from, cycle[(i + 1) % cycle.length] ?? from)));
  const first = edges[0];
  if (first === undefined) return null;
  for (const start of first) {
    // choice[i]: for every type reachable at edge i, the type chosen at edge i-1 (for the witness).
    let reachable = new Map<DepType, DepType[]>([[start, [start]]]);
    for (let i = 1; i < edges.length; i++) {
      const next = new Map<DepType, DepType[]>();
      for (const type of edges[i] ?? []) {
        for (const [prevType, chosen] of reachable) {
          if (strongPair(prevType, type)) {
            next.set(type, [...chosen, type]);
            break;
          }
        }
      }
      reachable = next;
    }
    for (const [last, chosen] of reachable) if (strongPair(last, start)) return chosen;
  }
  return null;
}

export interface OracleVerdict {
  cycles: number;
  /** The first strong cycle found and its edge types, or null. */
  strong: { cycle: number[]; types: DepType[] } | null;
}

export function judge(graph: OracleGraph): OracleVerdict {
  const cycles = simpleCycles(graph);
  for (const cycle of cycles) {
    const types = strongAssignment(graph, cycle);
    if (types !== null) return { cycles: cycles.length, strong: { cycle, types } };
  }
  return { cycles: cycles.length, strong: null };
}
