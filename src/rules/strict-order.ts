/**
 * `--strict-order`: every order observed between two classes that the rules place in a lock
 * relation (order, forbid-inside, allow-inside, must-hold, leaf) must be documented by some rule,
 * in either direction. An uncovered one is a warning with relation `undocumented`: the order is
 * not known to be wrong, it is merely missing from the documentation (the lesson of Go's runtime
 * lock ranking, where most reports were missing edges, not bugs).
 * Invariant: runs only on new dependencies; each uncovered pair is reported once.
 */
import type { EngineHooks } from '../engine/hooks.js';
import { reportViolation, ruleMessage } from './rule-kind.js';
import type { RuleSet } from './rule-set.js';
import { documentedOrderTest, pairKey } from './documented-orders.js';

export const STRICT_ORDER_RULE_ID = 'strict-order';

/** The message of `--strict-order` findings, by message id (as a rule kind's `messages`). */
const STRICT_ORDER_MESSAGES = {
  undocumented:
    'undocumented order: {{acquired}} acquired while {{held}} is held; both classes appear in the rules but no rule covers ' +
    'this order (add an order or allow-inside rule, or drop --strict-order)',
};

export function createStrictOrderHooks(ruleSet: RuleSet): EngineHooks {
  const classes = ruleSet.orderedClasses;
  if (classes.size < 2) return {};
  const isDocumented = documentedOrderTest(ruleSet);
  const reported = new Set<string>();
  const rule = {
    id: STRICT_ORDER_RULE_ID,
    kind: 'order',
    severity: 'warning' as const,
    description: 'strictOrder: every order between two classes named in lock-relation rules must be documented by a rule',
  };
  return {
    onNewDependency(dep, q) {
      if (!classes.has(dep.from) || !classes.has(dep.to) || dep.from === dep.to) return;
      const key = pairKey(dep.from, dep.to);
      if (reported.has(key) || isDocumented(dep.from, dep.to)) return;
      reported.add(key);
      reportViolation(q, rule, {
        ...ruleMessage(STRICT_ORDER_MESSAGES, 'undocumented', { acquired: dep.to, held: dep.from }),
        classes: [dep.from, dep.to],
        events: [dep.prev, dep.next],
        task: dep.task,
        trigger: dep.next,
        chain: [dep],
        relation: 'undocumented',
      });
    },
  };
}
