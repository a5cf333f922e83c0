/**
 * The STD importer's reentrant holds (events/std-holds.ts): whatever a thread's holds look like
 * (the first four inline in its record, more in its overflow list, ended in any order), `enter`,
 * `leave`, `holds` and `justReleased` answer as a plain map from lock to hold count does.
 */
import { describe, expect, test as vitest } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { ReentrantHolds } from '../../src/events/std-holds.js';

type HoldOp = { op: 'enter' | 'leave' | 'holds'; lock: number };

const holdOp: fc.Arbitrary<HoldOp> = fc.record({
  op: fc.constantFrom<HoldOp['op']>('enter', 'enter', 'leave', 'holds'),
  // Up to 9 distinct locks, so that a thread often holds more than its four inline holds.
  lock: fc.integer({ min: 0, max: 8 }),
});

describe('a thread’s reentrant holds', () => {
  test.prop([fc.array(holdOp, { maxLength: 200 })], { numRuns: 300 })('answer as a map from lock to hold count', (ops) => {
    const holds = new ReentrantHolds();
    const names = Array.from({ length: 9 }, (_, i) => `L${i}`);
    const numbers = names.map((name) => holds.lockNumber(name));
    const mine = holds.thread('T1');
    const model = new Map<number, number>();
    let releasedLast = -1;
    for (const { op, lock } of ops) {
      const number = numbers[lock]!;
      const count = model.get(number) ?? 0;
      if (op === 'enter') {
        expect(holds.enter(mine, number)).toBe(count === 0);
        model.set(number, count + 1);
        releasedLast = -1;
      } else if (op === 'leave') {
        expect(holds.leave(mine, number)).toBe(count <= 1);
        if (count > 1) model.set(number, count - 1);
        else model.delete(number);
        releasedLast = count === 1 ? number : -1;
      } else {
        expect(holds.holds(mine, number)).toBe(count > 0);
      }
      expect(holds.justReleased(mine, number)).toBe(releasedLast === number);
    }
    for (const number of numbers) expect(holds.holds(mine, number)).toBe(model.has(number));
  });

  vitest('holds ended last-taken-first (the usual rel) free their places for the next holds', () => {
    const holds = new ReentrantHolds();
    const mine = holds.thread('T1');
    const [a, b, c, d, e] = ['A', 'B', 'C', 'D', 'E'].map((name) => holds.lockNumber(name)) as [number, number, number, number, number];
    for (const lock of [a, b, c, d]) expect(holds.enter(mine, lock)).toBe(true);
    expect(holds.enter(mine, d)).toBe(false); // nested in the last place: its end is counted, not done
    expect(holds.leave(mine, d)).toBe(false);
    expect(holds.leave(mine, d)).toBe(true);
    expect(holds.justReleased(mine, d)).toBe(true);
    expect(holds.leave(mine, c)).toBe(true);
    expect(holds.enter(mine, e)).toBe(true);
    expect(holds.enter(mine, c)).toBe(true);
    expect([a, b, c, d, e].map((lock) => holds.holds(mine, lock))).toEqual([true, true, true, false, true]);
    for (const lock of [c, e, b, a]) expect(holds.leave(mine, lock)).toBe(true);
    expect([a, b, c, d, e].map((lock) => holds.holds(mine, lock))).toEqual([false, false, false, false, false]);
    expect(holds.leave(mine, a)).toBe(true); // not held any more: an unbalanced release
    expect(holds.justReleased(mine, a)).toBe(false);
  });

  vitest('six nested locks, released from the middle out, leave exactly the others held', () => {
    const holds = new ReentrantHolds();
    const mine = holds.thread('T1');
    const locks = ['A', 'B', 'C', 'D', 'E', 'F'].map((name) => holds.lockNumber(name));
    for (const lock of locks) expect(holds.enter(mine, lock)).toBe(true);
    expect(holds.enter(mine, locks[5]!)).toBe(false); // nested: counted
    expect(holds.leave(mine, locks[2]!)).toBe(true);
    expect(holds.leave(mine, locks[5]!)).toBe(false); // the outer hold remains
    expect(holds.leave(mine, locks[0]!)).toBe(true);
    expect(locks.map((lock) => holds.holds(mine, lock))).toEqual([false, true, false, true, true, true]);
    expect(holds.leave(mine, locks[5]!)).toBe(true);
    expect(holds.leave(mine, locks[5]!)).toBe(true); // not held any more: an unbalanced release
    expect(locks.map((lock) => holds.holds(mine, lock))).toEqual([false, true, false, true, true, false]);
  });
});
