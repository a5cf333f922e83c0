/**
 * Property: over generated lock programs (program.ts: several instances per class, subclasses,
 * `nest` locks, same-class recursion, trylocks, out-of-order releases, hardirq/softirq contexts
 * and enable/disable, free and re-init, task exit) every finding of the engine is one the oracle
 * (prediction.ts on oracle.ts) predicts, with the classes it names:
 * - a circular dependency iff the oracle finds a strong cycle, and each reported cycle is a strong
 *   cycle of the oracle's graph;
 * - recursive locking on exactly the predicted classes;
 * - an irq finding iff the oracle finds an irq conflict, and each names a conflicting class or
 *   (safe, unsafe) pair of that state;
 * - held-lock-freed, held-lock-at-exit and nest-lock-not-held on exactly the predicted classes;
 * - nothing else.
 * The run counts how many programs reach each outcome and each feature, prints the counts, and
 * fails when one is under 5 %, so the generator cannot drift into testing nothing. On a
 * counterexample fast-check shrinks and the failure prints the program as a JSONL trace.
 * Also unit tests of the oracle itself.
 */
import { describe, expect, test } from 'vitest';
import { fc } from '@fast-check/vitest';
import type { DepType } from '../../src/engine/finding.js';
import type { TraceEvent } from '../../src/events/event.js';
import { CATEGORIES, categories, disagreements, engineFindings } from './compare.js';
import { closesStrongly, judge, OracleGraph, simpleCycles, strongAssignment, typeBit, typesOf } from './oracle.js';
import { predict } from './prediction.js';
import { normalize, programArbitrary, programText, type RawStep } from './program.js';

function graphOf(edges: ReadonlyArray<readonly [string, string, DepType]>): OracleGraph {
  const graph = new OracleGraph();
  for (const [from, to, type] of edges) graph.add(from, to, type);
  return graph;
}

const init = (lock: string): TraceEvent => ({ op: 'init', lock, class: lock.replace(/[ab]$/, ''), type: 'rwlock' });
const acquire = (task: string, lock: string, mode: 'write' | 'read' | 'recursive-read' = 'write', extra: Partial<Extract<TraceEvent, { op: 'acquire' }>> = {}): TraceEvent => ({ op: 'acquire', task, lock, mode, ...extra });
const release = (task: string, lock: string): TraceEvent => ({ op: 'release', task, lock });
const irq = (task: string, kind: 'hardirq' | 'softirq', action: 'enter' | 'exit' | 'disable' | 'enable'): TraceEvent => ({ op: 'irq', task, kind, action });

describe('oracle', () => {
  test('a plain ABBA cycle is strong', () => {
    const verdict = judge(graphOf([['A', 'B', 'EN'], ['B', 'A', 'EN']]));
    expect(verdict.cycles).toBe(1);
    expect(verdict.strong).toEqual({ cycle: ['A', 'B'], types: ['EN', 'EN'] });
  });

  test('a cycle of recursive readers only is weak', () => {
    const verdict = judge(graphOf([['A', 'B', 'SR'], ['B', 'A', 'SR']]));
    expect(verdict).toEqual({ cycles: 1, strong: null });
  });

  test('the W/R cycles of the selftest: -(SR)->-(SN)-> and -(ER)->-(SR)-> are weak, the others strong', () => {
    expect(judge(graphOf([['X', 'Y', 'ER'], ['Y', 'Z', 'ER'], ['Z', 'X', 'ER']])).strong?.cycle).toEqual(['X', 'Y', 'Z']);
    expect(judge(graphOf([['X', 'Y', 'EN'], ['Y', 'Z', 'SR'], ['Z', 'X', 'ER']])).strong?.types).toEqual(['EN', 'SR', 'ER']);
    expect(judge(graphOf([['X', 'Y', 'EN'], ['Y', 'Z', 'SR'], ['Z', 'X', 'SN']])).strong).toBeNull();
    expect(judge(graphOf([['X', 'Y', 'ER'], ['Y', 'Z', 'SR'], ['Z', 'X', 'EN']])).strong).toBeNull();
  });

  test('the wrap-around pair counts: -(SN)-> then -(ER)-> closing back is weak', () => {
    expect(judge(graphOf([['A', 'B', 'SN'], ['B', 'A', 'ER']])).strong).toBeNull();
  });

  test('with several types on an edge, some choice making the cycle strong suffices', () => {
    const graph = graphOf([['A', 'B', 'ER'], ['B', 'A', 'SR'], ['B', 'A', 'EN']]);
    expect(typesOf(graph.mask('B', 'A'))).toEqual(['EN', 'SR']);
    expect(strongAssignment(graph, ['A', 'B'])).toEqual(['ER', 'EN']);
  });

  test('enumerates every simple cycle once', () => {
    const complete = (names: string[]): OracleGraph => graphOf(names.flatMap((a) => names.filter((b) => b !== a).map((b) => [a, b, 'EN'] as const)));
    expect(simpleCycles(complete(['A', 'B', 'C']))).toHaveLength(3 + 2);
    expect(simpleCycles(complete(['A', 'B', 'C', 'D']))).toHaveLength(6 + 8 + 6);
  });

  test('a virtual edge closes a path: an irq-unsafe class taken after an irq-safe one', () => {
    const graph = graphOf([['A', 'B', 'EN']]);
    // B held for write with irqs on, the irq takes A for write: B -(EN)-> A closes A -> B.
    expect(closesStrongly(graph, 'A', 'B', typeBit('EN'), 0)).toBe(true);
    // The irq reads A recursively and B is held for read: B -(SR)-> A; EN then SR is strong...
    expect(closesStrongly(graph, 'A', 'B', typeBit('SR'), 0)).toBe(true);
    // ...but not when A -> B was taken with A held for read (SR then SN: xR then Sx).
    expect(closesStrongly(graphOf([['A', 'B', 'SN']]), 'A', 'B', typeBit('SR'), 0)).toBe(false);
    // A class alone: read in irq and read with irqs on (SR) is fine, anything else is not.
    expect(closesStrongly(new OracleGraph(), 'A', 'A', typeBit('SR'), 0)).toBe(false);
    expect(closesStrongly(new OracleGraph(), 'A', 'A', typeBit('ER'), 0)).toBe(true);
  });

  test('edges come from every held lock of the irq context, so a reader in the middle does not hide a dependency', () => {
    // T0: R(L0) R(L1) W(L2); T1: W(L2) W(L0): the deadlock needs L0-(SN)->L2.
    const prediction = predict([
      init('L0a'), init('L1a'), init('L2a'),
      acquire('T0', 'L0a', 'recursive-read'), acquire('T0', 'L1a', 'recursive-read'), acquire('T0', 'L2a'),
      acquire('T1', 'L2a'), acquire('T1', 'L0a'),
    ]);
    expect(typesOf(prediction.graph.mask('L0', 'L2'))).toEqual(['SN']);
    expect(prediction.verdict.strong).toEqual({ cycle: ['L0', 'L2'], types: ['SN', 'EN'] });
  });

  test('a trylock gets no incoming edge; an irq context starts its own chain; no edge crosses it', () => {
    const prediction = predict([
      init('L0a'), init('L1a'), init('L2a'),
      acquire('T0', 'L0a'), acquire('T0', 'L1a', 'read', { try: true }), acquire('T0', 'L2a', 'recursive-read'),
      irq('T0', 'hardirq', 'enter'), acquire('T0', 'L1a'),
    ]);
    expect(prediction.graph.mask('L0', 'L1')).toBe(0);
    expect(typesOf(prediction.graph.mask('L0', 'L2'))).toEqual(['ER']);
    expect(typesOf(prediction.graph.mask('L1', 'L2'))).toEqual(['SR']);
    expect(prediction.graph.edgeCount).toBe(2);
    // L1 taken in a hardirq (write) and, as a trylock, with hardirqs on: no USED_IN from the trylock.
    expect(prediction.selfConflict('HARDIRQ', 'L1')).toBe(true);
    expect(prediction.irqConflict).toBe(true);
  });

  test('same-class recursion: two instances of a class, a reader after a reader, a held nest lock, a subclass', () => {
    const events = [init('L0a'), init('L0b'), init('L1a')];
    expect([...predict([...events, acquire('T0', 'L0a'), acquire('T0', 'L0b')]).recursive]).toEqual(['L0']);
    expect([...predict([...events, acquire('T0', 'L0a', 'read'), acquire('T0', 'L0b', 'recursive-read')]).recursive]).toEqual([]);
    expect([...predict([...events, acquire('T0', 'L1a'), acquire('T0', 'L0a'), acquire('T0', 'L0b', 'write', { nest: 'L1a' })]).recursive]).toEqual([]);
    expect([...predict([...events, acquire('T0', 'L0a'), acquire('T0', 'L0b', 'write', { subclass: 1 })]).recursive]).toEqual([]);
    const notHeld = predict([...events, acquire('T0', 'L0a'), acquire('T0', 'L0b', 'write', { nest: 'L1a' })]);
    expect([...notHeld.nestNotHeld]).toEqual(['L0']);
    expect([...notHeld.recursive]).toEqual(['L0']);
  });

  test('freeing or re-initialising a held lock, and exiting with locks held', () => {
    const prediction = predict([
      init('L0a'), init('L1a'),
      acquire('T0', 'L0a', 'write', { subclass: 1 }), { op: 'free', task: 'T1', lock: 'L0a' }, init('L0a'),
      acquire('T1', 'L1a'), { op: 'exit', task: 'T1' },
    ]);
    expect([...prediction.freed]).toEqual(['L0/1']);
    expect([...prediction.heldAtExit]).toEqual(['L1']);
  });

  test('normalization keeps releases in the irq context and releases what an irq took before it exits', () => {
    const step = (partial: Partial<RawStep>): RawStep => ({
      kind: 'acquire', task: 0, lock: 0, mode: 'write', try: false, subclass: 0, nest: null, hard: true, action: 'enter', pick: 0, ...partial,
    });
    const program = normalize({
      classes: 2,
      instances: 1,
      tasks: 1,
      steps: [
        step({}),
        step({ kind: 'irq', action: 'enter' }),
        step({ kind: 'release' }),
        step({ lock: 1, mode: 'read' }),
        step({ kind: 'irq', action: 'exit' }),
        step({ kind: 'irq', action: 'toggle' }),
      ],
    });
    expect(program.events.slice(2)).toEqual([
      acquire('T0', 'L0a'),
      irq('T0', 'hardirq', 'enter'),
      acquire('T0', 'L1a', 'recursive-read'),
      release('T0', 'L1a'),
      irq('T0', 'hardirq', 'exit'),
      irq('T0', 'hardirq', 'disable'),
    ]);
  });
});

// ─── engine vs oracle ────────────────────────────────────────────────────────────────────────

/** Programs per run: about 5 s on a loaded 2-core machine. */
const RUNS = 4_000;
/** A safety limit for a loaded machine, not a performance assertion. */
const PROPERTY_TIMEOUT_MS = 300_000;
/** Every outcome and feature must be reached by at least this share of the programs. */
const MIN_SHARE = 0.05;

describe('engine vs oracle', () => {
  test(`every finding is predicted, with its classes, on ${RUNS} generated programs that reach every outcome`, () => {
    const counts = new Map<string, number>(CATEGORIES.map((c) => [c, 0]));
    let runs = 0;
    fc.assert(
      fc.property(programArbitrary, (program) => {
        const findings = engineFindings(program);
        const prediction = predict(program.events);
        runs++;
        for (const category of categories(findings, prediction)) counts.set(category, (counts.get(category) ?? 0) + 1);
        const problems = disagreements(findings, prediction);
        const oracle = prediction.verdict.strong === null ? `no strong cycle (${prediction.verdict.cycles} weak)` : `strong cycle ${prediction.verdict.strong.cycle.join(' -> ')}`;
        expect(problems, `engine and oracle disagree\noracle: ${oracle}\nengine: ${JSON.stringify(findings.map((f) => `${f.kind}: ${f.message}`))}\ntrace:\n${programText(program)}`).toEqual([]);
      }),
      { numRuns: RUNS },
    );
    const report = CATEGORIES.map((c) => `${c} ${counts.get(c)} (${((100 * counts.get(c)!) / runs).toFixed(1)} %)`).join(', ');
    console.info(`oracle property: ${runs} programs: ${report}`);
    for (const category of CATEGORIES) expect(counts.get(category)! / runs, `${category} is under ${MIN_SHARE * 100} %: ${report}`).toBeGreaterThanOrEqual(MIN_SHARE);
  }, PROPERTY_TIMEOUT_MS);
});
