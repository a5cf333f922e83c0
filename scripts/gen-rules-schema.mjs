#!/usr/bin/env node
/**
 * Writes schema/rules.schema.json, the JSON Schema of rule files, from the zod schema in
 * src/rules/schema.ts (via the built dist/). Run by `npm run build` after tsc (not by `npm test`,
 * which compiles only). The file is committed and shipped in the package;
 * test/rules/json-schema.test.ts compares it with the zod schema and fails when it is stale.
 * The write is atomic (temporary file in the same directory, then rename) and skipped when the
 * content is unchanged.
 */
import { readFileSync, renameSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { rulesJsonSchemaText } = await import(join(root, 'dist/rules/json-schema.js'));
const target = join(root, 'schema/rules.schema.json');
const text = rulesJsonSchemaText();

let current;
try {
  current = readFileSync(target, 'utf8');
} catch {
  current = undefined;
}
if (current !== text) {
  mkdirSync(dirname(target), { recursive: true });
  const temporary = `${target}.${process.pid}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, target);
  process.stderr.write(`wrote ${target}\n`);
}
