/**
 * The `graph` analyses on traces built event by event: why (strong paths preferred, weak ones
 * named), cycles (every component, strength by lockdep's strong-path rule, agreeing with the
 * engine's own cycle search), hierarchy (levels, cycles apart, YAML rules the loader accepts),
 * diff (with --fail-on-new patterns) and stats.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { LockMode, TraceEvent } from '../../src/events/event.js';
import { findCycles } from '../../src/graph/cycles.js';
import { parseDependencyPattern } from '../../src/graph/dependency-pattern.js';
import { diffGraphs } from '../../src/graph/graph-diff.js';
import { graphStats } from '../../src/graph/graph-stats.js';
import { lockHierarchy } from '../../src/graph/hierarchy.js';
import { hierarchyRulesYaml } from '../../src/graph/hierarchy-rules.js';
import { explainDependency } from '../../src/graph/why.js';
import { loadRuleFiles } from '../../src/rules/loader.js';
import { acq, check, init, lu2 } from '../engine/trace-builder.js';
import { graphOf, snapshotOf } from './graph-of.js';

const names = (path: ReadonlyArray<{ from: string; to: string }> | null): string[] | null =>
  path === null ? null : path.map((dep) => `${dep.from}>${dep.to}`);

describe('graph why', () => {
  test('the shortest path, each step with both witness acquisitions', () => {
    const graph = graphOf([...lu2('t1', 'A', 'B'), ...lu2('t2', 'B', 'C'), ...lu2('t3', 'A', 'X'), ...lu2('t3', 'X', 'Y'), ...lu2('t3', 'Y', 'C')]);
    const answer = explainDependency(graph, 'A', 'C');
    expect(names(answer.path)).toEqual(['A>B', 'B>C']);
    expect(answer.strong).toBe(true);
    expect(answer.path![1]!.task).toBe('t2');
    expect(answer.path![1]!.prev.line).toBe(5);
    expect(answer.path![1]!.next.line).toBe(6);
  });

  test('no path is an answer', () => {
    const answer = explainDependency(graphOf(lu2('t', 'A', 'B')), 'B', 'A');
    expect(answer).toMatchObject({ path: null, strong: false, weakAt: null });
  });

  test('a strong path is preferred to a shorter weak one', () => {
    // A -(ER)-> R -(SN)-> C is weak at R (recursive read, then left as a reader); A -> M -> N -> C is strong.
    const graph = graphOf([
      init('R', 'rwlock'),
      ...lu2('t', 'A', 'R', 'write', 'recursive-read'),
      ...lu2('t', 'R', 'C', 'read', 'write'),
      ...lu2('t', 'A', 'M'), ...lu2('t', 'M', 'N'), ...lu2('t', 'N', 'C'),
    ]);
    const answer = explainDependency(graph, 'A', 'C');
    expect(names(answer.path)).toEqual(['A>M', 'M>N', 'N>C']);
    expect(answer.strong).toBe(true);
  });

  test('a path that is only weak is given, with the class where it stops being strong', () => {
    const graph = graphOf([init('R', 'rwlock'), ...lu2('t', 'A', 'R', 'write', 'recursive-read'), ...lu2('t', 'R', 'C', 'read', 'write')]);
    const answer = explainDependency(graph, 'A', 'C');
    expect(answer).toMatchObject({ strong: false, weakAt: 'R' });
    expect(names(answer.path)).toEqual(['A>R', 'R>C']);
  });
});

describe('graph cycles', () => {
  test('every component is listed with a witness cycle, not only the first', () => {
    const graph = graphOf([...lu2('t', 'A', 'B'), ...lu2('u', 'B', 'A'), ...lu2('t', 'C', 'D'), ...lu2('t', 'D', 'E'), ...lu2('u', 'E', 'C'), ...lu2('t', 'A', 'C')]);
    const { cycles } = findCycles(graph);
    expect(cycles.map((component) => component.classes)).toEqual([['A', 'B'], ['C', 'D', 'E']]);
    expect(cycles.map((component) => names(component.cycle))).toEqual([['A>B', 'B>A'], ['C>D', 'D>E', 'E>C']]);
    expect(cycles.every((component) => component.strong)).toBe(true);
  });

  test('strength follows the strong-path rule: a recursive read left as a reader breaks a cycle, a detour can restore it', () => {
    const weakCycle = [init('R', 'rwlock'), ...lu2('t', 'A', 'R', 'write', 'recursive-read'), ...lu2('t', 'R', 'B', 'read', 'write'), ...lu2('u', 'B', 'A')];
    const weak = findCycles(graphOf(weakCycle)).cycles;
    expect(weak).toHaveLength(1);
    expect(weak[0]).toMatchObject({ strong: false, weakAt: 'R', classes: ['A', 'R', 'B'] });
    // A -> M -(EN)-> R reaches R through a non-recursive edge, so R -(SN)-> B may follow.
    const strong = findCycles(graphOf([...weakCycle, ...lu2('v', 'A', 'M'), ...lu2('v', 'M', 'R', 'write', 'write')])).cycles;
    expect(strong).toHaveLength(1);
    expect(strong[0]!.strong).toBe(true);
    expect(names(strong[0]!.cycle)).toEqual(['A>M', 'M>R', 'R>B', 'B>A']);
  });

  test('a component is strong exactly when the engine reports a circular dependency', () => {
    const modes: LockMode[] = ['write', 'read', 'recursive-read'];
    const step = fc.tuple(fc.constantFrom('t1', 't2', 't3'), fc.constantFrom('A', 'B', 'C', 'D'), fc.constantFrom('A', 'B', 'C', 'D'), fc.constantFrom(...modes), fc.constantFrom(...modes));
    fc.assert(fc.property(fc.array(step, { maxLength: 12 }), (steps) => {
      const events: TraceEvent[] = ['A', 'B', 'C', 'D'].map((lock) => init(lock, 'rwlock'));
      for (const [task, outer, inner, outerMode, innerMode] of steps) if (outer !== inner) events.push(...lu2(task, outer, inner, outerMode, innerMode));
      const engine = check(events).some((finding) => finding.kind === 'circular-dependency');
      const offline = findCycles(graphOf(events)).cycles.some((component) => component.strong);
      expect(offline).toBe(engine);
    }), { numRuns: 400 });
  });
});

describe('graph hierarchy', () => {
  const events = [...lu2('t', 'A', 'B'), ...lu2('t', 'B', 'C'), ...lu2('t', 'A', 'C'), ...lu2('t', 'C', 'X'), ...lu2('u', 'X', 'C'), ...lu2('t', 'X', 'D'), ...lu2('t', 'E', 'B')];

  test('levels outermost first; a cycle keeps its level and is listed apart', () => {
    const answer = lockHierarchy(graphOf(events));
    expect(answer.levels).toEqual([
      { classes: ['A', 'E'], cycles: [] },
      { classes: ['B'], cycles: [] },
      { classes: [], cycles: [['C', 'X']] },
      { classes: ['D'], cycles: [] },
    ]);
    expect(answer.cycles).toEqual([['C', 'X']]);
    expect(answer.order.map(({ outer, inner }) => ({ outer, inner }))).toEqual([
      { outer: 'A', inner: ['B', 'C'] },
      { outer: 'B', inner: ['C'] },
      { outer: 'X', inner: ['D'] },
      { outer: 'E', inner: ['B'] },
    ]);
  });

  test('the YAML rules load, with exactly the observed pairs as their order', () => {
    const graph = graphOf(events);
    const dir = mkdtempSync(join(tmpdir(), 'lockdep-hierarchy-'));
    const file = join(dir, 'observed.yaml');
    writeFileSync(file, hierarchyRulesYaml(lockHierarchy(graph), graph));
    const ruleSet = loadRuleFiles([file]);
    expect(ruleSet.rules.map((rule) => rule.id)).toEqual(['observed-order-1', 'observed-order-2', 'observed-order-3', 'observed-order-4']);
    expect(ruleSet.order.edges.map((edge) => `${edge.outer}<${edge.inner}`)).toEqual(['A<B', 'A<C', 'B<C', 'X<D', 'E<B']);
  });

  test('any class name survives the YAML (quotes, colons, hashes, line breaks)', () => {
    const odd = ['a: "b" # c', "it's\nhere", '&kvm->lock'];
    const graph = graphOf([...lu2('t', odd[0]!, odd[1]!), ...lu2('t', odd[1]!, odd[2]!)]);
    const dir = mkdtempSync(join(tmpdir(), 'lockdep-hierarchy-'));
    const file = join(dir, 'odd.yaml');
    writeFileSync(file, hierarchyRulesYaml(lockHierarchy(graph), graph));
    expect(loadRuleFiles([file]).order.edges.map((edge) => [edge.outer, edge.inner])).toEqual([[odd[0], odd[1]], [odd[1], odd[2]]]);
  });
});

describe('graph diff', () => {
  const before = snapshotOf([...lu2('t', 'A', 'B'), init('R', 'rwsem'), ...lu2('t', 'A', 'R', 'write', 'read'), ...lu2('t', 'Old', 'B')]);
  const after = snapshotOf([...lu2('t', 'A', 'B'), init('R', 'rwsem'), ...lu2('t', 'A', 'R', 'write', 'read'), ...lu2('t', 'R', 'B', 'write', 'write'), ...lu2('t', '&kvm->lock', 'A')]);

  test('added, removed and widened dependencies and classes, each new one with its witness', () => {
    const diff = diffGraphs(before, after);
    expect(diff.classes).toEqual({ added: ['&kvm->lock'], removed: ['Old'] });
    expect(diff.dependencies.added.map((dep) => `${dep.from}>${dep.to}`)).toEqual(['R>B', '&kvm->lock>A']);
    expect(diff.dependencies.added[1]!.witness.next.line).toBe(after.dependencies.find((dep) => dep.from === '&kvm->lock')!.witness.next.line);
    expect(diff.dependencies.removed.map((dep) => `${dep.from}>${dep.to}`)).toEqual(['Old>B']);
    expect(diff.dependencies.widened).toEqual([]);
    expect(diff.failing).toEqual([]);
  });

  test('a pair whose dependency types grew is widened', () => {
    const readSide = snapshotOf([init('R', 'rwsem'), ...lu2('t', 'R', 'B', 'read', 'write')]);
    const writeSide = snapshotOf([init('R', 'rwsem'), ...lu2('t', 'R', 'B', 'read', 'write'), ...lu2('t', 'R', 'B', 'write', 'write')]);
    const diff = diffGraphs(readSide, writeSide);
    expect(diff.dependencies.widened.map((dep) => ({ pair: `${dep.from}>${dep.to}`, types: dep.types }))).toEqual([{ pair: 'R>B', types: ['EN'] }]);
  });

  test('--fail-on-new patterns: OUTER -> INNER with *, or one class at either end', () => {
    const failing = (pattern: string): string[] => diffGraphs(before, after, [parseDependencyPattern(pattern)]).failing.map((dep) => `${dep.from}>${dep.to}`);
    expect(failing('*')).toEqual(['R>B', '&kvm->lock>A']);
    expect(failing('&kvm->* -> *')).toEqual(['&kvm->lock>A']);
    expect(failing('* -> &kvm->*')).toEqual([]);
    expect(failing('B')).toEqual(['R>B']);
    expect(failing('A -> B')).toEqual([]);
  });
});

describe('graph stats', () => {
  test('counts, degree extremes, cycles and the longest chain', () => {
    const events = [init('S', 'spinlock'), ...lu2('t', 'A', 'B'), ...lu2('t', 'A', 'C'), ...lu2('t', 'B', 'C'), ...lu2('t', 'B', 'S'), ...lu2('t', 'C', 'S'), ...lu2('t', 'S', 'D'), ...lu2('u', 'D', 'S'), acq('v', 'Z')];
    const stats = graphStats(graphOf(events));
    expect(stats).toMatchObject({
      classes: 6, dependencies: 7, chains: null, roots: 2, leaves: 1,
      maxOutDegree: { class: 'A', degree: 2 },
      maxInDegree: { class: 'S', degree: 3 },
      cycles: 1, classesOnCycles: 2,
      longestChain: ['A', 'B', 'C', 'S'],
    });
    expect(stats.classesByType).toEqual({ spinlock: 1, mutex: 5 });
    expect(stats.dependenciesByType).toEqual({ ER: 0, EN: 7, SR: 0, SN: 0 });
    expect(stats.irq.unused).toBe(0);
  });
});
