/**
 * The byte-level scan of one JSONL event line for the fast lane (jsonl-fast-lane.ts): a flat
 * JSON object, keys in any order, written without whitespace, whose keys are all fields the
 * spec allows for its `op` (docs/trace-format.md) and whose values are well-formed and plain:
 * strings of printable ASCII without escapes (non-empty), `op` and the enum fields among their
 * spec values, `true`/`false`, `subclass` one digit 0-7, `ts` a JSON number, `stack` an array
 * of such strings. Ids must be strings (a number as an id is declined).
 * The scan builds nothing: it records where each field's value lies in the buffer (the content
 * of a string, the whole `[...]` of a stack) and what an enum, boolean or number value is.
 * Invariant: when `scan` returns true, the line is a valid event, and `JSON.parse` of it gives
 * exactly the fields recorded (same keys, same order, same values); anything else (other
 * spacing, escapes, non-ASCII, unknown or repeated keys, fields another op defines, a missing
 * required field, any invalid value) returns false, and the line takes the normal path, which
 * owns every error message.
 */
import { ASSERT_KINDS, EVENT_OPS, IRQ_ACTIONS, IRQ_KINDS, LOCK_MODES, LOCK_TYPES } from './event.js';
import { optionalFieldsOf, requiredFieldsOf } from './event-validate.js';

/** Field codes, in the order of `FIELD_NAMES`. */
export const F_OP = 0;
export const F_TASK = 1;
export const F_LOCK = 2;
export const F_MODE = 3;
export const F_TRY = 4;
export const F_SUBCLASS = 5;
export const F_NEST = 6;
export const F_CLASS = 7;
export const F_TYPE = 8;
export const F_KIND = 9;
export const F_ACTION = 10;
export const F_HELD = 11;
export const F_VAR = 12;
export const F_WRITE = 13;
export const F_SITE = 14;
export const F_STACK = 15;
export const F_TS = 16;

/** The JSON key of each field code. */
export const FIELD_NAMES = [
  'op', 'task', 'lock', 'mode', 'try', 'subclass', 'nest', 'class', 'type', 'kind', 'action', 'held', 'var', 'write', 'site', 'stack', 'ts',
] as const;
const FIELD_COUNT = FIELD_NAMES.length;

/** The field's bit in `seen`. */
export const bit = (field: number): number => 1 << field;

/** Per op code (its index in EVENT_OPS): the fields it requires and the fields it may carry, as bits. */
const REQUIRED_BITS = EVENT_OPS.map((op) => fieldBits(requiredFieldsOf(op) ?? []) | bit(F_OP));
const ALLOWED_BITS = EVENT_OPS.map((op, code) => REQUIRED_BITS[code]! | fieldBits(optionalFieldsOf(op) ?? []));

function fieldBits(names: readonly string[]): number {
  return names.reduce((bits, name) => bits | bit(FIELD_NAMES.indexOf(name as (typeof FIELD_NAMES)[number])), 0);
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;

/** Per byte: 1 for the bytes a plain string may hold (printable ASCII but `"` and `\\`). */
const PLAIN = new Uint8Array(256);
for (let c = 0x20; c <= 0x7e; c++) PLAIN[c] = c === QUOTE || c === BACKSLASH ? 0 : 1;

/** The first four bytes of `text` as a little-endian word (what `DataView.getInt32(at, true)` reads). */
function word(text: string): number {
  return Buffer.from(text, 'latin1').readInt32LE(0);
}

/**
 * Keys by their first four bytes (`"` and `:` included for the short ones: every key of the
 * format differs there), with the bytes of `key":` that follow those four.
 */
const KEY_WORDS = new Int32Array(FIELD_COUNT);
const KEY_RESTS: Uint8Array[] = [];
/** A perfect hash of the keys' first words into 32 slots (the multiplier was searched for it); a slot holds field + 1. */
const KEY_HASH = 0x34994997;
const keySlot = (first: number): number => Math.imul(first, KEY_HASH) >>> 27;
const KEY_SLOTS = new Int8Array(32);
FIELD_NAMES.forEach((name, field) => {
  const text = `${name}":`;
  KEY_WORDS[field] = word(text);
  KEY_RESTS[field] = Buffer.from(text.slice(4), 'latin1');
  const slot = keySlot(KEY_WORDS[field]);
  if (KEY_SLOTS[slot] !== 0) throw new Error(`jsonl-line-scan: key ${name} needs another KEY_HASH (its slot is taken)`);
  KEY_SLOTS[slot] = field + 1;
});

/** Enum values as bytes, with their index in the spec's list. */
function choices(values: readonly string[]): Uint8Array[] {
  return values.map((value) => Buffer.from(value, 'latin1'));
}
const OP_CHOICES = choices(EVENT_OPS);
const MODE_CHOICES = choices(LOCK_MODES);
const TYPE_CHOICES = choices(LOCK_TYPES);
const KIND_CHOICES = choices(IRQ_KINDS);
const ACTION_CHOICES = choices(IRQ_ACTIONS);
const HELD_CHOICES = choices(ASSERT_KINDS);
const TRUE_WORD = word('true');
const FALSE_WORD = word('fals');

/** One scanned line: where each field's value lies, and the decoded enum, boolean and number values. */
export class JsonlLineScan {
  /** The line's op, as its index in EVENT_OPS. */
  op = 0;
  /** The fields present, as bits (`bit(field)`). */
  seen = 0;
  /** The fields in line order; `keyCount` of them. */
  readonly keys = new Uint8Array(FIELD_COUNT);
  keyCount = 0;
  /** Per field: a string's content `[start, end)`, a stack's whole `[...]`. */
  readonly starts = new Int32Array(FIELD_COUNT);
  readonly ends = new Int32Array(FIELD_COUNT);
  /** Per enum field: the value's index in its spec list. */
  readonly choice = new Int32Array(FIELD_COUNT);
  /** `try`, `write`: the value. */
  trylock = false;
  write = false;
  subclass = 0;
  ts = 0;
  /** Frames in the stack. */
  frames = 0;
  private view: DataView = new DataView(new ArrayBuffer(0));
  private viewOf: Buffer | undefined = undefined;

  /** Scans the line `bytes[start, end)` (no terminator); false when it is not of the shape above. */
  scan(bytes: Buffer, start: number, end: number): boolean {
    if (bytes !== this.viewOf) {
      this.viewOf = bytes;
      this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
    }
    const view = this.view;
    if (end - start < 2 || bytes[start] !== OPEN_BRACE || bytes[end - 1] !== CLOSE_BRACE) return false;
    let seen = 0;
    let count = 0;
    let at = start + 1;
    const last = end - 1;
    for (;;) {
      // A key: `"` and at least four more bytes before the closing brace.
      if (bytes[at] !== QUOTE || at + 5 > last) return false;
      const first = view.getInt32(at + 1, true);
      const field = KEY_SLOTS[keySlot(first)]! - 1;
      if (field < 0 || KEY_WORDS[field] !== first || (seen & (1 << field)) !== 0) return false;
      at += 5;
      const rest = KEY_RESTS[field]!;
      if (at + rest.length > last) return false;
      for (let i = 0; i < rest.length; i++) if (bytes[at + i] !== rest[i]) return false;
      at += rest.length;
      seen |= 1 << field;
      this.keys[count++] = field;
      at = this.value(bytes, at, last, field);
      if (at < 0) return false;
      const c = bytes[at];
      if (at === last) break;
      if (c !== COMMA) return false;
      at++;
    }
    this.keyCount = count;
    this.seen = seen;
    if ((seen & 1) === 0) return false;
    const op = this.op;
    const required = REQUIRED_BITS[op]!;
    return (seen & required) === required && (seen & ~ALLOWED_BITS[op]!) === 0;
  }

  /** The value of `field` at `at`: the position after it, or -1. */
  private value(bytes: Buffer, at: number, last: number, field: number): number {
    switch (field) {
      case F_TASK:
      case F_LOCK:
      case F_NEST:
      case F_CLASS:
      case F_VAR:
      case F_SITE:
        return this.plainString(bytes, at, last, field);
      case F_OP: {
        const next = this.plainString(bytes, at, last, field);
        if (next < 0) return -1;
        this.op = choiceOf(bytes, this.starts[field]!, this.ends[field]!, OP_CHOICES);
        return this.op < 0 ? -1 : next;
      }
      case F_MODE:
        return this.enumValue(bytes, at, last, field, MODE_CHOICES);
      case F_TYPE:
        return this.enumValue(bytes, at, last, field, TYPE_CHOICES);
      case F_KIND:
        return this.enumValue(bytes, at, last, field, KIND_CHOICES);
      case F_ACTION:
        return this.enumValue(bytes, at, last, field, ACTION_CHOICES);
      case F_HELD:
        return this.enumValue(bytes, at, last, field, HELD_CHOICES);
      case F_TRY:
      case F_WRITE: {
        if (at + 4 > last) return -1;
        const value = this.view.getInt32(at, true);
        let next = -1;
        if (value === TRUE_WORD) next = at + 4;
        else if (value === FALSE_WORD && at + 5 <= last && bytes[at + 4] === 0x65) next = at + 5;
        if (field === F_TRY) this.trylock = next === at + 4;
        else this.write = next === at + 4;
        return next;
      }
      case F_SUBCLASS: {
        const digit = bytes[at]! - ZERO;
        if (digit < 0 || digit > 7 || at + 1 > last) return -1;
        this.subclass = digit;
        return at + 1;
      }
      case F_STACK:
        return this.stack(bytes, at, last);
      default:
        return this.number(bytes, at, last);
    }
  }

  /** A non-empty plain string at `at` (its opening quote): its content goes to `field`'s range. */
  private plainString(bytes: Buffer, at: number, last: number, field: number): number {
    if (bytes[at] !== QUOTE) return -1;
    const end = plainEnd(bytes, this.view, at + 1, last);
    if (end < 0) return -1;
    this.starts[field] = at + 1;
    this.ends[field] = end;
    return end + 1;
  }

  private enumValue(bytes: Buffer, at: number, last: number, field: number, values: readonly Uint8Array[]): number {
    const next = this.plainString(bytes, at, last, field);
    if (next < 0) return -1;
    const index = choiceOf(bytes, this.starts[field]!, this.ends[field]!, values);
    this.choice[field] = index;
    return index < 0 ? -1 : next;
  }

  /** `[]` or `["frame",...]` of non-empty plain strings. */
  private stack(bytes: Buffer, at: number, last: number): number {
    if (bytes[at] !== OPEN_BRACKET) return -1;
    this.starts[F_STACK] = at;
    let frames = 0;
    let i = at + 1;
    if (bytes[i] !== CLOSE_BRACKET) {
      for (;;) {
        if (bytes[i] !== QUOTE) return -1;
        const end = plainEnd(bytes, this.view, i + 1, last);
        if (end < 0) return -1;
        frames++;
        i = end + 1;
        if (bytes[i] === CLOSE_BRACKET) break;
        if (bytes[i] !== COMMA) return -1;
        i++;
      }
    }
    if (i >= last) return -1;
    this.frames = frames;
    this.ends[F_STACK] = i + 1;
    return i + 1;
  }

  /** A JSON number (`ts`) with a finite value. */
  private number(bytes: Buffer, at: number, last: number): number {
    let i = at;
    const negative = bytes[i] === MINUS;
    if (negative) i++;
    let c = bytes[i]!;
    if (c < ZERO || c > NINE) return -1;
    let value = 0;
    let digits = 0;
    if (c === ZERO) {
      i++;
      digits = 1;
    } else {
      while (c >= ZERO && c <= NINE && i < last) {
        value = value * 10 + (c - ZERO);
        digits++;
        c = bytes[++i]!;
      }
    }
    let simple = digits <= 15;
    c = bytes[i]!;
    if (c === DOT) {
      simple = false;
      if (!isDigit(bytes[++i]!)) return -1;
      while (i < last && isDigit(bytes[i]!)) i++;
    }
    c = bytes[i]!;
    if (c === 0x65 || c === 0x45) {
      simple = false;
      c = bytes[++i]!;
      if (c === 0x2b || c === MINUS) i++;
      if (!isDigit(bytes[i]!)) return -1;
      while (i < last && isDigit(bytes[i]!)) i++;
    }
    if (i > last) return -1;
    if (simple) {
      this.ts = negative ? -value : value;
    } else {
      this.ts = Number(bytes.toString('latin1', at, i));
      if (!Number.isFinite(this.ts)) return -1;
    }
    this.starts[F_TS] = at;
    this.ends[F_TS] = i;
    return i;
  }
}

function isDigit(c: number): boolean {
  return c >= ZERO && c <= NINE;
}

/** From the first byte of a string's content: the position of its closing quote when the content is a non-empty plain run; -1 otherwise. */
export function plainEnd(bytes: Buffer, view: DataView, at: number, last: number): number {
  let i = at;
  // Four bytes at a time while none of them can end the run (SWAR: no byte below 0x20, above
  // 0x7e, `"` or `\\`); then byte by byte.
  while (i + 4 <= last) {
    const w = view.getInt32(i, true);
    const quote = w ^ 0x22222222;
    const backslash = w ^ 0x5c5c5c5c;
    if (((w - 0x20202020) | ((w + 0x01010101) | w) | ((quote - 0x01010101) & ~quote) | ((backslash - 0x01010101) & ~backslash)) & 0x80808080) break;
    i += 4;
  }
  while (i < last && PLAIN[bytes[i]!] === 1) i++;
  return i > at && i < last && bytes[i] === QUOTE ? i : -1;
}

/** The index of `bytes[start, end)` in `values`, or -1. */
function choiceOf(bytes: Buffer, start: number, end: number, values: readonly Uint8Array[]): number {
  const length = end - start;
  for (let v = 0; v < values.length; v++) {
    const value = values[v]!;
    if (value.length !== length) continue;
    let i = 0;
    while (i < length && bytes[start + i] === value[i]) i++;
    if (i === length) return v;
  }
  return -1;
}
