/**
 * Turns a zod issue into one `file:line:col: message (how to fix)` InputError, using the YAML
 * node ranges of `YamlSource`. Invariant: the position is the most specific one available: the
 * unknown key itself, the offending value, or the mapping that lacks a required key.
 */
import type { z } from 'zod';
import type { InputError } from '../io/input-error.js';
import type { DataPath, YamlSource } from './yaml-source.js';

/** The value at `path` in plain data, or undefined. */
function valueAt(data: unknown, path: DataPath): unknown {
  let value = data;
  for (const segment of path) {
    if (value === null || typeof value !== 'object') return undefined;
    if (!Object.prototype.hasOwnProperty.call(value, segment)) return undefined;
    value = (value as Record<PropertyKey, unknown>)[segment];
  }
  return value;
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return `${typeof value} ${String(value)}`;
  return typeof value;
}

function pathLabel(path: DataPath): string {
  const last = path[path.length - 1];
  return last === undefined ? 'the document' : typeof last === 'number' ? `item ${last}` : `\`${String(last)}\``;
}

function quoteList(values: readonly unknown[]): string {
  return values.map((value) => JSON.stringify(value)).join(', ');
}

/** Convert the first issue (issues sorted by position) into an InputError. */
export function zodIssueToError(source: YamlSource, data: unknown, issue: z.core.$ZodIssue): InputError {
  const path = issue.path as DataPath;
  switch (issue.code) {
    case 'unrecognized_keys': {
      const key = issue.keys[0] ?? '';
      return source.errorAt(path, `unknown key ${JSON.stringify(key)} (remove it or check its spelling)`, { key });
    }
    case 'invalid_union': {
      const discriminator = (issue as { discriminator?: string }).discriminator;
      const options = (issue as { options?: unknown[] }).options;
      if (discriminator && options) {
        const value = valueAt(data, path);
        if (value === undefined) {
          return source.errorAt(path.slice(0, -1), `missing \`${discriminator}\` (one of: ${options.join(', ')})`);
        }
        return source.errorAt(path, `unknown rule ${discriminator} ${JSON.stringify(value)} (use one of: ${options.join(', ')})`);
      }
      // Unions without a discriminator carry a custom `must be ...` message (schema-common.ts).
      return source.errorAt(path, `${pathLabel(path)} ${issue.message}, not ${describeValue(valueAt(data, path))}`);
    }
    case 'invalid_type': {
      const value = valueAt(data, path);
      if (value === undefined && path.length > 0) {
        const parent = path.slice(0, -1);
        return source.errorAt(parent, `missing required key \`${String(path[path.length - 1])}\` (add it)`);
      }
      return source.errorAt(path, `${pathLabel(path)} must be ${expectedLabel(issue.expected)}, not ${describeValue(value)}`);
    }
    case 'invalid_value': {
      const value = valueAt(data, path);
      return source.errorAt(path, `${pathLabel(path)} must be one of ${quoteList(issue.values)}, not ${describeValue(value)}`);
    }
    case 'too_small': {
      const value = valueAt(data, path);
      const what = Array.isArray(value) ? 'list' : typeof value === 'string' ? 'text' : 'value';
      if (what === 'text' && issue.minimum === 1) return source.errorAt(path, `${pathLabel(path)} must not be empty`);
      if (what === 'list') return source.errorAt(path, `${pathLabel(path)} needs at least ${String(issue.minimum)} item(s)`);
      if (typeof value === 'number') return source.errorAt(path, `${pathLabel(path)} must be at least ${String(issue.minimum)}, not ${String(value)}`);
      return source.errorAt(path, `${pathLabel(path)}: ${issue.message}`);
    }
    case 'invalid_format': {
      const value = valueAt(data, path);
      return source.errorAt(path, `${pathLabel(path)} is ${describeValue(value)}: ${issue.message}`);
    }
    default:
      return source.errorAt(path, issue.message);
  }
}

function expectedLabel(expected: string): string {
  switch (expected) {
    case 'string': return 'a string';
    case 'number': return 'a number';
    case 'int': return 'an integer';
    case 'boolean': return 'true or false';
    case 'array': return 'a list';
    case 'object': return 'a mapping';
    case 'record': return 'a mapping';
    default: return expected;
  }
}

/** The issue that comes first in the file (ties: zod's order). */
export function firstIssue(source: YamlSource, issues: readonly z.core.$ZodIssue[]): z.core.$ZodIssue {
  let best = issues[0];
  let bestKey = Number.POSITIVE_INFINITY;
  for (const issue of issues) {
    const key = issue.code === 'unrecognized_keys' ? issue.keys[0] : undefined;
    const { line, col } = source.locate(issue.path, key === undefined ? {} : { key });
    // At the same place, an unknown key explains a "missing" one (a misspelt key).
    const order = (line * 100000 + col) * 2 + (key === undefined ? 1 : 0);
    if (order < bestKey) {
      bestKey = order;
      best = issue;
    }
  }
  if (!best) throw new Error('firstIssue: no issues');
  return best;
}
