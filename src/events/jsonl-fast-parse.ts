/**
 * A hand-written parser for the common shape of a JSONL trace line: one flat JSON object whose
 * keys are fields the spec defines, with well-formed plain values (strings without escapes,
 * numbers, booleans, and a `stack` array of such strings). It parses and validates in one pass,
 * which is what lets `lockdep check` run close to (or above) the speed of `JSON.parse` alone.
 * Invariant (tested by a property test): when `fastParseEvent(line)` returns an event, it is
 * deep-equal, keys in the same order, to `validateEvent(JSON.parse(line))`; for everything else
 * (escapes, unknown or repeated keys, other value kinds, any invalid input) it returns
 * `undefined`, and the caller falls back to `JSON.parse` + `validateEvent`, so error messages are
 * exactly the normal ones. It never throws.
 */
import { ASSERT_KINDS, EVENT_OPS, IRQ_ACTIONS, IRQ_KINDS, LOCK_MODES, LOCK_TYPES, type EventOp, type TraceEvent } from './event.js';
import { MAX_SUBCLASS, requiredFieldsOf } from './event-validate.js';
import { isExactNumberId } from '../io/json-limits.js';

// Field bits.
const OP = 1 << 0;
const TASK = 1 << 1;
const LOCK = 1 << 2;
const MODE = 1 << 3;
const TRY = 1 << 4;
const SUBCLASS = 1 << 5;
const NEST = 1 << 6;
const CLASS = 1 << 7;
const TYPE = 1 << 8;
const KIND = 1 << 9;
const ACTION = 1 << 10;
const HELD = 1 << 11;
const VAR = 1 << 12;
const WRITE = 1 << 13;
const SITE = 1 << 14;
const STACK = 1 << 15;
const TS = 1 << 16;

/** Field names as bits. */
const FIELD_BITS: ReadonlyMap<string, number> = new Map([
  ['op', OP], ['task', TASK], ['lock', LOCK], ['mode', MODE], ['try', TRY], ['subclass', SUBCLASS], ['nest', NEST],
  ['class', CLASS], ['type', TYPE], ['kind', KIND], ['action', ACTION], ['held', HELD], ['var', VAR], ['write', WRITE],
  ['site', SITE], ['stack', STACK], ['ts', TS],
]);

/**
 * Per op, the fields it requires, as bits (from event-validate.ts). A field the spec defines for
 * other ops needs no check here: `validateEvent` keeps such a field as it is, and this parser keeps
 * it too when its value is well-formed (and declines the line otherwise).
 */
const OP_REQUIRED: ReadonlyMap<string, number> = new Map(
  EVENT_OPS.map((op) => [op, (requiredFieldsOf(op) ?? []).reduce((bits, name) => bits | FIELD_BITS.get(name)!, OP)]),
);

/** The ops, commonest first (the order `readEnum` tries them in). */
const OPS = ['acquire', 'release', 'init', 'irq', 'access', 'might-sleep', 'exit', 'sync', 'free', 'assert'] as const satisfies readonly EventOp[];

const QUOTE = 34;
const BACKSLASH = 92;

/** Parser state for one line (module-level to avoid an allocation per line). */
let text = '';
let pos = 0;
let failed = false;

function skipSpace(): void {
  let c = text.charCodeAt(pos);
  while (c === 32 || c === 9 || c === 10 || c === 13) c = text.charCodeAt(++pos);
}

/** At an opening quote: returns the index after the closing quote of a plain string, or -1. */
function plainStringEnd(): number {
  if (text.charCodeAt(pos) !== QUOTE) return -1;
  const length = text.length;
  for (let i = pos + 1; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) return i + 1;
    if (c === BACKSLASH || c < 32) return -1;
  }
  return -1;
}

function readString(): string {
  const end = plainStringEnd();
  if (end < 0) {
    failed = true;
    return '';
  }
  const value = text.slice(pos + 1, end - 1);
  pos = end;
  return value;
}

/** Reads a string that must be one of `choices`; returns the constant (no allocation). */
function readEnum<T extends string>(choices: readonly T[]): T | undefined {
  const end = plainStringEnd();
  if (end < 0) {
    failed = true;
    return undefined;
  }
  const length = end - pos - 2;
  for (const choice of choices) {
    if (choice.length === length && text.startsWith(choice, pos + 1)) {
      pos = end;
      return choice;
    }
  }
  failed = true;
  return undefined;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** A JSON number; sets `failed` (and returns NaN) on anything JSON would reject. */
function readNumber(): number {
  const start = pos;
  let c = text.charCodeAt(pos);
  let negative = false;
  if (c === 45) {
    negative = true;
    c = text.charCodeAt(++pos);
  }
  if (!isDigit(c)) {
    failed = true;
    return NaN;
  }
  let value = 0;
  let digits = 0;
  if (c === 48) {
    c = text.charCodeAt(++pos);
    digits = 1;
  } else {
    while (isDigit(c)) {
      value = value * 10 + (c - 48);
      digits++;
      c = text.charCodeAt(++pos);
    }
  }
  let simple = digits <= 15;
  if (c === 46) {
    simple = false;
    c = text.charCodeAt(++pos);
    if (!isDigit(c)) {
      failed = true;
      return NaN;
    }
    while (isDigit(c)) c = text.charCodeAt(++pos);
  }
  if (c === 101 || c === 69) {
    simple = false;
    c = text.charCodeAt(++pos);
    if (c === 43 || c === 45) c = text.charCodeAt(++pos);
    if (!isDigit(c)) {
      failed = true;
      return NaN;
    }
    while (isDigit(c)) c = text.charCodeAt(++pos);
  }
  if (simple) return negative ? -value : value;
  return Number(text.slice(start, pos));
}

function readBoolean(): boolean {
  if (text.startsWith('true', pos)) {
    pos += 4;
    return true;
  }
  if (text.startsWith('false', pos)) {
    pos += 5;
    return false;
  }
  failed = true;
  return false;
}

/** A string or a number (task, lock, nest ids). */
function readId(): string | number {
  if (text.charCodeAt(pos) === QUOTE) return readString();
  const id = readNumber();
  if (!isExactNumberId(id)) failed = true; // validateEvent says why
  return id;
}

function readStack(): string[] {
  const frames: string[] = [];
  if (text.charCodeAt(pos) !== 91) {
    failed = true;
    return frames;
  }
  pos++;
  skipSpace();
  if (text.charCodeAt(pos) === 93) {
    pos++;
    return frames;
  }
  for (;;) {
    skipSpace();
    frames.push(readString());
    if (failed) return frames;
    skipSpace();
    const c = text.charCodeAt(pos++);
    if (c === 93) return frames;
    if (c !== 44) {
      failed = true;
      return frames;
    }
  }
}

/** Which field a key names (its bit), or 0 for a key this parser does not handle. */
function keyBit(start: number, length: number): number {
  switch (length) {
    case 2:
      if (text.startsWith('op', start)) return OP;
      if (text.startsWith('ts', start)) return TS;
      return 0;
    case 3:
      if (text.startsWith('try', start)) return TRY;
      if (text.startsWith('var', start)) return VAR;
      return 0;
    case 4:
      if (text.startsWith('task', start)) return TASK;
      if (text.startsWith('lock', start)) return LOCK;
      if (text.startsWith('mode', start)) return MODE;
      if (text.startsWith('site', start)) return SITE;
      if (text.startsWith('type', start)) return TYPE;
      if (text.startsWith('kind', start)) return KIND;
      if (text.startsWith('held', start)) return HELD;
      if (text.startsWith('nest', start)) return NEST;
      return 0;
    case 5:
      if (text.startsWith('class', start)) return CLASS;
      if (text.startsWith('write', start)) return WRITE;
      if (text.startsWith('stack', start)) return STACK;
      return 0;
    case 6:
      return text.startsWith('action', start) ? ACTION : 0;
    case 8:
      return text.startsWith('subclass', start) ? SUBCLASS : 0;
    default:
      return 0;
  }
}

/**
 * Parses and validates one trace line of the common shape, or returns undefined (then use
 * `JSON.parse` + `validateEvent`).
 */
export function fastParseEvent(line: string): TraceEvent | undefined {
  text = line;
  pos = 0;
  failed = false;
  // The writer's most common lines, `{"op":"acquire"|"release","task":T,"lock":L}`, take a
  // straight path that builds the object literal in one go.
  if (line.startsWith(ACQUIRE_PREFIX)) {
    const event = taskLockTail(ACQUIRE_PREFIX.length);
    if (event !== undefined) return { op: 'acquire', task: event.task, lock: event.lock };
    pos = 0;
    failed = false;
  } else if (line.startsWith(RELEASE_PREFIX)) {
    const event = taskLockTail(RELEASE_PREFIX.length);
    if (event !== undefined) return { op: 'release', task: event.task, lock: event.lock };
    pos = 0;
    failed = false;
  }
  return generalParse();
}

const ACQUIRE_PREFIX = '{"op":"acquire","task":';
const RELEASE_PREFIX = '{"op":"release","task":';
const LOCK_KEY = ',"lock":';

/** Reused result of taskLockTail (read immediately by the caller). */
const taskLock: { task: string | number; lock: string | number } = { task: '', lock: '' };

/** Parses `T,"lock":L}` at `start` to the end of the line, or returns undefined. */
function taskLockTail(start: number): { task: string | number; lock: string | number } | undefined {
  pos = start;
  const task = readId();
  if (failed || !text.startsWith(LOCK_KEY, pos)) return undefined;
  pos += LOCK_KEY.length;
  const lock = readId();
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- readId() sets `failed`; TypeScript keeps its narrowing from the check above
  if (failed || pos !== text.length - 1 || text.charCodeAt(pos) !== 125) return undefined;
  taskLock.task = task;
  taskLock.lock = lock;
  return taskLock;
}

/** Any key order and the optional fields; see the header for what it accepts. */
function generalParse(): TraceEvent | undefined {
  skipSpace();
  if (text.charCodeAt(pos) !== 123) return undefined;
  pos++;
  skipSpace();
  const event: Record<string, unknown> = {};
  let seen = 0;
  let op: string | undefined;
  if (text.charCodeAt(pos) === 125) return undefined; // {} has no op
  for (;;) {
    const keyEnd = plainStringEnd();
    if (keyEnd < 0) return undefined;
    const bit = keyBit(pos + 1, keyEnd - pos - 2);
    if (bit === 0 || (seen & bit) !== 0) return undefined;
    seen |= bit;
    pos = keyEnd;
    skipSpace();
    if (text.charCodeAt(pos) !== 58) return undefined;
    pos++;
    skipSpace();
    switch (bit) {
      case OP:
        op = readEnum(OPS);
        event['op'] = op;
        break;
      case TASK:
        event['task'] = readId();
        break;
      case LOCK:
        event['lock'] = readId();
        break;
      case NEST:
        event['nest'] = readId();
        break;
      case MODE:
        event['mode'] = readEnum(LOCK_MODES);
        break;
      case TYPE:
        event['type'] = readEnum(LOCK_TYPES);
        break;
      case KIND:
        event['kind'] = readEnum(IRQ_KINDS);
        break;
      case ACTION:
        event['action'] = readEnum(IRQ_ACTIONS);
        break;
      case HELD:
        event['held'] = readEnum(ASSERT_KINDS);
        break;
      case TRY:
        event['try'] = readBoolean();
        break;
      case WRITE:
        event['write'] = readBoolean();
        break;
      case CLASS:
        event['class'] = readString();
        break;
      case VAR:
        event['var'] = readString();
        break;
      case SITE:
        event['site'] = readString();
        break;
      case STACK:
        event['stack'] = readStack();
        break;
      case TS:
        event['ts'] = readNumber();
        if (!Number.isFinite(event['ts'])) failed = true;
        break;
      case SUBCLASS: {
        const subclass = readNumber();
        if (!Number.isInteger(subclass) || subclass < 0 || subclass > MAX_SUBCLASS) return undefined;
        event['subclass'] = subclass;
        break;
      }
    }
    if (failed) return undefined;
    skipSpace();
    const c = text.charCodeAt(pos++);
    if (c === 125) break;
    if (c !== 44) return undefined;
    skipSpace();
  }
  skipSpace();
  if (pos !== text.length || op === undefined) return undefined;
  const required = OP_REQUIRED.get(op);
  if (required === undefined || (seen & required) !== required) return undefined;
  return event as unknown as TraceEvent;
}
