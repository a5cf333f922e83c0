/**
 * createRuleHooks: turns a RuleSet into the EngineHooks the validator calls. Each kind's module
 * builds its indexes once (`create()`); the results are merged so that a hook point with a single
 * listener calls it directly; class aliases are translated around all of them (class-aliases.ts).
 * Invariant: only `writers-only-at` classes are watched per acquisition; everything else runs on
 * the validator's slow paths (new chains, new dependencies) or on `access` events.
 */
import type { EngineHooks } from '../engine/hooks.js';
import { mergeHooks, type LoadedRule, type RuleHooks } from './rule-kind.js';
import { RULE_KINDS } from './registry.js';
import type { RuleSet } from './rule-set.js';
import { createStrictOrderHooks } from './strict-order.js';
import { withClassAliases } from './class-aliases.js';

export interface RuleHookOptions {
  /** Report orders between ruled classes that no rule documents (warnings, relation `undocumented`). */
  strictOrder?: boolean;
}

export function createRuleHooks(ruleSet: RuleSet, options: RuleHookOptions = {}): EngineHooks {
  const strictOrder = options.strictOrder ?? false;
  const byKind = new Map<string, LoadedRule[]>();
  for (const rule of ruleSet.activeRules) {
    const list = byKind.get(rule.kind);
    if (list) list.push(rule);
    else byKind.set(rule.kind, [rule]);
  }
  const parts: RuleHooks[] = [];
  for (const module of RULE_KINDS) {
    const rules = byKind.get(module.kind) ?? [];
    if (rules.length === 0) continue;
    parts.push(module.create(rules, { order: ruleSet.order }));
  }
  if (strictOrder) parts.push(createStrictOrderHooks(ruleSet));
  return withClassAliases(mergeHooks(parts), ruleSet.classAliases);
}
