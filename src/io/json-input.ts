/**
 * Reading JSON input files (saved results, graph snapshots, baselines) with user-facing errors.
 * Invariants: a missing or unreadable file, malformed JSON and JSON nested deeper than
 * MAX_JSON_DEPTH all become an InputError naming `file[:line:col]`; a shape error names the JSON path of the first problem, and the line of the
 * offending key when it can be found.
 */
import { readFile } from 'node:fs/promises';
import type { z } from 'zod';
import { InputError, readFailureReason } from './input-error.js';
import { findNestingOverflow, nestingMessage } from './json-limits.js';
import { findJsonSyntaxError } from './json-syntax.js';

/** 1-based line and column of a character offset. */
export function lineColumnAt(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) { line++; lineStart = i + 1; }
  }
  return { line, col: offset - lineStart + 1 };
}

/** Parses JSON text; syntax errors become an InputError with the line and column. */
export function parseJsonText(text: string, file: string): unknown {
  const tooDeep = findNestingOverflow(text);
  if (tooDeep >= 0) throw new InputError(nestingMessage(), { file, ...lineColumnAt(text, tooDeep) });
  try {
    return JSON.parse(text);
  } catch (error) {
    const problem = findJsonSyntaxError(text);
    const where = lineColumnAt(text, problem?.offset ?? 0);
    const detail = problem?.message ?? (error instanceof Error ? error.message.split('\n')[0] ?? '' : String(error));
    throw new InputError(`invalid JSON: ${detail} (is this file complete and written by lockdep?)`, { file, ...where });
  }
}

/** Reads and parses a JSON file. */
export async function readJsonFile(file: string): Promise<{ value: unknown; text: string }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new InputError(`cannot read: ${readFailureReason(error)} (check the path)`, { file });
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return { value: parseJsonText(text, file), text };
}

/** The line of the first `"key":` occurrence of the last path segment, when it can be found. */
function lineOfPath(text: string, path: ReadonlyArray<PropertyKey>): number | undefined {
  for (let i = path.length - 1; i >= 0; i--) {
    const key = path[i];
    if (typeof key !== 'string') continue;
    const index = text.indexOf(`${JSON.stringify(key)}:`);
    if (index >= 0) return lineColumnAt(text, index).line;
  }
  return undefined;
}

/** Validates a parsed value; the first issue becomes an InputError. */
export function validateJson<T>(schema: z.ZodType<T>, value: unknown, text: string, file: string, what: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const path = issue?.path ?? [];
  const pathText = path.length > 0 ? path.map(String).join('.') : '(top level)';
  const line = lineOfPath(text, path);
  const location = line === undefined ? { file } : { file, line };
  throw new InputError(`not a ${what}: ${pathText}: ${issue?.message ?? 'invalid'}`, location);
}
