/**
 * Hand-built findings, one or more per finding kind, shaped as the validator reports them
 * (src/engine/finding.ts is the contract). Used by the golden-file tests of the text report.
 */
import type { DependencyWitness, EventRef, Finding, HeldLockRef } from '../../src/engine/finding.js';
import { deadlockFinding } from './fixtures.js';

const F = 'trace.jsonl';

function ref(line: number, task: string, lock: string, cls: string, site: string, extra: Partial<EventRef> = {}): EventRef {
  return { file: F, line, task, op: 'acquire', lock, class: cls, site, ...extra };
}

function held(r: EventRef, usage: string): HeldLockRef {
  return { class: r.class ?? '?', lock: r.lock ?? '?', mode: r.mode ?? 'write', try: r.try === true, usage, at: r };
}

function edge(from: string, to: string, prev: EventRef, next: EventRef): DependencyWitness {
  return { from, to, types: ['EN'], task: next.task, prev, next };
}

// ABBA: t1 took A then B; t2 holds B and takes A.
const t1A = ref(3, 't1', 'a0', 'A', 'do_a+0x10/0x40', { stack: ['do_a+0x10/0x40', 'worker+0x20/0x80'] });
const t1B = ref(4, 't1', 'b0', 'B', 'do_ab+0x18/0x40');
const t2B = ref(7, 't2', 'b0', 'B', 'do_b+0x10/0x40');
const t2A = ref(8, 't2', 'a0', 'A', 'do_ba+0x22/0x40', { stack: ['do_ba+0x22/0x40', 'worker+0x30/0x80'] });

export const circular: Finding = {
  kind: 'circular-dependency',
  rule: null,
  severity: 'error',
  fingerprint: '0123456789abcdef',
  message: 'possible circular locking dependency: A -> B -> A',
  classes: ['A', 'B'],
  events: [t2A, t1A, t1B],
  task: 't2',
  trigger: t2A,
  chain: [edge('A', 'B', t1A, t1B), edge('B', 'A', t2B, t2A)],
  held: [held(t2B, '+.+.')],
  locks: [
    { class: 'A', type: 'mutex', usage: '+.+.' },
    { class: 'B', type: 'mutex', usage: '+.+.' },
  ],
  occurrences: 3,
};

// Three classes, a read hold and a sync: A -> B (t1), B -> C (t2), t3 holds C for read and syncs A.
const u1A = ref(2, 't1', 'A', 'A', 'f1+0x1/0x9');
const u1B = ref(3, 't1', 'B', 'B', 'f1+0x2/0x9');
const u2B = ref(5, 't2', 'B', 'B', 'f2+0x1/0x9');
const u2C = ref(6, 't2', 'C', 'C', 'f2+0x2/0x9');
const u3C = ref(8, 't3', 'C', 'C', 'f3+0x1/0x9', { mode: 'read' });
const u3A = ref(9, 't3', 'A', 'A', 'f3+0x2/0x9', { op: 'sync' });

export const circularThree: Finding = {
  kind: 'circular-dependency',
  rule: null,
  severity: 'error',
  fingerprint: 'fedcba9876543210',
  message: 'possible circular locking dependency: A -> B -> C -> A',
  classes: ['A', 'B', 'C'],
  events: [u3A, u1A, u1B, u2B, u2C],
  task: 't3',
  trigger: u3A,
  chain: [edge('A', 'B', u1A, u1B), edge('B', 'C', u2B, u2C), edge('C', 'A', u3C, u3A)],
  held: [held(u3C, '+.+.')],
  locks: [
    { class: 'A', type: 'map', usage: '+.+.' },
    { class: 'B', type: 'mutex', usage: '+.+.' },
    { class: 'C', type: 'rwsem', usage: '+.+.' },
  ],
  occurrences: 1,
};

const qa = ref(4, 'mover/7', 'queue-a', '&queue->lock', 'queue_move+0x22/0x90');
const qb = ref(5, 'mover/7', 'queue-b', '&queue->lock', 'queue_move+0x30/0x90');
export const recursive: Finding = {
  kind: 'recursive-locking',
  rule: null,
  severity: 'error',
  fingerprint: '1111111111111111',
  message: 'possible recursive locking: &queue->lock acquired for write while already held for write',
  classes: ['&queue->lock'],
  events: [qb, qa],
  task: 'mover/7',
  trigger: qb,
  held: [held(qa, '..-.')],
  locks: [{ class: '&queue->lock', type: 'spinlock', usage: '..-.' }],
  occurrences: 1,
};

const rel: EventRef = { file: F, line: 5, task: 'probe/3', op: 'release', lock: 'dev0.mutex', site: 'dev_probe_fail+0x08/0x20' };
export const badUnlock: Finding = {
  kind: 'bad-unlock-balance',
  rule: null,
  severity: 'error',
  fingerprint: '2222222222222222',
  message: 'bad unlock balance: probe/3 releases &dev->mutex, which it does not hold',
  classes: ['&dev->mutex'],
  events: [rel],
  task: 'probe/3',
  trigger: rel,
  held: [],
  occurrences: 1,
};

const holdS = ref(3, 'writer/1', 'buf-9', '&buf->lock', 'buf_write+0x10/0x50');
const freeS: EventRef = { file: F, line: 6, task: 'reaper/2', op: 'free', lock: 'buf-9', site: 'buf_release+0x30/0x60' };
export const heldLockFreed: Finding = {
  kind: 'held-lock-freed',
  rule: null,
  severity: 'error',
  fingerprint: '3333333333333333',
  message: 'held lock freed: &buf->lock (buf-9) was freed while held by writer/1',
  classes: ['&buf->lock'],
  events: [freeS, holdS],
  task: 'reaper/2',
  trigger: freeS,
  held: [held(holdS, '+.+.')],
  locks: [{ class: '&buf->lock', type: 'mutex', usage: '+.+.' }],
  occurrences: 1,
};

const initS: EventRef = { file: F, line: 7, task: 'writer/1', op: 'init', lock: 'buf-9', site: 'buf_reset+0x08/0x40' };
export const heldLockReinit: Finding = {
  ...heldLockFreed,
  fingerprint: '3333333333333334',
  message: 'held lock freed: &buf->lock (buf-9) was re-initialised while held by writer/1',
  events: [initS, holdS],
  task: 'writer/1',
  trigger: initS,
};

const sess = ref(2, 'handler/5', 'session-42', '&session->lock', 'handle_request+0x30/0x100');
const exitS: EventRef = { file: F, line: 3, task: 'handler/5', op: 'exit', site: 'handle_request+0x64/0x100' };
export const heldAtExit: Finding = {
  kind: 'held-lock-at-exit',
  rule: null,
  severity: 'error',
  fingerprint: '4444444444444444',
  message: 'handler/5 exited with 1 lock held: &session->lock',
  classes: ['&session->lock'],
  events: [exitS, sess],
  task: 'handler/5',
  trigger: exitS,
  held: [held(sess, '+.+.')],
  locks: [{ class: '&session->lock', type: 'mutex', usage: '+.+.' }],
  occurrences: 1,
};

const inIrq = ref(4, 'irq/9', 'stats', 'stats_lock', 'stats_irq+0x12/0x40');
const withIrqsOn = ref(9, 'app/1', 'stats', 'stats_lock', 'stats_read+0x08/0x30');
export const inconsistent: Finding = {
  kind: 'inconsistent-lock-state',
  rule: null,
  severity: 'error',
  fingerprint: '5555555555555555',
  message: 'inconsistent {IN-HARDIRQ-W} -> {HARDIRQ-ON-W} usage of stats_lock',
  classes: ['stats_lock'],
  events: [withIrqsOn, inIrq],
  task: 'app/1',
  trigger: withIrqsOn,
  held: [held(withIrqsOn, '?...')],
  locks: [{ class: 'stats_lock', type: 'spinlock', usage: '?...' }],
  irq: { state: 'HARDIRQ', from: 'IN-HARDIRQ-W', to: 'HARDIRQ-ON-W', safeAt: inIrq, taskState: '[HC0[0]:SC0[0]:HE1:SE1]' },
  occurrences: 1,
};

// Safe S (used in hardirq) -> P (held) -> N (acquired) -> U (taken with irqs on).
const sS = ref(2, 'app/1', 'S', 'S', 'path_s+0x1/0x9');
const sP = ref(3, 'app/1', 'P', 'P', 'path_p+0x1/0x9');
const pHeld = ref(11, 'app/2', 'P', 'P', 'take_p+0x4/0x20');
const nNext = ref(12, 'app/2', 'N', 'N', 'take_n+0x8/0x20');
const nU1 = ref(14, 'app/3', 'N', 'N', 'take_nu+0x1/0x9');
const nU2 = ref(15, 'app/3', 'U', 'U', 'take_nu+0x2/0x9');
const safeAt = ref(20, 'irq/4', 'S', 'S', 'irq_handler+0x10/0x30');
const unsafeAt = ref(25, 'app/5', 'U', 'U', 'plain_u+0x3/0x10');
export const safeToUnsafe: Finding = {
  kind: 'irq-safe-to-unsafe',
  rule: null,
  severity: 'error',
  fingerprint: '6666666666666666',
  message: 'HARDIRQ-safe -> HARDIRQ-unsafe lock order: S (hardirq-safe) -> U (hardirq-unsafe) via new dependency P -> N',
  classes: ['S', 'P', 'N', 'U'],
  events: [nNext, pHeld, sS, sP, nU1, nU2],
  task: 'app/2',
  trigger: nNext,
  chain: [edge('S', 'P', sS, sP), edge('P', 'N', pHeld, nNext), edge('N', 'U', nU1, nU2)],
  held: [held(pHeld, '-...')],
  locks: [
    { class: 'S', type: 'spinlock', usage: '-...' },
    { class: 'P', type: 'spinlock', usage: '-...' },
    { class: 'N', type: 'spinlock', usage: '....' },
    { class: 'U', type: 'spinlock', usage: '+...' },
  ],
  irq: {
    state: 'HARDIRQ',
    safe: 'S',
    unsafe: 'U',
    safeUsage: 'IN-HARDIRQ-W',
    unsafeUsage: 'HARDIRQ-ON-W',
    safeAt,
    unsafeAt,
    taskState: '[HC0[0]:SC0[0]:HE0:SE1]',
  },
  occurrences: 1,
};

// A took B with irqs off earlier; now A is taken in a softirq: A becomes softirq-safe.
const aB1 = ref(3, 'app/1', 'A', 'A', 'a_then_b+0x4/0x20');
const aB2 = ref(4, 'app/1', 'B', 'B', 'a_then_b+0x9/0x20');
const aInSoftirq = ref(10, 'ksoftirqd/0', 'A', 'A', 'softirq_handler+0x6/0x30');
const bUnsafe = ref(7, 'app/2', 'B', 'B', 'plain_b+0x2/0x10');
export const inversion: Finding = {
  kind: 'irq-lock-inversion',
  rule: null,
  severity: 'error',
  fingerprint: '7777777777777777',
  message: 'possible irq lock inversion: A became IN-SOFTIRQ-W but took softirq-unsafe B in the past',
  classes: ['A', 'B'],
  events: [aInSoftirq, aB1, aB2],
  task: 'ksoftirqd/0',
  trigger: aInSoftirq,
  chain: [edge('A', 'B', aB1, aB2)],
  held: [held(aInSoftirq, '..-.')],
  locks: [
    { class: 'A', type: 'spinlock', usage: '..-.' },
    { class: 'B', type: 'spinlock', usage: '..+.' },
  ],
  irq: {
    state: 'SOFTIRQ',
    safe: 'A',
    unsafe: 'B',
    safeUsage: 'IN-SOFTIRQ-W',
    unsafeUsage: 'SOFTIRQ-ON-W',
    safeAt: aInSoftirq,
    unsafeAt: bUnsafe,
    forwards: true,
    taskState: '[HC0[0]:SC1[1]:HE0:SE0]',
  },
  occurrences: 1,
};

const enableEvent: EventRef = { file: F, line: 30, task: 'app/2', op: 'irq', site: 'local_bh_enable+0x0/0x10' };
export const inversionBackwards: Finding = {
  ...inversion,
  fingerprint: '7777777777777778',
  message: 'possible irq lock inversion: B became SOFTIRQ-ON-W but was taken by softirq-safe A in the past',
  events: [enableEvent, aB1, aB2],
  task: 'app/2',
  trigger: enableEvent,
  held: [held(bUnsafe, '..+.')],
  irq: { ...inversion.irq!, forwards: false, taskState: '[HC0[0]:SC0[0]:HE1:SE1]' },
};

const ww = ref(6, 'ww/1', 'obj-2', 'ww_class_mutex', 'ww_lock+0x10/0x50', { stack: ['ww_lock+0x10/0x50', 'gem_lock_all+0x40/0x90'] });
export const nestNotHeld: Finding = {
  kind: 'nest-lock-not-held',
  rule: null,
  severity: 'error',
  fingerprint: '8888888888888888',
  message: 'Nested lock was not taken: ww_class_mutex acquired with nest lock ww_class_acquire, which ww/1 does not hold',
  classes: ['ww_class_mutex', 'ww_class_acquire'],
  events: [ww],
  task: 'ww/1',
  trigger: ww,
  held: [],
  occurrences: 1,
};

const spin = ref(2, 'net/3', 'rx-lock', '&rx->lock', 'rx_poll+0x10/0x80');
const sleep: EventRef = { file: F, line: 3, task: 'net/3', op: 'might-sleep', site: 'kmalloc_sleepable+0x4/0x20' };
export const sleepInAtomic: Finding = {
  kind: 'sleep-in-atomic',
  rule: null,
  severity: 'error',
  fingerprint: '9999999999999999',
  message: 'sleeping in atomic context: might-sleep while holding &rx->lock',
  classes: ['&rx->lock'],
  events: [sleep, spin],
  task: 'net/3',
  trigger: sleep,
  held: [held(spin, '+.+.')],
  locks: [{ class: '&rx->lock', type: 'spinlock', usage: '+.+.' }],
  occurrences: 1,
};

const assertS: EventRef = { file: F, line: 4, task: 'kvm/1', op: 'assert', lock: 'vm0.mmu_lock', site: 'kvm_zap_gfn+0x14/0x60' };
export const assertionFailed: Finding = {
  kind: 'assertion-failed',
  rule: null,
  severity: 'error',
  fingerprint: 'aaaaaaaaaaaaaaaa',
  message: 'lockdep_assert_held_write(&kvm->mmu_lock) failed: the lock is held for read',
  classes: ['&kvm->mmu_lock'],
  events: [assertS],
  task: 'kvm/1',
  trigger: assertS,
  held: [held(ref(3, 'kvm/1', 'vm0.mmu_lock', '&kvm->mmu_lock', 'kvm_mmu_read+0x8/0x30', { mode: 'read' }), '+.+.')],
  occurrences: 1,
};

const deep: HeldLockRef[] = [0, 1, 2].map((i) => held(ref(2 + i, 'walker/1', `node-${i}`, `node/${i}`, `walk+0x${i}/0x40`), '+.+.'));
const tooDeep = ref(5, 'walker/1', 'node-3', 'node/3', 'walk+0x3/0x40');
export const depthExceeded: Finding = {
  kind: 'lock-depth-exceeded',
  rule: null,
  severity: 'error',
  fingerprint: 'bbbbbbbbbbbbbbbb',
  message: 'held-lock depth limit exceeded: walker/1 holds 3 locks (limit 3) and acquires node/3',
  classes: ['node/3'],
  events: [tooDeep],
  task: 'walker/1',
  trigger: tooDeep,
  held: deep,
  occurrences: 1,
};

const slots = ref(3, 'qemu/1', 'vm0.slots_lock', '&kvm->slots_lock', 'kvm_set_memory_region+0x2a/0x50');
const notifier = ref(4, 'qemu/1', 'vm0.mmu_notifier_slots_lock', '&kvm->mmu_notifier_slots_lock', 'install_new_memslots+0x5a/0x120', { mode: 'read' });
export const ruleViolation: Finding = {
  kind: 'rule-violation',
  rule: 'kvm-slots-before-notifier',
  severity: 'error',
  fingerprint: 'cccccccccccccccc',
  message: '&kvm->mmu_notifier_slots_lock taken before &kvm->slots_lock contradicts the documented order',
  classes: ['&kvm->slots_lock', '&kvm->mmu_notifier_slots_lock'],
  events: [notifier, slots],
  task: 'qemu/1',
  trigger: notifier,
  chain: [edge('&kvm->slots_lock', '&kvm->mmu_notifier_slots_lock', slots, notifier)],
  held: [held(slots, '+.+.')],
  locks: [
    { class: '&kvm->slots_lock', type: 'mutex', usage: '+.+.' },
    { class: '&kvm->mmu_notifier_slots_lock', type: 'rwsem', usage: '++++' },
  ],
  ruleDetail: {
    id: 'kvm-slots-before-notifier',
    kind: 'ordering',
    description: 'kvm->slots_lock is taken outside the write side of kvm->mmu_notifier_slots_lock',
    source: 'Documentation/virt/kvm/locking.rst, kvm.git 1ddbba0073f7',
    relation: 'contradicts',
  },
  occurrences: 1,
};

export const ruleUndocumented: Finding = {
  ...ruleViolation,
  rule: 'strict-order',
  severity: 'warning',
  fingerprint: 'dddddddddddddddd',
  message: 'no rule documents the order &kvm->slots_lock -> &kvm->mmu_notifier_slots_lock',
  ruleDetail: {
    id: 'strict-order',
    kind: 'ordering',
    description: 'every observed lock order must be documented by a rule (--strict-order)',
    relation: 'undocumented',
  },
  baselined: true,
};

// A stalled run: a task waits for a lock whose holder ended without releasing it.
const orphanWait = ref(9, 'child', 'm0', 'm', 'child_work+0x10/0x40');
export const deadlockStalled: Finding = {
  kind: 'deadlock',
  rule: null,
  severity: 'error',
  fingerprint: 'eeeeeeeeeeeeeeee',
  message: 'the program stopped with 1 task still waiting (child on m)',
  classes: ['m'],
  events: [orphanWait],
  task: 'child',
  trigger: orphanWait,
  held: [],
  deadlock: { cycle: [], blocked: [{ task: 'child', lock: 'm0', class: 'm', mode: 'write', waitingAt: orphanWait, held: [] }] },
  occurrences: 1,
};

// Read from a kernel console log (--input-format dmesg): the kernel's report is the text.
const rcuReport: EventRef = { file: 'console.log', line: 7, task: 'ip/362', op: 'report' };
export const suspiciousRcu: Finding = {
  kind: 'suspicious-rcu-usage',
  rule: null,
  severity: 'error',
  fingerprint: 'ffffffffffffffff',
  message: 'WARNING: suspicious RCU usage in ip_tunnel_find: rtnl_mutex',
  classes: ['rtnl_mutex'],
  events: [rcuReport],
  task: 'ip/362',
  trigger: rcuReport,
  held: [held({ file: 'console.log', line: 16, task: 'ip/362', class: 'rtnl_mutex', site: 'rtnetlink_rcv_msg' }, '+.+.')],
  splat: {
    title: 'WARNING: suspicious RCU usage in ip_tunnel_find',
    header: 'WARNING: suspicious RCU usage',
    kernel: '6.12.0-rc3-custom-gd95d9a31aceb #139 Not tainted',
    detail: 'net/ipv4/ip_tunnel.c:221 RCU-list traversed in non-reader section!!',
    incomplete: false,
    firstLine: 7,
    lastLine: 18,
    text: [
      'WARNING: suspicious RCU usage',
      '6.12.0-rc3-custom-gd95d9a31aceb #139 Not tainted',
      '-----------------------------',
      'net/ipv4/ip_tunnel.c:221 RCU-list traversed in non-reader section!!',
      '',
      'other info that might help us debug this:',
      '',
      'rcu_scheduler_active = 2, debug_locks = 1',
      '1 lock held by ip/362:',
      ' #0: ffffffff86fc7cb0 (rtnl_mutex){+.+.}-{3:3}, at: rtnetlink_rcv_msg+0x377/0xf60',
      '',
      'stack backtrace:',
    ],
  },
  occurrences: 1,
};

/** Golden name -> finding. Every kind in FINDING_KINDS appears at least once. */
// A simulation task's function threw while it held a lock.
const w1M = ref(4, 'worker', 'm', 'm', 'transfer+0x12/0x40');

export const taskError: Finding = {
  kind: 'task-error',
  rule: null,
  severity: 'error',
  fingerprint: '5a5a5a5a5a5a5a5a',
  message: 'task worker threw Error: insufficient funds',
  classes: [],
  events: [],
  task: 'worker',
  held: [held(w1M, '+.+.')],
};

export const GOLDEN_FINDINGS: ReadonlyMap<string, Finding> = new Map<string, Finding>([
  ['circular-dependency', circular],
  ['circular-dependency-three-classes', circularThree],
  ['recursive-locking', recursive],
  ['bad-unlock-balance', badUnlock],
  ['held-lock-freed', heldLockFreed],
  ['held-lock-freed-by-init', heldLockReinit],
  ['held-lock-at-exit', heldAtExit],
  ['inconsistent-lock-state', inconsistent],
  ['irq-safe-to-unsafe', safeToUnsafe],
  ['irq-lock-inversion', inversion],
  ['irq-lock-inversion-backwards', inversionBackwards],
  ['nest-lock-not-held', nestNotHeld],
  ['sleep-in-atomic', sleepInAtomic],
  ['assertion-failed', assertionFailed],
  ['lock-depth-exceeded', depthExceeded],
  ['rule-violation', ruleViolation],
  ['rule-violation-undocumented', ruleUndocumented],
  ['deadlock', deadlockFinding],
  ['deadlock-stalled', deadlockStalled],
  ['task-error', taskError],
  ['suspicious-rcu-usage', suspiciousRcu],
]);
