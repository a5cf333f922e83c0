/**
 * Rule kind `guarded-by`: every access (read, write or both) to `var` happens with one of `lock`
 * held (optionally on a given side). The 2021 text: "mmu_notifier_count ... is only modified with
 * kvm->mmu_lock held for write".
 * Invariant: one Map lookup per `access` event; held locks of every irq context count.
 */
import { z } from 'zod';
import { ACCESS_KINDS, baseRuleFields, classArray, classList, holdMode, type AccessKind, type HoldMode } from '../schema-common.js';
import { heldOfClasses, indexRules, modeLabel, oneOrAnyOf, reportViolation, ruleMessage, type LoadedRule, type RuleKindModule } from '../rule-kind.js';
import { listRefs } from './list-refs.js';

const guardedBySchema = z.strictObject({
  ...baseRuleFields,
  kind: z.literal('guarded-by'),
  var: z
    .union([z.string().min(1), z.array(z.string().min(1)).min(1)], { error: 'must be a variable name or a list of names' })
    .meta({ description: 'The shared data, as named by `access` events in the trace.' }),
  access: z.enum(ACCESS_KINDS).optional().meta({ description: "Which accesses need the lock: 'write', 'read' or 'any' (default)." }),
  lock: classList.meta({ description: 'One of these locks must be held.' }),
  mode: holdMode.optional().meta({ description: "The side it must be held on: 'write', 'read' or 'any' (default)." }),
});
export type GuardedByRuleSpec = z.infer<typeof guardedBySchema>;

const messages = {
  unguarded: '{{access}} of {{var}} without {{lock}} held{{mode}}',
};

interface Entry {
  rule: LoadedRule<GuardedByRuleSpec>;
  access: AccessKind;
  locks: ReadonlySet<string>;
  mode: HoldMode;
}

export const guardedByRule: RuleKindModule<GuardedByRuleSpec> = {
  kind: 'guarded-by',
  messages,
  schema: guardedBySchema,
  classRefs: (spec) => listRefs(spec.lock, 'lock', false),

  create(rules) {
    const byVar = indexRules(
      rules,
      (rule): Entry => ({ rule, access: rule.spec.access ?? 'any', locks: new Set(classArray(rule.spec.lock)), mode: rule.spec.mode ?? 'any' }),
      (rule) => classArray(rule.spec.var),
    );
    if (byVar.size === 0) return {};
    return {
      watchVar: (name) => byVar.has(name),
      onAccess(ctx, q) {
        const entries = byVar.get(ctx.var);
        if (entries === undefined) return;
        for (const entry of entries) {
          if (entry.access !== 'any' && (entry.access === 'write') !== ctx.write) continue;
          if (heldOfClasses(ctx.held, entry.locks, entry.mode) !== undefined) continue;
          const locks = [...entry.locks];
          reportViolation(q, entry.rule, {
            ...ruleMessage(messages, 'unguarded', {
              access: ctx.write ? 'write' : 'read',
              var: ctx.var,
              lock: oneOrAnyOf(locks),
              mode: modeLabel(entry.mode),
            }),
            classes: locks,
            distinguish: [ctx.var, ctx.write ? 'write' : 'read'],
            events: [...ctx.held.map((view) => view.at), ctx.at],
            task: ctx.task,
            trigger: ctx.at,
          });
        }
      },
    };
  },
};
