/**
 * Hand-made CheckResults and graph snapshots for the reporter golden tests. Fixed data, never
 * produced by the engine, so a reporter change shows up as a golden diff and an engine change
 * does not. `hostile` uses names that try to break out of every markup (HTML, Markdown, XML,
 * DOT, GitHub workflow commands). The data has the shapes the engine emits: usage characters
 * without braces (`+.+.`; the text report adds them), summary counts without baselined findings,
 * snapshot masks that match the usage characters and dependency types.
 */
import type { DependencyWitness, EventRef, Finding } from '../../src/engine/finding.js';
import type { CheckResult } from '../../src/engine/result.js';
import type { GraphSnapshot } from '../../src/engine/snapshot.js';
import { DEP_EN, DEP_SN } from '../../src/engine/lock-mode.js';
import { ENABLED_HARDIRQ, ENABLED_SOFTIRQ, LOCK_USED, USAGE_BITS, USED_IN_HARDIRQ, USED_IN_SOFTIRQ } from '../../src/engine/usage.js';

export const XSS = '<img src=x onerror=alert(1)>';

const ref = (fields: Partial<EventRef> & { task: string }): EventRef => ({ ...fields });

const abEdge: DependencyWitness = {
  from: 'A', to: 'B', types: ['EN'], task: 't1',
  prev: ref({ file: 't1.jsonl', line: 3, task: 't1', op: 'acquire', lock: 'a', class: 'A', site: 'src/db.ts:17' }),
  next: ref({ file: 't1.jsonl', line: 4, task: 't1', op: 'acquire', lock: 'b', class: 'B', site: 'src/db.ts:21:7' }),
};
const baEdge: DependencyWitness = {
  from: 'B', to: 'A', types: ['EN'], task: 't2',
  prev: ref({ file: 't1.jsonl', line: 9, task: 't2', op: 'acquire', lock: 'b', class: 'B', site: 'cache_fill+0x5a/0x120' }),
  next: ref({ file: 't1.jsonl', line: 10, task: 't2', op: 'acquire', lock: 'a', class: 'A', site: 'cache_fill+0x80/0x120' }),
};

const cycle: Finding = {
  kind: 'circular-dependency',
  rule: null,
  severity: 'error',
  fingerprint: 'cd-5f2a9c',
  message: 'possible circular locking dependency: A -> B -> A',
  classes: ['A', 'B'],
  events: [baEdge.next, abEdge.prev],
  task: 't2',
  trigger: baEdge.next,
  chain: [abEdge, baEdge],
  locks: [{ class: 'A', type: 'mutex', usage: '+.+.' }, { class: 'B', type: 'spinlock', usage: '-.-.' }],
};

const rule: Finding = {
  kind: 'rule-violation',
  rule: 'kvm-slots-before-mmu',
  severity: 'warning',
  fingerprint: 'rv-11aa02',
  message: 'B acquired while holding C contradicts rule kvm-slots-before-mmu',
  classes: ['C', 'B'],
  events: [ref({ file: 't1.jsonl', line: 14, task: 't3', op: 'acquire', lock: 'b', class: 'B', mode: 'read', stack: ['at kvm_set_memory (src/kvm.ts:88:5)', 'at main (src/main.ts:3:1)'] })],
  task: 't3',
  ruleDetail: { id: 'kvm-slots-before-mmu', kind: 'order', description: 'kvm->slots_lock is taken outside the mmu lock', source: 'Documentation/virt/kvm/locking.rst, v6.12', relation: 'contradicts' },
};

const sleep: Finding = {
  kind: 'sleep-in-atomic',
  rule: null,
  severity: 'info',
  fingerprint: 'sa-77e001',
  message: 'sleeping function called from invalid context',
  classes: ['B'],
  events: [ref({ file: 't1.jsonl', line: 20, task: 't4', op: 'might-sleep' })],
  task: 't4',
  held: [{ class: 'B', lock: 'b', mode: 'write', try: true, usage: '-.-.', at: ref({ file: 't1.jsonl', line: 19, task: 't4', op: 'acquire', lock: 'b', class: 'B', try: true }) }],
};

const known: Finding = {
  kind: 'held-lock-at-exit',
  rule: null,
  severity: 'error',
  fingerprint: 'he-000b01',
  message: 'task t5 exited with 1 lock held',
  classes: ['D'],
  events: [ref({ file: 't1.jsonl', line: 30, task: 't5', op: 'exit' })],
  task: 't5',
  baselined: true,
};

export const mixed: CheckResult = {
  version: 1,
  violations: [cycle, rule, sleep, known],
  summary: { events: 31, tasks: 5, classes: 4, dependencies: 3, violations: 4, errors: 1, warnings: 1 },
  tool: { name: 'lockdep', version: '0.1.0' },
};

/** Usage masks behind the usage characters `+.+.`, `-.-.` and `....`. */
const IRQS_ON = (1 << ENABLED_HARDIRQ) | (1 << ENABLED_SOFTIRQ) | (1 << LOCK_USED);
const IN_IRQ = (1 << USED_IN_HARDIRQ) | (1 << USED_IN_SOFTIRQ) | (1 << LOCK_USED);
const USED_ONLY = 1 << LOCK_USED;

/** `usageAt` as the engine saves it: one slot per usage bit, `at` for each bit set in `usageMask`. */
const usageAt = (usageMask: number, at: EventRef): (EventRef | null)[] =>
  Array.from({ length: USAGE_BITS }, (_, bit) => ((usageMask & (1 << bit)) !== 0 ? at : null));

const cHeld = ref({ file: 't1.jsonl', line: 13, task: 't3', class: 'C' });
const dTaken = ref({ file: 't1.jsonl', line: 15, task: 't3', class: 'D' });

export const mixedSnapshot: GraphSnapshot = {
  format: 'lockdep-graph',
  version: 1,
  sources: ['t1.jsonl'],
  classes: [
    { name: 'A', type: 'mutex', usage: '+.+.', usageMask: IRQS_ON, usageAt: usageAt(IRQS_ON, abEdge.prev) },
    { name: 'B', type: 'spinlock', usage: '-.-.', usageMask: IN_IRQ, usageAt: usageAt(IN_IRQ, abEdge.next) },
    { name: 'C', type: 'rwsem', usage: '+.+.', usageMask: IRQS_ON, usageAt: usageAt(IRQS_ON, cHeld) },
    { name: 'D', type: 'map', usage: '....', usageMask: USED_ONLY, usageAt: usageAt(USED_ONLY, dTaken) },
  ],
  dependencies: [
    { from: 'A', to: 'B', mask: DEP_EN, types: ['EN'], witness: abEdge },
    { from: 'B', to: 'A', mask: DEP_EN, types: ['EN'], witness: baEdge },
    {
      from: 'C', to: 'B', mask: DEP_SN, types: ['SN'],
      witness: { from: 'C', to: 'B', types: ['SN'], task: 't3', prev: cHeld, next: ref({ file: 't1.jsonl', line: 14, task: 't3', class: 'B' }) },
    },
    {
      from: 'C', to: 'D', mask: DEP_EN, types: ['EN'],
      witness: { from: 'C', to: 'D', types: ['EN'], task: 't3', prev: cHeld, next: dTaken },
    },
  ],
};

export const HOSTILE_NAMES = [XSS, 'a,b:c%d\r\ne', '__proto__', `"q" & 'single' -->`, 'back\\slash\n::error file=x::injected'] as const;

const [x, y, z] = [HOSTILE_NAMES[0], HOSTILE_NAMES[1], HOSTILE_NAMES[2]];
const hostileEdge = (from: string, to: string, line: number): DependencyWitness => ({
  from, to, types: ['EN'], task: XSS,
  prev: ref({ file: `${XSS}.jsonl`, line, task: XSS, op: 'acquire', lock: from, class: from, site: `${XSS}:${line}` }),
  next: ref({ file: `${XSS}.jsonl`, line: line + 1, task: XSS, op: 'acquire', lock: to, class: to, site: HOSTILE_NAMES[3] }),
});

export const hostile: CheckResult = {
  version: 1,
  violations: [
    {
      kind: 'circular-dependency',
      rule: null,
      severity: 'error',
      fingerprint: `fp-${XSS}`,
      message: `possible circular locking dependency: ${x} -> ${y} -> ${z} -> ${x}`,
      classes: [x, y, z],
      events: [hostileEdge(z, x, 7).next],
      trigger: hostileEdge(z, x, 7).next,
      chain: [hostileEdge(x, y, 1), hostileEdge(y, z, 4), hostileEdge(z, x, 7)],
    },
    {
      kind: 'rule-violation',
      rule: XSS,
      severity: 'warning',
      fingerprint: 'fp-rule',
      message: `${HOSTILE_NAMES[3]} taken under ${HOSTILE_NAMES[4]}`,
      classes: [HOSTILE_NAMES[4], HOSTILE_NAMES[3]],
      events: [ref({ file: 'a,b:c%.jsonl', line: 2, task: '__proto__', op: 'acquire', class: HOSTILE_NAMES[3], site: 'src/a,b:c.ts:5' })],
      ruleDetail: { id: XSS, kind: 'forbidden-inside', description: `never ${XSS}`, relation: 'contradicts' },
    },
  ],
  summary: { events: 9, tasks: 1, classes: 5, dependencies: 3, violations: 2, errors: 1, warnings: 1 },
  traces: [{ file: `${XSS}.jsonl`, summary: { events: 8, tasks: 1, classes: 3, dependencies: 3, violations: 1 } }, { file: 'a,b:c%.jsonl', summary: { events: 1, tasks: 1, classes: 2, dependencies: 0, violations: 1 } }],
  tool: { name: 'lockdep', version: '0.1.0' },
};

export const clean: CheckResult = {
  version: 1,
  violations: [],
  summary: { events: 12, tasks: 2, classes: 3, dependencies: 2, violations: 0, errors: 0, warnings: 0 },
  tool: { name: 'lockdep', version: '0.1.0' },
};

/** 12 errors, 12 warnings and 1 baselined error: more than GitHub shows per step. */
export const many: CheckResult = {
  version: 1,
  violations: [
    ...Array.from({ length: 12 }, (_, i): Finding => ({
      kind: 'recursive-locking', rule: null, severity: 'error', fingerprint: `e${String(i).padStart(2, '0')}`,
      message: `possible recursive locking of L${i}`, classes: [`L${i}`],
      events: [ref({ file: 'many.jsonl', line: 10 + i, task: `t${i}`, op: 'acquire', class: `L${i}` })],
    })),
    ...Array.from({ length: 12 }, (_, i): Finding => ({
      kind: 'bad-unlock-balance', rule: null, severity: 'warning', fingerprint: `w${String(i).padStart(2, '0')}`,
      message: `bad unlock balance of M${i}`, classes: [`M${i}`],
      events: [ref({ file: 'many.jsonl', line: 100 + i, task: `u${i}`, op: 'release', class: `M${i}` })],
    })),
    { kind: 'recursive-locking', rule: null, severity: 'error', fingerprint: 'e-known', message: 'known', classes: ['K'], events: [ref({ task: 'k' })], baselined: true },
  ],
  summary: { events: 200, tasks: 24, classes: 24, dependencies: 0, violations: 25, errors: 12, warnings: 12 },
  tool: { name: 'lockdep', version: '0.1.0' },
};

// A real deadlock as `lockdep run --stacks --record run.jsonl` reports it: checkout holds cart and
// waits for stock; expire-reservations holds stock and waits for cart.
const cartHeld = ref({ file: 'run.jsonl', line: 4, task: 'checkout', op: 'acquire', lock: 'cart', class: 'cart', site: 'src/shop.ts:12:5', stack: ['at checkout (src/shop.ts:12:5)', 'at main (src/main.ts:3:1)'] });
const stockWait = ref({ file: 'run.jsonl', line: 6, task: 'checkout', op: 'acquire', lock: 'stock', class: 'stock', site: 'src/shop.ts:14:7' });
const stockHeld = ref({ file: 'run.jsonl', line: 5, task: 'expire-reservations', op: 'acquire', lock: 'stock', class: 'stock', site: 'src/expiry.ts:30:3' });
const cartWait = ref({ file: 'run.jsonl', line: 7, task: 'expire-reservations', op: 'acquire', lock: 'cart', class: 'cart', site: 'src/expiry.ts:33:5' });

export const deadlockFinding: Finding = {
  kind: 'deadlock',
  rule: null,
  severity: 'error',
  fingerprint: 'dl-9c01aa',
  message: 'tasks wait for each other: expire-reservations -> cart -> checkout -> stock -> expire-reservations',
  classes: ['cart', 'stock'],
  events: [cartWait, stockWait],
  task: 'expire-reservations',
  trigger: cartWait,
  held: [{ class: 'stock', lock: 'stock', mode: 'write', try: false, usage: '+.+.', at: stockHeld }],
  locks: [{ class: 'cart', type: 'mutex', usage: '+.+.' }, { class: 'stock', type: 'mutex', usage: '+.+.' }],
  deadlock: {
    cycle: [
      { task: 'expire-reservations', lock: 'cart', class: 'cart', mode: 'write', blockedBy: 'checkout', reason: 'holds', blockedByMode: 'write' },
      { task: 'checkout', lock: 'stock', class: 'stock', mode: 'write', blockedBy: 'expire-reservations', reason: 'holds', blockedByMode: 'write' },
    ],
    blocked: [
      { task: 'expire-reservations', lock: 'cart', class: 'cart', mode: 'write', waitingAt: cartWait, held: [{ class: 'stock', lock: 'stock', mode: 'write', try: false, usage: '+.+.', at: stockHeld }] },
      { task: 'checkout', lock: 'stock', class: 'stock', mode: 'write', waitingAt: stockWait, held: [{ class: 'cart', lock: 'cart', mode: 'write', try: false, usage: '+.+.', at: cartHeld }] },
    ],
    victim: 'expire-reservations',
  },
  occurrences: 1,
};

export const deadlocked: CheckResult = {
  version: 1,
  violations: [deadlockFinding],
  summary: { events: 7, tasks: 2, classes: 2, dependencies: 2, violations: 1, errors: 1, warnings: 0 },
  tool: { name: 'lockdep', version: '0.0.0-test' },
};
