/**
 * Support of a proposed rule from the checker's tallies (observations.ts) or, for an input that
 * is a saved graph, from a dependency's one recorded witness (then the counts are a floor: the
 * graph keeps one witness per dependency, however often the run took it). A tally that a graph
 * input also holds is a floor too (its `atLeast`): the traces' counts miss the graph's run.
 */
import type { DependencyWitness } from '../engine/finding.js';
import { traceLocation } from '../report/witnesses.js';
import type { Tally } from './observations.js';
import type { Support } from './proposal.js';

export function tallySupport(tally: Tally): Support {
  const support: Support = { witnesses: tally.count, tasks: tally.tasks.size, firstSeen: traceLocation(tally.firstAt) };
  if (tally.atLeast === true) support.witnessesAtLeast = true;
  return support;
}

/** A dependency known only from a saved graph (or /proc/lockdep): its first witness, a floor. */
export function witnessSupport(witness: DependencyWitness): Support {
  return { witnesses: 1, tasks: 1, firstSeen: traceLocation(witness.next), witnessesAtLeast: true };
}

/** 0.9375 -> "93.8%"; 1 -> "100%". */
export function percent(share: number): string {
  return share === 1 ? '100%' : `${(Math.floor(share * 1000) / 10).toFixed(1)}%`;
}
