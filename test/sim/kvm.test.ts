// The KVM example (examples/kvm): each design and each rule-breaking variant with its expected
// verdict, the 2021 report's exact shape, and the real deadlock when the pseudo-lock excludes.
import { describe, expect, it } from 'vitest';
import { DESIGNS, RULE_VARIANTS } from '../../examples/kvm/kvm-model.js';
import { runKvmScenario } from '../../examples/kvm/scenario.js';
import { expectNoLockdepFindings } from '../../src/testing/vitest.js';

const PSEUDO = 'mmu_notifier_invalidate_range_start';
const RWSEM = '&kvm->mmu_notifier_slots_lock';

describe('KVM designs', { timeout: 30_000 }, () => {
  it('2021 fair rwsem: reproduces the 19 April 2021 report, seen by a single task', async () => {
    const { result, simulation } = await runKvmScenario({ design: '2021-fair' });
    expect(simulation.deadlock).toBeNull();
    expect(result.violations).toHaveLength(1);
    const [finding] = result.violations;
    expect(finding?.kind).toBe('circular-dependency');
    expect(finding?.classes).toEqual([PSEUDO, RWSEM]);
    // "qemu-system-x86/3069 is trying to acquire lock: mmu_notifier_invalidate_range_start at
    //  __mmu_notifier_invalidate_range_end; but task is already holding &kvm->mmu_notifier_slots_lock"
    expect(finding?.task).toBe('qemu-system-x86/3069');
    expect(finding?.trigger?.class).toBe(PSEUDO);
    expect(finding?.trigger?.site).toBe('__mmu_notifier_invalidate_range_end');
    // Both edges of the cycle were recorded by that one COW fault.
    expect(finding?.chain?.map((edge) => edge.task)).toEqual(['qemu-system-x86/3069', 'qemu-system-x86/3069']);
    const down = finding?.chain?.find((edge) => edge.to === RWSEM);
    expect(down?.next.site).toBe('kvm_mmu_notifier_invalidate_range_start');
    expect(down?.next.stack).toEqual(expect.arrayContaining(['__mmu_notifier_invalidate_range_start', 'wp_page_copy', 'exc_page_fault']));
    expect(down?.next.mode).toBe('read');
    // "2 locks held: &mm->mmap_lock, &kvm->mmu_notifier_slots_lock"
    expect(finding?.held?.map((h) => h.class)).toEqual(['&mm->mmap_lock', RWSEM]);
  });

  it('2021 with a reader-preferring rwsem: clean', async () => {
    const { simulation } = await runKvmScenario({ design: '2021-reader-preference' });
    expectNoLockdepFindings(simulation);
  });

  it('5.15 (mn_invalidate_lock + count + rcuwait): clean, and the memslot update waited for the window', async () => {
    const { simulation, model } = await runKvmScenario({ design: '5.15' });
    expectNoLockdepFindings(simulation);
    const published = model.log.findIndex((line) => line.includes('published memslots'));
    const windows = model.log.flatMap((line, index) => (line.includes('PTE changed') ? [index] : []));
    // Both COW faults changed PTEs inside their windows; the memslots were published only after
    // the last window closed (the rcuwait waited for mn_active_invalidate_count to reach 0).
    expect(windows).toHaveLength(2);
    expect(published).toBeGreaterThan(Math.max(...windows));
    expect(model.mnActiveInvalidateCount).toBe(0);
    expect(model.mmuNotifierCount).toBe(0);
  });

  it.each(DESIGNS)('design %s: every actor finishes without the pseudo-lock excluding', async (design) => {
    const { simulation } = await runKvmScenario({ design, rules: false });
    expect(simulation.deadlock).toBeNull();
    expect(simulation.errors).toEqual([]);
    expect(simulation.finished).toHaveLength(5);
  });

  it('2021 fair rwsem with the pseudo-lock excluding: the real deadlock of Paolo\'s three bullets', async () => {
    const { simulation } = await runKvmScenario({ design: '2021-fair', pseudoAsMutex: true });
    const steps = simulation.deadlock?.cycle.map((s) => `${s.task} -> ${s.lock} (${s.reason} ${s.blockedBy})`);
    expect(steps).toEqual([
      'qemu-system-x86/3069 -> mmu_notifier_invalidate_range_start (holds qemu-system-x86/3070)',
      'qemu-system-x86/3070 -> &kvm->mmu_notifier_slots_lock (queued-ahead qemu-kvm-ioctl)',
      'qemu-kvm-ioctl -> &kvm->mmu_notifier_slots_lock (holds qemu-system-x86/3069)',
    ]);
  });

  it.each(['2021-reader-preference', '5.15'] as const)('%s with the pseudo-lock excluding: no deadlock', async (design) => {
    const { simulation } = await runKvmScenario({ design, pseudoAsMutex: true });
    expectNoLockdepFindings(simulation);
  });
});

describe('KVM variants breaking rules/kvm-2021.yaml', { timeout: 30_000 }, () => {
  it.each(RULE_VARIANTS)('%s is caught by its rule id', async (variant) => {
    const { result } = await runKvmScenario({ design: '2021-reader-preference', variant });
    const ruleIds = result.violations.filter((f) => f.kind === 'rule-violation').map((f) => f.rule);
    expect(ruleIds).toContain(variant);
    const finding = result.violations.find((f) => f.rule === variant);
    expect(finding?.ruleDetail?.relation).toBe('contradicts');
  });

  it('no rule fires on the unmodified designs', async () => {
    for (const design of DESIGNS) {
      const { result } = await runKvmScenario({ design });
      expect(result.violations.filter((f) => f.kind === 'rule-violation')).toEqual([]);
    }
  });
});

describe('KVM with stacks on', { timeout: 30_000 }, () => {
  it('witnesses carry the source file:line of the model', async () => {
    const { result } = await runKvmScenario({ design: '2021-fair', stacks: true, rules: false });
    const finding = result.violations[0];
    const sites = finding?.chain?.flatMap((edge) => [edge.prev.site, edge.next.site]) ?? [];
    expect(sites.length).toBe(4);
    for (const site of sites) expect(site).toMatch(/^examples\/kvm\/kvm-model\.ts:\d+$/);
    expect(finding?.chain?.[0]?.next.stack).toEqual(expect.arrayContaining(['wp_page_copy']));
  });
});
