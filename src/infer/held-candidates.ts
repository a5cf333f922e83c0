/**
 * LockDoc's lockset hypotheses for `must-hold` and `guarded-by` (Lochmann et al., "LockDoc:
 * Trace-Based Analysis of Locking in the Linux Kernel", EuroSys 2019): for something that
 * happens with locks held (an acquisition, an access), every set of classes held together at
 * its occurrences is a hypothesis, and its share is the occurrences where ALL its classes were
 * held. Among the hypotheses at or above the bar, LockDoc's winner is the one with the LOWEST
 * share: the most specific rule the run still follows (a superset is never held more often
 * than its subsets); on equal shares, the one with more classes (LockDoc's hypothesizer, "new
 * winner-selection strategy", lockdoc-tools adf7656, 2018). Further ties go to the classes held
 * more often, then nearer to the occurrence.
 * Bound: a class can be a member only if it alone meets the bar; the MAX_LOCKSET_CANDIDATES
 * most held such classes are considered, and locksets have at most MAX_LOCKSET_CLASSES classes.
 * The side (`write`) is claimed only for classes that have a read side (rwlock, rwsem) and only
 * when every occurrence under the class held it for write.
 * Invariant: a winner with share 1 has every one of its classes held at every occurrence tallied.
 */
import type { LockType } from '../events/event.js';
import type { HeldCount, HeldTally } from './tally.js';

/** At most this many classes in one lockset. */
export const MAX_LOCKSET_CLASSES = 4;
/** At most this many classes (the most held ones that meet the bar alone) are combined. */
export const MAX_LOCKSET_CANDIDATES = 16;

export interface LocksetMember {
  lock: string;
  /** 'write' when every occurrence under `lock` held it for write (and it has a read side). */
  mode: 'write' | 'any';
}

export interface LocksetHypothesis {
  /** Its classes, the most held first (then the nearest to the occurrence). */
  members: LocksetMember[];
  /** Occurrences with every member held. */
  held: number;
  /** `held` / all occurrences. */
  share: number;
}

export interface LocksetChoice {
  winner: LocksetHypothesis;
  /**
   * Every hypothesis at or above the bar, the winner included, but not the winner's own subsets
   * held exactly as often (they say nothing more): highest share first, then fewer classes.
   */
  candidates: LocksetHypothesis[];
}

const HAS_READ_SIDE: ReadonlySet<LockType> = new Set(['rwlock', 'rwsem']);

interface Scored {
  /** Bit i: candidate class i is in the set. */
  mask: number;
  held: number;
  size: number;
  /** Sum of the members' ranks among the candidate classes (lower: held more often, nearer). */
  rank: number;
}

interface Meeting {
  lock: string;
  count: HeldCount;
  /** Average distance from the innermost held lock. */
  depth: number;
}

/** Held more often first, then nearer the occurrence, then by name. */
function byRank(a: Meeting, b: Meeting): number {
  return b.count.any - a.count.any || a.depth - b.depth || (a.lock < b.lock ? -1 : a.lock > b.lock ? 1 : 0);
}

function hypothesisOf(members: readonly Meeting[], held: number, total: number, typeOf: (name: string) => LockType | undefined): LocksetHypothesis {
  const list: LocksetMember[] = [];
  for (const { lock, count } of members) {
    const type = typeOf(lock);
    list.push({ lock, mode: count.write === count.any && type !== undefined && HAS_READ_SIDE.has(type) ? 'write' : 'any' });
  }
  return { members: list, held, share: held / total };
}

/**
 * LockDoc's winner among the locksets held at `tally`'s occurrences at or above `minConfidence`,
 * or undefined when no class alone reaches the bar. (Plain loops: it runs once per acquired
 * class and variable, mostly cold.)
 */
export function chooseLockset(tally: HeldTally, typeOf: (name: string) => LockType | undefined, minConfidence: number): LocksetChoice | undefined {
  const total = tally.count;
  let meeting: Meeting[] | undefined;
  let allHeld = true;
  // Shares compare as quotients (0.7 * 10 is not 7 in floating point; 7 / 10 >= 0.7 is true).
  for (const [lock, count] of tally.held) {
    if (count.any / total < minConfidence) continue;
    (meeting ??= []).push({ lock, count, depth: count.depthSum / count.any });
    if (count.any !== total) allHeld = false;
  }
  if (meeting === undefined) return undefined;
  if (meeting.length > 1) meeting.sort(byRank);
  // One class, or every class held at every occurrence (and few enough): they make the winner,
  // and every other hypothesis is one of its subsets held as often.
  if (meeting.length === 1 || (allHeld && meeting.length <= MAX_LOCKSET_CLASSES)) {
    const only = hypothesisOf(meeting, meeting[meeting.length - 1]!.count.any, total, typeOf);
    return { winner: only, candidates: [only] };
  }
  return chooseAmong(tally, meeting.slice(0, MAX_LOCKSET_CANDIDATES), typeOf, minConfidence);
}

/** The enumeration over the candidate `classes` (ranked; each meets the bar alone). */
function chooseAmong(tally: HeldTally, classes: readonly Meeting[], typeOf: (name: string) => LockType | undefined, minConfidence: number): LocksetChoice {
  const total = tally.count;
  const bit = new Map(classes.map(({ lock }, index) => [lock, 1 << index]));
  // Each held set, projected on the candidate classes; equal projections add up.
  const projected = new Map<number, number>();
  for (const set of tally.sets?.values() ?? []) {
    let mask = 0;
    for (const lock of set.classes) mask |= bit.get(lock) ?? 0;
    projected.set(mask, (projected.get(mask) ?? 0) + set.count);
  }
  const heldWith = (mask: number): number => {
    let held = 0;
    for (const [seen, count] of projected) if ((seen & mask) === mask) held += count;
    return held;
  };
  // Level by level: a lockset extends one at or above the bar by a class of a later rank (a
  // superset is held at most as often as its subsets, so nothing below the bar grows above it).
  let level: Scored[] = classes.map(({ count }, index) => ({ mask: 1 << index, held: count.any, size: 1, rank: index }));
  const accepted = [...level];
  for (let size = 2; size <= MAX_LOCKSET_CLASSES && level.length > 0; size++) {
    const next: Scored[] = [];
    for (const set of level) {
      for (let index = 31 - Math.clz32(set.mask) + 1; index < classes.length; index++) {
        const mask = set.mask | (1 << index);
        const held = heldWith(mask);
        if (held / total >= minConfidence) next.push({ mask, held, size, rank: set.rank + index });
      }
    }
    accepted.push(...next);
    level = next;
  }
  const winner = accepted.reduce((best, scored) =>
    scored.held < best.held || (scored.held === best.held && (scored.size > best.size || (scored.size === best.size && scored.rank < best.rank))) ? scored : best);
  const shown = accepted
    .filter((scored) => scored === winner || scored.held !== winner.held || (scored.mask & winner.mask) !== scored.mask)
    .sort((a, b) => b.held - a.held || a.size - b.size || a.rank - b.rank);
  const candidates = shown.map((scored) => hypothesisOf(classes.filter((_, index) => (scored.mask & (1 << index)) !== 0), scored.held, total, typeOf));
  return { winner: candidates[shown.indexOf(winner)]!, candidates };
}

/** "A + B" */
export function locksetName(hypothesis: LocksetHypothesis): string {
  return hypothesis.members.map((member) => member.lock).join(' + ');
}
