/**
 * Turns the runtime's `rules` option into engine hooks: rule file paths are loaded together as
 * one RuleSet (so duplicate ids and cyclic orders across files are caught as in `lockdep check
 * --rules`), a loaded RuleSet is used as is, and ready-made EngineHooks pass through.
 * Invariant: a bad rule file throws the loader's InputError (`file:line:col: message`).
 */
import type { EngineHooks } from '../engine/hooks.js';
import { createRuleHooks, loadRuleFiles } from '../rules/index.js';
import type { RuleSet } from '../rules/index.js';

export type RuleSource = string | RuleSet | EngineHooks;
/** Rule file paths, loaded RuleSets, or EngineHooks (one or a list). */
export type RuleInput = RuleSource | readonly RuleSource[];

function isRuleSet(value: unknown): value is RuleSet {
  return (
    typeof value === 'object' &&
    value !== null &&
    Array.isArray((value as RuleSet).activeRules) &&
    Array.isArray((value as RuleSet).files)
  );
}

export function resolveRuleHooks(input: RuleInput | undefined): EngineHooks[] {
  if (input === undefined) return [];
  const sources: readonly RuleSource[] = Array.isArray(input) ? input : [input as RuleSource];
  const paths: string[] = [];
  const hooks: EngineHooks[] = [];
  for (const source of sources) {
    if (typeof source === 'string') paths.push(source);
    else if (isRuleSet(source)) hooks.push(createRuleHooks(source));
    else hooks.push(source);
  }
  if (paths.length > 0) hooks.unshift(createRuleHooks(loadRuleFiles(paths)));
  return hooks;
}
