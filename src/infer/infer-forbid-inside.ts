/**
 * `forbid-inside` candidates for pseudo-locks (type `map`: an MMU notifier, a workqueue or
 * flush map, fs_reclaim): per pseudo-lock held around something, the related classes never
 * seen inside it, not even through other locks. Related: taken before it (a path to it), or
 * taken outside a class it is also taken outside of (a sibling, like `slots_lock` and the MMU
 * notifier, both outside `mmu_notifier_slots_lock`). Unrelated classes are left out: the trace
 * says nothing about them.
 * Invariant: no class of a rule is reachable from its pseudo-lock in the relation, which holds
 * every nesting the checker saw, so the rule finds nothing on its own input.
 */
import type { InferGraph } from './infer-graph.js';
import { reachable, type ClassRelation } from './class-relation.js';
import type { ChainTallies } from './chain-tallies.js';
import type { Observations } from './observations.js';
import type { Evidence, ProposedRule, Support } from './proposal.js';
import { evidenceOf, proposedRule, supportOf } from './support.js';

export function inferForbidInside(graph: InferGraph, relation: ClassRelation, observations: Observations, minSupport: number): ProposedRule[] {
  const count = relation.names.length;
  const rules: ProposedRule[] = [];
  const chains = observations.chains;
  for (let map = 0; map < graph.names.length; map++) {
    if (graph.types[map] !== 'map' || relation.start[map + 1] === relation.start[map]) continue;
    const mapName = relation.names[map]!;
    // Only a traced run says a class is a pseudo-lock (/proc/lockdep declares every class a map).
    const heldSupport = mapHeldSupport(chains, mapName);
    if (heldSupport === undefined || heldSupport.witnesses < minSupport) continue;
    const inside = reachable(count, relation.start, relation.next, map);
    const related = reachable(count, relation.prevStart, relation.prev, map);
    for (let slot = relation.start[map]!; slot < relation.start[map + 1]!; slot++) {
      const shared = relation.next[slot]!;
      for (let at = relation.prevStart[shared]!; at < relation.prevStart[shared + 1]!; at++) related[relation.prev[at]!] = 1;
    }
    const locks: string[] = [];
    const evidence: Evidence[] = [evidenceOf(`${mapName} held around other classes`, heldSupport)];
    for (let node = 0; node < count; node++) {
      if (inside[node] === 1 || related[node] === 0) continue;
      const name = relation.names[node]!;
      const tally = chains.tallyOfClass(relation.chainClass[node]!);
      if (tally !== -1 && chains.tallyChains(tally) < minSupport) continue;
      locks.push(name);
      if (tally !== -1) evidence.push(evidenceOf(`${name} taken, never inside ${mapName}`, chains.tallySupport(tally)));
    }
    if (locks.length === 0) continue;
    rules.push(proposedRule(
      'forbid-inside',
      {
        id: `inferred-forbid-inside-${rules.length + 1}`,
        kind: 'forbid-inside',
        lock: locks,
        inside: mapName,
        description: `observed: ${locks.join(', ')} ${locks.length === 1 ? 'is' : 'are'} never taken inside ${mapName}`,
      },
      evidence,
    ));
  }
  return rules;
}

/** The nestings inside `map` the traces showed (undefined: none). */
function mapHeldSupport(chains: ChainTallies, map: string): Support | undefined {
  let witnesses = 0;
  const tasks = new Set<string>();
  let firstSeen = '';
  let atLeast = false;
  const pairs = chains.pairsAround(map);
  for (let index = 0; index < pairs.length; index++) {
    const pair = pairs[index]!;
    witnesses += chains.pairCountOf(pair);
    for (const task of chains.pairTaskNames(pair)) tasks.add(task);
    if (firstSeen === '') firstSeen = chains.pairSupport(pair).firstSeen;
    if (chains.pairIsFloor(pair)) atLeast = true;
  }
  if (witnesses === 0) return undefined;
  return supportOf(witnesses, tasks.size, firstSeen, atLeast);
}
