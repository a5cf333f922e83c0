/**
 * The JSONL lane's tail memo (src/events/jsonl-tail-memo.ts) on its own: the head it accepts, a
 * tail found only with its exact bytes and a plain-integer `ts`, four ways per lock and op
 * replaced oldest first, and the start-over when the kept tails pass their bound.
 */
import { describe, expect, test } from 'vitest';
import { plainEnd } from '../../src/events/jsonl-line-scan.js';
import { JsonlTailMemo, TAIL_ACQUIRE, TAIL_RELEASE } from '../../src/events/jsonl-tail-memo.js';

/** The line in a buffer with other bytes around it, as in a read block. */
function block(line: string): { bytes: Buffer; start: number; end: number } {
  const bytes = Buffer.from(`zz\n${line}\nzz`, 'latin1');
  return { bytes, start: 3, end: bytes.length - 3 };
}

/** Remembers `tail` for lock index `lock` as the scan would after `line`'s head. */
function remember(memo: JsonlTailMemo, lock: number, slot: number, tail: string, site: string): void {
  const bytes = Buffer.from(`xx${tail}yy`, 'latin1');
  memo.remember(lock, slot, bytes, 2, 2 + tail.length, 0b101, 1, true, site);
}

/** The entry `line` finds for lock index `lock` (-1: no head or no tail). */
function lookUp(memo: JsonlTailMemo, line: string, lock: number): number {
  const { bytes, start, end } = block(line);
  if (!memo.head(bytes, start, end, plainEnd)) return -1;
  return memo.tail(lock, bytes, end);
}

const TAIL = ',"mode":"read","site":"s+0x1/0x2","stack":["f+0x1/0x10","g"]';

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

  test('finds a tail only with its exact bytes, then nothing or a plain integer `ts`', () => {
    const memo = new JsonlTailMemo();
    remember(memo, 3, TAIL_ACQUIRE, TAIL, 'site');
    const line = (tail: string, ending: string): string => `{"op":"acquire","task":"t1","lock":"L"${tail}${ending}`;
    const entry = lookUp(memo, line(TAIL, '}'), 3);
    expect(entry).toBeGreaterThanOrEqual(0);
    expect([memo.mode(entry), memo.trylock(entry), memo.seen(entry), memo.sites[entry]]).toEqual([1, true, 0b101, 'site']);
    for (const ending of [',"ts":0}', ',"ts":-7}', ',"ts":123456789012345}']) expect(lookUp(memo, line(TAIL, ending), 3), ending).toBe(entry);
    for (const ending of [',"ts":1234567890123456}', ',"ts":1.5}', ',"ts":1e3}', ',"ts":01}', ',"ts":-}', ',"ts":}', ',"ts":1,"ts":2}', ' }', '}}', ',"ts":1 }']) {
      expect(lookUp(memo, line(TAIL, ending), 3), ending).toBe(-1);
    }
    expect(lookUp(memo, line(TAIL.replace('g', 'h'), '}'), 3)).toBe(-1);
    expect(lookUp(memo, line(TAIL.replace('mode', 'mod\\u0065'), '}'), 3)).toBe(-1);
    expect(lookUp(memo, line(TAIL.slice(0, -1), '}'), 3)).toBe(-1);
    // Another lock, or the other op, has no tail yet.
    expect(lookUp(memo, line(TAIL, '}'), 4)).toBe(-1);
    expect(lookUp(memo, `{"op":"release","task":"t1","lock":"L"${TAIL}}`, 3)).toBe(-1);
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

  test('starts over past its bound of kept bytes, and grows for many locks', () => {
    const tail = `,"site":"${'x'.repeat(90)}"`;
    const memo = new JsonlTailMemo(tail.length * 10);
    const line = `{"op":"acquire","task":"t1","lock":"L"${tail}}`;
    for (let lock = 0; lock < 10; lock++) remember(memo, lock, TAIL_ACQUIRE, tail, 'x');
    expect(lookUp(memo, line, 0)).toBeGreaterThanOrEqual(0);
    remember(memo, 5000, TAIL_ACQUIRE, tail, 'x');
    expect(lookUp(memo, line, 5000)).toBeGreaterThanOrEqual(0);
    for (const lock of [0, 9]) expect(lookUp(memo, line, lock), `lock ${lock}`).toBe(-1);
    remember(memo, 9, TAIL_ACQUIRE, tail, 'x');
    expect(memo.sites[lookUp(memo, line, 9)]).toBe('x');
  });
});
