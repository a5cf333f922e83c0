/**
 * The documented lock order: every `outer < inner` pair written by order rules, checked for
 * cycles at load time, and its transitive closure (`a < b` and `b < c` imply `a < c`) indexed by
 * the outer class, so the validator hooks can answer "is taking X while holding Y documented as
 * wrong?" with two Map lookups.
 * Invariants: the relation is acyclic (a cycle is a load error at the rule that closes it);
 * rules with severity `off` take part in the cycle check but not in the closure; a derived pair
 * keeps the shortest derivation; its mode is the union of the modes of the pairs that end it.
 */
import type { HoldMode } from './schema-common.js';
import type { OrderEdge } from './rule-kind.js';
import type { InputError } from '../io/input-error.js';

/** One pair of the closure: `outer` is taken outside `inner` (in `mode` of inner). */
export interface OrderPair {
  outer: string;
  inner: string;
  mode: HoldMode;
  /** The documented pairs that imply this one, outer first; length 1 for a written pair. */
  via: OrderEdge[];
}

function unionMode(a: HoldMode | undefined, b: HoldMode): HoldMode {
  if (a === undefined || a === b) return b;
  return 'any';
}

export class OrderRelation {
  /** Every written pair, in file order. */
  readonly edges: readonly OrderEdge[];
  /** Closure over active rules: outer -> inner -> pair. */
  readonly byOuter: ReadonlyMap<string, ReadonlyMap<string, OrderPair>>;
  /** Every pair of the closure. */
  readonly pairs: readonly OrderPair[];

  private constructor(edges: readonly OrderEdge[], byOuter: Map<string, Map<string, OrderPair>>) {
    this.edges = edges;
    this.byOuter = byOuter;
    const pairs: OrderPair[] = [];
    for (const inner of byOuter.values()) pairs.push(...inner.values());
    this.pairs = pairs;
  }

  /**
   * Build the relation. `errorAt(edge, message)` makes the InputError for a cycle, positioned at
   * the edge that closes it.
   */
  static build(edges: readonly OrderEdge[], errorAt: (edge: OrderEdge, message: string) => InputError): OrderRelation {
    // Cycle check over all pairs, in the order they are written.
    const adjacency = new Map<string, OrderEdge[]>();
    for (const edge of edges) {
      if (edge.outer === edge.inner) {
        throw errorAt(edge, `order is cyclic: ${JSON.stringify(edge.outer)} cannot be taken outside itself (rule ${edge.rule.id}; remove the pair)`);
      }
      const back = findEdgePath(adjacency, edge.inner, edge.outer);
      if (back) {
        const names = [edge.outer, edge.inner, ...back.map((step) => step.inner)];
        const rules = [...new Set([edge.rule.id, ...back.map((step) => step.rule.id)])];
        throw errorAt(
          edge,
          `order is cyclic: ${names.join(' < ')} (rules ${rules.join(', ')}; remove or correct one of them)`,
        );
      }
      const list = adjacency.get(edge.outer);
      if (list) list.push(edge);
      else adjacency.set(edge.outer, [edge]);
    }

    // Closure over active pairs.
    const active = new Map<string, OrderEdge[]>();
    for (const edge of edges) {
      if (edge.rule.severity === 'off') continue;
      const list = active.get(edge.outer);
      if (list) list.push(edge);
      else active.set(edge.outer, [edge]);
    }
    const byOuter = new Map<string, Map<string, OrderPair>>();
    for (const start of active.keys()) {
      const pairs = new Map<string, OrderPair>();
      const parent = new Map<string, OrderEdge>();
      const queue: string[] = [start];
      const seen = new Set<string>([start]);
      for (let head = 0; head < queue.length; head++) {
        const node = queue[head]!;
        for (const edge of active.get(node) ?? []) {
          const target = edge.inner;
          if (!seen.has(target)) {
            seen.add(target);
            parent.set(target, edge);
            queue.push(target);
          }
          const existing = pairs.get(target);
          if (existing) existing.mode = unionMode(existing.mode, edge.innerMode);
          else pairs.set(target, { outer: start, inner: target, mode: edge.innerMode, via: [] });
        }
      }
      for (const pair of pairs.values()) {
        const via: OrderEdge[] = [];
        let node = pair.inner;
        while (node !== start) {
          const edge = parent.get(node)!;
          via.unshift(edge);
          node = edge.outer;
        }
        pair.via = via;
      }
      byOuter.set(start, pairs);
    }
    return new OrderRelation(edges, byOuter);
  }
}


/** Shortest path of edges from -> ... -> to, or null (BFS). */
function findEdgePath(adjacency: ReadonlyMap<string, OrderEdge[]>, from: string, to: string): OrderEdge[] | null {
  if (from === to) return [];
  const parent = new Map<string, OrderEdge>();
  const seen = new Set<string>([from]);
  const queue = [from];
  for (let head = 0; head < queue.length; head++) {
    const node = queue[head]!;
    for (const edge of adjacency.get(node) ?? []) {
      if (seen.has(edge.inner)) continue;
      seen.add(edge.inner);
      parent.set(edge.inner, edge);
      if (edge.inner === to) {
        const path: OrderEdge[] = [];
        let at = to;
        while (at !== from) {
          const step = parent.get(at)!;
          path.unshift(step);
          at = step.outer;
        }
        return path;
      }
      queue.push(edge.inner);
    }
  }
  return null;
}
