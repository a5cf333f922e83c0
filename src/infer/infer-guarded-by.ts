/**
 * `guarded-by` candidates, LockDoc-style: per variable and access kind (write, read), the
 * locksets held at its accesses, and LockDoc's winner at or above --min-confidence
 * (held-candidates.ts), written as one rule per class of the lockset (lockset-rules.ts); below
 * 100% the rules are proposed with `severity: off` (the input has the accesses that break
 * them), with the shares of the other candidates in the evidence. When writes and reads both
 * always hold the same lockset on the same sides, one group of rules covers every access.
 */
import type { LockType } from '../events/event.js';
import { chooseLockset, type LocksetChoice, type LocksetMember } from './held-candidates.js';
import { addLocksetRules, locksetEvidence, sameLockset, togetherWith } from './lockset-rules.js';
import type { Observations } from './observations.js';
import type { HeldTally } from './tally.js';
import type { InferOptions, ProposedRule, RuleFieldValue } from './proposal.js';

interface Candidate {
  write: boolean;
  tally: HeldTally;
  choice: LocksetChoice;
}

export function inferGuardedBy(observations: Observations, typeOf: (name: string) => LockType | undefined, options: InferOptions): ProposedRule[] {
  const byVar = new Map<string, Candidate[]>();
  for (const tally of observations.accesses.values()) {
    if (tally.count < options.minSupport) continue;
    const choice = chooseLockset(tally, typeOf, options.minConfidence);
    if (choice === undefined) continue;
    const list = byVar.get(tally.var) ?? [];
    list.push({ write: tally.write, tally, choice });
    byVar.set(tally.var, list);
  }
  const rules: ProposedRule[] = [];
  for (const [variable, candidates] of byVar) {
    candidates.sort((a, b) => Number(b.write) - Number(a.write));
    const [first, second] = candidates;
    const same = second !== undefined && sameLockset(first!.choice.winner, second.choice.winner) && first!.choice.winner.share === 1 && second.choice.winner.share === 1;
    const groups = same ? [candidates] : candidates.map((candidate) => [candidate]);
    for (const group of groups) {
      const { winner } = group[0]!.choice;
      const access = group.length > 1 ? undefined : group[0]!.write ? 'write' : 'read';
      const evidence = group.map((candidate) => locksetEvidence(`${candidate.write ? 'writes' : 'reads'} of ${variable}`, candidate.tally, candidate.choice, 'access(es)'));
      addLocksetRules(rules, 'guarded-by', winner, evidence, guardedByFields, { variable, access });
    }
  }
  return rules;
}

function guardedByFields(about: { variable: string; access: 'write' | 'read' | undefined }, member: LocksetMember, others: readonly string[], rule: Record<string, RuleFieldValue>): void {
  rule['var'] = about.variable;
  if (about.access !== undefined) rule['access'] = about.access;
  rule['lock'] = member.lock;
  if (member.mode === 'write') rule['mode'] = 'write';
  const what = about.access === undefined ? 'accesses' : `${about.access}s`;
  rule['description'] = `observed: ${what} of ${about.variable} happen with ${member.lock} held${member.mode === 'write' ? ' for write' : ''}${togetherWith(others)}`;
}
