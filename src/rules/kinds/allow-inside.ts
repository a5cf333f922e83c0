/**
 * Rule kind `allow-inside`: documents that `lock` may be acquired while `inside` is held. It
 * checks nothing by itself; it marks the order as documented, so `--strict-order` does not
 * report it as undocumented (locking.rst: "kvm->slots_arch_lock ... can therefore be taken inside
 * a kvm->srcu read-side critical section").
 */
import { z } from 'zod';
import { baseRuleFields, classList, classPairs, holdMode } from '../schema-common.js';
import type { RuleKindModule } from '../rule-kind.js';
import { listRefs } from './list-refs.js';

const allowInsideSchema = z.strictObject({
  ...baseRuleFields,
  kind: z.literal('allow-inside'),
  lock: classList.meta({ description: 'The lock(s) that may be acquired.' }),
  inside: classList.meta({ description: 'While any of these is held.' }),
  insideMode: holdMode.optional().meta({ description: 'Informational: the side of `inside` the permission is about.' }),
});
export type AllowInsideRuleSpec = z.infer<typeof allowInsideSchema>;

export const allowInsideRule: RuleKindModule<AllowInsideRuleSpec> = {
  kind: 'allow-inside',
  // It never reports, so it has no messages.
  messages: {},
  schema: allowInsideSchema,
  classRefs: (spec) => [...listRefs(spec.lock, 'lock', true), ...listRefs(spec.inside, 'inside', true)],
  documentedPairs: (spec) => classPairs(spec.inside, spec.lock),
  create: () => ({}),
};
