/**
 * The shipped KVM packs: both lint clean through the CLI (run in-process), and replayed KVM call
 * paths (docs/simulation.md, The KVM example) give the findings the documentation predicts.
 */
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { TraceEvent } from '../../src/events/event.js';
import { loadRuleFiles } from '../../src/rules/index.js';
import { L, S, U, W, runAll, summary } from './rule-tester.js';
import { REPO_ROOT, runCliInProcess } from '../cli/run-cli.js';

const cli = (...args: string[]) => runCliInProcess(args);

describe('lockdep rules lint on the KVM packs', () => {
  test('kvm-2021.yaml lints clean and prints its order as DOT', async () => {
    const run = await cli('rules', 'lint', 'rules/kvm-2021.yaml');
    expect(run.stderr.split('\n')[0]).toBe('rules/kvm-2021.yaml: 15 rule(s) valid, 6 documented order pair(s), no cycle');
    expect(run.status).toBe(0);
    expect(run.stdout.startsWith('digraph "lock-order" {\n')).toBe(true);
    expect(run.stdout).toContain('"&kvm->slots_lock" -> "&kvm->mmu_notifier_slots_lock" [label="slots-lock-outside-write-side (write)"];');
  });

  test('kvm-locking.yaml lints clean and prints its order as DOT', async () => {
    const run = await cli('rules', 'lint', 'rules/kvm-locking.yaml');
    expect(run.stderr.split('\n')[0]).toBe('rules/kvm-locking.yaml: 21 rule(s) valid, 14 documented order pair(s), no cycle');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('"kvm_usage_lock" -> "cpu_hotplug_lock" [label="kvm-usage-lock-outside-cpus-read-lock"];');
    expect(run.stdout.trimEnd().endsWith('}')).toBe(true);
  });

  test('a malformed file exits 2 with one file:line:col line and no DOT', async () => {
    const run = await cli('rules', 'lint', 'test/rules/fixtures/unknown-kind.yaml');
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      'test/rules/fixtures/unknown-kind.yaml:8:11: unknown rule kind "order-by" (use one of: order, forbid-inside, allow-inside, writers-only-at, guarded-by, leaf, must-hold, no-sleep-inside)\n',
    );
  });

  test('rules schema prints the shipped JSON Schema', async () => {
    const run = await cli('rules', 'schema');
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object' });
  });
});

/** Instances of the KVM classes (lock id -> class and type). */
const KVM_LOCKS: TraceEvent[] = [
  { op: 'init', lock: 'slots', class: '&kvm->slots_lock', type: 'mutex' },
  { op: 'init', lock: 'arch', class: '&kvm->slots_arch_lock', type: 'mutex' },
  { op: 'init', lock: 'mnsl', class: '&kvm->mmu_notifier_slots_lock', type: 'rwsem' },
  { op: 'init', lock: 'MN', class: 'mmu_notifier_invalidate_range_start', type: 'map' },
  { op: 'init', lock: 'mmu', class: '&(kvm)->mmu_lock', type: 'rwlock' },
  { op: 'init', lock: 'srcu', class: '&kvm->srcu', type: 'map' },
  { op: 'init', lock: 'mnil', class: '&kvm->mn_invalidate_lock', type: 'spinlock' },
  { op: 'init', lock: 'vcpu', class: '&vcpu->mutex', type: 'mutex' },
];
const site = (name: string) => ({ site: `${name}+0x10/0x200` });

describe('kvm-2021.yaml on 2021 call paths', () => {
  const pack = loadRuleFiles([join(REPO_ROOT, 'rules/kvm-2021.yaml')]);
  /** MEMSLOT_2021: slots_lock, then the write side in install_new_memslots. */
  const memslot: TraceEvent[] = [L('W', 'slots', undefined, site('kvm_set_memslot')), L('W', 'mnsl', 'write', site('install_new_memslots')), U('W', 'mnsl'), U('W', 'slots')];
  /** MN_2021 on one COW fault: start takes the rwsem read under the pseudo-lock; end re-takes the pseudo-lock under it. */
  const notifier: TraceEvent[] = [
    L('A', 'MN', 'read', site('__mmu_notifier_invalidate_range_start')),
    L('A', 'mnsl', 'read', site('kvm_mmu_notifier_invalidate_range_start')),
    L('A', 'mmu', 'write', site('kvm_mmu_notifier_invalidate_range_start')),
    W('A', 'kvm->mmu_notifier_count'),
    U('A', 'mmu'),
    U('A', 'MN'),
    L('A', 'MN', 'read', site('__mmu_notifier_invalidate_range_end')),
    U('A', 'mnsl'),
    U('A', 'MN'),
  ];

  test('the documented rules hold, yet lockdep finds the 2021 cycle through the pseudo-lock', () => {
    const findings = runAll(pack, [...KVM_LOCKS, ...memslot, ...notifier]);
    expect(findings.map((finding) => `${finding.kind}:${finding.classes.join(',')}`)).toEqual([
      'circular-dependency:mmu_notifier_invalidate_range_start,&kvm->mmu_notifier_slots_lock',
    ]);
  });

  test('each documented rule catches its own violation', () => {
    const trace = [
      ...KVM_LOCKS,
      // D4: an MMU notifier takes slots_lock.
      L('A', 'MN', 'read'),
      L('A', 'slots'),
      U('A', 'slots'),
      U('A', 'MN'),
      // A second write-side critical section.
      L('B', 'mnsl', 'write', site('kvm_arch_flush_shadow')),
      U('B', 'mnsl'),
      // The count updated with mmu_lock held for read only.
      L('C', 'mmu', 'recursive-read'),
      W('C', 'kvm->mmu_notifier_count'),
      U('C', 'mmu'),
      // slots_lock taken inside the write side.
      L('D', 'mnsl', 'write', site('install_new_memslots')),
      L('D', 'slots'),
      U('D', 'slots'),
      U('D', 'mnsl'),
    ];
    const findings = runAll(pack, trace).filter((finding) => finding.kind === 'rule-violation');
    expect(summary(findings)).toEqual([
      'no-slots-lock-in-notifiers:mmu_notifier_invalidate_range_start,&kvm->slots_lock',
      'no-new-writers:&kvm->mmu_notifier_slots_lock',
      'notifier-count-under-mmu-lock:&(kvm)->mmu_lock',
      'slots-lock-outside-write-side:&kvm->mmu_notifier_slots_lock,&kvm->slots_lock',
    ]);
  });
});

describe('kvm-locking.yaml on today\'s call paths', () => {
  const pack = loadRuleFiles([join(REPO_ROOT, 'rules/kvm-locking.yaml')]);
  /** MEMSLOT (W1..W9) and a blockable MN start/end (S1..S5, E1..E5), 5.15+ semantics. */
  const correct: TraceEvent[] = [
    L('W', 'slots'),
    L('W', 'arch'),
    L('W', 'mnil'),
    W('W', 'kvm->mn_active_invalidate_count'),
    U('W', 'mnil'),
    U('W', 'arch'),
    S('W', 'srcu'),
    U('W', 'slots'),
    L('A', 'MN', 'read'),
    L('A', 'mnil'),
    W('A', 'kvm->mn_active_invalidate_count'),
    U('A', 'mnil'),
    L('A', 'srcu', 'recursive-read'),
    L('A', 'mmu', 'write'),
    U('A', 'mmu'),
    U('A', 'srcu'),
    U('A', 'MN'),
    L('V', 'vcpu'),
    L('V', 'srcu', 'recursive-read'),
    L('V', 'arch'),
    U('V', 'arch'),
    U('V', 'srcu'),
    U('V', 'vcpu'),
  ];

  test('the current design is clean', () => {
    expect(summary(runAll(pack, [...KVM_LOCKS, ...correct]))).toEqual([]);
  });

  test('--strict-order lists the orders of the current design that locking.rst does not document', () => {
    const findings = runAll(pack, [...KVM_LOCKS, ...correct], { strictOrder: true });
    expect(summary(findings)).toEqual([
      'strict-order:&kvm->slots_lock,&kvm->slots_arch_lock',
      'strict-order:&kvm->slots_arch_lock,&kvm->mn_invalidate_lock',
      'strict-order:mmu_notifier_invalidate_range_start,&kvm->mn_invalidate_lock',
      'strict-order:mmu_notifier_invalidate_range_start,&kvm->srcu',
      'strict-order:&kvm->srcu,&(kvm)->mmu_lock',
      'strict-order:mmu_notifier_invalidate_range_start,&(kvm)->mmu_lock',
    ]);
    expect(findings.every((finding) => finding.severity === 'warning' && finding.ruleDetail?.relation === 'undocumented')).toBe(true);
  });

  test('D5 (slots_lock inside a kvm->srcu reader) and D6 (synchronize_srcu under slots_arch_lock) are caught', () => {
    const d5: TraceEvent[] = [L('V', 'srcu', 'recursive-read'), L('V', 'slots'), U('V', 'slots'), U('V', 'srcu')];
    const d6: TraceEvent[] = [L('W', 'slots'), L('W', 'arch'), S('W', 'srcu'), U('W', 'arch'), U('W', 'slots')];
    const findings = runAll(pack, [...KVM_LOCKS, ...d5, ...d6]).filter((finding) => finding.kind === 'rule-violation');
    expect(summary(findings)).toEqual([
      'srcu-sync-inside-kvm-mutexes:&kvm->srcu,&kvm->slots_lock',
      'slots-arch-lock-released-before-synchronize-srcu:&kvm->slots_arch_lock,&kvm->srcu',
    ]);
  });

  test('an unlocked update of mn_active_invalidate_count and a lock inside a leaf are caught', () => {
    const trace: TraceEvent[] = [W('A', 'kvm->mn_active_invalidate_count'), L('A', 'mnil'), L('A', 'mmu', 'write'), U('A', 'mmu'), U('A', 'mnil')];
    expect(summary(runAll(pack, [...KVM_LOCKS, ...trace]))).toEqual([
      'mn-invalidate-state-under-mn-invalidate-lock:&kvm->mn_invalidate_lock',
      'leaf-locks:&kvm->mn_invalidate_lock,&(kvm)->mmu_lock',
    ]);
  });
});
