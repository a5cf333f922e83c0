/**
 * `order` rules from the observed partial order, as few as say it: the transitive reduction of
 * the condensation of the "taken before" relation (class-relation.ts, transitive-reduction.ts).
 * A dependency between two components is kept only when no other path between them exists; its
 * class pairs become the rules, one rule per outer class. Classes on one cycle get no order
 * among themselves.
 * Invariants: every proposed pair (a, b) has a path a ->* b and none b ->* a in the relation,
 * and so has every pair the rules imply by transitivity: checked against its own input the
 * rules find nothing. Dropping pairs under --min-support keeps that true.
 */
import type { IndexedGraph } from '../graph/indexed-graph.js';
import type { ClassRelation } from './class-relation.js';
import type { Observations } from './observations.js';
import type { Evidence, ProposedRule, Support } from './proposal.js';
import { tallySupport, witnessSupport } from './support.js';
import { reducedComponentEdges } from './transitive-reduction.js';

export function inferOrder(graph: IndexedGraph, relation: ClassRelation, observations: Observations, minSupport: number): ProposedRule[] {
  const { component, count } = relation.components;
  const kept = reducedComponentEdges(relation.start, relation.next, relation.components);
  const classes = relation.names.length;
  const witnessOf = new Map<number, number>();
  for (let edge = 0; edge < graph.edgeFrom.length; edge++) witnessOf.set(graph.edgeFrom[edge]! * classes + graph.edgeTo[edge]!, edge);
  const rules: ProposedRule[] = [];
  for (let outer = 0; outer < relation.names.length; outer++) {
    const inner: string[] = [];
    const evidence: Evidence[] = [];
    for (let slot = relation.start[outer]!; slot < relation.start[outer + 1]!; slot++) {
      const to = relation.next[slot]!;
      if (!kept.has(component[outer]! * count + component[to]!)) continue;
      const support = pairSupport(graph, relation, observations, witnessOf, outer, to);
      if (support.witnesses < minSupport) continue;
      inner.push(relation.names[to]!);
      evidence.push({ about: `${relation.names[outer]!} -> ${relation.names[to]!}`, support });
    }
    if (inner.length === 0) continue;
    const outerName = relation.names[outer]!;
    rules.push({
      kind: 'order',
      rule: {
        id: `inferred-order-${rules.length + 1}`,
        kind: 'order',
        outer: outerName,
        inner,
        description: `observed: ${outerName} is taken outside ${inner.join(', ')}`,
      },
      evidence,
    });
  }
  return rules;
}

function pairSupport(graph: IndexedGraph, relation: ClassRelation, observations: Observations, witnessOf: ReadonlyMap<number, number>, from: number, to: number): Support {
  const tally = observations.nesting.get(relation.names[from]!)?.get(relation.names[to]!);
  if (tally !== undefined) return tallySupport(tally);
  const edge = witnessOf.get(from * relation.names.length + to);
  // Every pair of the relation is a graph edge or a tallied nesting.
  return witnessSupport(graph.witnesses[edge!]!);
}

/** Groups of classes on a cycle of the relation, in class order. */
export function cycleGroups(relation: ClassRelation): string[][] {
  const groups = new Map<number, string[]>();
  relation.names.forEach((name, node) => {
    const id = relation.components.component[node]!;
    const group = groups.get(id);
    if (group === undefined) groups.set(id, [name]);
    else group.push(name);
  });
  return [...groups.values()].filter((group) => group.length > 1);
}
