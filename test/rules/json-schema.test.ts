/**
 * schema/rules.schema.json is generated from the zod schema (scripts/gen-rules-schema.mjs, run by
 * `npm run schema`, never by the build); the committed file must equal what the generator writes
 * into a temporary file, and the shipped rule packs must validate against it with a JSON Schema
 * validator (what editors use).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { describe, expect, test } from 'vitest';
import { rulesJsonSchema, rulesJsonSchemaText } from '../../src/rules/json-schema.js';

const root = join(import.meta.dirname, '../..');
const committed = readFileSync(join(root, 'schema/rules.schema.json'), 'utf8');

describe('schema/rules.schema.json', () => {
  test('is what the generator writes from the zod schema (run `npm run schema` to regenerate)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lockdep-schema-'));
    try {
      const generated = join(dir, 'rules.schema.json');
      execFileSync(process.execPath, ['--import', 'tsx', join(root, 'scripts/gen-rules-schema.mjs'), generated], { cwd: root, stdio: 'pipe' });
      expect(readFileSync(generated, 'utf8')).toBe(rulesJsonSchemaText());
      expect(committed).toBe(readFileSync(generated, 'utf8'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

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
