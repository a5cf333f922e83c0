/**
 * A winning lockset (held-candidates.ts) as proposed rules: the `must-hold` and `guarded-by`
 * schemas say "one of these is held", so a lockset of several classes ("A and B both held")
 * becomes one rule per class, consecutive, each naming the others in its description; the first
 * carries the evidence, so the YAML shows one evidence comment over the group. Below 100% every
 * rule of the group is `severity: off` (the input has the occurrences that break it).
 * Invariant: every rule of a group carries the same `lockset`.
 */
import type { HeldTally } from './observations.js';
import { locksetName, type LocksetChoice, type LocksetHypothesis, type LocksetMember } from './held-candidates.js';
import type { Evidence, ProposedRule, RuleFieldValue } from './proposal.js';
import { percent, tallySupport } from './support.js';

/** Other candidates shown in an evidence note, at most. */
const CANDIDATES_SHOWN = 5;

/**
 * The evidence of `choice` over `tally`'s occurrences: support, the lockset and its share, why
 * the rules are off if they are, and the other candidates at or above the bar with their shares.
 */
export function locksetEvidence(about: string, tally: HeldTally, choice: LocksetChoice, unit: string): Evidence {
  const { winner } = choice;
  const missing = tally.count - winner.held;
  const others = choice.candidates.filter((candidate) => candidate !== winner);
  const shown = others.slice(0, CANDIDATES_SHOWN).map((candidate) => `${locksetName(candidate)} ${percent(candidate.share)}`);
  if (others.length > CANDIDATES_SHOWN) shown.push(`${others.length - CANDIDATES_SHOWN} more`);
  const notes = [
    ...(missing > 0 ? [`off: ${missing} ${unit} without ${winner.members.length > 1 ? 'all of them' : 'it'}; enable once they are fixed or explained`] : []),
    ...(shown.length === 0 ? [] : [`other candidates at or above the bar: ${shown.join(', ')}`]),
  ];
  return {
    about,
    support: tallySupport(tally),
    confidence: winner.share,
    lockset: winner.members.map((member) => member.lock),
    ...(notes.length > 0 ? { note: notes.join('; ') } : {}),
  };
}

/** Same classes on the same sides. */
export function sameLockset(a: LocksetHypothesis, b: LocksetHypothesis): boolean {
  return a.members.length === b.members.length && a.members.every((member, index) => member.lock === b.members[index]!.lock && member.mode === b.members[index]!.mode);
}

/**
 * One rule of `kind` per member of `winner`, numbered from `firstNumber`; `fields(member,
 * others)` gives the kind's fields after id, kind and severity (the description last).
 */
export function locksetRules(
  kind: 'must-hold' | 'guarded-by',
  firstNumber: number,
  winner: LocksetHypothesis,
  evidence: Evidence[],
  fields: (member: LocksetMember, others: readonly string[]) => Record<string, RuleFieldValue>,
): ProposedRule[] {
  const lockset = winner.members.map((member) => member.lock);
  return winner.members.map((member, index) => {
    const rule: Record<string, RuleFieldValue> = { id: `inferred-${kind}-${firstNumber + index}`, kind };
    if (winner.share < 1) rule['severity'] = 'off';
    Object.assign(rule, fields(member, lockset.filter((lock) => lock !== member.lock)));
    return { kind, rule, evidence: index === 0 ? evidence : [], lockset };
  });
}

/** ", together with B, C and D" for a lockset of several classes; '' for one. */
export function togetherWith(others: readonly string[]): string {
  if (others.length === 0) return '';
  const last = others[others.length - 1]!;
  return `, together with ${others.length === 1 ? last : `${others.slice(0, -1).join(', ')} and ${last}`}`;
}
