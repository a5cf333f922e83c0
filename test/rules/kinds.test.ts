/**
 * Every rule kind catches its violation and stays silent on correct code. Traces are TraceEvent
 * arrays run through a real Validator with the rule hooks (rule-tester.ts).
 */
import { describe, expect, test } from 'vitest';
import type { TraceEvent } from '../../src/events/event.js';
import { L, R, S, U, W, lock, nest, runRules, summary } from './rule-tester.js';

interface KindCase {
  name: string;
  rules: string;
  valid: Array<{ name: string; trace: TraceEvent[] }>;
  invalid: Array<{ name: string; trace: TraceEvent[]; expected: string[]; message?: RegExp; relation?: string }>;
}

const cases: KindCase[] = [
  {
    name: 'order (outer/inner)',
    rules: `
rules:
  - id: a-before-b
    kind: order
    outer: A
    inner: B
    description: A is taken outside B
`,
    valid: [
      { name: 'documented order', trace: nest('t', 'A', 'B') },
      { name: 'only one of them', trace: [L('t', 'B'), U('t', 'B'), L('t', 'A'), U('t', 'A')] },
    ],
    invalid: [
      {
        name: 'A under B',
        trace: nest('t', 'B', 'A'),
        expected: ['a-before-b:B,A'],
        message: /^A acquired while B is held, but A must be taken outside B$/,
      },
      { name: 'sync of A under B', trace: [L('t', 'B'), S('t', 'A'), U('t', 'B')], expected: ['a-before-b:B,A'] },
    ],
  },
  {
    name: 'order (write side only)',
    rules: `
rules:
  - id: a-before-b-write
    kind: order
    outer: A
    inner: B
    innerMode: write
    description: A is taken outside the write side of B
`,
    valid: [
      { name: 'A under the read side of B', trace: [lock('B', 'rwsem'), ...nest('t', 'B', 'A', undefined, 'read')] },
      { name: 'documented order', trace: [lock('B', 'rwsem'), ...nest('t', 'A', 'B', 'write')] },
    ],
    invalid: [
      {
        name: 'A under the write side of B',
        trace: [lock('B', 'rwsem'), ...nest('t', 'B', 'A', undefined, 'write')],
        expected: ['a-before-b-write:B,A'],
        message: /B is held \(write side\)/,
      },
    ],
  },
  {
    name: 'order (read side only)',
    rules: `
rules:
  - id: a-before-b-read
    kind: order
    outer: A
    inner: B
    innerMode: read
    description: A is taken outside the read side of B
`,
    valid: [{ name: 'A under the write side of B', trace: [lock('B', 'rwlock'), ...nest('t', 'B', 'A', undefined, 'write')] }],
    invalid: [
      {
        name: 'A under a recursive reader of B',
        trace: [lock('B', 'rwlock'), ...nest('t', 'B', 'A', undefined, 'recursive-read')],
        expected: ['a-before-b-read:B,A'],
      },
    ],
  },
  {
    name: 'order (chain form)',
    rules: `
rules:
  - id: abc
    kind: order
    chain: "A < B < C"
    description: A, then B, then C
`,
    valid: [{ name: 'A B C', trace: [L('t', 'A'), L('t', 'B'), L('t', 'C'), U('t', 'C'), U('t', 'B'), U('t', 'A')] }],
    invalid: [
      { name: 'B under C', trace: nest('t', 'C', 'B'), expected: ['abc:C,B'] },
      { name: 'A under C (transitive within the chain)', trace: nest('t', 'C', 'A'), expected: ['abc:C,A'] },
    ],
  },
  {
    name: 'forbid-inside',
    rules: `
rules:
  - id: no-slots-in-notifier
    kind: forbid-inside
    lock: slots
    inside: notifier
    description: MMU notifiers must not take slots
`,
    valid: [
      { name: 'slots outside the notifier', trace: [lock('notifier', 'map'), ...nest('t', 'slots', 'notifier')] },
      { name: 'notifier alone', trace: [lock('notifier', 'map'), L('t', 'notifier'), U('t', 'notifier'), L('t', 'slots'), U('t', 'slots')] },
    ],
    invalid: [
      {
        name: 'slots inside the pseudo-lock',
        trace: [lock('notifier', 'map'), ...nest('t', 'notifier', 'slots', undefined, 'recursive-read')],
        expected: ['no-slots-in-notifier:notifier,slots'],
        message: /^slots acquired while notifier is held, which the rule forbids$/,
      },
      {
        name: 'slots deep inside the pseudo-lock',
        trace: [lock('notifier', 'map'), L('t', 'notifier'), L('t', 'x'), L('t', 'slots'), U('t', 'slots'), U('t', 'x'), U('t', 'notifier')],
        expected: ['no-slots-in-notifier:notifier,slots'],
      },
    ],
  },
  {
    name: 'forbid-inside (one side of the held lock, one side of the acquired lock)',
    rules: `
rules:
  - id: no-sync-under-arch
    kind: forbid-inside
    lock: srcu
    lockMode: write
    inside: arch
    description: arch is released before synchronize_srcu()
  - id: no-x-under-write
    kind: forbid-inside
    lock: x
    inside: rw
    insideMode: write
    description: x is never taken under the write side of rw
`,
    valid: [
      { name: 'srcu read side under arch', trace: [lock('srcu', 'map'), ...nest('t', 'arch', 'srcu', 'recursive-read')] },
      { name: 'x under the read side of rw', trace: [lock('rw', 'rwsem'), ...nest('t', 'rw', 'x', undefined, 'read')] },
    ],
    invalid: [
      {
        name: 'synchronize_srcu under arch',
        trace: [lock('srcu', 'map'), L('t', 'arch'), S('t', 'srcu'), U('t', 'arch')],
        expected: ['no-sync-under-arch:arch,srcu'],
        message: /^sync\(srcu\) acquired while arch is held/,
      },
      { name: 'x under the write side of rw', trace: [lock('rw', 'rwsem'), ...nest('t', 'rw', 'x', undefined, 'write')], expected: ['no-x-under-write:rw,x'] },
    ],
  },
  {
    name: 'writers-only-at',
    rules: `
rules:
  - id: no-new-writers
    kind: writers-only-at
    lock: rw
    functions: [install_new_memslots]
    description: No other write-side critical sections should be added.
`,
    valid: [
      { name: 'writer at the listed site', trace: [lock('rw', 'rwsem'), L('t', 'rw', 'write', { site: 'install_new_memslots+0x5a/0x120' }), U('t', 'rw')] },
      {
        name: 'writer with the function deeper in the stack',
        trace: [lock('rw', 'rwsem'), L('t', 'rw', 'write', { site: 'down_write+0x1', stack: ['down_write+0x1', 'install_new_memslots (virt/kvm/kvm_main.c:1300)'] }), U('t', 'rw')],
      },
      { name: 'readers anywhere', trace: [lock('rw', 'rwsem'), L('t', 'rw', 'read', { site: 'kvm_mmu_notifier_invalidate_range_start+0x36d' }), U('t', 'rw')] },
    ],
    invalid: [
      {
        name: 'a writer elsewhere',
        trace: [lock('rw', 'rwsem'), L('t', 'rw', 'write', { site: 'kvm_set_memslot+0x10' }), U('t', 'rw')],
        expected: ['no-new-writers:rw'],
        message: /^rw \(write side\) acquired in kvm_set_memslot, but only install_new_memslots may take it$/,
      },
      {
        name: 'a writer with no site',
        trace: [lock('rw', 'rwsem'), L('t', 'rw'), U('t', 'rw')],
        expected: ['no-new-writers:rw'],
        message: /an event with no site or stack/,
      },
      {
        name: 'two different offending functions are two findings',
        trace: [
          lock('rw', 'rwsem'),
          L('t', 'rw', 'write', { site: 'f+0x1' }),
          U('t', 'rw'),
          L('t', 'rw', 'write', { site: 'g+0x1' }),
          U('t', 'rw'),
          L('t', 'rw', 'write', { site: 'f+0x9' }),
          U('t', 'rw'),
        ],
        expected: ['no-new-writers:rw', 'no-new-writers:rw'],
      },
    ],
  },
  {
    name: 'guarded-by',
    rules: `
rules:
  - id: count-under-mmu-lock
    kind: guarded-by
    var: count
    access: write
    lock: mmu
    mode: write
    description: count is only modified with mmu held for write
`,
    valid: [
      { name: 'write under the write side', trace: [lock('mmu', 'rwlock'), L('t', 'mmu', 'write'), W('t', 'count'), U('t', 'mmu')] },
      { name: 'reads are not covered', trace: [R('t', 'count')] },
      { name: 'another variable', trace: [W('t', 'other')] },
    ],
    invalid: [
      { name: 'write with nothing held', trace: [W('t', 'count')], expected: ['count-under-mmu-lock:mmu'], message: /^write of count without mmu held \(write side\)$/ },
      {
        name: 'write under the read side',
        trace: [lock('mmu', 'rwlock'), L('t', 'mmu', 'recursive-read'), W('t', 'count'), U('t', 'mmu')],
        expected: ['count-under-mmu-lock:mmu'],
      },
    ],
  },
  {
    name: 'guarded-by (any of several locks, reads only)',
    rules: `
rules:
  - id: memslots-under-srcu
    kind: guarded-by
    var: [memslots, buses]
    access: read
    lock: [srcu, slots]
    description: memslots are read under srcu or slots
`,
    valid: [
      { name: 'read under srcu', trace: [lock('srcu', 'map'), L('t', 'srcu', 'recursive-read'), R('t', 'buses'), U('t', 'srcu')] },
      { name: 'read under slots', trace: [L('t', 'slots'), R('t', 'memslots'), U('t', 'slots')] },
      { name: 'writes are not covered', trace: [W('t', 'memslots')] },
    ],
    invalid: [{ name: 'unlocked read', trace: [R('t', 'memslots')], expected: ['memslots-under-srcu:srcu,slots'], message: /any of srcu, slots/ }],
  },
  {
    name: 'leaf',
    rules: `
rules:
  - id: leaves
    kind: leaf
    lock: [pages, unsync]
    except: [debug]
    description: 'Everything else is a leaf: no other lock is taken inside the critical sections.'
`,
    valid: [
      { name: 'leaf taken inside others', trace: nest('t', 'mmu', 'pages') },
      { name: 'the exception inside a leaf', trace: nest('t', 'pages', 'debug') },
    ],
    invalid: [
      { name: 'a lock inside a leaf', trace: nest('t', 'pages', 'mmu'), expected: ['leaves:pages,mmu'], message: /^mmu acquired while leaf lock pages is held/ },
      { name: 'a leaf inside a leaf', trace: nest('t', 'unsync', 'pages'), expected: ['leaves:unsync,pages'] },
    ],
  },
  {
    name: 'must-hold',
    rules: `
rules:
  - id: pages-need-mmu
    kind: must-hold
    lock: [pages, unsync]
    held: mmu
    description: pages and unsync must also take mmu
  - id: x-needs-write
    kind: must-hold
    lock: x
    held: rw
    heldMode: write
    description: x needs rw held for write
`,
    valid: [
      { name: 'pages under mmu', trace: [lock('mmu', 'rwlock'), ...nest('t', 'mmu', 'pages', undefined, 'recursive-read')] },
      { name: 'x under the write side', trace: [lock('rw', 'rwsem'), ...nest('t', 'rw', 'x', undefined, 'write')] },
    ],
    invalid: [
      { name: 'pages alone', trace: [L('t', 'unsync'), U('t', 'unsync')], expected: ['pages-need-mmu:unsync,mmu'], message: /^unsync acquired without mmu held$/ },
      { name: 'x under the read side', trace: [lock('rw', 'rwsem'), ...nest('t', 'rw', 'x', undefined, 'read')], expected: ['x-needs-write:x,rw'] },
    ],
  },
  {
    name: 'no-sleep-inside',
    rules: `
rules:
  - id: no-sleep-in-oom
    kind: no-sleep-inside
    inside: oom
    description: non-blockable invalidations must not sleep
`,
    valid: [
      { name: 'spinlock inside', trace: [lock('oom', 'map'), lock('spin', 'spinlock'), ...nest('t', 'oom', 'spin')] },
      { name: 'a trylock of a mutex inside', trace: [lock('oom', 'map'), L('t', 'oom'), L('t', 'mutex', undefined, { try: true }), U('t', 'mutex'), U('t', 'oom')] },
      { name: 'mutex outside', trace: [lock('oom', 'map'), ...nest('t', 'mutex', 'oom')] },
    ],
    invalid: [
      { name: 'mutex inside', trace: [lock('oom', 'map'), ...nest('t', 'oom', 'mutex')], expected: ['no-sleep-in-oom:oom,mutex'], message: /^mutex \(mutex\) may sleep while oom is held/ },
      { name: 'rwsem read inside', trace: [lock('oom', 'map'), lock('sem', 'rwsem'), ...nest('t', 'oom', 'sem', 'read')], expected: ['no-sleep-in-oom:oom,sem'] },
      { name: 'synchronize inside', trace: [lock('oom', 'map'), lock('srcu', 'map'), L('t', 'oom'), S('t', 'srcu'), U('t', 'oom')], expected: ['no-sleep-in-oom:oom,srcu'] },
    ],
  },
];

for (const kindCase of cases) {
  describe(kindCase.name, () => {
    for (const valid of kindCase.valid) {
      test(`silent: ${valid.name}`, () => {
        expect(summary(runRules(kindCase.rules, valid.trace))).toEqual([]);
      });
    }
    for (const invalid of kindCase.invalid) {
      test(`reports: ${invalid.name}`, () => {
        const findings = runRules(kindCase.rules, invalid.trace);
        expect(summary(findings)).toEqual(invalid.expected);
        for (const finding of findings) {
          expect(finding.kind).toBe('rule-violation');
          expect(finding.severity).toBe('error');
          expect(finding.ruleDetail).toMatchObject({ id: finding.rule, relation: invalid.relation ?? 'contradicts' });
          expect(finding.ruleDetail?.description.length).toBeGreaterThan(0);
          expect(finding.events.length).toBeGreaterThan(0);
          expect(finding.events.every((event) => event.file === 'trace.jsonl' && typeof event.line === 'number')).toBe(true);
        }
        if (invalid.message) expect(findings[0]!.message).toMatch(invalid.message);
      });
    }
  });
}

describe('allow-inside', () => {
  // Both classes take part in lock relations through these rules, so --strict-order watches them.
  const related = `
rules:
  - {id: arch-first, kind: order, outer: arch, inner: zz, description: d}
  - {id: srcu-first, kind: order, outer: srcu, inner: zz, description: d}
`;
  const allow = `
  - id: arch-in-srcu
    kind: allow-inside
    lock: arch
    inside: srcu
    description: arch can be taken inside a srcu read-side critical section
`;
  const nesting = [lock('srcu', 'map'), ...nest('t', 'srcu', 'arch', undefined, 'recursive-read')];
  test('without it, the nesting is an undocumented order under --strict-order', () => {
    expect(summary(runRules(related, nesting, { strictOrder: true }))).toEqual(['strict-order:srcu,arch']);
  });
  test('with it, the nesting is documented; it never reports by itself', () => {
    expect(summary(runRules(related + allow, nesting, { strictOrder: true }))).toEqual([]);
    expect(summary(runRules(related + allow, nesting))).toEqual([]);
  });
});
