/**
 * Public entry of the rule engine: load rule files into a RuleSet, turn it into validator hooks,
 * and the schemas (zod and JSON Schema) of rule files.
 */
export { loadRuleFiles, loadRuleTexts, parseRuleFile } from './loader.js';
export { buildRuleSet, type ParsedRuleFile, type RuleSet } from './rule-set.js';
export { createRuleHooks, type RuleHookOptions } from './rule-hooks.js';
export { ruleFileSchema, ruleSchema, type RuleFileSpec, type RuleSpec } from './schema.js';
export { rulesJsonSchema, rulesJsonSchemaText } from './json-schema.js';
export { RULE_KINDS, RULE_KIND_BY_NAME } from './registry.js';
export { OrderRelation, type OrderPair } from './order-relation.js';
export { STRICT_ORDER_RULE_ID } from './strict-order.js';
export type { LoadedRule, RuleKindModule, OrderEdge, ClassRef } from './rule-kind.js';
