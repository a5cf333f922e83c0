/**
 * Rule kind `must-hold`: `lock` is acquired only while one of `held` is held (optionally on a
 * given side). locking.rst: "critical sections for kvm->arch.tdp_mmu_pages_lock and
 * kvm->arch.mmu_unsync_pages_lock must also take kvm->arch.mmu_lock".
 * Invariant: the answer depends only on the held chain and the next lock, so it is checked once
 * per new held chain (held locks of the same irq context, like lockdep's chains).
 */
import { z } from 'zod';
import { baseRuleFields, classArray, classList, classPairs, holdMode, type HoldMode } from '../schema-common.js';
import { heldOfClasses, indexRules, modeLabel, oneOrAnyOf, reportViolation, ruleMessage, type LoadedRule, type RuleKindModule } from '../rule-kind.js';
import { listRefs } from './list-refs.js';

const mustHoldSchema = z.strictObject({
  ...baseRuleFields,
  kind: z.literal('must-hold'),
  lock: classList.meta({ description: 'The lock(s) whose acquisition needs another lock held.' }),
  held: classList.meta({ description: 'At least one of these must be held when `lock` is acquired.' }),
  heldMode: holdMode.optional().meta({ description: "The side `held` must be held on: 'write', 'read' or 'any' (default)." }),
});
export type MustHoldRuleSpec = z.infer<typeof mustHoldSchema>;

const messages = {
  notHeld: '{{acquired}} acquired without {{required}} held{{mode}}',
};

interface Entry {
  rule: LoadedRule<MustHoldRuleSpec>;
  required: ReadonlySet<string>;
  mode: HoldMode;
}

export const mustHoldRule: RuleKindModule<MustHoldRuleSpec> = {
  kind: 'must-hold',
  messages,
  schema: mustHoldSchema,
  classRefs: (spec) => [...listRefs(spec.lock, 'lock', true), ...listRefs(spec.held, 'held', true)],
  documentedPairs: (spec) => classPairs(spec.held, spec.lock),

  create(rules) {
    const byLock = indexRules(
      rules,
      (rule): Entry => ({ rule, required: new Set(classArray(rule.spec.held)), mode: rule.spec.heldMode ?? 'any' }),
      (rule) => classArray(rule.spec.lock),
    );
    if (byLock.size === 0) return {};
    return {
      onNewChain(ctx, q) {
        const entries = byLock.get(ctx.next.class);
        if (entries === undefined) return;
        for (const entry of entries) {
          if (heldOfClasses(ctx.held, entry.required, entry.mode) !== undefined) continue;
          const required = [...entry.required];
          reportViolation(q, entry.rule, {
            ...ruleMessage(messages, 'notHeld', {
              acquired: ctx.next.class,
              required: oneOrAnyOf(required),
              mode: modeLabel(entry.mode),
            }),
            classes: [ctx.next.class, ...required],
            events: [...ctx.held.map((view) => view.at), ctx.next.at],
            task: ctx.task,
            trigger: ctx.next.at,
          });
        }
      },
    };
  },
};
