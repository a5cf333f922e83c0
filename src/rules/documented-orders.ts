/**
 * Which observed orders the rules document: a dependency `held -> acquired` between two classes
 * is documented when an order rule (its transitive closure, either direction) or a rule of
 * another kind (forbid-inside, allow-inside, must-hold, leaf `except`) names the pair, or when
 * `held` is a leaf class. One test for `--strict-order` and for `lockdep rules diff`'s
 * observed-but-undocumented orders. Invariant: built once per RuleSet; each question costs two
 * Set lookups.
 */
import type { RuleSet } from './rule-set.js';

/** The key of an ordered class pair in a Set. */
export const pairKey = (held: string, acquired: string): string => `${held}\u0000${acquired}`;

/** `isDocumented(held, acquired)` for the active rules of `ruleSet` (declared class names). */
export function documentedOrderTest(ruleSet: RuleSet): (held: string, acquired: string) => boolean {
  const covered = new Set<string>();
  for (const [held, acquired] of ruleSet.documentedPairs) covered.add(pairKey(held, acquired));
  for (const pair of ruleSet.order.pairs) {
    covered.add(pairKey(pair.outer, pair.inner));
    covered.add(pairKey(pair.inner, pair.outer));
  }
  const leaves = ruleSet.leafClasses;
  return (held, acquired) => covered.has(pairKey(held, acquired)) || covered.has(pairKey(acquired, held)) || leaves.has(held);
}
