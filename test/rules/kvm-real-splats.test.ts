/**
 * The KVM packs checked against real KVM splats from the kvm mailing list
 * (test/fixtures/real/kernel/, sources in its README): each splat's held locks and dependency
 * chain, written as a trace, must give no rule violation where the code was correct, and only
 * the documented rule that the buggy code really broke where it was not.
 */
import { describe, expect, test } from 'vitest';
import { runCliInProcess } from '../cli/run-cli.js';

const REAL = 'test/fixtures/real/kernel';
const PACKS = ['rules/kvm-2021.yaml', 'rules/kvm-locking.yaml'];

interface JsonFinding {
  kind: string;
  rule: string | null;
  classes: string[];
}

async function findingsOf(pack: string, trace: string): Promise<string[]> {
  const run = await runCliInProcess(['check', '--rules', pack, '--format', 'json', `${REAL}/${trace}`]);
  expect(run.status, run.stderr).toBeLessThan(2);
  const result = JSON.parse(run.stdout) as { violations: JsonFinding[] };
  return result.violations.map((finding) => `${finding.rule ?? finding.kind}:${finding.classes.join(',')}`);
}

describe.each(PACKS)('%s on real KVM splats', (pack) => {
  test('8 Apr 2021, 5.12.0-rc3+: vcpu->mutex, kvm->srcu, &(kvm)->mmu_lock held in order; only the sleep in atomic context', async () => {
    expect(await findingsOf(pack, 'wanpeng-li-2021-04-08-mmu-lock-sleep.jsonl')).toEqual(['sleep-in-atomic:&(kvm)->mmu_lock']);
  });

  test('19 Apr 2021, 5.12.0-rc3+: the rwsem cycle through the notifier pseudo-lock is a lockdep cycle, no documented rule broken', async () => {
    expect(await findingsOf(pack, 'wanpeng-li-2021-04-19-mmu-notifier-slots-lock.jsonl')).toEqual([
      'circular-dependency:mmu_notifier_invalidate_range_start,&kvm->mmu_notifier_slots_lock',
    ]);
  });

  test('5 Sep 2023, 6.5.0 arm64: a mutex taken under the printed &(kvm)->mmu_lock is lockdep\'s finding, not a rule\'s', async () => {
    expect(await findingsOf(pack, 'shan-2023-09-05-arm64-mmu-lock-wait-context.jsonl')).toEqual(['sleep-in-atomic:&mmu->fault_ranges_mutex,&(kvm)->mmu_lock']);
  });

  test('10 May 2021, 5.13.0-rc1: memslots read under hv_lock without kvm->srcu breaks the srcu rule, as RCU lockdep said', async () => {
    expect(await findingsOf(pack, 'wanpeng-li-2021-05-10-hv-lock-rcu.jsonl')).toEqual(['memslots-and-buses-under-srcu:&kvm->srcu,&kvm->slots_lock']);
  });
});

describe('the 2024 cpu_hotplug_lock chain (6.9.0, 7 May 2024)', () => {
  test('kvm-2021.yaml (no rule about these locks): the cycle only', async () => {
    expect(await findingsOf('rules/kvm-2021.yaml', 'christopherson-2024-05-07-slots-lock-cpu-hotplug.jsonl')).toEqual([
      'circular-dependency:&kvm->slots_lock,&kvm->srcu,cpu_hotplug_lock,kvm_lock',
    ]);
  });

  test('kvm-locking.yaml: the cycle contradicts the documented orders it runs through', async () => {
    const findings = await findingsOf('rules/kvm-locking.yaml', 'christopherson-2024-05-07-slots-lock-cpu-hotplug.jsonl');
    expect(findings).toEqual([
      'circular-dependency:&kvm->slots_lock,&kvm->srcu,cpu_hotplug_lock,kvm_lock',
      'cpus-read-lock-outside-kvm-lock:kvm_lock,&kvm->slots_lock,&kvm->srcu,cpu_hotplug_lock',
      'srcu-sync-inside-kvm-mutexes:&kvm->srcu,cpu_hotplug_lock,kvm_lock,&kvm->slots_lock',
    ]);
  });
});

describe('the text report names where a rule is documented', () => {
  test('the srcu rule broken under hv_lock: its sentence, then its source', async () => {
    const run = await runCliInProcess(['check', '--rules', 'rules/kvm-locking.yaml', `${REAL}/wanpeng-li-2021-05-10-hv-lock-rcu.jsonl`]);
    expect(run.status).toBe(1);
    expect(run.stdout).toContain(
      'and while accessing in-kernel MMIO/PIO address->device structure mapping (kvm->buses).\n  (source: Documentation/virt/kvm/locking.rst, torvalds/linux 918e37d50a2f (after v6.12))\n',
    );
  });
});
