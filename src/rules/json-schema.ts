/**
 * The JSON Schema (draft 2020-12) of rule files, generated from the zod schema. Shipped as
 * schema/rules.schema.json so editors can complete and check rule files; a test keeps the
 * committed file equal to this output.
 */
import { z } from 'zod';
import { ruleFileSchema } from './schema.js';

export function rulesJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(ruleFileSchema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' });
}

/** The file text: two-space JSON and a final newline. */
export function rulesJsonSchemaText(): string {
  return `${JSON.stringify(rulesJsonSchema(), null, 2)}\n`;
}
