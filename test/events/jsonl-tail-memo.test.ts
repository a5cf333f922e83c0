/**
 * The JSONL lane's tail memo (src/events/jsonl-tail-memo.ts) on its own: the head it accepts, a
 * record per lock id and op (keyed by a short id's bytes, or by a long id's id-cache index), a
 * tail found only with its exact bytes (compared eight bytes at a time: tails that differ only in
 * their first or last eight bytes, in one byte of a short tail, or by a non-ASCII byte), a
 * plain-integer `ts` and the closing brace, four ways per lock and op replaced oldest first, and
 * the start-over when the kept tails pass their bound or the id cache starts over.
 */
import { describe, expect, test } from 'vitest';
import { plainEnd } from '../../src/events/jsonl-line-scan.js';
import { JsonlTailMemo, TAIL_ACQUIRE, TAIL_RELEASE } from '../../src/events/jsonl-tail-memo.js';

/** The line in a buffer with other bytes around it, as in a read block. */
function block(line: string): { bytes: Buffer; start: number; end: number } {
  const bytes = Buffer.from(`zz\n${line}\nzz`, 'latin1');
  return { bytes, start: 3, end: bytes.length - 3 };
}

/** Remembers `tail` for the lock `id` (id-cache index `lock`) and op `slot`, as the lane does after a scan. */
function remember(memo: JsonlTailMemo, id: string, lock: number, slot: number, tail: string, site: string): void {
  const bytes = Buffer.from(`x"${id}"${tail}}yyyyyyyy`, 'latin1');
  const lockStart = 2;
  const lockEnd = lockStart + id.length;
  memo.remember(bytes, lockStart, lockEnd, lock, slot, lockEnd + 1, lockEnd + 1 + tail.length, 0b101, 1, true, site);
}

/** The entry `line` finds (-1: no head, no record or no tail); `lock` is its lock's id-cache index, used for long ids. */
function lookUp(memo: JsonlTailMemo, line: string, lock = -1): number {
  const { bytes, start, end } = block(line);
  if (!memo.head(bytes, start, end, plainEnd)) return -1;
  const record = memo.record(bytes, lock);
  return record < 0 ? -1 : memo.tail(record, bytes, end);
}

const TAIL = ',"mode":"read","site":"s+0x1/0x2","stack":["f+0x1/0x10","g"]';
const acquireLine = (lock: string, tail: string, ending = '}'): string => `{"op":"acquire","task":"t1","lock":"${lock}"${tail}${ending}`;

describe('JSONL tail memo', () => {
  test('reads the head: op, task and lock positions', () => {
    const memo = new JsonlTailMemo();
    const { bytes, start, end } = block(`{"op":"release","task":"t12","lock":"L4122"${TAIL}}`);
    expect(memo.head(bytes, start, end, plainEnd)).toBe(true);
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
      expect(memo.head(other.bytes, other.start, other.end, plainEnd), line).toBe(false);
    }
  });

  test('finds a tail only with its exact bytes, then nothing or a plain integer `ts`, then the closing brace', () => {
    const memo = new JsonlTailMemo();
    remember(memo, 'L3', 3, TAIL_ACQUIRE, TAIL, 'site');
    const entry = lookUp(memo, acquireLine('L3', TAIL));
    expect(entry).toBeGreaterThanOrEqual(0);
    expect([memo.mode(entry), memo.trylock(entry), memo.seen(entry), memo.sites[entry]]).toEqual([1, true, 0b101, 'site']);
    const { bytes, start, end } = block(acquireLine('L3', TAIL));
    memo.head(bytes, start, end, plainEnd);
    expect(memo.lock(memo.record(bytes, -1))).toBe(3);
    for (const ending of [',"ts":0}', ',"ts":-7}', ',"ts":-0}', ',"ts":123456789012345}']) expect(lookUp(memo, acquireLine('L3', TAIL, ending)), ending).toBe(entry);
    for (const ending of [
      ',"ts":1234567890123456}', ',"ts":1.5}', ',"ts":1e3}', ',"ts":01}', ',"ts":-}', ',"ts":}', ',"ts":1,"ts":2}', ' }', '}}', ',"ts":1 }',
      // The closing brace is checked, with a `ts` or without.
      ']', ',"ts":2]', ',"ts":2', '', ',"ts":2}x',
    ]) {
      expect(lookUp(memo, acquireLine('L3', TAIL, ending)), ending).toBe(-1);
    }
    expect(lookUp(memo, acquireLine('L3', TAIL.replace('g', 'h')))).toBe(-1);
    expect(lookUp(memo, acquireLine('L3', TAIL.replace('mode', 'mod\\u0065')))).toBe(-1);
    expect(lookUp(memo, acquireLine('L3', TAIL.slice(0, -1)))).toBe(-1);
    // Another lock, or the other op, has no record yet.
    expect(lookUp(memo, acquireLine('L4', TAIL))).toBe(-1);
    expect(lookUp(memo, acquireLine('L', TAIL))).toBe(-1);
    expect(lookUp(memo, acquireLine('L33', TAIL))).toBe(-1);
    expect(lookUp(memo, `{"op":"release","task":"t1","lock":"L3"${TAIL}}`)).toBe(-1);
  });

  test('compares every byte of a tail: its first and last eight, one byte of a short tail, a non-ASCII byte, an equal length', () => {
    const memo = new JsonlTailMemo();
    // Lengths around the eight-byte words: 0-7 (byte by byte), 8, 9, 15-17, 24, 25, 26, 110.
    const letters = 'abcdefghij'.repeat(11);
    const tails = [0, 1, 7, 8, 9, 15, 16, 17, 24, 25, 26, 110].map((length) => (length < 8 ? letters.slice(0, length) : `,"site":"${letters.slice(0, length - 10)}"`));
    tails.forEach((tail, lock) => remember(memo, `L${lock}`, lock, TAIL_RELEASE, tail, tail));
    tails.forEach((tail, lock) => {
      const line = (text: string): string => `{"op":"release","task":"t1","lock":"L${lock}"${text},"ts":5}`;
      const entry = lookUp(memo, line(tail));
      expect(memo.sites[entry], tail).toBe(tail);
      for (let at = 0; at < tail.length; at++) {
        for (const replacement of ['Z', '\u00e9', '\u00ff', '\u0080']) {
          if (tail[at] === replacement) continue;
          const changed = `${tail.slice(0, at)}${replacement}${tail.slice(at + 1)}`;
          expect(lookUp(memo, line(changed)), `${changed} (byte ${at})`).toBe(-1);
        }
      }
      // A tail of the same length with other bytes, and one a byte longer or shorter.
      expect(lookUp(memo, line(tail.replace(/[a-j]/g, 'x')))).toBe(tail.search(/[a-j]/) < 0 ? entry : -1);
      expect(lookUp(memo, line(`${tail}x`))).toBe(-1);
      if (tail.length > 0) expect(lookUp(memo, line(tail.slice(1)))).toBe(-1);
    });
  });

  test('keeps no tail with a byte outside printable ASCII (its exactness as eight-byte doubles rests on that)', () => {
    const memo = new JsonlTailMemo();
    for (const odd of ['\u0000', '\u001f', '\u007f', '\u0080', '\u00ff']) {
      const tail = `,"site":"abcdefgh${odd}ijklmnop"`;
      remember(memo, 'L1', 1, TAIL_ACQUIRE, tail, 'x');
      expect(lookUp(memo, acquireLine('L1', tail)), JSON.stringify(odd)).toBe(-1);
    }
  });

  test('keys a lock id of up to eight bytes by its bytes, a longer one by its id-cache index', () => {
    const memo = new JsonlTailMemo();
    const short = 'L1234567';
    const long = 'ffff888100a3c2d0';
    remember(memo, short, 7, TAIL_ACQUIRE, TAIL, 'short');
    remember(memo, long, 9, TAIL_ACQUIRE, TAIL, 'long');
    expect(memo.sites[lookUp(memo, acquireLine(short, TAIL))]).toBe('short');
    expect(lookUp(memo, acquireLine('L1234568', TAIL))).toBe(-1);
    expect(lookUp(memo, acquireLine('L123456', TAIL))).toBe(-1);
    expect(memo.sites[lookUp(memo, acquireLine(long, TAIL), 9)]).toBe('long');
    // A long id is the index the caller looked up: another index has no record.
    expect(lookUp(memo, acquireLine(long, TAIL), 8)).toBe(-1);
  });

  test('keeps four tails per lock and op, replacing the oldest', () => {
    const memo = new JsonlTailMemo();
    const tails = [1, 2, 3, 4, 5].map((n) => `,"site":"s${n}"`);
    for (const tail of tails) remember(memo, 'L0', 0, TAIL_RELEASE, tail, tail);
    const found = tails.map((tail) => lookUp(memo, `{"op":"release","task":"t1","lock":"L0"${tail},"ts":9}`));
    expect(found[0]).toBe(-1);
    expect(found.slice(1).every((entry) => entry >= 0)).toBe(true);
    expect(found.slice(1).map((entry) => memo.sites[entry])).toEqual(tails.slice(1));
  });

  test('starts over past its bound of kept bytes, grows for many locks, and starts over with the id cache', () => {
    const tail = `,"site":"${'x'.repeat(90)}"`;
    const memo = new JsonlTailMemo((tail.length + 4) * 10);
    for (let lock = 0; lock < 10; lock++) remember(memo, `L${lock}`, lock, TAIL_ACQUIRE, tail, 'x');
    expect(lookUp(memo, acquireLine('L0', tail))).toBeGreaterThanOrEqual(0);
    remember(memo, 'L5000', 5000, TAIL_ACQUIRE, tail, 'x');
    expect(lookUp(memo, acquireLine('L5000', tail))).toBeGreaterThanOrEqual(0);
    for (const lock of [0, 9]) expect(lookUp(memo, acquireLine(`L${lock}`, tail)), `lock ${lock}`).toBe(-1);
    remember(memo, 'L9', 9, TAIL_ACQUIRE, tail, 'y');
    expect(memo.sites[lookUp(memo, acquireLine('L9', tail))]).toBe('y');
    // Thousands of locks: the directory grows and keeps every record.
    const big = new JsonlTailMemo();
    for (let lock = 0; lock < 5000; lock++) remember(big, `M${lock}`, lock, lock % 2, `,"site":"s${lock}"`, `s${lock}`);
    for (let lock = 0; lock < 5000; lock += 499) {
      const op = lock % 2 === TAIL_ACQUIRE ? 'acquire' : 'release';
      const entry = lookUp(big, `{"op":"${op}","task":"t","lock":"M${lock}","site":"s${lock}"}`);
      expect(big.sites[entry], `M${lock}`).toBe(`s${lock}`);
    }
    big.follow(0);
    expect(lookUp(big, `{"op":"acquire","task":"t","lock":"M0","site":"s0"}`)).toBeGreaterThanOrEqual(0);
    big.follow(1);
    expect(lookUp(big, `{"op":"acquire","task":"t","lock":"M0","site":"s0"}`)).toBe(-1);
  });
});
