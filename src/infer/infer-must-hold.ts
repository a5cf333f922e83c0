/**
 * `must-hold` candidates, LockDoc-style: per acquired class, the locksets held (same irq
 * context) at its chains, and LockDoc's winner at or above --min-confidence
 * (held-candidates.ts), written as one rule per class of the lockset (lockset-rules.ts); below
 * 100% the rules are proposed with `severity: off`, since the input itself has the chains that
 * would break them.
 */
import type { LockType } from '../events/event.js';
import { chooseLockset, type LocksetMember } from './held-candidates.js';
import { addLocksetRules, locksetEvidence, togetherWith } from './lockset-rules.js';
import type { Observations } from './observations.js';
import type { InferOptions, ProposedRule, RuleFieldValue } from './proposal.js';

export function inferMustHold(observations: Observations, typeOf: (name: string) => LockType | undefined, options: InferOptions): ProposedRule[] {
  const rules: ProposedRule[] = [];
  const chains = observations.chains;
  for (let taken = 0; taken < chains.tallyClass.length; taken++) {
    if (chains.tallyChains(taken) < options.minSupport || !chains.someHeldAtLeast(taken, options.minConfidence)) continue;
    // A short-lived view of the flat tally: the chooser and the evidence read it, nothing keeps it.
    const tally = chains.heldTally(taken);
    const lock = chains.classes.names[chains.tallyClass[taken]!]!;
    const choice = chooseLockset(tally, typeOf, options.minConfidence);
    if (choice === undefined) continue;
    addLocksetRules(rules, 'must-hold', choice.winner, [locksetEvidence(lock, tally, choice, 'chain(s)')], mustHoldFields, lock);
  }
  return rules;
}

function mustHoldFields(lock: string, member: LocksetMember, others: readonly string[], rule: Record<string, RuleFieldValue>): void {
  rule['lock'] = lock;
  rule['held'] = member.lock;
  if (member.mode === 'write') rule['heldMode'] = 'write';
  rule['description'] = `observed: ${lock} is taken with ${member.lock} held${member.mode === 'write' ? ' for write' : ''}${togetherWith(others)}`;
}
