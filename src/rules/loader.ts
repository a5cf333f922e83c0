/**
 * Loading rule files: read, parse YAML (with positions), validate with the zod schema, check
 * class declarations, then build one RuleSet over all files (duplicate ids and order cycles are
 * checked across files).
 * Invariant: every problem is one InputError `file:line:col: what (how to fix)`; a file that
 * cannot be read is `file: cannot read ...`.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { LOCK_TYPES, type LockType } from '../events/event.js';
import { InputError, readFailureReason } from '../io/input-error.js';
import type { LoadedRule } from './rule-kind.js';
import { ruleKind } from './registry.js';
import { buildRuleSet, locateOptions, type ParsedRuleFile, type RuleSet } from './rule-set.js';
import { ruleFileSchema } from './schema.js';
import { YamlSource } from './yaml-source.js';
import { firstIssue, zodIssueToError } from './zod-errors.js';

/** Read a text file or throw an InputError naming it. */
export function readTextFile(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new InputError(`cannot read ${what}: ${readFailureReason(error)} (check the path)`, { file });
  }
}

function isPlainMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Parse and validate one rule file's text. */
export function parseRuleFile(file: string, text: string): ParsedRuleFile {
  const source = YamlSource.parse(file, text);
  const data = source.toData();
  if (data === undefined || data === null) {
    throw source.errorAt([], 'the rule file is empty (expected a mapping with a `rules:` list)');
  }
  if (!isPlainMapping(data)) {
    throw source.errorAt([], 'a rule file must be a mapping with a `rules:` list');
  }
  const parsed = ruleFileSchema.safeParse(data);
  if (!parsed.success) throw zodIssueToError(source, data, firstIssue(source, parsed.error.issues));

  let classes: Map<string, LockType> | undefined;
  const aliases = new Map<string, string[]>();
  if (data['classes'] !== undefined) {
    classes = new Map();
    for (const [name, declaration] of Object.entries(data['classes'] as Record<string, unknown>)) {
      const type = isPlainMapping(declaration) ? declaration['type'] : declaration;
      if (typeof type !== 'string' || !(LOCK_TYPES as readonly string[]).includes(type)) {
        throw source.errorAt(['classes', name], `the type of class ${JSON.stringify(name)} must be one of: ${LOCK_TYPES.join(', ')}`);
      }
      classes.set(name, type as LockType);
      if (isPlainMapping(declaration) && Array.isArray(declaration['aliases'])) aliases.set(name, declaration['aliases'] as string[]);
    }
    checkAliases(source, classes, aliases);
  }

  const rules: LoadedRule[] = parsed.data.rules.map((spec, index) => ({
    spec,
    id: spec.id,
    kind: spec.kind,
    severity: spec.severity ?? 'error',
    description: spec.description,
    documentedIn: spec.source,
    source,
    path: ['rules', index],
  }));

  if (classes) {
    for (const rule of rules) {
      for (const ref of ruleKind(rule.kind).classRefs(rule.spec)) {
        if (classes.has(ref.name)) continue;
        const aliasOf = [...aliases].find(([, names]) => names.includes(ref.name))?.[0];
        if (aliasOf !== undefined) {
          throw source.errorAt(
            [...rule.path, ...ref.path],
            `class ${JSON.stringify(ref.name)} is an alias of ${JSON.stringify(aliasOf)} (rules name the declared class; its aliases match on their own)`,
            locateOptions(ref),
          );
        }
        throw source.errorAt(
          [...rule.path, ...ref.path],
          `class ${JSON.stringify(ref.name)} is not declared in \`classes:\` (declare it with its type, or fix the name)`,
          locateOptions(ref),
        );
      }
    }
  }
  const kernels = typeof data['kernels'] === 'string' ? data['kernels'] : undefined;
  return { source, rules, classes, aliases, kernels };
}

/** An alias names one class only, and is not itself a declared class. */
function checkAliases(source: YamlSource, classes: ReadonlyMap<string, LockType>, aliases: ReadonlyMap<string, readonly string[]>): void {
  const owner = new Map<string, string>();
  for (const [name, names] of aliases) {
    names.forEach((alias, index) => {
      const path = ['classes', name, 'aliases', index];
      if (classes.has(alias)) throw source.errorAt(path, `alias ${JSON.stringify(alias)} is also declared as a class (drop one)`);
      const first = owner.get(alias);
      if (first !== undefined) throw source.errorAt(path, `alias ${JSON.stringify(alias)} is already an alias of ${JSON.stringify(first)} (an alias names one class)`);
      owner.set(alias, name);
    });
  }
}

/** Loads rule files into one rule set; a file named twice (compared resolved) is read once. */
export function loadRuleFiles(files: readonly string[]): RuleSet {
  const seen = new Set<string>();
  const once = files.filter((file) => {
    const key = resolve(file);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return buildRuleSet(once.map((file) => parseRuleFile(file, readTextFile(file, 'rule file'))));
}

/** Build a RuleSet from in-memory texts (tests, library users). */
export function loadRuleTexts(texts: ReadonlyArray<{ file: string; text: string }>): RuleSet {
  return buildRuleSet(texts.map(({ file, text }) => parseRuleFile(file, text)));
}
