/**
 * Which rule kinds a dependency graph (a kernel's /proc/lockdep, a saved graph) can decide.
 * Edges and irq usage decide `order`, `leaf`, `forbid-inside` and `allow-inside`; the kinds
 * below need single acquisitions (what was held at one acquisition, an access, a sleep, the
 * function that took a lock), which a graph does not keep. Invariant: every kind of the rule
 * registry is in exactly one of the two groups (a new kind must be placed here).
 */
import type { RuleSet } from './rule-set.js';

/** Rule kinds that need single acquisitions. */
const ACQUISITION_RULE_KINDS: ReadonlySet<string> = new Set(['guarded-by', 'writers-only-at', 'must-hold', 'no-sleep-inside']);
/** Rule kinds that edges and usage decide. */
const GRAPH_RULE_KINDS: ReadonlySet<string> = new Set(['order', 'leaf', 'forbid-inside', 'allow-inside']);

/** A rule that a graph cannot decide. */
export interface UndecidableRule {
  id: string;
  kind: string;
}

/** The active rules of `ruleSet` a dependency graph cannot decide, in file order. */
export function rulesNeedingAcquisitions(ruleSet: RuleSet): UndecidableRule[] {
  return ruleSet.activeRules
    .filter((rule) => ACQUISITION_RULE_KINDS.has(rule.kind) || !GRAPH_RULE_KINDS.has(rule.kind))
    .map((rule) => ({ id: rule.id, kind: rule.kind }));
}
