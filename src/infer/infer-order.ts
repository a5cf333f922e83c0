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
import type { InferGraph } from './infer-graph.js';
import type { ClassRelation } from './class-relation.js';
import type { Observations } from './observations.js';
import type { Evidence, ProposedRule } from './proposal.js';
import { evidenceOf, proposedRule, witnessSupport } from './support.js';
import { reducedComponentEdges } from './transitive-reduction.js';

export function inferOrder(graph: InferGraph, relation: ClassRelation, observations: Observations, minSupport: number): ProposedRule[] {
  const { component, count } = relation.components;
  const kept = reducedComponentEdges(relation.start, relation.next, relation.components);
  const rules: ProposedRule[] = [];
  const chains = observations.chains;
  for (let outer = 0; outer < relation.names.length; outer++) {
    const outerName = relation.names[outer]!;
    let inner: string[] | undefined;
    let evidence: Evidence[] | undefined;
    for (let slot = relation.start[outer]!; slot < relation.start[outer + 1]!; slot++) {
      const to = relation.next[slot]!;
      if (!kept.has(component[outer]! * count + component[to]!)) continue;
      const innerName = relation.names[to]!;
      // Every pair of the relation is a tallied nesting or a graph dependency.
      const pair = chains.pairOfClasses(relation.chainClass[outer]!, relation.chainClass[to]!);
      const support = pair !== -1 ? chains.pairSupport(pair) : witnessSupport(graph.witness(relation.nextEdge[slot]!));
      if (support.witnesses < minSupport) continue;
      (inner ??= []).push(innerName);
      (evidence ??= []).push(evidenceOf(`${outerName} -> ${innerName}`, support));
    }
    if (inner === undefined) continue;
    const description = `observed: ${outerName} is taken outside ${inner.join(', ')}`;
    rules.push(proposedRule('order', { id: `inferred-order-${rules.length + 1}`, kind: 'order', outer: outerName, inner, description }, evidence!));
  }
  return rules;
}

/** Groups of classes on a cycle of the relation, in class order. */
export function cycleGroups(relation: ClassRelation): string[][] {
  const { component, count } = relation.components;
  const sizes = new Int32Array(count);
  for (let node = 0; node < component.length; node++) sizes[component[node]!]!++;
  const groups = new Map<number, string[]>();
  for (let node = 0; node < component.length; node++) {
    const id = component[node]!;
    if (sizes[id]! < 2) continue;
    const group = groups.get(id);
    if (group === undefined) groups.set(id, [relation.names[node]!]);
    else group.push(relation.names[node]!);
  }
  return [...groups.values()];
}
