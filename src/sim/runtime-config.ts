/**
 * `lockdep.config.yaml` for the library: the runtime option `config` (`true`: the nearest
 * config file from the working directory, as the CLI finds it; a path: that file) adds the
 * file's rule files (before the `rules` option's), its `strictOrder`, and its `maxDepth` (unless
 * the option sets one). The CLI-only fields (`baseline`, `maxWarnings`, `classTypes`) do not
 * apply to a runtime: its primitives know their types, and the CLI decides exit codes.
 * Invariant: a bad config or rule file throws the loader's InputError (`file:line:col: ...`).
 * The config parser is shared with the CLI and lives in the rules layer (src/rules/config-file.ts).
 */
import { findConfigFile } from '../rules/config-discovery.js';
import { loadConfig, type LockdepConfig } from '../rules/config-file.js';
import { createRuleHooks, loadRuleFiles } from '../rules/index.js';
import { resolveRuleHooks, type RuleInput } from './rule-source.js';
import type { EngineHooks } from '../engine/hooks.js';

/** The config file the option names, or undefined (`true` and no file found: none). */
export function configFileOf(option: string | boolean | undefined, cwd: string = process.cwd()): LockdepConfig | undefined {
  if (option === undefined || option === false) return undefined;
  if (option === true) {
    const found = findConfigFile(cwd);
    return found === undefined ? undefined : loadConfig(found);
  }
  return loadConfig(option);
}

/** The engine hooks for the config's rules (with its strictOrder), then the `rules` option's. */
export function configuredRuleHooks(config: LockdepConfig | undefined, rules: RuleInput | undefined): EngineHooks[] {
  const hooks = resolveRuleHooks(rules);
  if (config === undefined || config.rules.length === 0) return hooks;
  const strictOrder = config.strictOrder ?? false;
  return [createRuleHooks(loadRuleFiles(config.rules), { strictOrder }), ...hooks];
}
