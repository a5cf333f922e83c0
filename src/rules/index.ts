/**
 * Public entry of the rule engine: load rule files into a RuleSet, turn it into validator hooks,
 * and the JSON Schema of rule files.
 */
export { loadRuleFiles, loadRuleTexts } from './loader.js';
export { type RuleSet } from './rule-set.js';
export { createRuleHooks, type RuleHookOptions } from './rule-hooks.js';
export { rulesJsonSchema } from './json-schema.js';
