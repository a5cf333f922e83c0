/**
 * A winning lockset (held-candidates.ts) as proposed rules: the `must-hold` and `guarded-by`
 * schemas say "one of these is held", so a lockset of several classes ("A and B both held")
 * becomes one rule per class, consecutive, each naming the others in its description; the first
 * carries the evidence, so the YAML shows one evidence comment over the group. Below 100% every
 * rule of the group is `severity: off` (the input has the occurrences that break it).
 * Invariant: every rule of a group carries the same `lockset`.
 */
import type { HeldTally } from './tally.js';
import { locksetName, type LocksetChoice, type LocksetHypothesis, type LocksetMember } from './held-candidates.js';
import type { Evidence, ProposedRule, RuleFieldValue } from './proposal.js';
import { evidenceOf, percent, proposedRule, tallySupport } from './support.js';

/** Other candidates shown in an evidence note, at most. */
const CANDIDATES_SHOWN = 5;

/**
 * The evidence of `choice` over `tally`'s occurrences: support, the lockset and its share, why
 * the rules are off if they are, and the other candidates at or above the bar with their shares.
 */
export function locksetEvidence(about: string, tally: HeldTally, choice: LocksetChoice, unit: string): Evidence {
  const { winner } = choice;
  const support = tallySupport(tally);
  const missing = tally.count - winner.held;
  if (missing === 0 && choice.candidates.length === 1) return evidenceOf(about, support, winner.share, classesOf(winner));
  const notes: string[] = [];
  if (missing > 0) notes.push(`off: ${missing} ${unit} without ${winner.members.length > 1 ? 'all of them' : 'it'}; enable once they are fixed or explained`);
  const others = choice.candidates.filter((candidate) => candidate !== winner);
  const shown = others.slice(0, CANDIDATES_SHOWN).map((candidate) => `${locksetName(candidate)} ${percent(candidate.share)}`);
  if (others.length > CANDIDATES_SHOWN) shown.push(`${others.length - CANDIDATES_SHOWN} more`);
  if (shown.length > 0) notes.push(`other candidates at or above the bar: ${shown.join(', ')}`);
  return evidenceOf(about, support, winner.share, classesOf(winner), notes.join('; '));
}

function classesOf(hypothesis: LocksetHypothesis): string[] {
  const classes: string[] = [];
  for (const member of hypothesis.members) classes.push(member.lock);
  return classes;
}

/** Same classes on the same sides. */
export function sameLockset(a: LocksetHypothesis, b: LocksetHypothesis): boolean {
  return a.members.length === b.members.length && a.members.every((member, index) => member.lock === b.members[index]!.lock && member.mode === b.members[index]!.mode);
}

/**
 * Appends to `rules` one rule of `kind` per member of `winner`, numbered on from the rules
 * already there; `fields(about, member, others, rule)` adds the kind's fields after id, kind and
 * severity (the description last). (Module-level `fields` and plain loops: this runs once per
 * acquired class and variable, mostly cold.)
 */
export function addLocksetRules<About>(
  rules: ProposedRule[],
  kind: 'must-hold' | 'guarded-by',
  winner: LocksetHypothesis,
  evidence: Evidence[],
  fields: (about: About, member: LocksetMember, others: readonly string[], rule: Record<string, RuleFieldValue>) => void,
  about: About,
): void {
  const lockset = classesOf(winner);
  for (let index = 0; index < winner.members.length; index++) {
    const member = winner.members[index]!;
    const rule: Record<string, RuleFieldValue> = { id: `inferred-${kind}-${rules.length + 1}`, kind };
    if (winner.share < 1) rule['severity'] = 'off';
    fields(about, member, lockset.length === 1 ? NONE : lockset.filter((lock) => lock !== member.lock), rule);
    rules.push(proposedRule(kind, rule, index === 0 ? evidence : [], lockset));
  }
}

const NONE: readonly string[] = [];

/** ", together with B, C and D" for a lockset of several classes; '' for one. */
export function togetherWith(others: readonly string[]): string {
  if (others.length === 0) return '';
  const last = others[others.length - 1]!;
  return `, together with ${others.length === 1 ? last : `${others.slice(0, -1).join(', ')} and ${last}`}`;
}
