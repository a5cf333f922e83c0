/**
 * The KVM packs as the kernel prints and documents them: each correction of the review (class
 * names lockdep prints, aliases, the xen_lock leaf, rules whose words are not in locking.rst)
 * and each Reference rule that was missing, checked on small traces. Every test here fails on
 * the packs as they were before the review.
 */
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { TraceEvent } from '../../src/events/event.js';
import type { LoadedRule } from '../../src/rules/rule-kind.js';
import { loadRuleFiles, type RuleSet } from '../../src/rules/index.js';
import { L, R, U, W, runAll, runRules, summary } from './rule-tester.js';
import { REPO_ROOT } from '../cli/run-cli.js';

const kvm2021 = loadRuleFiles([join(REPO_ROOT, 'rules/kvm-2021.yaml')]);
const kvmLocking = loadRuleFiles([join(REPO_ROOT, 'rules/kvm-locking.yaml')]);
const PACKS: Array<[string, RuleSet]> = [
  ['kvm-2021.yaml', kvm2021],
  ['kvm-locking.yaml', kvmLocking],
];

function ruleOf(pack: RuleSet, id: string): LoadedRule {
  const rule = pack.rules.find((candidate) => candidate.id === id);
  if (rule === undefined) throw new Error(`no rule ${id}`);
  return rule;
}

/** An instance per class, typed as the kernel types it. */
const init = (lock: string, type: 'mutex' | 'spinlock' | 'rwlock' | 'rwsem' | 'map'): TraceEvent => ({ op: 'init', lock, type });

describe('1. mmu_lock under the name lockdep prints since v5.12, `&(kvm)->mmu_lock`', () => {
  /** kvm_tdp_mmu_map on 5.12+: tdp_mmu_pages_lock inside mmu_lock, as a splat names them. */
  const printed: TraceEvent[] = [
    init('&(kvm)->mmu_lock', 'rwlock'),
    init('&kvm->arch.tdp_mmu_pages_lock', 'spinlock'),
    L('vcpu', '&(kvm)->mmu_lock', 'recursive-read'),
    L('vcpu', '&kvm->arch.tdp_mmu_pages_lock'),
    U('vcpu', '&kvm->arch.tdp_mmu_pages_lock'),
    U('vcpu', '&(kvm)->mmu_lock'),
  ];

  test.each(PACKS)('%s: tdp_mmu_pages_lock taken inside the printed mmu_lock is correct code', (_name, pack) => {
    expect(summary(runRules(pack, printed))).toEqual([]);
  });

  test('kvm-2021.yaml: mmu_notifier_count written under the printed mmu_lock held for write is correct code', () => {
    const trace = [init('&(kvm)->mmu_lock', 'rwlock'), L('mn', '&(kvm)->mmu_lock'), W('mn', 'kvm->mmu_notifier_count'), U('mn', '&(kvm)->mmu_lock')];
    expect(summary(runRules(kvm2021, trace))).toEqual([]);
  });

  test.each(PACKS)('%s: without mmu_lock the must-hold rule reports the printed name', (_name, pack) => {
    const trace = [init('&kvm->arch.tdp_mmu_pages_lock', 'spinlock'), L('vcpu', '&kvm->arch.tdp_mmu_pages_lock'), U('vcpu', '&kvm->arch.tdp_mmu_pages_lock')];
    const findings = runRules(pack, trace);
    expect(findings).toHaveLength(1);
    expect(findings[0]?.message).toContain('&(kvm)->mmu_lock');
  });
});

describe('2. aliases: the pre-5.12 spelling `&kvm->mmu_lock` matches as the declared class', () => {
  test.each(PACKS)('%s declares the alias and says which kernels its names are for', (_name, pack) => {
    expect(pack.classAliases.get('&kvm->mmu_lock')).toBe('&(kvm)->mmu_lock');
    expect([...pack.kernelsByFile.values()][0]).toMatch(/v5\.12 and later/);
    expect(pack.classTypes.get('&kvm->mmu_lock')).toBe('rwlock');
  });

  test.each(PACKS)('%s: a pre-5.12 trace (old spelling) satisfies the must-hold rule too', (_name, pack) => {
    const trace = [
      init('&kvm->mmu_lock', 'rwlock'),
      L('vcpu', '&kvm->mmu_lock'),
      L('vcpu', '&kvm->arch.tdp_mmu_pages_lock'),
      U('vcpu', '&kvm->arch.tdp_mmu_pages_lock'),
      U('vcpu', '&kvm->mmu_lock'),
    ];
    expect(summary(runRules(pack, trace))).toEqual([]);
  });

  test('kvm-locking.yaml: a lock taken inside a leaf under the old spelling is reported under the declared name', () => {
    const trace = [init('&kvm->mmu_lock', 'rwlock'), init('&kvm->mn_invalidate_lock', 'spinlock'), L('a', '&kvm->mn_invalidate_lock'), L('a', '&kvm->mmu_lock'), U('a', '&kvm->mmu_lock'), U('a', '&kvm->mn_invalidate_lock')];
    expect(summary(runRules(kvmLocking, trace))).toEqual(['leaf-locks:&kvm->mn_invalidate_lock,&(kvm)->mmu_lock']);
  });
});

describe('3. kvm->arch.xen.xen_lock is not a leaf', () => {
  test('the leaf rule lists only locks the document leaves alone', () => {
    expect(ruleOf(kvmLocking, 'leaf-locks').spec).toMatchObject({
      lock: ['&kvm->arch.tdp_mmu_pages_lock', '&kvm->arch.mmu_unsync_pages_lock', '&kvm->mn_invalidate_lock'],
    });
  });

  test('srcu_read_lock(&kvm->srcu) inside xen_lock (as 310bc39546a4 does) is correct code', () => {
    const trace = [
      init('&kvm->arch.xen.xen_lock', 'mutex'),
      init('&kvm->srcu', 'map'),
      L('vcpu', '&kvm->arch.xen.xen_lock', undefined, { site: 'kvm_xen_hvm_set_attr+0x40/0x200' }),
      L('vcpu', '&kvm->srcu', 'recursive-read', { site: 'kvm_xen_hvm_set_attr+0x60/0x200' }),
      U('vcpu', '&kvm->srcu'),
      U('vcpu', '&kvm->arch.xen.xen_lock'),
    ];
    expect(summary(runRules(kvmLocking, trace))).toEqual([]);
  });
});

describe('4. notifier-count-under-mmu-lock is the commit message of 071064f14d87, not locking.rst', () => {
  const rule = ruleOf(kvm2021, 'notifier-count-under-mmu-lock');

  test('a warning whose source is that commit message', () => {
    expect(rule.severity).toBe('warning');
    expect(rule.documentedIn).toMatch(/^commit message of 071064f14d87/);
    expect(rule.documentedIn).toContain('not in locking.rst');
  });

  test('breaking it is a warning finding, not an error', () => {
    const trace = [init('&(kvm)->mmu_lock', 'rwlock'), L('mn', '&(kvm)->mmu_lock', 'recursive-read'), W('mn', 'kvm->mmu_notifier_count'), U('mn', '&(kvm)->mmu_lock')];
    const findings = runRules(kvm2021, trace);
    expect(findings.map((finding) => [finding.rule, finding.severity])).toEqual([['notifier-count-under-mmu-lock', 'warning']]);
  });
});

describe('5. vcpu-mutex-outside-slots-locks is a proposed patch, not torvalds\' locking.rst', () => {
  const rule = ruleOf(kvmLocking, 'vcpu-mutex-outside-slots-locks');

  test('a warning, sourced to the posted patch, with no "paraphrased" note', () => {
    expect(rule.severity).toBe('warning');
    expect(rule.documentedIn).toContain('<20260302170239.596810-1-seanjc@google.com>');
    expect(rule.documentedIn).toMatch(/^proposed/);
    expect(JSON.stringify(rule.spec)).not.toMatch(/paraphrase/i);
  });

  test('breaking it is a warning finding', () => {
    const trace = [init('&vcpu->mutex', 'mutex'), init('&kvm->slots_lock', 'mutex'), L('a', '&kvm->slots_lock'), L('a', '&vcpu->mutex'), U('a', '&vcpu->mutex'), U('a', '&kvm->slots_lock')];
    const findings = runRules(kvmLocking, trace);
    expect(findings.map((finding) => [finding.rule, finding.severity])).toEqual([['vcpu-mutex-outside-slots-locks', 'warning']]);
  });
});

describe('6. memslots-and-buses-under-srcu: the slots_lock alternative is the code\'s', () => {
  test.each(PACKS)('%s says so in the rule', (_name, pack) => {
    const spec = ruleOf(pack, 'memslots-and-buses-under-srcu').spec;
    expect(spec).toMatchObject({ lock: ['&kvm->srcu', '&kvm->slots_lock'] });
    expect(spec.note).toMatch(/slots_lock alternative comes from the code .*not from the document/);
  });
});

describe('every rule names its source', () => {
  test.each(PACKS)('%s', (_name, pack) => {
    const unsourced = pack.rules.filter((rule) => rule.documentedIn === undefined).map((rule) => rule.id);
    expect(unsourced).toEqual([]);
    const fromTheDocument = pack.rules.filter((rule) => rule.documentedIn?.startsWith('Documentation/virt/kvm/locking.rst'));
    expect(fromTheDocument.every((rule) => rule.severity === 'error')).toBe(true);
  });
});

describe('the Reference rules that were missing', () => {
  /** Per rule: its class and type, and the data it protects. */
  const packNamed = new Map(PACKS);
  const cases: Array<[string, string, string, 'mutex' | 'spinlock', string]> = [
    ['kvm-2021.yaml', 'vm-list-under-kvm-lock', 'kvm_lock', 'mutex', 'vm_list'],
    ['kvm-2021.yaml', 'kvm-usage-count-under-kvm-count-lock', 'kvm_count_lock', 'spinlock', 'kvm_usage_count'],
    ['kvm-2021.yaml', 'last-tsc-under-tsc-write-lock', '&kvm->arch.tsc_write_lock', 'spinlock', 'kvm->arch.last_tsc_offset'],
    ['kvm-2021.yaml', 'blocked-vcpu-list-under-its-lock', '&per_cpu(blocked_vcpu_on_cpu_lock, cpu)', 'spinlock', 'blocked_vcpu_on_cpu'],
    ['kvm-locking.yaml', 'memslots-changes-under-slots-arch-lock', '&kvm->slots_arch_lock', 'mutex', 'kvm->memslots'],
    ['kvm-locking.yaml', 'wakeup-vcpus-list-under-its-lock', '&per_cpu(wakeup_vcpus_on_cpu_lock, cpu)', 'spinlock', 'wakeup_vcpus_on_cpu'],
  ];

  test.each(cases)('%s %s: a write with %s held is clean, without it is reported', (file, id, lock, type, variable) => {
    const pack = packNamed.get(file)!;
    expect(summary(runRules(pack, [init(lock, type), L('t', lock), W('t', variable), U('t', lock)]))).toEqual([]);
    expect(runRules(pack, [W('t', variable)]).map((finding) => finding.rule)).toEqual([id]);
  });

  test('kvm-2021.yaml: memslots read inside a kvm->srcu reader is clean, outside it is reported', () => {
    const srcu = init('&kvm->srcu', 'map');
    expect(summary(runRules(kvm2021, [srcu, L('v', '&kvm->srcu', 'recursive-read'), R('v', 'kvm->buses'), U('v', '&kvm->srcu')]))).toEqual([]);
    expect(runRules(kvm2021, [R('v', 'kvm->memslots')]).map((finding) => finding.rule)).toEqual(['memslots-and-buses-under-srcu']);
  });

  test('kvm-locking.yaml: vendor_module_lock outside cpu_hotplug_lock is derived, a warning', () => {
    const rule = ruleOf(kvmLocking, 'vendor-module-lock-outside-cpu-hotplug-lock');
    expect(rule.documentedIn).toMatch(/^derived from the vendor_module_lock comment/);
    const locks = [init('vendor_module_lock', 'mutex'), init('cpu_hotplug_lock', 'rwsem')];
    expect(summary(runRules(kvmLocking, [...locks, L('ld', 'vendor_module_lock'), L('ld', 'cpu_hotplug_lock', 'read'), U('ld', 'cpu_hotplug_lock'), U('ld', 'vendor_module_lock')]))).toEqual([]);
    const inverted = runAll(kvmLocking, [...locks, L('x', 'cpu_hotplug_lock', 'read'), L('x', 'vendor_module_lock'), U('x', 'vendor_module_lock'), U('x', 'cpu_hotplug_lock')]);
    expect(inverted.map((finding) => [finding.rule, finding.severity])).toEqual([['vendor-module-lock-outside-cpu-hotplug-lock', 'warning']]);
  });
});
