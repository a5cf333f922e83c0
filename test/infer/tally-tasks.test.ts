/**
 * The distinct tasks of many tallies in flat arrays (src/infer/tally-tasks.ts): a first task,
 * a short shared list, then a Set past 8 tasks. Whatever the interleaving of tallies and the
 * repeats, each tally's size and list are what a Set per tally gives (the first task first).
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { TallyTasks } from '../../src/infer/tally-tasks.js';

const addArbitrary = fc.record({ tally: fc.nat(3), task: fc.nat(24) });

describe('TallyTasks', () => {
  test.prop([fc.array(fc.nat(24), { minLength: 4, maxLength: 4 }), fc.array(addArbitrary, { maxLength: 200 })])(
    'each tally counts and lists its distinct tasks, as a Set would',
    (firsts, adds) => {
      const tasks = new TallyTasks();
      const expected = firsts.map((first) => new Set([first]));
      for (const first of firsts) tasks.open(first);
      for (const { tally, task } of adds) {
        tasks.add(tally, task);
        expected[tally]!.add(task);
      }
      expected.forEach((set, tally) => {
        expect(tasks.size(tally)).toBe(set.size);
        const listed = tasks.list(tally);
        expect(listed[0]).toBe(firsts[tally]);
        expect([...listed].sort((a, b) => a - b)).toEqual([...set].sort((a, b) => a - b));
      });
    },
  );
});
