/**
 * The options that add locking rules to a command, declared once for `check`, `baseline`,
 * `merge` and `run`: `--rules` (repeatable), `-c/--config` (`--no-config` ignores the config
 * file) and `--strict-order`. What they mean is decided in check.ts (`configOf`, `rulesOf`).
 */
import type { Argv } from 'yargs';

/** The config file and what it adds: rule files, strict order (and the CI gate, `withConfigGate`). */
export interface ConfigArgs {
  rules?: string | string[] | undefined;
  config?: string | false | undefined;
  strictOrder?: boolean | undefined;
}

export function ruleOptions<T>(y: Argv<T>): Argv<T & ConfigArgs> {
  return y
    .option('rules', {
      describe: 'rule file (YAML) to enforce; repeat for more files; added to the config file\'s rules',
      type: 'string',
      requiresArg: true,
    })
    .option('config', {
      alias: 'c',
      describe: 'config file (default: the nearest lockdep.config.yaml in . or a parent); --no-config ignores it',
      type: 'string',
    })
    .option('strict-order', {
      describe: 'warn about orders between ruled classes that no rule documents',
      type: 'boolean',
    });
}
