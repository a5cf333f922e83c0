/**
 * The brute-force graph side of the oracle property test: a typed dependency graph over lock
 * classes, every simple cycle and every simple path by plain enumeration, and lockdep's
 * strong-path rule (docs/semantics.md): a cycle is a deadlock iff some choice of one dependency
 * type per edge has no `-(xR)->` immediately followed by `-(Sx)->`, the wrap-around pair included.
 * A "virtual" edge (the same-class recursion of a recursive reader, or an interrupt arriving
 * while an irq-unsafe lock is held) closes a walk into a cycle that is judged the same way.
 * Invariant: pure; no engine code is used; graphs stay small (a handful of classes).
 */
import type { DepType } from '../../src/engine/finding.js';

export const DEP_TYPES: readonly DepType[] = ['ER', 'EN', 'SR', 'SN'];

/** Edge type masks: one bit per DepType, in DEP_TYPES order. */
export type TypeMask = number;

export function typeBit(type: DepType): TypeMask {
  return 1 << DEP_TYPES.indexOf(type);
}

export function typesOf(mask: TypeMask): DepType[] {
  return DEP_TYPES.filter((type) => (mask & typeBit(type)) !== 0);
}

/** A dependency graph over class names with a type mask per ordered pair. */
export class OracleGraph {
  private readonly masks = new Map<string, Map<string, TypeMask>>();
  private readonly nodes = new Set<string>();

  add(from: string, to: string, type: DepType): void {
    this.nodes.add(from);
    this.nodes.add(to);
    let out = this.masks.get(from);
    if (out === undefined) this.masks.set(from, (out = new Map()));
    out.set(to, (out.get(to) ?? 0) | typeBit(type));
  }

  mask(from: string, to: string): TypeMask {
    return this.masks.get(from)?.get(to) ?? 0;
  }

  successors(from: string): string[] {
    return [...(this.masks.get(from)?.keys() ?? [])];
  }

  /** Class names in a fixed order (sorted), so enumerations are deterministic. */
  get classes(): string[] {
    return [...this.nodes].sort();
  }

  get edgeCount(): number {
    let count = 0;
    for (const out of this.masks.values()) count += out.size;
    return count;
  }
}

/** Every simple cycle, each once, starting at its smallest class (brute force DFS). */
export function simpleCycles(graph: OracleGraph): string[][] {
  const order = graph.classes;
  const rank = new Map(order.map((name, i) => [name, i]));
  const cycles: string[][] = [];
  for (const start of order) {
    const startRank = rank.get(start)!;
    for (const path of simplePaths(graph, start, start, (node) => rank.get(node)! > startRank)) cycles.push(path.slice(0, -1));
  }
  return cycles;
}

/**
 * Every simple path from `from` to `to` of at least one edge, as the list of its classes (both
 * ends included). Inner classes are distinct, differ from both ends and satisfy `allowed`; a path
 * with `from === to` is a cycle through `from`.
 */
export function simplePaths(graph: OracleGraph, from: string, to: string, allowed: (node: string) => boolean = () => true): string[][] {
  const paths: string[][] = [];
  const path = [from];
  const onPath = new Set([from, to]);
  const extend = (node: string): void => {
    for (const next of graph.successors(node)) {
      if (next === to) paths.push([...path, to]);
      else if (!onPath.has(next) && allowed(next)) {
        path.push(next);
        onPath.add(next);
        extend(next);
        onPath.delete(next);
        path.pop();
      }
    }
  };
  extend(from);
  return paths;
}

/** `a` then `b` keeps a path strong unless a ends in R (recursive reader) and b starts with S. */
export function strongPair(a: DepType, b: DepType): boolean {
  return !(a[1] === 'R' && b[0] === 'S');
}

/**
 * One type per edge of a cyclic sequence of edge masks (the last edge is followed by the first)
 * that makes the cycle strong, or null when no choice does.
 */
export function strongChoice(masks: readonly TypeMask[]): DepType[] | null {
  const edges = masks.map(typesOf);
  const first = edges[0];
  if (first === undefined) return null;
  for (const start of first) {
    // For every type reachable at edge i, one strong choice of types up to it.
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

/** The masks of the edges of a path (consecutive classes). */
export function pathMasks(graph: OracleGraph, path: readonly string[]): TypeMask[] {
  return path.slice(1).map((to, i) => graph.mask(path[i]!, to));
}

/** A strong choice of types for the cycle `cycle[0] -> cycle[1] -> ... -> cycle[0]`, or null. */
export function strongAssignment(graph: OracleGraph, cycle: readonly string[]): DepType[] | null {
  if (cycle.length === 0) return null;
  return strongChoice(pathMasks(graph, [...cycle, cycle[0]!]));
}

/**
 * Whether a walk `from ->* to` (at least `minEdges` edges; with zero, `from === to` by itself
 * counts) followed by a virtual edge `to -> from` of one of the types in `virtual` is a strong
 * closed walk. A walk may pass a class twice, as a breadth-first search keyed by (class, whether
 * only recursive-read edges led there) does: the engine's irq and same-class searches.
 * Brute force over the states (class, type of the last edge).
 */
export function closesStrongly(graph: OracleGraph, from: string, to: string, virtual: TypeMask, minEdges: number): boolean {
  for (const v of typesOf(virtual)) {
    if (minEdges === 0 && from === to && strongPair(v, v)) return true;
    const seen = new Set<string>();
    const stack: Array<[string, DepType]> = [[from, v]];
    while (stack.length > 0) {
      const [node, last] = stack.pop()!;
      for (const next of graph.successors(node)) {
        for (const type of typesOf(graph.mask(node, next))) {
          if (!strongPair(last, type)) continue;
          if (next === to && strongPair(type, v)) return true;
          const state = `${next}|${type}`;
          if (!seen.has(state)) {
            seen.add(state);
            stack.push([next, type]);
          }
        }
      }
    }
  }
  return false;
}

export interface OracleVerdict {
  cycles: number;
  /** The first strong cycle found and its edge types, or null. */
  strong: { cycle: string[]; types: DepType[] } | null;
}

export function judge(graph: OracleGraph): OracleVerdict {
  const cycles = simpleCycles(graph);
  for (const cycle of cycles) {
    const types = strongAssignment(graph, cycle);
    if (types !== null) return { cycles: cycles.length, strong: { cycle, types } };
  }
  return { cycles: cycles.length, strong: null };
}
