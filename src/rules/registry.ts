/**
 * The registry of rule kinds: every kind module, by name. Adding a kind means adding its module
 * here; schema.ts builds the rule union from these modules' schemas.
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

/** Every kind with its own spec type, in documentation order. */
const KIND_MODULES = [
  orderRule,
  forbidInsideRule,
  allowInsideRule,
  writersOnlyAtRule,
  guardedByRule,
  leafRule,
  mustHoldRule,
  noSleepInsideRule,
] as const;

/** The name of every rule kind (tables keyed by it are exhaustive by type). */
export type RuleKindName = (typeof KIND_MODULES)[number]['kind'];

/** Every kind, in documentation order. The cast erases each module's own spec type. */
export const RULE_KINDS = KIND_MODULES as unknown as readonly RuleKindModule[];

/** The tuple of the `schema` types of a tuple of modules. */
type SchemasOf<Modules extends readonly { schema: unknown }[]> = { -readonly [K in keyof Modules]: Modules[K]['schema'] };

/** Each kind's schema, in the same order, each with its own type (the members of the rule union). */
export const RULE_KIND_SCHEMAS = KIND_MODULES.map((module) => module.schema) as SchemasOf<typeof KIND_MODULES>;

export const RULE_KIND_BY_NAME: ReadonlyMap<string, RuleKindModule> = new Map(RULE_KINDS.map((module) => [module.kind, module]));

export function ruleKind(name: string): RuleKindModule {
  const module = RULE_KIND_BY_NAME.get(name);
  if (!module) throw new Error(`unknown rule kind ${name}`);
  return module;
}
