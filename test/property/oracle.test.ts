/**
 * Property (issue 3, "Done when"): over 10,000 generated lock programs (up to 6 classes, 3 tasks,
 * modes write/read/recursive-read, trylocks, out-of-order releases, interleaved schedules) the
 * engine reports a circular dependency iff the brute-force oracle (oracle.ts: all-held typed
 * dependencies, every simple cycle, strong-path rule) finds a strong cycle. On a counterexample
 * fast-check shrinks and the failure message prints the program as a JSONL trace.
 * Also unit tests of the oracle itself.
 */
import { describe, expect, test as vitest } from 'vitest';
import { test } from '@fast-check/vitest';
import { Validator } from '../../src/engine/validator.js';
import type { DepType } from '../../src/engine/finding.js';
import { dependencyGraph, judge, OracleGraph, simpleCycles, strongAssignment, typesOf } from './oracle.js';
import { lockName, normalize, programArbitrary, programText, programTrace, type Program } from './program.js';

function graphOf(size: number, edges: ReadonlyArray<readonly [number, number, DepType]>): OracleGraph {
  const graph = new OracleGraph(size);
  for (const [from, to, type] of edges) graph.add(from, to, type);
  return graph;
}

describe('oracle', () => {
  vitest('a plain ABBA cycle is strong', () => {
    const verdict = judge(graphOf(2, [[0, 1, 'EN'], [1, 0, 'EN']]));
    expect(verdict.cycles).toBe(1);
    expect(verdict.strong).toEqual({ cycle: [0, 1], types: ['EN', 'EN'] });
  });

  vitest('a cycle of recursive readers only is weak', () => {
    const verdict = judge(graphOf(2, [[0, 1, 'SR'], [1, 0, 'SR']]));
    expect(verdict.cycles).toBe(1);
    expect(verdict.strong).toBeNull();
  });

  vitest('the §2.3 symbols: -(SR)->-(SN)-> and -(ER)->-(SR)-> are weak, the others strong', () => {
    const [X, Y, Z] = [0, 1, 2];
    expect(judge(graphOf(3, [[X, Y, 'ER'], [Y, Z, 'ER'], [Z, X, 'ER']])).strong).not.toBeNull();
    expect(judge(graphOf(3, [[X, Y, 'EN'], [Y, Z, 'SR'], [Z, X, 'ER']])).strong).not.toBeNull();
    expect(judge(graphOf(3, [[X, Y, 'EN'], [Y, Z, 'SR'], [Z, X, 'SN']])).strong).toBeNull();
    expect(judge(graphOf(3, [[X, Y, 'ER'], [Y, Z, 'SR'], [Z, X, 'EN']])).strong).toBeNull();
  });

  vitest('the wrap-around pair counts: -(SN)-> then -(ER)-> closing back is weak', () => {
    // A-(SN)->B-(ER)->A: SN then ER is fine, but ER then SN (wrap) is xR then Sx.
    expect(judge(graphOf(2, [[0, 1, 'SN'], [1, 0, 'ER']])).strong).toBeNull();
  });

  vitest('with several types on an edge, some choice making the cycle strong suffices', () => {
    const graph = graphOf(2, [[0, 1, 'ER'], [1, 0, 'SR'], [1, 0, 'EN']]);
    expect(typesOf(graph.mask(1, 0))).toEqual(['EN', 'SR']);
    expect(strongAssignment(graph, [0, 1])).toEqual(['ER', 'EN']);
  });

  vitest('enumerates every simple cycle once', () => {
    const complete = new OracleGraph(3);
    for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) if (a !== b) complete.add(a, b, 'EN');
    expect(simpleCycles(complete)).toHaveLength(3 + 2);
    const four = new OracleGraph(4);
    for (let a = 0; a < 4; a++) for (let b = 0; b < 4; b++) if (a !== b) four.add(a, b, 'EN');
    expect(simpleCycles(four)).toHaveLength(6 + 8 + 6);
  });

  vitest('edges come from every held lock, so a reader in the middle does not hide a dependency', () => {
    // T0: R(L0) R(L1) W(L2); T1: W(L2) W(L0). §3.2(b): the deadlock needs L0-(SN)->L2.
    const program: Program = {
      classes: 3,
      tasks: 2,
      ops: [
        { op: 'acquire', task: 0, cls: 0, mode: 'recursive-read', try: false },
        { op: 'acquire', task: 0, cls: 1, mode: 'recursive-read', try: false },
        { op: 'acquire', task: 0, cls: 2, mode: 'write', try: false },
        { op: 'acquire', task: 1, cls: 2, mode: 'write', try: false },
        { op: 'acquire', task: 1, cls: 0, mode: 'write', try: false },
      ],
    };
    const graph = dependencyGraph(program);
    expect(typesOf(graph.mask(0, 2))).toEqual(['SN']);
    expect(judge(graph).strong).toEqual({ cycle: [0, 2], types: ['SN', 'EN'] });
  });

  vitest('a trylock gets no incoming edge but is a source of later edges', () => {
    const program: Program = {
      classes: 3,
      tasks: 1,
      ops: [
        { op: 'acquire', task: 0, cls: 0, mode: 'write', try: false },
        { op: 'acquire', task: 0, cls: 1, mode: 'read', try: true },
        { op: 'acquire', task: 0, cls: 2, mode: 'recursive-read', try: false },
      ],
    };
    const graph = dependencyGraph(program);
    expect(graph.mask(0, 1)).toBe(0);
    expect(typesOf(graph.mask(0, 2))).toEqual(['ER']);
    expect(typesOf(graph.mask(1, 2))).toEqual(['SR']);
    expect(graph.edgeCount).toBe(2);
  });

  vitest('normalisation drops re-acquisitions of a held class and releases of nothing', () => {
    const program = normalize({
      classes: 2,
      tasks: 1,
      steps: [
        { task: 0, acquire: false, cls: 0, mode: 'write', try: false, pick: 0 },
        { task: 0, acquire: true, cls: 0, mode: 'write', try: false, pick: 0 },
        { task: 0, acquire: true, cls: 2, mode: 'read', try: false, pick: 0 },
        { task: 0, acquire: true, cls: 1, mode: 'read', try: false, pick: 0 },
        { task: 0, acquire: false, cls: 0, mode: 'write', try: false, pick: 1 },
      ],
    });
    expect(program.ops).toEqual([
      { op: 'acquire', task: 0, cls: 0, mode: 'write', try: false },
      { op: 'acquire', task: 0, cls: 1, mode: 'read', try: false },
      { op: 'release', task: 0, cls: 1 },
    ]);
    expect(programTrace(program)[0]).toEqual({ op: 'init', lock: lockName(0), class: lockName(0), type: 'rwlock' });
  });
});

/** A safety limit for a loaded machine, not a performance assertion (a run takes 2-4 s). */
const PROPERTY_TIMEOUT_MS = 300_000;

/** Outcome counts of the property run, checked afterwards so the generator stays meaningful. */
const seen = { runs: 0, strong: 0, weakOnly: 0, acyclic: 0 };

function engineFindings(program: Program): { kinds: string[]; messages: string[] } {
  const validator = new Validator({ file: 'program.jsonl' });
  programTrace(program).forEach((event, index) => validator.process(event, { file: 'program.jsonl', line: index + 1 }));
  validator.end();
  return {
    kinds: validator.findings.map((f) => f.kind),
    messages: validator.findings.map((f) => `${f.kind}: ${f.message}`),
  };
}

describe('engine vs oracle', () => {
  test.prop([programArbitrary], { numRuns: 10_000 })(
    'a circular dependency is reported iff the oracle finds a strong cycle',
    (program) => {
      const verdict = judge(dependencyGraph(program));
      const engine = engineFindings(program);
      seen.runs++;
      if (verdict.strong !== null) seen.strong++;
      else if (verdict.cycles > 0) seen.weakOnly++;
      else seen.acyclic++;
      const reported = engine.kinds.includes('circular-dependency');
      const oracle =
        verdict.strong === null
          ? `no strong cycle (${verdict.cycles} weak)`
          : `strong cycle ${verdict.strong.cycle.map(lockName).join(' -> ')} with types ${verdict.strong.types.join(',')}`;
      const explain = `\noracle: ${oracle}\nengine: ${JSON.stringify(engine.messages)}\ntrace:\n${programText(program)}`;
      expect(reported, `engine and oracle disagree${explain}`).toBe(verdict.strong !== null);
      expect(
        engine.kinds.every((kind) => kind === 'circular-dependency'),
        `only circular dependencies are possible here${explain}`,
      ).toBe(true);
    },
    PROPERTY_TIMEOUT_MS,
  );

  vitest('the generated programs exercise strong, weak-only and acyclic graphs', () => {
    const outcomes = JSON.stringify(seen);
    expect(seen.runs, outcomes).toBeGreaterThanOrEqual(10_000);
    // Measured: about 35 % strong, 10 % weak-only, 54 % acyclic.
    expect(seen.strong, outcomes).toBeGreaterThan(seen.runs / 10);
    expect(seen.weakOnly, outcomes).toBeGreaterThan(seen.runs / 50);
    expect(seen.acyclic, outcomes).toBeGreaterThan(seen.runs / 10);
  });
});
