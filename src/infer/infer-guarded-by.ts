/**
 * `guarded-by` candidates, LockDoc-style: per variable and access kind (write, read), the share
 * of accesses under each held class; the best one at or above --min-confidence is proposed
 * (below 100% with `severity: off`: the input has the accesses that break it), with the
 * shares of the other candidates in its evidence. When writes and reads are both always under
 * the same lock on the same side, one rule covers every access.
 */
import type { LockType } from '../events/event.js';
import { bestHeld, hypothesisEvidence, type HeldHypothesis } from './held-candidates.js';
import type { HeldTally, Observations } from './observations.js';
import type { Evidence, InferOptions, ProposedRule, RuleFieldValue } from './proposal.js';

interface Candidate {
  variable: string;
  write: boolean;
  tally: HeldTally;
  hypothesis: HeldHypothesis;
}

export function inferGuardedBy(observations: Observations, typeOf: (name: string) => LockType | undefined, options: InferOptions): ProposedRule[] {
  const byVar = new Map<string, Candidate[]>();
  for (const tally of observations.accesses.values()) {
    if (tally.count < options.minSupport) continue;
    const hypothesis = bestHeld(tally, typeOf);
    if (hypothesis === undefined || hypothesis.confidence < options.minConfidence) continue;
    const list = byVar.get(tally.var) ?? [];
    list.push({ variable: tally.var, write: tally.write, tally, hypothesis });
    byVar.set(tally.var, list);
  }
  const rules: ProposedRule[] = [];
  for (const [variable, candidates] of byVar) {
    candidates.sort((a, b) => Number(b.write) - Number(a.write));
    const [first, second] = candidates;
    const same = second !== undefined && first!.hypothesis.lock === second.hypothesis.lock && first!.hypothesis.mode === second.hypothesis.mode
      && first!.hypothesis.confidence === 1 && second.hypothesis.confidence === 1;
    const groups = same ? [candidates] : candidates.map((candidate) => [candidate]);
    for (const group of groups) {
      const { hypothesis } = group[0]!;
      const access = group.length > 1 ? undefined : group[0]!.write ? 'write' : 'read';
      const rule: Record<string, RuleFieldValue> = { id: `inferred-guarded-by-${rules.length + 1}`, kind: 'guarded-by' };
      if (hypothesis.confidence < 1) rule['severity'] = 'off';
      rule['var'] = variable;
      if (access !== undefined) rule['access'] = access;
      rule['lock'] = hypothesis.lock;
      if (hypothesis.mode === 'write') rule['mode'] = 'write';
      const what = access === undefined ? 'accesses' : `${access}s`;
      rule['description'] = `observed: ${what} of ${variable} happen with ${hypothesis.lock} held${hypothesis.mode === 'write' ? ' for write' : ''}`;
      const evidence: Evidence[] = group.map((candidate) =>
        hypothesisEvidence(`${candidate.write ? 'writes' : 'reads'} of ${variable}`, candidate.tally, candidate.hypothesis, 'access(es)', options.minConfidence));
      rules.push({ kind: 'guarded-by', rule, evidence });
    }
  }
  return rules;
}
