/**
 * The project configuration file, `lockdep.config.yaml`: found in the working directory or the
 * nearest parent (or given with `-c FILE`), validated with zod, paths resolved relative to the
 * file. Fields: `rules` (rule files), `strictOrder`, `maxDepth`, `classTypes` (class -> lock
 * type, for importers whose input has no types, such as ftrace), `baseline`, `maxWarnings`.
 * Invariants: every error is one InputError `file:line:col: what (how to fix)`; class names are
 * kept in a Map (names like `__proto__` are legal); a missing rule file is reported at its entry.
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { LOCK_TYPES, type LockType } from '../events/event.js';
import { InputError } from '../io/input-error.js';
import { findConfigFile } from './config-discovery.js';
import { readTextFile } from './loader.js';
import { YamlSource } from './yaml-source.js';
import { firstIssue, zodIssueToError } from './zod-errors.js';

export const configSchema = z
  .strictObject({
    $schema: z.string().optional(),
    rules: z
      .array(z.string().min(1))
      .optional()
      .meta({ description: 'Rule files to check every trace against, relative to this file.' }),
    strictOrder: z.boolean().optional().meta({ description: 'Warn about orders between ruled classes that no rule documents.' }),
    maxDepth: z.int().min(1).optional().meta({ description: "Held-lock depth limit per task (the kernel's MAX_LOCK_DEPTH, default 48)." }),
    classTypes: z
      .record(z.string().min(1), z.enum(LOCK_TYPES))
      .optional()
      .meta({ description: 'Lock type per class, for inputs that carry none (e.g. ftrace): {class: spinlock|rwlock|mutex|rwsem|map}.' }),
    baseline: z.string().min(1).optional().meta({ description: 'Baseline file of accepted findings, relative to this file.' }),
    maxWarnings: z.int().min(0).optional().meta({ description: 'Fail when there are more warning-severity findings than this.' }),
  })
  .meta({ title: 'lockdep configuration', description: 'lockdep.config.yaml' });

export interface LockdepConfig {
  /** Absolute path of the config file. */
  file: string;
  /** Absolute paths of the rule files. */
  rules: string[];
  strictOrder?: boolean;
  maxDepth?: number;
  classTypes: Map<string, LockType>;
  /** Absolute path of the baseline file. */
  baseline?: string;
  maxWarnings?: number;
}

/** Parse and validate a config file's text; `file` is used for messages and relative paths. */
export function parseConfig(file: string, text: string, displayName: string = file): LockdepConfig {
  const source = YamlSource.parse(displayName, text);
  const data = source.toData();
  const base = dirname(resolve(file));
  if (data === undefined || data === null) return { file: resolve(file), rules: [], classTypes: new Map() };
  if (typeof data !== 'object' || Array.isArray(data)) {
    throw source.errorAt([], `a config file must be a mapping (keys: ${Object.keys(configSchema.shape).filter((key) => key !== '$schema').join(', ')})`);
  }
  const parsed = configSchema.safeParse(data);
  if (!parsed.success) throw zodIssueToError(source, data, firstIssue(source, parsed.error.issues));
  const raw = data as Record<string, unknown>;

  const classTypes = new Map<string, LockType>();
  if (raw['classTypes'] !== undefined) {
    for (const [name, type] of Object.entries(raw['classTypes'] as Record<string, unknown>)) {
      if (typeof type !== 'string' || !(LOCK_TYPES as readonly string[]).includes(type)) {
        throw source.errorAt(['classTypes', name], `the type of class ${JSON.stringify(name)} must be one of: ${LOCK_TYPES.join(', ')}`);
      }
      classTypes.set(name, type as LockType);
    }
  }

  const rules = (parsed.data.rules ?? []).map((entry, index) => {
    const path = resolve(base, entry);
    if (!existsSync(path)) {
      throw source.errorAt(['rules', index], `rule file ${JSON.stringify(entry)} not found (paths are relative to the config file)`);
    }
    return path;
  });

  const config: LockdepConfig = { file: resolve(file), rules, classTypes };
  if (parsed.data.strictOrder !== undefined) config.strictOrder = parsed.data.strictOrder;
  if (parsed.data.maxDepth !== undefined) config.maxDepth = parsed.data.maxDepth;
  if (parsed.data.baseline !== undefined) config.baseline = resolve(base, parsed.data.baseline);
  if (parsed.data.maxWarnings !== undefined) config.maxWarnings = parsed.data.maxWarnings;
  return config;
}

/** Read and parse a config file. */
export function loadConfig(file: string): LockdepConfig {
  return parseConfig(file, readTextFile(file, 'config file'));
}

/**
 * The config for a command: `-c FILE` when given, none with `--no-config` (`explicit === false`),
 * else the nearest `lockdep.config.yaml` from `cwd`.
 */
export function resolveConfig(explicit: string | false | undefined, cwd: string = process.cwd()): LockdepConfig | undefined {
  if (explicit === false) return undefined;
  if (explicit !== undefined) {
    if (!existsSync(explicit)) throw new InputError('cannot read config file: no such file (check the path given to -c/--config)', { file: explicit });
    return loadConfig(explicit);
  }
  const found = findConfigFile(cwd);
  return found === undefined ? undefined : loadConfig(found);
}
