/**
 * `lockdep check` and `lockdep merge` on a kernel's /proc/lockdep graph, in-process: the
 * examples/kernel walkthrough of the README (a real excerpt against rules/kvm-locking.yaml, the
 * KVM 2021 simulation's graph merged with real lockdep_chains), the `notices` of the JSON
 * result and the `note:` lines of the text report, and an input error as one line with exit 2.
 */
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CheckResult } from '../../src/engine/result.js';
import { loadRuleFiles } from '../../src/rules/loader.js';
import { REPO_ROOT, runCliInProcess } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'lockdep-proc-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const EXCERPT = join(REPO_ROOT, 'examples', 'kernel', 'proc-lockdep.txt');
const CHAINS = join(REPO_ROOT, 'examples', 'kernel', 'lockdep_chains.txt');
const KVM_RULES = join(REPO_ROOT, 'rules', 'kvm-locking.yaml');
const KVM_SIM = join(REPO_ROOT, 'examples', 'kvm', 'kvm-2021.jsonl');

/** The pack's rules of the kinds that need single acquisitions, in file order (read from the pack itself). */
const UNDECIDABLE = loadRuleFiles([KVM_RULES]).activeRules
  .filter((rule) => ['guarded-by', 'writers-only-at', 'must-hold', 'no-sleep-inside'].includes(rule.kind))
  .map((rule) => rule.id);

describe('lockdep check on /proc/lockdep', () => {
  it('checks the real excerpt against the KVM rules: clean, each rule needing single acquisitions noted as not decidable', async () => {
    const run = await runCliInProcess(['check', '-f', 'json', '--rules', KVM_RULES, EXCERPT]);
    expect(run.status).toBe(0);
    const result = JSON.parse(run.stdout) as CheckResult;
    expect(result.violations).toEqual([]);
    expect(result.summary).toMatchObject({ classes: 32, dependencies: 33 });
    const notices = result.notices ?? [];
    expect(UNDECIDABLE.length).toBeGreaterThanOrEqual(6);
    expect(notices.map((n) => n.rule)).toEqual(UNDECIDABLE);
    expect(notices.every((n) => n.kind === 'rule-not-decidable' && n.message.includes('not decidable from a /proc/lockdep graph'))).toBe(true);
    expect(notices.find((n) => n.rule === 'mmu-pages-locks-need-mmu-lock')?.ruleKind).toBe('must-hold');
  });

  it('decides order, forbid-inside on a pseudo-lock and leaf rules from the graph, with the input lines as witnesses', async () => {
    const graph = join(dir, 'kvm-graph.txt');
    writeFileSync(graph, [
      'all lock classes:',
      'ffffffff82000000 FD:    2 BD:    1 +.+.: mmu_notifier_invalidate_range_start',
      ' -> [ffffffff82000040] &kvm->slots_lock',
      '',
      'ffffffff82000080 FD:    2 BD:    1 +.+.: &kvm->irq_lock',
      ' -> [ffffffff82000040] &kvm->slots_lock',
      '',
      'ffffffff820000c0 FD:    2 BD:    1 -.-.: &kvm->mn_invalidate_lock',
      ' -> [ffffffff82000100] &p->pi_lock',
      '',
    ].join('\n'));
    const run = await runCliInProcess(['check', '-f', 'json', '--rules', KVM_RULES, graph]);
    expect(run.status).toBe(1);
    const violations = (JSON.parse(run.stdout) as CheckResult).violations;
    expect(violations.map((v) => `${v.kind} ${v.rule}`).sort()).toEqual([
      'rule-violation leaf-locks',
      'rule-violation no-slots-locks-in-notifiers',
      'rule-violation slots-lock-outside-irq-lock',
    ]);
    const notifier = violations.find((v) => v.rule === 'no-slots-locks-in-notifiers');
    expect(notifier?.events.map((e) => e.line)).toContain(3);
  });

  it('prints the notices as note: lines after the text report', async () => {
    const run = await runCliInProcess(['check', '--rules', KVM_RULES, EXCERPT], { env: { NO_COLOR: '1' } });
    expect(run.status).toBe(0);
    const notes = run.stdout.split('\n').filter((line) => line.startsWith('note: '));
    expect(notes).toHaveLength(UNDECIDABLE.length);
    expect(notes[0]).toContain('rule mmu-pages-locks-need-mmu-lock (must-hold) is not decidable');
  });

  it('gives no rule notice for a trace of single acquisitions', async () => {
    const run = await runCliInProcess(['check', '-f', 'json', '--rules', KVM_RULES, KVM_SIM]);
    expect((JSON.parse(run.stdout) as CheckResult).notices).toBeUndefined();
  });

  it('merges the KVM 2021 simulation graph with real lockdep_chains: joined on mmu_notifier_invalidate_range_start, no cycle across them', async () => {
    const simGraph = join(dir, 'kvm.graph.json');
    const kernelGraph = join(dir, 'kernel.graph.json');
    expect((await runCliInProcess(['check', '--exit-zero', '-f', 'json', '--save-graph', simGraph, KVM_SIM])).status).toBe(0);
    expect((await runCliInProcess(['check', '-f', 'json', '--save-graph', kernelGraph, CHAINS])).status).toBe(0);
    const saved = JSON.parse(readFileSync(kernelGraph, 'utf8')) as { dependencies: { from: string; to: string; witness: { next: { file: string; line: number } } }[] };
    const reclaim = saved.dependencies.find((d) => d.from === 'fs_reclaim' && d.to === 'mmu_notifier_invalidate_range_start');
    expect(reclaim?.witness.next).toMatchObject({ line: 25 });
    const merged = await runCliInProcess(['merge', '-f', 'json', simGraph, kernelGraph]);
    expect(merged.status).toBe(0);
    const result = JSON.parse(merged.stdout) as CheckResult;
    expect(result.violations).toEqual([]);
    // 7 simulated classes + 18 kernel classes, one of them shared.
    expect(result.summary.classes).toBe(24);
  });

  it('merge with rules notes each rule that saved graphs cannot decide', async () => {
    const simGraph = join(dir, 'kvm3.graph.json');
    await runCliInProcess(['check', '--exit-zero', '-f', 'json', '--save-graph', simGraph, KVM_SIM]);
    const merged = await runCliInProcess(['merge', '-f', 'json', '--rules', KVM_RULES, simGraph, simGraph]);
    const notices = (JSON.parse(merged.stdout) as CheckResult).notices ?? [];
    expect(notices.map((n) => n.rule)).toEqual(UNDECIDABLE);
    expect(notices[0]).toMatchObject({ kind: 'rule-not-decidable', file: '<merge>' });
    expect(notices[0]?.message).toContain('is not decidable from saved graphs');
  });

  it('merge finds the cycle a kernel graph closes with the simulation', async () => {
    const simGraph = join(dir, 'kvm2.graph.json');
    const kernelGraph = join(dir, 'closing.graph.json');
    const closing = join(dir, 'closing.txt');
    // The simulation takes &kvm->slots_lock outside &kvm->mmu_notifier_slots_lock.
    writeFileSync(closing, 'all lock classes:\nffff000001 FD:    2 BD:    1 +.+.: &kvm->mmu_notifier_slots_lock\n -> [ffff000002] &kvm->slots_lock\n');
    await runCliInProcess(['check', '--exit-zero', '-f', 'json', '--save-graph', simGraph, KVM_SIM]);
    expect((await runCliInProcess(['check', '-f', 'json', '--save-graph', kernelGraph, closing])).status).toBe(0);
    const merged = await runCliInProcess(['merge', '-f', 'json', simGraph, kernelGraph]);
    expect(merged.status).toBe(1);
    const cycle = (JSON.parse(merged.stdout) as CheckResult).violations.find((v) => v.kind === 'circular-dependency');
    expect(cycle?.classes.sort()).toEqual(['&kvm->mmu_notifier_slots_lock', '&kvm->slots_lock']);
  });

  it('reports a malformed class line as one line naming file:line, exit 2', async () => {
    const bad = join(dir, 'bad.txt');
    writeFileSync(bad, 'all lock classes:\nffff000001 FD:    1 BD:    1 +.+.:\n');
    const run = await runCliInProcess(['check', '--input-format', 'proc-lockdep', bad]);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain(`${bad}:2: malformed /proc/lockdep class line`);
  });
});
