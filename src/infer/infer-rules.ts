/**
 * `lockdep infer`: rules proposed from what ran. Reads the merged dependency graph of the inputs
 * and the checker's tallies (observations.ts), and proposes, per requested kind, `order`
 * (infer-order.ts), `leaf`, `must-hold`, `guarded-by` and `forbid-inside` rules with their
 * evidence. Invariants: every rule names only classes of the graph or the tallies, declared in
 * `classes` with their types; the proposal passes `rules lint` (the order rules follow a DAG)
 * and, checked against the traces it came from, gives no finding (each kind's invariant).
 */
import type { LockType } from '../events/event.js';
import type { InferGraph } from './infer-graph.js';
import { classRelation } from './class-relation.js';
import { inferForbidInside } from './infer-forbid-inside.js';
import { inferGuardedBy } from './infer-guarded-by.js';
import { inferLeaf } from './infer-leaf.js';
import { cycleGroups, inferOrder } from './infer-order.js';
import { inferMustHold } from './infer-must-hold.js';
import type { Observations } from './observations.js';
import type { InferAnswer, InferOptions, ProposedRule, RuleFieldValue } from './proposal.js';

export function inferRules(graph: InferGraph, observations: Observations, options: InferOptions, inputs: readonly string[]): InferAnswer {
  const relation = classRelation(graph, observations);
  const typeOf = (name: string): LockType | undefined => {
    const index = graph.indexOf.get(name);
    return index === undefined ? undefined : graph.types[index];
  };
  const wants = options.kinds;
  const rules: ProposedRule[] = [
    ...(wants.has('order') ? inferOrder(graph, relation, observations, options.minSupport) : []),
    ...(wants.has('leaf') ? inferLeaf(graph, relation, observations, options.minSupport) : []),
    ...(wants.has('must-hold') ? inferMustHold(observations, typeOf, options) : []),
    ...(wants.has('guarded-by') ? inferGuardedBy(observations, typeOf, options) : []),
    ...(wants.has('forbid-inside') ? inferForbidInside(graph, relation, observations, options.minSupport) : []),
  ];
  const named = new Set<string>();
  let off = 0;
  for (let index = 0; index < rules.length; index++) {
    const rule = rules[index]!.rule;
    // The fields that name lock classes (the others name variables or modes).
    addNames(named, rule['outer']);
    addNames(named, rule['inner']);
    addNames(named, rule['lock']);
    addNames(named, rule['held']);
    addNames(named, rule['inside']);
    if (rule['severity'] === 'off') off++;
  }
  const classes = relation.names.filter((name) => named.has(name)).map((name) => ({ name, type: typeOf(name) ?? 'mutex' }));
  let accessesSeen = 0;
  for (const tally of observations.accesses.values()) accessesSeen += tally.count;
  return {
    inputs: [...inputs],
    classes,
    rules,
    cycles: wants.has('order') ? cycleGroups(relation) : [],
    summary: { classes: graph.names.length, dependencies: graph.edgeFrom.length, accessesSeen, proposed: rules.length, off },
  };
}

/** Adds the class names of one rule field (a name, a list, or absent). */
function addNames(named: Set<string>, value: RuleFieldValue | undefined): void {
  if (value === undefined) return;
  if (typeof value === 'string') named.add(value);
  else for (let index = 0; index < value.length; index++) named.add(value[index]!);
}
