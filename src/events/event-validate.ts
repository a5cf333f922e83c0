/**
 * Validation of one parsed trace line against docs/trace-format.md, version 1.
 * Owns: which fields each `op` requires or allows and what type/enum each field has, and the
 * header rules. Invariants: a value that passes `validateEvent` is a well-typed `TraceEvent`
 * (the same object, not a copy: unknown fields are left in place and ignored, as the spec's
 * forward-compatibility rule says); every rejection is an `InputError` naming the origin's
 * `file:line` and what is wrong. Shared by every reader of the JSONL format.
 */
import {
  ASSERT_KINDS,
  EVENT_OPS,
  IRQ_ACTIONS,
  IRQ_KINDS,
  LOCK_MODES,
  LOCK_TYPES,
  TRACE_FORMAT_VERSION,
} from './event.js';
import type { EventOrigin, TraceEvent, TraceHeader } from './event.js';
import { InputError } from '../io/input-error.js';
import { isExactNumberId } from '../io/json-limits.js';

/** Subclasses are 0..MAX_SUBCLASS (the kernel's MAX_LOCKDEP_SUBCLASSES = 8). */
export const MAX_SUBCLASS = 7;

interface FieldCheck {
  test(value: unknown): boolean;
  /** What the field must be, completing "field X must be ...". */
  expected: string;
  /** A more precise complaint for some rejected values, completing "field X ...". */
  explain?(value: unknown): string | undefined;
}

function enumCheck(values: readonly string[]): FieldCheck {
  const allowed = new Set<unknown>(values);
  return {
    test: (value) => allowed.has(value),
    expected: `one of ${values.map((v) => JSON.stringify(v)).join(', ')}`,
  };
}

const ID: FieldCheck = {
  test: (v) => typeof v === 'string' || (typeof v === 'number' && isExactNumberId(v)),
  expected: 'a string or number',
  explain: (v) =>
    typeof v === 'number' ? `is the number ${String(v)}, beyond the ids a number holds exactly (2^53 - 1; write it as a string)` : undefined,
};
const STRING: FieldCheck = { test: (v) => typeof v === 'string', expected: 'a string' };
const BOOLEAN: FieldCheck = { test: (v) => typeof v === 'boolean', expected: 'true or false' };
const NUMBER: FieldCheck = {
  test: (v) => typeof v === 'number' && Number.isFinite(v),
  expected: 'a number',
  explain: (v) => (typeof v === 'number' ? `is the number ${String(v)}, too large for a double (write a finite number)` : undefined),
};
const STACK: FieldCheck = {
  test: (v) => Array.isArray(v) && v.every((frame) => typeof frame === 'string'),
  expected: 'an array of strings (innermost frame first)',
};
const SUBCLASS: FieldCheck = {
  test: (v) => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= MAX_SUBCLASS,
  expected: `an integer from 0 to ${MAX_SUBCLASS} (lockdep has ${MAX_SUBCLASS + 1} subclasses)`,
};

/** The type of every field name the format defines (a name has one meaning for every op). */
const FIELD_CHECKS: ReadonlyMap<string, FieldCheck> = new Map<string, FieldCheck>([
  ['task', ID],
  ['lock', ID],
  ['nest', ID],
  ['class', STRING],
  ['var', STRING],
  ['site', STRING],
  ['type', enumCheck(LOCK_TYPES)],
  ['mode', enumCheck(LOCK_MODES)],
  ['kind', enumCheck(IRQ_KINDS)],
  ['action', enumCheck(IRQ_ACTIONS)],
  ['held', enumCheck(ASSERT_KINDS)],
  ['try', BOOLEAN],
  ['write', BOOLEAN],
  ['subclass', SUBCLASS],
  ['stack', STACK],
  ['ts', NUMBER],
]);

interface OpFields {
  required: readonly string[];
  optional: readonly string[];
}

const COMMON_OPTIONAL = ['site', 'stack', 'ts'] as const;

const OP_FIELDS: ReadonlyMap<string, OpFields> = new Map<string, OpFields>([
  ['init', { required: ['lock'], optional: ['class', 'type', ...COMMON_OPTIONAL] }],
  [
    'acquire',
    {
      required: ['task', 'lock'],
      optional: ['mode', 'try', 'subclass', 'nest', 'class', 'type', ...COMMON_OPTIONAL],
    },
  ],
  ['release', { required: ['task', 'lock'], optional: COMMON_OPTIONAL }],
  ['sync', { required: ['task', 'lock'], optional: ['class', 'type', ...COMMON_OPTIONAL] }],
  ['irq', { required: ['task', 'kind', 'action'], optional: COMMON_OPTIONAL }],
  ['free', { required: ['task', 'lock'], optional: COMMON_OPTIONAL }],
  ['assert', { required: ['task', 'lock', 'held'], optional: COMMON_OPTIONAL }],
  ['access', { required: ['task', 'var', 'write'], optional: COMMON_OPTIONAL }],
  ['might-sleep', { required: ['task'], optional: COMMON_OPTIONAL }],
  ['exit', { required: ['task'], optional: COMMON_OPTIONAL }],
]);

/** The fields an op requires (besides `op`), or undefined for an unknown op. */
export function requiredFieldsOf(op: string): readonly string[] | undefined {
  return OP_FIELDS.get(op)?.required;
}

/** The fields an op may carry besides its required ones, or undefined for an unknown op. */
export function optionalFieldsOf(op: string): readonly string[] | undefined {
  return OP_FIELDS.get(op)?.optional;
}

const OP_LIST = EVENT_OPS.join(', ');

/** A short, one-line rendering of an offending value for error messages. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'number') return String(value); // JSON would write Infinity as null
  let text: string;
  // String() is the fallback for what JSON cannot render (a bigint, a cycle); a cyclic object
  // showing as [object Object] is good enough in a one-line message.
  try {
    // JSON.stringify returns undefined for undefined and functions, which its type does not say.
    // eslint-disable-next-line @typescript-eslint/no-base-to-string, @typescript-eslint/no-unnecessary-condition -- see above
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = kindOf(value); // too deep (or too large) to render: its kind says enough
  }
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

function fail(message: string, origin: EventOrigin): never {
  throw new InputError(message, { file: origin.file, line: origin.line });
}

function failField(op: string, name: string, check: FieldCheck, field: unknown, origin: EventOrigin): never {
  const complaint = check.explain?.(field) ?? `must be ${check.expected}, got ${describeValue(field)}`;
  fail(`${op}: field "${name}" ${complaint}`, origin);
}

/** True when a parsed line is meant as the trace header (it names a `format` and has no `op`). */
export function isHeaderLike(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.hasOwn(value, 'format') &&
    !Object.hasOwn(value, 'op')
  );
}

/** Checks a header line; rejects unknown formats and versions newer than this reader. */
export function validateHeader(value: unknown, origin: EventOrigin): TraceHeader {
  if (!isHeaderLike(value)) fail('expected a trace header object with a "format" field', origin);
  const { format, version } = value;
  if (format !== 'lockdep-trace') {
    fail(`unknown trace format ${describeValue(format)} (the header must say "format":"lockdep-trace")`, origin);
  }
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    fail(`header field "version" must be a positive integer, got ${describeValue(version)}`, origin);
  }
  if (version > TRACE_FORMAT_VERSION) {
    fail(
      `trace format version ${version} is newer than this lockdep understands (version ${TRACE_FORMAT_VERSION}); upgrade lockdep`,
      origin,
    );
  }
  return value as TraceHeader;
}

/**
 * Checks one parsed line and returns it typed as a `TraceEvent`. Throws `InputError` at `origin`
 * for a non-object, a missing or unknown `op`, a missing required field, a wrong type or a value
 * outside its enum/range. Fields the op does not define are ignored.
 */
export function validateEvent(value: unknown, origin: EventOrigin): TraceEvent {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail(`expected a JSON object (one event per line), got ${kindOf(value)}`, origin);
  }
  const record = value as Record<string, unknown>;
  const op = record['op'];
  if (op === undefined) {
    if (Object.hasOwn(record, 'format')) {
      fail('a trace header is only allowed on the first line', origin);
    }
    fail(`missing field "op" (one of: ${OP_LIST})`, origin);
  }
  if (typeof op !== 'string') fail(`field "op" must be a string, got ${describeValue(op)}`, origin);
  const fields = OP_FIELDS.get(op);
  if (fields === undefined) {
    fail(`unknown op ${describeValue(op)} (expected one of: ${OP_LIST})`, origin);
  }
  for (const name of fields.required) {
    const field = record[name];
    const check = FIELD_CHECKS.get(name) as FieldCheck;
    if (field === undefined) {
      fail(`${op} event is missing required field "${name}" (${check.expected})`, origin);
    }
    if (!check.test(field)) failField(op, name, check, field, origin);
  }
  for (const name of fields.optional) {
    const field = record[name];
    if (field === undefined) continue;
    const check = FIELD_CHECKS.get(name) as FieldCheck;
    if (!check.test(field)) failField(op, name, check, field, origin);
  }
  return record as unknown as TraceEvent;
}
