/**
 * Rule kind `leaf`: nothing is acquired while this lock is held (locking.rst: "Everything else is
 * a leaf: no other lock is taken inside the critical sections"). `except` lists classes that may
 * still be taken inside. `sync` events count as acquisitions.
 * Invariant: checked only when the validator sees a new held chain.
 */
import { z } from 'zod';
import { baseRuleFields, classArray, classList, classPairs } from '../schema-common.js';
import { indexRules, nestingViolation, reportViolation, ruleMessage, type LoadedRule, type RuleKindModule } from '../rule-kind.js';
import { listRefs } from './list-refs.js';

const leafSchema = z.strictObject({
  ...baseRuleFields,
  kind: z.literal('leaf'),
  lock: classList.meta({ description: 'The leaf lock(s).' }),
  except: classList.optional().meta({ description: 'Classes that may still be acquired inside the leaf lock.' }),
});
export type LeafRuleSpec = z.infer<typeof leafSchema>;

const messages = {
  notLeaf: '{{acquired}} acquired while leaf lock {{held}} is held (nothing may be taken inside {{held}})',
};

interface Entry {
  rule: LoadedRule<LeafRuleSpec>;
  except: ReadonlySet<string>;
}

export const leafRule: RuleKindModule<LeafRuleSpec> = {
  kind: 'leaf',
  messages,
  schema: leafSchema,
  classRefs: (spec) => [...listRefs(spec.lock, 'lock', true), ...listRefs(spec.except, 'except', true)],
  documentedPairs: (spec) => classPairs(spec.lock, spec.except),
  leafClasses: (spec) => classArray(spec.lock),

  create(rules) {
    const leaves = indexRules(
      rules,
      (rule): Entry => ({ rule, except: new Set(rule.spec.except === undefined ? [] : classArray(rule.spec.except)) }),
      (rule) => classArray(rule.spec.lock),
    );
    if (leaves.size === 0) return {};
    return {
      onNewChain(ctx, q) {
        for (const held of ctx.held) {
          const entries = leaves.get(held.class);
          if (entries === undefined) continue;
          for (const entry of entries) {
            if (entry.except.has(ctx.next.class)) continue;
            reportViolation(q, entry.rule, {
              ...ruleMessage(messages, 'notLeaf', { acquired: ctx.next.class, held: held.class }),
              ...nestingViolation(held, ctx),
            });
          }
        }
      },
    };
  },
};
