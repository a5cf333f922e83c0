/**
 * The SARIF output validates against the official SARIF 2.1.0 JSON schema (vendored under
 * fixtures/, see its README) with ajv. The schema is written in JSON Schema draft-04, which ajv 8
 * no longer ships; it uses only keywords whose meaning is the same in draft 2020-12 (checked
 * below: no boolean exclusiveMinimum/Maximum, no tuple `items`, no `dependencies`), so ajv's
 * 2020 class validates it faithfully once the draft-04 `$schema`/`id` header is set aside.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { renderSarif } from '../../src/report/sarif.js';
import { clean, hostile, many, mixed } from './fixtures.js';

const here = dirname(fileURLToPath(import.meta.url));
const schemaText = readFileSync(join(here, 'fixtures', 'sarif-schema-2.1.0.json'), 'utf8');
const officialSchema = JSON.parse(schemaText) as Record<string, unknown>;

function draft04Keywords(node: unknown, found: Set<string>): Set<string> {
  if (Array.isArray(node)) { for (const item of node) draft04Keywords(item, found); return found; }
  if (node === null || typeof node !== 'object') return found;
  for (const [key, value] of Object.entries(node)) {
    if ((key === 'exclusiveMinimum' || key === 'exclusiveMaximum') && typeof value === 'boolean') found.add(key);
    if (key === 'items' && Array.isArray(value)) found.add('items[]');
    if (key === 'dependencies' && value !== null && typeof value === 'object' && !('type' in value)) found.add('dependencies');
    draft04Keywords(value, found);
  }
  return found;
}

function createValidator() {
  const { $schema: _draft, id: _id, ...schema } = officialSchema;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  const addFormats = addFormatsModule as unknown as (instance: Ajv2020) => Ajv2020;
  addFormats(ajv);
  return ajv.compile(schema);
}

describe('SARIF 2.1.0 schema', () => {
  it('is the official 2.1.0 schema and uses no draft-04-only keyword semantics', () => {
    expect(officialSchema['title']).toBe('Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema');
    expect(officialSchema['$schema']).toBe('http://json-schema.org/draft-04/schema#');
    expect([...draft04Keywords(officialSchema, new Set())]).toEqual([]);
  });

  const validate = createValidator();

  for (const [name, result] of Object.entries({ mixed, hostile, clean, many })) {
    it(`accepts the ${name} report`, () => {
      const log = JSON.parse(renderSarif(result)) as unknown;
      const valid = validate(log);
      expect(validate.errors ?? []).toEqual([]);
      expect(valid).toBe(true);
    });
  }

  it('rejects logs that break the schema (the validator is real)', () => {
    const log = JSON.parse(renderSarif(mixed)) as { version: string; runs: Array<{ results: Array<Record<string, unknown>> }> };
    const badLevel = structuredClone(log);
    (badLevel.runs[0]?.results[0] as Record<string, unknown>)['level'] = 'fatal';
    expect(validate(badLevel)).toBe(false);
    const badVersion = structuredClone(log);
    badVersion.version = '2.0.0';
    expect(validate(badVersion)).toBe(false);
    const badRegion = structuredClone(log) as unknown as { runs: Array<{ results: Array<{ locations: Array<{ physicalLocation: { region: Record<string, unknown> } }> }> }> };
    const region = badRegion.runs[0]?.results[0]?.locations[0]?.physicalLocation.region as Record<string, unknown>;
    region['startLine'] = 0;
    expect(validate(badRegion)).toBe(false);
  });
});
