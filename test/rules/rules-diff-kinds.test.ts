/**
 * `lockdep rules diff` per rule kind, on small traces: each kind's rule is `followed` when the
 * trace reaches its situation without breaking it (with the support counted), `violated` with the
 * check's own findings when the trace breaks it, and `never exercised` when the trace never
 * reaches the situation (rule-exercise.ts) — even though the check is clean then too.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { TraceEvent } from '../../src/events/event.js';
import { diffRulesOnInputs } from '../../src/check/rules-diff-run.js';
import type { RuleStatus, RulesDiff } from '../../src/graph/rules-diff.js';
import { RULE_EXERCISE } from '../../src/rules/rule-exercise.js';
import { RULE_KINDS } from '../../src/rules/registry.js';
import { L, R, S, U, W, lock, nest, ruleSetOf } from './rule-tester.js';

const dir = mkdtempSync(join(tmpdir(), 'lockdep-rules-diff-'));
let traces = 0;

/** The diff of one rule file against one trace, through the command's own run. */
async function diffOf(yaml: string, events: readonly TraceEvent[]): Promise<RulesDiff> {
  const file = join(dir, `trace-${++traces}.jsonl`);
  const header = { format: 'lockdep-trace', version: 1 };
  writeFileSync(file, [header, ...events].map((event) => JSON.stringify(event)).join('\n') + '\n');
  return diffRulesOnInputs(ruleSetOf(yaml), [file]);
}

interface KindCase {
  kind: string;
  rule: string;
  declare: TraceEvent[];
  followed: TraceEvent[];
  violated: TraceEvent[];
  /** The check's message id of the violation; none for a kind that never reports (the trace is then followed). */
  messageId?: string;
  /** Reaches other classes, or none, but never the rule's situation. */
  never: TraceEvent[];
}

const rule = (body: string): string => `version: 1\nrules:\n  - id: r\n    description: the documented sentence\n${body.replace(/^/gm, '    ')}\n`;

const CASES: KindCase[] = [
  {
    kind: 'order',
    rule: rule('kind: order\nouter: a\ninner: b'),
    declare: [lock('a', 'mutex'), lock('b', 'mutex'), lock('c', 'mutex')],
    followed: nest('t1', 'a', 'b'),
    violated: nest('t1', 'b', 'a'),
    messageId: 'acquiredInside',
    // Both classes are taken, but never together: the order was never put to the test.
    never: [...nest('t1', 'a', 'c'), ...nest('t2', 'c', 'b')],
  },
  {
    kind: 'forbid-inside',
    rule: rule('kind: forbid-inside\nlock: b\ninside: notifier'),
    declare: [lock('notifier', 'map'), lock('b', 'mutex'), lock('c', 'mutex')],
    followed: nest('t1', 'notifier', 'c'),
    violated: nest('t1', 'notifier', 'b'),
    messageId: 'forbidden',
    never: nest('t1', 'c', 'b'),
  },
  {
    kind: 'allow-inside',
    rule: rule('kind: allow-inside\nlock: b\ninside: srcu'),
    declare: [lock('srcu', 'map'), lock('b', 'mutex')],
    followed: nest('t1', 'srcu', 'b', undefined, 'recursive-read'),
    // The other order too: a permission is not an order, so nothing can violate it.
    violated: [...nest('t1', 'b', 'srcu', 'recursive-read'), ...nest('t1', 'srcu', 'b', undefined, 'recursive-read')],
    never: [L('t1', 'b'), U('t1', 'b'), L('t1', 'srcu', 'recursive-read'), U('t1', 'srcu')],
  },
  {
    kind: 'writers-only-at',
    rule: rule('kind: writers-only-at\nlock: rw\nfunctions: [install]'),
    declare: [lock('rw', 'rwsem')],
    followed: [L('t1', 'rw', 'write', { site: 'install+0x10/0x40' }), U('t1', 'rw')],
    violated: [L('t1', 'rw', 'write', { site: 'elsewhere+0x8/0x20' }), U('t1', 'rw')],
    messageId: 'elsewhere',
    // Readers only: the restricted write side is never taken.
    never: [L('t1', 'rw', 'read', { site: 'reader' }), U('t1', 'rw')],
  },
  {
    kind: 'guarded-by',
    rule: rule('kind: guarded-by\nvar: count\naccess: write\nlock: m'),
    declare: [lock('m', 'mutex')],
    followed: [L('t1', 'm'), W('t1', 'count'), U('t1', 'm')],
    violated: [W('t1', 'count')],
    messageId: 'unguarded',
    // Read without the lock: the rule covers writes only, so it is not reached.
    never: [R('t1', 'count'), L('t1', 'm'), U('t1', 'm')],
  },
  {
    kind: 'leaf',
    rule: rule('kind: leaf\nlock: leafy'),
    declare: [lock('leafy', 'spinlock'), lock('b', 'mutex')],
    followed: nest('t1', 'b', 'leafy'),
    violated: nest('t1', 'leafy', 'b'),
    messageId: 'notLeaf',
    never: [L('t1', 'b'), U('t1', 'b')],
  },
  {
    kind: 'must-hold',
    rule: rule('kind: must-hold\nlock: pages\nheld: mmu'),
    declare: [lock('pages', 'spinlock'), lock('mmu', 'rwlock')],
    followed: nest('t1', 'mmu', 'pages'),
    violated: [L('t1', 'pages'), U('t1', 'pages')],
    messageId: 'notHeld',
    never: [L('t1', 'mmu'), U('t1', 'mmu')],
  },
  {
    kind: 'no-sleep-inside',
    rule: rule('kind: no-sleep-inside\ninside: reaper'),
    declare: [lock('reaper', 'map'), lock('spin', 'spinlock'), lock('m', 'mutex'), lock('srcu', 'map')],
    followed: nest('t1', 'reaper', 'spin'),
    violated: [L('t1', 'reaper'), S('t1', 'srcu'), U('t1', 'reaper')],
    messageId: 'sleeps',
    never: nest('t1', 'm', 'spin'),
  },
];

const statusOf = (diff: RulesDiff): RuleStatus => diff.rules.find((verdict) => verdict.id === 'r')!.status;

test('every rule kind says when it is exercised, and docs/rules.md says it too', () => {
  const kinds = RULE_KINDS.map((module) => module.kind).sort();
  expect(Object.keys(RULE_EXERCISE).sort()).toEqual(kinds);
  expect(CASES.map((kindCase) => kindCase.kind).sort()).toEqual(kinds);
  const docs = readFileSync('docs/rules.md', 'utf8');
  for (const [kind, exercise] of Object.entries(RULE_EXERCISE)) expect(docs, kind).toContain(exercise.situation);
});

describe.each(CASES)('$kind', (kindCase) => {
  test('followed, with its support', async () => {
    const diff = await diffOf(kindCase.rule, [...kindCase.declare, ...kindCase.followed]);
    const verdict = diff.rules[0]!;
    expect(verdict.status).toBe('followed');
    expect(verdict.support.events).toBeGreaterThan(0);
    expect(verdict.support.tasks).toBe(1);
    expect(verdict.support.first?.line).toBeGreaterThan(1);
    expect(diff.counts.followed).toBe(1);
  });

  test('never exercised when the trace never reaches the situation', async () => {
    const diff = await diffOf(kindCase.rule, [...kindCase.declare, ...kindCase.never]);
    expect(statusOf(diff)).toBe('never exercised');
    expect(diff.rules[0]!.neverReached).toMatch(/never/);
    expect(diff.rules[0]!.support).toEqual({ events: 0, dependencies: 0, tasks: 0 });
  });

  test('violated, with the findings lockdep check reports', async () => {
    const diff = await diffOf(kindCase.rule, [...kindCase.declare, ...kindCase.violated]);
    const verdict = diff.rules[0]!;
    const findings = verdict.findings.map((finding) => [finding.kind, finding.rule, finding.ruleDetail?.messageId]);
    if (kindCase.messageId === undefined) {
      expect(verdict.status).toBe('followed');
      expect(findings).toEqual([]);
    } else {
      expect(verdict.status).toBe('violated');
      expect(findings).toEqual([['rule-violation', 'r', kindCase.messageId]]);
    }
  });
});

test('an order rule is violated by a path that never holds its two classes together', async () => {
  const yaml = rule('kind: order\nouter: a\ninner: b');
  const diff = await diffOf(yaml, [lock('a', 'mutex'), lock('b', 'mutex'), lock('c', 'mutex'), ...nest('t1', 'b', 'c'), ...nest('t2', 'c', 'a')]);
  expect(statusOf(diff)).toBe('violated');
  expect(diff.rules[0]!.findings[0]!.ruleDetail?.messageId).toBe('pathInside');
});

test('a rule on an aliased class is exercised through the name the trace prints', async () => {
  const yaml = `version: 1\nclasses:\n  '&(kvm)->mmu_lock': {type: rwlock, aliases: ['&kvm->mmu_lock']}\n  pages: spinlock\n` +
    `rules:\n  - id: r\n    kind: must-hold\n    lock: pages\n    held: '&(kvm)->mmu_lock'\n    description: pages need mmu_lock\n`;
  const diff = await diffOf(yaml, [lock('&kvm->mmu_lock', 'rwlock'), lock('pages', 'spinlock'), ...nest('t1', '&kvm->mmu_lock', 'pages')]);
  expect(statusOf(diff)).toBe('followed');
});

describe('observed orders no rule documents', () => {
  const yaml = rule('kind: order\nouter: a\ninner: b');
  const trace = [lock('a', 'mutex'), lock('b', 'mutex'), lock('x', 'mutex'), lock('y', 'mutex'), ...nest('t1', 'a', 'b'), ...nest('t1', 'b', 'a'), ...nest('t2', 'x', 'y'), ...nest('t2', 'b', 'y')];

  test('between classes the rules name: none here (a -> b is documented, b -> a contradicts it)', async () => {
    const diff = await diffOf(yaml, trace);
    expect(diff.scope).toBe('ruled');
    expect(diff.undocumented).toEqual([]);
  });

  test('with all, every undocumented dependency, with its witness', async () => {
    const file = join(dir, 'all.jsonl');
    writeFileSync(file, [{ format: 'lockdep-trace', version: 1 }, ...trace].map((event) => JSON.stringify(event)).join('\n') + '\n');
    const diff = await diffRulesOnInputs(ruleSetOf(yaml), [file], { all: true });
    expect(diff.undocumented.map((order) => `${order.from} -> ${order.to} ${order.types.join(',')}`)).toEqual(['x -> y EN', 'b -> y EN']);
    expect(diff.undocumented[0]!.witness.task).toBe('t2');
  });
});
