/**
 * Which rule kinds a dependency graph (a kernel's /proc/lockdep, saved graphs) can decide.
 * Edges and irq usage decide `order`, `leaf`, `forbid-inside` and `allow-inside`; the other
 * kinds need single acquisitions (what was held at one acquisition, an access, a sleep, the
 * function that took a lock), which a graph does not keep. Invariant: every kind of the rule
 * registry is in exactly one of the two groups (a test checks it; a new kind must be placed here).
 */
import type { RuleSet } from './rule-set.js';

/** How each rule kind fares on a graph: `graph` decidable from edges and usage, `acquisitions` not. */
export const GRAPH_DECIDABILITY: Readonly<Record<string, 'graph' | 'acquisitions'>> = {
  order: 'graph',
  leaf: 'graph',
  'forbid-inside': 'graph',
  'allow-inside': 'graph',
  'guarded-by': 'acquisitions',
  'writers-only-at': 'acquisitions',
  'must-hold': 'acquisitions',
  'no-sleep-inside': 'acquisitions',
};

/** A rule that a graph cannot decide. */
export interface UndecidableRule {
  id: string;
  kind: string;
}

/** The active rules of `ruleSet` a dependency graph cannot decide, in file order. */
export function rulesNeedingAcquisitions(ruleSet: RuleSet): UndecidableRule[] {
  return ruleSet.activeRules
    .filter((rule) => GRAPH_DECIDABILITY[rule.kind] !== 'graph')
    .map((rule) => ({ id: rule.id, kind: rule.kind }));
}
