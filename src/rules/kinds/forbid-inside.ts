/**
 * Rule kind `forbid-inside`: no `lock` is acquired while `inside` is held (optionally only while
 * one side of it is held). `inside` may be a pseudo-lock (type `map`, e.g.
 * `mmu_notifier_invalidate_range_start`) that stands for a context such as "inside an MMU
 * notifier". `sync` events (synchronize_srcu-like waits) count as write acquisitions, so
 * `lockMode: write` on an SRCU map means "no synchronize_srcu() while holding".
 * Invariant: checked only when the validator sees a new held chain; never per acquisition.
 */
import { z } from 'zod';
import { baseRuleFields, classArray, classList, classPairs, holdMode, type HoldMode } from '../schema-common.js';
import { heldOfClasses, indexRules, modeLabel, modeMatches, nestingViolation, reportViolation, ruleMessage, type LoadedRule, type RuleKindModule } from '../rule-kind.js';
import { listRefs } from './list-refs.js';

const forbidInsideSchema = z.strictObject({
  ...baseRuleFields,
  kind: z.literal('forbid-inside'),
  lock: classList.meta({ description: 'The lock(s) that must not be acquired.' }),
  lockMode: holdMode.optional().meta({
    description: "Only acquisitions on this side: 'write' (exclusive, and `sync` waits such as synchronize_srcu), 'read' or 'any' (default).",
  }),
  inside: classList.meta({ description: 'While any of these is held (a lock or a pseudo-lock such as an MMU-notifier map).' }),
  insideMode: holdMode.optional().meta({ description: "Only while `inside` is held on this side: 'write', 'read' or 'any' (default)." }),
});
export type ForbidInsideRuleSpec = z.infer<typeof forbidInsideSchema>;

const messages = {
  forbidden: '{{acquired}} acquired while {{held}} is held{{mode}}, which the rule forbids',
};

interface Entry {
  rule: LoadedRule<ForbidInsideRuleSpec>;
  inside: ReadonlySet<string>;
  mode: HoldMode;
  lockMode: HoldMode;
}

export const forbidInsideRule: RuleKindModule<ForbidInsideRuleSpec> = {
  kind: 'forbid-inside',
  messages,
  schema: forbidInsideSchema,
  classRefs: (spec) => [...listRefs(spec.lock, 'lock', true), ...listRefs(spec.inside, 'inside', true)],
  documentedPairs: (spec) => classPairs(spec.inside, spec.lock),

  create(rules) {
    const byLock = indexRules(
      rules,
      (rule): Entry => ({ rule, inside: new Set(classArray(rule.spec.inside)), mode: rule.spec.insideMode ?? 'any', lockMode: rule.spec.lockMode ?? 'any' }),
      (rule) => classArray(rule.spec.lock),
    );
    if (byLock.size === 0) return {};
    return {
      onNewChain(ctx, q) {
        const entries = byLock.get(ctx.next.class);
        if (entries === undefined) return;
        for (const entry of entries) {
          if (!modeMatches(entry.lockMode, ctx.next.mode)) continue;
          const held = heldOfClasses(ctx.held, entry.inside, entry.mode);
          if (held === undefined) continue;
          reportViolation(q, entry.rule, {
            ...ruleMessage(messages, 'forbidden', {
              acquired: ctx.sync ? `sync(${ctx.next.class})` : `${ctx.next.class}${modeLabel(entry.lockMode)}`,
              held: held.class,
              mode: modeLabel(entry.mode),
            }),
            ...nestingViolation(held, ctx),
          });
        }
      },
    };
  },
};
