/**
 * The JSONL lane's tail memo (src/events/jsonl-tail-memo.ts) on its own: the head it accepts, a
 * tail found only with its exact bytes (compared eight bytes at a time: tails that differ only in
 * their first or last eight bytes, in one byte of a short tail, or by a non-ASCII byte), a
 * plain-integer `ts` and the closing brace, four ways per lock and op replaced oldest first, and
 * the start-over when the kept tails pass their bound.
 */
import { describe, expect, test } from 'vitest';
import { JsonlTailMemo, TAIL_ACQUIRE, TAIL_RELEASE, TAIL_SLOT_WORDS } from '../../src/events/jsonl-tail-memo.js';

/** The line in a buffer with other bytes around it, as in a read block. */
function block(line: string): { bytes: Buffer; start: number; end: number } {
  const bytes = Buffer.from(`zz\n${line}\nzz`, 'latin1');
  return { bytes, start: 3, end: bytes.length - 3 };
}

/** The id-cache slots a memo keeps its ways in (here lock index N has slot N). */
const slotsOf = new WeakMap<JsonlTailMemo, Int32Array>();
function slots(memo: JsonlTailMemo): Int32Array {
  let table = slotsOf.get(memo);
  if (table === undefined) slotsOf.set(memo, (table = new Int32Array(6000 * TAIL_SLOT_WORDS)));
  return table;
}

/** Remembers `tail` for lock index `lock` and op `slot`, as the lane does after a scan. */
function remember(memo: JsonlTailMemo, lock: number, slot: number, tail: string, site: string, subclass = 0): void {
  const bytes = Buffer.from(`xx${tail}yy`, 'latin1');
  memo.remember(lock, slots(memo), lock * TAIL_SLOT_WORDS, slot, bytes, 2, 2 + tail.length, 0b101, 1, true, subclass, site);
}

/** The entry `line` finds for lock index `lock` (-1: no head or no tail). */
function lookUp(memo: JsonlTailMemo, line: string, lock: number): number {
  const { bytes, start, end } = block(line);
  if (!memo.head(bytes, start, end)) return -1;
  return memo.tail(lock, slots(memo), lock * TAIL_SLOT_WORDS, bytes, end);
}

const TAIL = ',"mode":"read","site":"s+0x1/0x2","stack":["f+0x1/0x10","g"]';
const acquireLine = (tail: string, ending = '}'): string => `{"op":"acquire","task":"t1","lock":"L"${tail}${ending}`;

describe('JSONL tail memo', () => {
  test('reads the head: op, task and lock positions', () => {
    const memo = new JsonlTailMemo();
    const { bytes, start, end } = block(`{"op":"release","task":"t12","lock":"L4122"${TAIL}}`);
    expect(memo.head(bytes, start, end)).toBe(true);
    expect(memo.slot).toBe(TAIL_RELEASE);
    expect(bytes.toString('latin1', memo.taskStart, memo.taskEnd)).toBe('t12');
    expect(bytes.toString('latin1', memo.lockStart, memo.lockEnd)).toBe('L4122');
    for (const line of [
      `{"op":"acquire","lock":"L1","task":"t1"${TAIL}}`,
      `{"op":"init","task":"t1","lock":"L1"${TAIL}}`,
      `{"op":"acquire","task":"","lock":"L1"${TAIL}}`,
      `{"op":"acquire","task":"t\\u0031","lock":"L1"${TAIL}}`,
      `{"op":"acquire", "task":"t1","lock":"L1"${TAIL}}`,
    ]) {
      const other = block(line);
      expect(memo.head(other.bytes, other.start, other.end), line).toBe(false);
    }
  });

  test('finds a tail only with its exact bytes, then nothing or a plain integer `ts`, then the closing brace', () => {
    const memo = new JsonlTailMemo();
    remember(memo, 3, TAIL_ACQUIRE, TAIL, 'site');
    const entry = lookUp(memo, acquireLine(TAIL), 3);
    expect(entry).toBeGreaterThanOrEqual(0);
    expect([memo.mode(), memo.trylock(), memo.subclass(), memo.seen(), memo.sites[entry]]).toEqual([1, true, 0, 0b101, 'site']);
    for (const ending of [',"ts":0}', ',"ts":-7}', ',"ts":-0}', ',"ts":123456789012345}']) expect(lookUp(memo, acquireLine(TAIL, ending), 3), ending).toBe(entry);
    for (const ending of [
      ',"ts":1234567890123456}', ',"ts":1.5}', ',"ts":1e3}', ',"ts":01}', ',"ts":-}', ',"ts":}', ',"ts":1,"ts":2}', ' }', '}}', ',"ts":1 }',
      // The closing brace is checked, with a `ts` or without.
      ']', ',"ts":2]', ',"ts":2', '', ',"ts":2}x',
    ]) {
      expect(lookUp(memo, acquireLine(TAIL, ending), 3), ending).toBe(-1);
    }
    expect(lookUp(memo, acquireLine(TAIL.replace('g', 'h')), 3)).toBe(-1);
    expect(lookUp(memo, acquireLine(TAIL.replace('mode', 'mod\\u0065')), 3)).toBe(-1);
    expect(lookUp(memo, acquireLine(TAIL.slice(0, -1)), 3)).toBe(-1);
    // Another lock, or the other op, has no tail yet.
    expect(lookUp(memo, acquireLine(TAIL), 4)).toBe(-1);
    expect(lookUp(memo, `{"op":"release","task":"t1","lock":"L"${TAIL}}`, 3)).toBe(-1);
  });

  test('compares every byte of a tail: its first and last eight, one byte of a short tail, a non-ASCII byte, an equal length', () => {
    const memo = new JsonlTailMemo();
    // Lengths around the eight-byte words: 0-7 (byte by byte), 8, 9, 15-17, 24-26, 110.
    const letters = 'abcdefghij'.repeat(11);
    const tails = [0, 1, 7, 8, 9, 15, 16, 17, 24, 25, 26, 110].map((length) => (length < 8 ? letters.slice(0, length) : `,"site":"${letters.slice(0, length - 10)}"`));
    tails.forEach((tail, lock) => remember(memo, lock, TAIL_RELEASE, tail, tail));
    tails.forEach((tail, lock) => {
      const line = (text: string): string => `{"op":"release","task":"t1","lock":"L"${text},"ts":5}`;
      const entry = lookUp(memo, line(tail), lock);
      expect(memo.sites[entry], tail).toBe(tail);
      for (let at = 0; at < tail.length; at++) {
        for (const replacement of ['Z', '\u00e9', '\u00ff', '\u0080']) {
          const changed = `${tail.slice(0, at)}${replacement}${tail.slice(at + 1)}`;
          expect(lookUp(memo, line(changed), lock), `${changed} (byte ${at})`).toBe(-1);
        }
      }
      // A tail of the same length with other bytes, and one a byte longer or shorter.
      if (tail.length > 0) expect(lookUp(memo, line(tail.replace(/[a-j]/g, 'x')), lock)).toBe(-1);
      expect(lookUp(memo, line(`${tail}x`), lock)).toBe(-1);
      if (tail.length > 0) expect(lookUp(memo, line(tail.slice(1)), lock)).toBe(-1);
    });
  });

  test('keeps no tail with a byte outside printable ASCII (its exactness as eight-byte doubles rests on that)', () => {
    const memo = new JsonlTailMemo();
    for (const odd of ['\u0000', '\u001f', '\u007f', '\u0080', '\u00ff']) {
      const tail = `,"site":"abcdefgh${odd}ijklmnop"`;
      remember(memo, 1, TAIL_ACQUIRE, tail, 'x');
      expect(lookUp(memo, acquireLine(tail), 1), JSON.stringify(odd)).toBe(-1);
    }
  });

  test('keeps four tails per lock and op, replacing the oldest', () => {
    const memo = new JsonlTailMemo();
    const tails = [1, 2, 3, 4, 5].map((n) => `,"site":"s${n}"`);
    for (const tail of tails) remember(memo, 0, TAIL_RELEASE, tail, tail);
    const found = tails.map((tail) => lookUp(memo, `{"op":"release","task":"t1","lock":"L0"${tail},"ts":9}`, 0));
    expect(found[0]).toBe(-1);
    expect(found.slice(1).every((entry) => entry >= 0)).toBe(true);
    expect(found.slice(1).map((entry) => memo.sites[entry])).toEqual(tails.slice(1));
  });

  test('keeps tails up to 2046 bytes, in records reused by shorter tails and moved for longer ones', () => {
    const memo = new JsonlTailMemo();
    const tailOf = (length: number): string => `,"site":"${'s'.repeat(length - 10)}"`;
    for (const length of [2046, 2047, 5000]) {
      const tail = tailOf(length);
      remember(memo, 1, TAIL_RELEASE, tail, `site ${length}`);
      const entry = lookUp(memo, `{"op":"release","task":"t1","lock":"L"${tail}}`, 1);
      if (length <= 2046) expect(memo.sites[entry], `${length}`).toBe(`site ${length}`);
      else expect(entry, `${length}`).toBe(-1);
    }
    // One way, written again and again: a shorter tail in the same record, a longer one in a new one.
    for (const [length, subclass] of [[40, 1], [20, 2], [60, 3], [12, 4]] as const) {
      for (let way = 0; way < 4; way++) remember(memo, 2, TAIL_ACQUIRE, tailOf(length), `site ${length}`, subclass);
      const entry = lookUp(memo, acquireLine(tailOf(length)), 2);
      expect([memo.sites[entry], memo.subclass(), memo.mode(), memo.trylock()]).toEqual([`site ${length}`, subclass, 1, true]);
      expect(lookUp(memo, acquireLine(tailOf(length + 1)), 2)).toBe(-1);
    }
  });

  test('starts over past its bound of kept bytes, and grows for many locks', () => {
    const tail = `,"site":"${'x'.repeat(90)}"`;
    // Room for ten tails with their records' headers, not eleven.
    const memo = new JsonlTailMemo(tail.length * 11);
    const line = acquireLine(tail);
    for (let lock = 0; lock < 10; lock++) remember(memo, lock, TAIL_ACQUIRE, tail, 'x');
    expect(lookUp(memo, line, 0)).toBeGreaterThanOrEqual(0);
    remember(memo, 5000, TAIL_ACQUIRE, tail, 'x');
    expect(lookUp(memo, line, 5000)).toBeGreaterThanOrEqual(0);
    for (const lock of [0, 9]) expect(lookUp(memo, line, lock), `lock ${lock}`).toBe(-1);
    remember(memo, 9, TAIL_ACQUIRE, tail, 'y');
    expect(memo.sites[lookUp(memo, line, 9)]).toBe('y');
  });
});
