/**
 * The demo's bundled trace, examples/kvm/kvm-2021.jsonl, is a recording of the KVM simulation's
 * 2021 design: re-recording gives the same events, and `lockdep check` on it gives lockdep's
 * 2021 report (the cycle between the notifier pseudo-lock and the rwsem, one task).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { runKvmScenario } from '../../examples/kvm/scenario.js';
import { checkTrace } from '../../src/check/check-trace.js';
import { createRuleHooks, loadRuleFiles } from '../../src/rules/index.js';

const BUNDLED = 'examples/kvm/kvm-2021.jsonl';
const eventsOf = (file: string): string[] => readFileSync(file, 'utf8').split('\n').filter((l) => l.length > 0).slice(1);

test('the bundled trace is what the simulation records today', async () => {
  const recordTo = join(mkdtempSync(join(tmpdir(), 'lockdep-kvm-')), 'kvm.jsonl');
  await runKvmScenario({ design: '2021-fair', recordTo });
  expect(eventsOf(BUNDLED)).toEqual(eventsOf(recordTo));
}, 60_000);

test('checking the bundled trace reproduces the 2021 report', async () => {
  const ruleSet = loadRuleFiles(['rules/kvm-2021.yaml']);
  const result = await checkTrace(BUNDLED, { createHooks: () => [createRuleHooks(ruleSet, { strictOrder: false })] });
  expect(result.violations.map((f) => f.kind)).toEqual(['circular-dependency']);
  const cycle = result.violations[0]!;
  expect(new Set(cycle.classes)).toEqual(new Set(['mmu_notifier_invalidate_range_start', '&kvm->mmu_notifier_slots_lock']));
  expect(new Set(cycle.chain!.map((edge) => edge.task))).toEqual(new Set(['qemu-system-x86/3069']));
});
