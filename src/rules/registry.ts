/**
 * The registry of rule kinds: every kind module, by name. Adding a kind means adding its module
 * here and its schema to schema.ts (the discriminated union needs the concrete schemas).
 */
import type { RuleKindModule } from './rule-kind.js';
import { allowInsideRule } from './kinds/allow-inside.js';
import { forbidInsideRule } from './kinds/forbid-inside.js';
import { guardedByRule } from './kinds/guarded-by.js';
import { leafRule } from './kinds/leaf.js';
import { mustHoldRule } from './kinds/must-hold.js';
import { noSleepInsideRule } from './kinds/no-sleep-inside.js';
import { orderRule } from './kinds/order.js';
import { writersOnlyAtRule } from './kinds/writers-only-at.js';

/** Every kind, in documentation order. The casts erase each module's own spec type. */
export const RULE_KINDS: readonly RuleKindModule[] = [
  orderRule as unknown as RuleKindModule,
  forbidInsideRule as unknown as RuleKindModule,
  allowInsideRule as unknown as RuleKindModule,
  writersOnlyAtRule as unknown as RuleKindModule,
  guardedByRule as unknown as RuleKindModule,
  leafRule as unknown as RuleKindModule,
  mustHoldRule as unknown as RuleKindModule,
  noSleepInsideRule as unknown as RuleKindModule,
];

export const RULE_KIND_BY_NAME: ReadonlyMap<string, RuleKindModule> = new Map(RULE_KINDS.map((module) => [module.kind, module]));

export function ruleKind(name: string): RuleKindModule {
  const module = RULE_KIND_BY_NAME.get(name);
  if (!module) throw new Error(`unknown rule kind ${name}`);
  return module;
}
