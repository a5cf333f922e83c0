/**
 * The schema of a rule file (YAML), in zod. The JSON Schema shipped as schema/rules.schema.json
 * is generated from it (json-schema.ts, scripts/gen-rules-schema.mjs).
 * Invariants: strict objects everywhere; `kind` discriminates the rule union (the schemas of the
 * registered kinds, in registry order), so an unknown kind is reported on the `kind` value;
 * `classes` maps class names to lock types (the loader reads its keys again from the raw data,
 * because names like `__proto__` do not survive an object copy).
 */
import { z } from 'zod';
import { LOCK_TYPES } from '../events/event.js';
import { RULE_KIND_SCHEMAS } from './registry.js';

const lockType = z.enum(LOCK_TYPES).meta({
  description: "Lock type: 'spinlock', 'rwlock', 'mutex', 'rwsem' or 'map' (a lockdep pseudo-lock).",
});

const TYPE_NAMES = LOCK_TYPES.map((type) => JSON.stringify(type)).join(', ');

/** A declared class: its type, or its type and the other names lockdep prints for it. */
const classDeclaration = z.union(
  [
    lockType,
    z
      .strictObject({
        type: lockType,
        aliases: z
          .array(z.string().min(1))
          .min(1)
          .optional()
          .meta({ description: "Other names lockdep prints for this class (e.g. in other kernel versions: '&kvm->mmu_lock' before v5.12). Every rule kind matches them as this class." }),
      })
      .meta({ description: 'A class type with aliases.' }),
  ],
  {
    error: (issue) =>
      typeof issue.input === 'string' || issue.input === undefined
        ? `must be one of ${TYPE_NAMES}`
        : `must be one of ${TYPE_NAMES}, or a mapping \`{type: TYPE, aliases: [NAME, ...]}\``,
  },
);

export const ruleSchema = z.discriminatedUnion('kind', RULE_KIND_SCHEMAS);

export const ruleFileSchema = z
  .strictObject({
    $schema: z.string().optional().meta({ description: 'URI of this JSON Schema (for editors).' }),
    version: z.literal(1).optional().meta({ description: 'Rule file format version (1).' }),
    kernels: z
      .string()
      .min(1)
      .optional()
      .meta({ description: "The kernel versions whose lockdep class names this file uses, e.g. 'v5.12 and later' (shown by `rules lint`)." }),
    classes: z
      .record(z.string().min(1), classDeclaration)
      .optional()
      .meta({ description: 'Lock classes the rules may name, with their types (and aliases). When present, every class a rule names must be declared here.' }),
    rules: z.array(ruleSchema).meta({ description: 'The rules.' }),
  })
  .meta({ title: 'lockdep rule file', description: 'Documented locking rules checked by `lockdep check --rules FILE`.' });
