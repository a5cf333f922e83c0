/**
 * LockDoc-style hypotheses for `must-hold` and `guarded-by`: for something that happens with
 * locks held (an acquisition, an access), the share of its occurrences under each held class,
 * and the best one. The side (`write`) is claimed only for classes that have a read side
 * (rwlock, rwsem) and only when every occurrence under the class held it for write.
 * Invariant: a hypothesis with confidence 1 holds at every occurrence tallied.
 */
import type { LockType } from '../events/event.js';
import type { HeldTally } from './observations.js';
import type { Evidence } from './proposal.js';
import { percent, tallySupport } from './support.js';

export interface HeldHypothesis {
  lock: string;
  /** 'write' when every occurrence under `lock` held it for write (and it has a read side). */
  mode: 'write' | 'any';
  /** Occurrences with `lock` held (in `mode`). */
  held: number;
  confidence: number;
}

const HAS_READ_SIDE: ReadonlySet<LockType> = new Set(['rwlock', 'rwsem']);

/**
 * The best hypothesis (highest share; on a tie, the class held nearest to the occurrence on
 * average), or undefined when nothing was ever held.
 */
export function bestHeld(tally: HeldTally, typeOf: (name: string) => LockType | undefined): HeldHypothesis | undefined {
  let best: { lock: string; held: number; depth: number } | undefined;
  for (const [lock, count] of tally.held) {
    const held = count.any;
    const depth = count.depthSum / held;
    if (best === undefined || held > best.held || (held === best.held && depth < best.depth)) best = { lock, held, depth };
  }
  if (best === undefined) return undefined;
  const written = tally.held.get(best.lock)!.write;
  const type = typeOf(best.lock);
  const mode = written === best.held && type !== undefined && HAS_READ_SIDE.has(type) ? 'write' : 'any';
  return { lock: best.lock, mode, held: best.held, confidence: best.held / tally.count };
}

/**
 * The evidence of a rule built on `hypothesis`: support, confidence, why it is off if it is, and
 * the other classes held at least as often as the confidence bar, with their shares.
 */
export function hypothesisEvidence(about: string, tally: HeldTally, hypothesis: HeldHypothesis, unit: string, minConfidence: number): Evidence {
  const missing = tally.count - hypothesis.held;
  const others: string[] = [];
  for (const [lock, count] of tally.held) {
    if (lock !== hypothesis.lock && count.any / tally.count >= minConfidence) others.push(`${lock} ${percent(count.any / tally.count)}`);
  }
  const notes = [
    ...(missing > 0 ? [`off: ${missing} ${unit} without it; enable once they are fixed or explained`] : []),
    ...(others.length === 0 ? [] : [`also held: ${others.join(', ')}`]),
  ];
  return { about, support: tallySupport(tally), confidence: hypothesis.confidence, ...(notes.length > 0 ? { note: notes.join('; ') } : {}) };
}
