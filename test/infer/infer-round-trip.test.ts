/**
 * Round-trip properties of `lockdep infer`: random lock programs -> infer -> the proposal loads
 * (as `rules lint` loads it) and, checked against the program it came from, gives no rule
 * finding. Three generators: programs that follow one global order (then every proposed order
 * pair follows it too, and there is no cycle), the same with every access under two guard
 * classes (then every guarded-by proposal is a lockset of two classes or more, written as one
 * rule per class), and the oracle's arbitrary programs (trylocks, nest locks, subclasses, irq
 * contexts, out-of-order releases, frees, exits) with accesses.
 */
import { fc, test } from '@fast-check/vitest';
import { afterAll, describe, expect } from 'vitest';
import type { LockMode, LockType, TraceEvent } from '../../src/events/event.js';
import { programArbitrary, programText } from '../property/program.js';
import { inferFrom, ruleFindingsOf, rulesOf } from './infer-of.js';

const TYPES: readonly LockType[] = ['mutex', 'rwsem', 'spinlock', 'rwlock', 'map'];

interface Section {
  task: number;
  /** Class indexes to take, any order: the program takes them sorted (the global order). */
  locks: number[];
  modes: LockMode[];
  trylock: boolean[];
  /** Variables accessed at the innermost point, and whether written. */
  accesses: Array<{ variable: number; write: boolean }>;
  /** Release innermost first, or outermost first. */
  stackOrder: boolean;
}

const sectionArbitrary: fc.Arbitrary<Section> = fc.record({
  task: fc.nat(3),
  locks: fc.uniqueArray(fc.nat(7), { minLength: 1, maxLength: 4 }),
  modes: fc.array(fc.constantFrom<LockMode>('write', 'read', 'recursive-read'), { minLength: 6, maxLength: 6 }),
  trylock: fc.array(fc.integer({ min: 0, max: 5 }).map((n) => n === 0), { minLength: 6, maxLength: 6 }),
  accesses: fc.array(fc.record({ variable: fc.nat(2), write: fc.boolean() }), { maxLength: 2 }),
  stackOrder: fc.boolean(),
});

/** A program whose every task takes its locks in one global order (class L0 before L1 ...). */
function globalOrderProgram(types: readonly LockType[], sections: readonly Section[]): TraceEvent[] {
  const events: TraceEvent[] = types.map((type, index) => ({ op: 'init', lock: `L${index}`, type }));
  for (const section of sections) {
    const task = `T${section.task}`;
    const locks = [...section.locks].sort((a, b) => a - b).map((index) => `L${index}`);
    locks.forEach((lock, at) => {
      const type = types[Number(lock.slice(1))]!;
      const shared = type === 'rwsem' || type === 'rwlock' || type === 'map';
      const mode = shared ? section.modes[at]! : 'write';
      events.push({ op: 'acquire', task, lock, mode, ...(section.trylock[at] === true ? { try: true } : {}) });
    });
    for (const { variable, write } of section.accesses) events.push({ op: 'access', task, var: `v${variable}`, write });
    for (const lock of section.stackOrder ? [...locks].reverse() : locks) events.push({ op: 'release', task, lock });
  }
  return events;
}

const text = (events: readonly TraceEvent[]): string => events.map((event) => JSON.stringify(event)).join('\n');

describe('infer round trip', () => {
  /** Runs whose proposal had rules (of 150 each; about 95% do): a property whose proposals are empty proves nothing. */
  const proposed = { order: 0, any: 0, lockset: 0 };
  afterAll(() => {
    console.log(`infer round trip: ${proposed.order} of 150 global-order runs gave order rules, ${proposed.lockset} of 150 guarded runs gave a guarded-by lockset, ${proposed.any} of 150 arbitrary runs gave rules`);
    expect(proposed.order, 'fewer than half the global-order programs gave an order rule').toBeGreaterThanOrEqual(75);
    expect(proposed.lockset, 'fewer than half the guarded programs gave a guarded-by lockset').toBeGreaterThanOrEqual(75);
    expect(proposed.any, 'fewer than half the arbitrary programs gave a rule').toBeGreaterThanOrEqual(75);
  });

  test.prop([fc.array(fc.constantFrom(...TYPES), { minLength: 8, maxLength: 8 }), fc.array(sectionArbitrary, { minLength: 1, maxLength: 25 })], { numRuns: 150 })(
    'a program in a global order: the proposed order follows it, and checking the program with the proposal finds nothing',
    (types, sections) => {
      const events = globalOrderProgram(types, sections);
      const answer = inferFrom(events, { minConfidence: 0.5 });
      expect(answer.cycles, text(events)).toEqual([]);
      if (rulesOf(answer, 'order').length > 0) proposed.order++;
      for (const rule of rulesOf(answer, 'order')) {
        const outer = Number(String(rule['outer']).slice(1));
        for (const inner of rule['inner'] as string[]) expect(outer, text(events)).toBeLessThan(Number(inner.slice(1)));
      }
      expect(ruleFindingsOf(answer, events), text(events)).toEqual([]);
    },
  );

  test.prop([fc.array(fc.constantFrom(...TYPES), { minLength: 8, maxLength: 8 }), fc.array(sectionArbitrary, { minLength: 1, maxLength: 25 })], { numRuns: 150 })(
    'a program in a global order whose accesses all happen under L0 and L1: guarded-by proposes locksets of two classes or more, and they hold',
    (types, sections) => {
      // The guards L0 and L1 come first in the global order, so every section takes them outermost.
      const guarded = sections.map((section) => ({ ...section, locks: [...new Set([0, 1, ...section.locks])] }));
      const events = globalOrderProgram(types, guarded);
      const answer = inferFrom(events, { minConfidence: 1 });
      const guardedBy = answer.rules.filter((rule) => rule.kind === 'guarded-by');
      if (guardedBy.length > 0) proposed.lockset++;
      for (const rule of guardedBy) {
        expect(rule.lockset!.length, text(events)).toBeGreaterThanOrEqual(2);
        expect(rule.lockset, text(events)).toContain(rule.rule['lock']);
      }
      expect(ruleFindingsOf(answer, events), text(events)).toEqual([]);
    },
  );

  test.prop([programArbitrary, fc.nat(5)], { numRuns: 150 })(
    'an arbitrary program (trylocks, nest locks, irq contexts, cycles) with accesses: checking it with the proposal finds nothing',
    (program, seed) => {
      const events: TraceEvent[] = [];
      program.events.forEach((event, index) => {
        events.push(event);
        if (event.op === 'acquire' && (index + seed) % 3 === 0) events.push({ op: 'access', task: event.task, var: `v${index % 2}`, write: index % 4 < 2 });
      });
      const answer = inferFrom(events, { minConfidence: 0.5 });
      if (answer.rules.length > 0) proposed.any++;
      expect(ruleFindingsOf(answer, events), programText({ events })).toEqual([]);
    },
  );
});
