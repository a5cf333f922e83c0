/**
 * A tally's distinct tasks (src/infer/tally.ts `TaskSet`): the first one, then a short
 * array, then a Set past LISTED_TASKS. Whatever the sequence (repeats, more tasks than the
 * array holds), it lists each task once in the order first seen, as a Set would, and its copies
 * and unions say the same.
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { TaskSet } from '../../src/infer/tally.js';

const taskArbitrary = fc.integer({ min: 0, max: 20 }).map((n) => `t${n}`);

function taskSetOf(tasks: readonly string[]): TaskSet {
  const set = new TaskSet(tasks[0]!);
  for (const task of tasks.slice(1)) set.add(task);
  return set;
}

describe('TaskSet', () => {
  test.prop([fc.array(taskArbitrary, { minLength: 1, maxLength: 60 }), fc.array(taskArbitrary, { minLength: 1, maxLength: 30 })])(
    'each task once, in the order first seen; copy and union agree with a Set',
    (tasks, others) => {
      const set = taskSetOf(tasks);
      const expected = new Set(tasks);
      expect([...set.names()]).toEqual([...expected]);
      expect(set.size).toBe(expected.size);
      const copy = set.copy();
      copy.addAll(taskSetOf(others));
      expect([...copy.names()]).toEqual([...new Set([...tasks, ...others])]);
      expect([...set.names()]).toEqual([...expected]); // the copy is its own
    },
  );
});
