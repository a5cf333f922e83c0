/**
 * The checker's tallies for `lockdep infer` (src/infer/observations.ts): new chains are logged
 * during the check and tallied when the tallies are first read. The tallies count what the
 * chains held (one count per class, its innermost hold's depth, write if any hold wrote), an
 * access in the middle of the logged chains leaves them as they were, and reading the tallies
 * in the middle of a run gives the same end result as reading them once at the end.
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { Validator } from '../../src/engine/validator.js';
import type { TraceEvent } from '../../src/events/event.js';
import { Observations } from '../../src/infer/observations.js';
import { acq, rel } from '../engine/trace-builder.js';
import { programArbitrary } from '../property/program.js';

const FILE = 'test.jsonl';

/** Runs `events`, reading the tallies after each event listed in `readAfter`; the observer. */
function observe(events: readonly TraceEvent[], readAfter: ReadonlySet<number> = new Set()): Observations {
  const observations = new Observations();
  const validator = new Validator({ file: FILE, hooks: [observations.hooks()] });
  events.forEach((event, index) => {
    validator.process(event, { file: FILE, line: index + 1 });
    // Reading a tally tallies the chains logged so far.
    if (readAfter.has(index)) {
      observations.tallyLoggedChains();
      expect(observations.loggedChains).toBe(0);
    }
  });
  validator.end();
  return observations;
}

/** The tallies as plain data (task sets as sorted lists). */
function tallies(observations: Observations): unknown {
  const tasks = (set: { names(): Iterable<string> }): string[] => [...set.names()].sort();
  const chains = observations.chains;
  return {
    nesting: [...chains.nestingOrder()].map((pair) => [chains.classes.names[chains.pairOuterClass(pair)], chains.classes.names[chains.pairInnerClass(pair)], chains.pairCountOf(pair), chains.pairTaskNames(pair).sort(), chains.pairFirstAt(pair).line]),
    acquired: chains.tallyClass.map((cls, tally) => {
      const t = chains.heldTally(tally);
      return [chains.classes.names[cls], t.count, tasks(t.tasks), t.firstAt.line, [...t.held].sort(), [...(t.sets?.values() ?? [])].map((set) => [[...set.classes].sort(), set.count])];
    }),
    accesses: [...observations.accesses].map(([key, t]) => [key, t.count, tasks(t.tasks), [...t.held]]),
  };
}

describe('Observations', () => {
  test('chains and accesses tallied: held classes once each, innermost depth, write if any hold wrote', () => {
    const events: TraceEvent[] = [
      acq('t1', 'A', 'read'),
      acq('t1', 'B'),
      acq('t1', 'A2', 'write', { class: 'A' }),
      { op: 'access', task: 't1', var: 'x', write: true },
      acq('t1', 'C'),
      rel('t1', 'C'),
      rel('t1', 'A2'),
      rel('t1', 'B'),
      rel('t1', 'A'),
      acq('t2', 'B'),
      acq('t2', 'C'),
    ];
    const observations = observe(events);
    // C was taken under A (twice: innermost at depth 0, written by A2), B (depth 1), then under B alone.
    const chains = observations.chains;
    const takenC = chains.heldTally(chains.tallyOfName('C'));
    expect(takenC).toMatchObject({ count: 2, held: new Map([['A', { any: 1, write: 1, depthSum: 0 }], ['B', { any: 2, write: 2, depthSum: 1 }]]) });
    expect(takenC.tasks.size).toBe(2);
    expect(observations.accesses.get('x\u0000w')).toMatchObject({ count: 1, held: new Map([['A', { any: 1, write: 1, depthSum: 0 }], ['B', { any: 1, write: 1, depthSum: 1 }]]) });
    const pairBC = chains.pairOfNames('B', 'C');
    expect([chains.pairCountOf(pairBC), chains.pairFirstAt(pairBC).line]).toEqual([2, 5]);
    const pairAB = chains.pairOfNames('A', 'B');
    expect([chains.pairCountOf(pairAB), chains.pairFirstAt(pairAB).line]).toEqual([1, 2]);
    // A is held twice (A and A2) around C's first chain: its nesting counts both holds, its held count one.
    expect(chains.pairCountOf(chains.pairOfNames('A', 'C'))).toBe(2);
    expect(chains.pairOfNames('C', 'A')).toBe(-1);
  });

  test.prop([programArbitrary, fc.array(fc.nat(200), { maxLength: 5 })], { numRuns: 100 })('reading the tallies mid-run gives the same end tallies', (program, reads) => {
    expect(tallies(observe(program.events, new Set(reads)))).toEqual(tallies(observe(program.events)));
  });
});
