/**
 * Rule kind `no-sleep-inside`: nothing that may sleep happens while `inside` is held: no sleeping
 * lock (mutex, rwsem) is acquired, except by a successful trylock, and no `sync` wait
 * (synchronize_srcu-like) happens. For non-blocking contexts such as an OOM-reaper notifier
 * (a pseudo-lock) or a lock documented as "must not sleep". `might-sleep` events inside
 * spinlocks and irq contexts are the validator's own `sleep-in-atomic` check.
 * Invariant: checked only when the validator sees a new held chain.
 */
import { z } from 'zod';
import { baseRuleFields, classArray, classList, holdMode, type HoldMode } from '../schema-common.js';
import { heldOfClasses, modeLabel, nestingViolation, reportViolation, ruleMessage, type LoadedRule, type RuleKindModule } from '../rule-kind.js';
import { listRefs } from './list-refs.js';
import { LOCK_TYPE_TRAITS } from '../../events/lock-type.js';

const noSleepInsideSchema = z.strictObject({
  ...baseRuleFields,
  kind: z.literal('no-sleep-inside'),
  inside: classList.meta({ description: 'While any of these is held, nothing may sleep.' }),
  insideMode: holdMode.optional().meta({ description: "Only while held on this side: 'write', 'read' or 'any' (default)." }),
});
export type NoSleepInsideRuleSpec = z.infer<typeof noSleepInsideSchema>;

const messages = {
  sleeps: '{{what}} while {{held}} is held{{mode}}, which must not sleep',
};

interface Entry {
  rule: LoadedRule<NoSleepInsideRuleSpec>;
  inside: ReadonlySet<string>;
  mode: HoldMode;
}

export const noSleepInsideRule: RuleKindModule<NoSleepInsideRuleSpec> = {
  kind: 'no-sleep-inside',
  messages,
  schema: noSleepInsideSchema,
  classRefs: (spec) => listRefs(spec.inside, 'inside', false),

  create(rules) {
    const entries: Entry[] = rules.map((rule) => ({ rule, inside: new Set(classArray(rule.spec.inside)), mode: rule.spec.insideMode ?? 'any' }));
    if (entries.length === 0) return {};
    return {
      onNewChain(ctx, q) {
        const next = ctx.next;
        const sleeps = ctx.sync || (!next.try && LOCK_TYPE_TRAITS[next.type].sleeps);
        if (!sleeps || ctx.held.length === 0) return;
        for (const entry of entries) {
          const held = heldOfClasses(ctx.held, entry.inside, entry.mode);
          if (held === undefined) continue;
          const what = ctx.sync ? `sync(${next.class}) waits` : `${next.class} (${next.type}) may sleep`;
          reportViolation(q, entry.rule, {
            ...ruleMessage(messages, 'sleeps', { what, held: held.class, mode: modeLabel(entry.mode) }),
            ...nestingViolation(held, ctx),
          });
        }
      },
    };
  },
};
