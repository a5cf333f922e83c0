/**
 * Where the project configuration file is: `lockdep.config.yaml` in a directory or the nearest
 * parent. Kept apart from config-file.ts (the parser, with its zod schema and YAML reader) so
 * that a command can tell whether there is a config at all without loading either.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const CONFIG_FILE_NAME = 'lockdep.config.yaml';

/** The nearest `lockdep.config.yaml` in `start` or a parent directory, or undefined. */
export function findConfigFile(start: string = process.cwd()): string | undefined {
  let directory = resolve(start);
  for (;;) {
    const candidate = join(directory, CONFIG_FILE_NAME);
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
    const parent = dirname(directory);
    if (parent === directory) return undefined;
    directory = parent;
  }
}
