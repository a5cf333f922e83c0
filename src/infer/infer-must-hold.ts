/**
 * `must-hold` candidates: a class taken, in every chain (or at least --min-confidence of them),
 * with one other class held in the same irq context. The best candidate per class
 * (held-candidates.ts); below 100% the rule is proposed with `severity: off`, since the input
 * itself has the chains that would break it.
 */
import type { LockType } from '../events/event.js';
import { bestHeld, hypothesisEvidence } from './held-candidates.js';
import type { Observations } from './observations.js';
import type { InferOptions, ProposedRule, RuleFieldValue } from './proposal.js';

export function inferMustHold(observations: Observations, typeOf: (name: string) => LockType | undefined, options: InferOptions): ProposedRule[] {
  const rules: ProposedRule[] = [];
  for (const [lock, tally] of observations.acquired) {
    if (tally.count < options.minSupport) continue;
    const hypothesis = bestHeld(tally, typeOf);
    if (hypothesis === undefined || hypothesis.confidence < options.minConfidence) continue;
    const rule: Record<string, RuleFieldValue> = { id: `inferred-must-hold-${rules.length + 1}`, kind: 'must-hold' };
    if (hypothesis.confidence < 1) rule['severity'] = 'off';
    rule['lock'] = lock;
    rule['held'] = hypothesis.lock;
    if (hypothesis.mode === 'write') rule['heldMode'] = 'write';
    rule['description'] = `observed: ${lock} is taken with ${hypothesis.lock} held${hypothesis.mode === 'write' ? ' for write' : ''}`;
    rules.push({ kind: 'must-hold', rule, evidence: [hypothesisEvidence(lock, tally, hypothesis, 'chain(s)', options.minConfidence)] });
  }
  return rules;
}
