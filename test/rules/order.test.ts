/**
 * The order relation in depth: dependency paths (a rule is checked even when the run exercised
 * only part of the deadlock), the transitive closure across rules, side-specific paths,
 * trylocks, severities, and `--strict-order` (undocumented vs contradicts).
 */
import { describe, expect, test } from 'vitest';
import { L, U, lock, nest, runAll, runRules, ruleSetOf, summary } from './rule-tester.js';

const AB = `
rules:
  - id: a-before-b
    kind: order
    outer: A
    inner: B
    description: A is taken outside B
`;

const AB_WRITE = `
rules:
  - id: a-before-b-write
    kind: order
    outer: A
    inner: B
    innerMode: write
    description: A is taken outside the write side of B
`;

describe('order: dependency paths', () => {
  test('B -> X -> A through another lock is reported with the whole path', () => {
    const findings = runRules(AB, [...nest('t1', 'B', 'X'), ...nest('t2', 'X', 'A')]);
    expect(summary(findings)).toEqual(['a-before-b:B,X,A']);
    const finding = findings[0]!;
    expect(finding.message).toBe('dependency path B -> X -> A contradicts the documented order A < B');
    expect(finding.chain?.map((step) => `${step.from}->${step.to}`)).toEqual(['B->X', 'X->A']);
    expect(finding.events.map((event) => event.line)).toEqual([1, 2, 5, 6]);
    expect(finding.trigger).toMatchObject({ line: 6, task: 't2' });
  });

  test('the path is found whichever half comes first', () => {
    expect(summary(runRules(AB, [...nest('t2', 'X', 'A'), ...nest('t1', 'B', 'X')]))).toEqual(['a-before-b:B,X,A']);
  });

  test('no path, no finding: B -> X and A -> X', () => {
    expect(summary(runRules(AB, [...nest('t1', 'B', 'X'), ...nest('t2', 'A', 'X'), ...nest('t3', 'A', 'B')]))).toEqual([]);
  });

  test('a pair is reported once even when more paths appear', () => {
    const trace = [...nest('t', 'B', 'X'), ...nest('t', 'X', 'A'), ...nest('t', 'B', 'Y'), ...nest('t', 'Y', 'A'), ...nest('t', 'B', 'A')];
    expect(summary(runRules(AB, trace))).toEqual(['a-before-b:B,X,A', 'a-before-b:B,A']);
  });

  test('side-specific: only a path that starts on the write side of B counts', () => {
    const readPath = [lock('B', 'rwsem'), ...nest('t1', 'B', 'X', undefined, 'read'), ...nest('t2', 'X', 'A')];
    expect(summary(runRules(AB_WRITE, readPath))).toEqual([]);
    const writePath = [...readPath, ...nest('t3', 'B', 'X', undefined, 'write')];
    expect(summary(runRules(AB_WRITE, writePath))).toEqual(['a-before-b-write:B,X,A']);
  });

  test('a path only through a recursive reader waits until it becomes a strong path (as lockdep)', () => {
    const weak = [lock('X', 'rwlock'), ...nest('t1', 'B', 'X', 'recursive-read'), ...nest('t2', 'X', 'A', undefined, 'recursive-read')];
    expect(summary(runRules(AB, weak))).toEqual([]);
    const strong = [...weak, ...nest('t3', 'X', 'A', undefined, 'write')];
    expect(summary(runRules(AB, strong))).toEqual(['a-before-b:B,X,A']);
    // The same for a rule on B's write side: B -(ER)-> X -(SN)-> A is no strong path either.
    expect(summary(runRules(AB_WRITE, weak))).toEqual([]);
    expect(summary(runRules(AB_WRITE, strong))).toEqual(['a-before-b-write:B,X,A']);
  });

  test('a trylock does not break an order (it cannot wait)', () => {
    const trace = [L('t', 'B'), L('t', 'A', undefined, { try: true }), U('t', 'A'), U('t', 'B')];
    expect(summary(runRules(AB, trace))).toEqual([]);
  });

  test('the rule finding comes alongside the cycle the validator reports', () => {
    const findings = runAll(AB, [...nest('t1', 'A', 'B'), ...nest('t2', 'B', 'A')]);
    expect(findings.map((finding) => finding.kind).sort()).toEqual(['circular-dependency', 'rule-violation']);
  });
});

describe('order: the closure across rules', () => {
  const rules = `
rules:
  - id: a-before-b
    kind: order
    outer: A
    inner: B
    description: A is taken outside B
  - id: b-before-c
    kind: order
    severity: warning
    outer: B
    inner: C
    innerMode: write
    description: B is taken outside the write side of C
`;

  test('A under the write side of C is implied by both rules', () => {
    const findings = runRules(rules, [lock('C', 'rwsem'), ...nest('t', 'C', 'A', undefined, 'write')]);
    expect(summary(findings)).toEqual(['a-before-b:C,A']);
    const finding = findings[0]!;
    expect(finding.message).toBe(
      'A acquired while C is held (write side), but A must be taken outside C (write side) (implied by A < B, B < C (write side) in rules a-before-b, b-before-c)',
    );
    expect(finding.severity).toBe('warning');
    expect(finding.ruleDetail?.description).toBe('a-before-b: A is taken outside B / b-before-c: B is taken outside the write side of C');
  });

  test('A under the read side of C is not implied', () => {
    expect(summary(runRules(rules, [lock('C', 'rwsem'), ...nest('t', 'C', 'A', undefined, 'read')]))).toEqual([]);
  });

  test('closure pairs of the relation', () => {
    const ruleSet = ruleSetOf(rules);
    expect(ruleSet.order.pairs.map((pair) => `${pair.outer}<${pair.inner}:${pair.mode}:${pair.via.length}`).sort()).toEqual([
      'A<B:any:1',
      'A<C:write:2',
      'B<C:write:1',
    ]);
  });
});

describe('severity', () => {
  test('off disables a rule, info and warning set the finding severity', () => {
    const rules = `
rules:
  - {id: off-rule, kind: leaf, severity: off, lock: A, description: d}
  - {id: info-rule, kind: leaf, severity: info, lock: B, description: d}
  - {id: warning-rule, kind: leaf, severity: warning, lock: C, description: d}
`;
    const findings = runRules(rules, [...nest('t', 'A', 'X'), ...nest('t', 'B', 'X'), ...nest('t', 'C', 'X')]);
    expect(findings.map((finding) => `${finding.rule}:${finding.severity}`)).toEqual(['info-rule:info', 'warning-rule:warning']);
  });
});

describe('--strict-order', () => {
  const rules = `
rules:
  - id: a-before-b
    kind: order
    chain: A < B
    description: A is taken outside B
  - id: c-not-in-b
    kind: forbid-inside
    lock: C
    inside: B
    description: C is never taken inside B
  - id: d-in-a
    kind: allow-inside
    lock: D
    inside: A
    description: D may be taken inside A
`;

  test('an order between two ruled classes that no rule covers is an undocumented warning', () => {
    const findings = runRules(rules, [...nest('t', 'C', 'D')], { strictOrder: true });
    expect(summary(findings)).toEqual(['strict-order:C,D']);
    const finding = findings[0]!;
    expect(finding.severity).toBe('warning');
    expect(finding.ruleDetail).toMatchObject({ id: 'strict-order', relation: 'undocumented' });
    expect(finding.message).toBe(
      'undocumented order: D acquired while C is held; both classes appear in the rules but no rule covers this order (add an order or allow-inside rule, or drop --strict-order)',
    );
    expect(finding.events.map((event) => event.line)).toEqual([1, 2]);
  });

  test('documented orders, allowed nestings and unruled classes are not reported', () => {
    const trace = [...nest('t', 'A', 'B'), ...nest('t', 'A', 'D'), ...nest('t', 'B', 'Z'), ...nest('t', 'C', 'Z'), ...nest('t', 'Z', 'D')];
    expect(summary(runRules(rules, trace, { strictOrder: true }))).toEqual([]);
  });

  test('without --strict-order an undocumented order is silent', () => {
    expect(summary(runRules(rules, [...nest('t', 'C', 'D')]))).toEqual([]);
  });

  test('a contradicting order is reported as contradicts, not undocumented', () => {
    const findings = runRules(rules, [...nest('t', 'B', 'A')], { strictOrder: true });
    expect(findings.map((finding) => `${finding.rule}:${finding.ruleDetail?.relation}`)).toEqual(['a-before-b:contradicts']);
  });
});
