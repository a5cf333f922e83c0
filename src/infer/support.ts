/**
 * Support of a proposed rule from the checker's tallies (observations.ts) or, for an input that
 * is a saved graph, from a dependency's one recorded witness (then the counts are a floor: the
 * graph keeps one witness per dependency, however often the run took it). A tally that a graph
 * input also holds is a floor too (its `atLeast`): the traces' counts miss the graph's run.
 */
import type { DependencyWitness, EventRef } from '../engine/finding.js';
import { traceLocation } from '../report/witnesses.js';
import type { Tally } from './tally.js';
import type { Evidence, InferKind, ProposedRule, RuleFieldValue, Support } from './proposal.js';

export function tallySupport(tally: Tally): Support {
  return countedSupport(tally.count, tally.tasks.size, tally.firstAt, tally.atLeast === true);
}

/** Support counted by a tally: its occurrences, distinct tasks, the first one's place, and whether those are floors. */
export function countedSupport(count: number, tasks: number, firstAt: EventRef, atLeast: boolean): Support {
  return supportOf(count, tasks, traceLocation(firstAt), atLeast);
}

/** A dependency known only from a saved graph (or /proc/lockdep): its first witness, a floor. */
export function witnessSupport(witness: DependencyWitness): Support {
  return supportOf(1, 1, traceLocation(witness.next), true);
}

/**
 * Every Support, Evidence and ProposedRule is made by these builders, with every field (an unset
 * one undefined, which JSON leaves out as it leaves out a missing one): one shape each, so the
 * code that reads them after (the printers) sees one map, not one per combination of fields.
 */
export function supportOf(witnesses: number, tasks: number, firstSeen: string, atLeast: boolean): Support {
  return { witnesses, tasks, firstSeen, witnessesAtLeast: atLeast ? true : undefined };
}

export function evidenceOf(about: string, support: Support, confidence?: number, lockset?: string[], note?: string): Evidence {
  return { about, support, confidence, lockset, note };
}

export function proposedRule(kind: InferKind, rule: Record<string, RuleFieldValue>, evidence: Evidence[], lockset?: string[]): ProposedRule {
  return { kind, rule, evidence, lockset };
}

/** 0.9375 -> "93.8%"; 1 -> "100%". */
export function percent(share: number): string {
  return share === 1 ? '100%' : `${(Math.floor(share * 1000) / 10).toFixed(1)}%`;
}
