/**
 * schema/rules.schema.json is generated from the zod schema (scripts/gen-rules-schema.mjs, run by
 * `npm run build`); the committed file must equal the generator's output, and the shipped rule
 * packs must validate against it with a JSON Schema validator (what editors use).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { describe, expect, test } from 'vitest';
import { rulesJsonSchema, rulesJsonSchemaText } from '../../src/rules/json-schema.js';

const root = join(import.meta.dirname, '../..');
const committed = readFileSync(join(root, 'schema/rules.schema.json'), 'utf8');

describe('schema/rules.schema.json', () => {
  test('is up to date with the zod schema (run `npm run build` to regenerate)', () => {
    expect(committed).toBe(rulesJsonSchemaText());
  });

  test('validates the shipped packs and rejects an unknown kind and an unknown key', () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    const validate = ajv.compile(rulesJsonSchema());
    for (const pack of ['rules/kvm-2021.yaml', 'rules/kvm-locking.yaml']) {
      const data: unknown = parse(readFileSync(join(root, pack), 'utf8'));
      expect(validate(data), `${pack}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
    expect(validate({ rules: [{ id: 'a', kind: 'bogus', description: 'd' }] })).toBe(false);
    expect(validate({ rules: [{ id: 'a', kind: 'leaf', description: 'd', lock: 'x', extra: 1 }] })).toBe(false);
    expect(validate({ classes: { a: 'semaphore' }, rules: [] })).toBe(false);
  });

  test('lists every rule kind', () => {
    const text = JSON.stringify(rulesJsonSchema());
    for (const kind of ['order', 'forbid-inside', 'allow-inside', 'writers-only-at', 'guarded-by', 'leaf', 'must-hold', 'no-sleep-inside']) {
      expect(text).toContain(`"const":"${kind}"`);
    }
  });
});
