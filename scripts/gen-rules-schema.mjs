#!/usr/bin/env node
/**
 * Writes the JSON Schema of rule files, generated from the zod schema in src/rules/schema.ts, to
 * the path given (default schema/rules.schema.json). Run it as `npm run schema` after changing
 * the rule schema, and commit the result. The build never writes the committed file, so a build
 * cannot hide a stale one: test/rules/json-schema.test.ts runs this script into a temporary file
 * and compares that with schema/rules.schema.json.
 * Needs the tsx loader (`node --import tsx`), since it reads the TypeScript sources, not dist/.
 * The write is atomic (temporary file in the same directory, then rename) and skipped when the
 * content is unchanged.
 */
import { readFileSync, renameSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { rulesJsonSchemaText } = await import(join(root, 'src/rules/json-schema.ts'));
const target = resolve(process.argv[2] ?? join(root, 'schema/rules.schema.json'));
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
