/**
 * `lockdep infer` end to end, in-process: the KVM example (the bundled 2021 trace, and a fresh
 * recording of the simulation's 5.15 design) gives the documented orders and rules; the YAML
 * passes `rules lint` and `check --rules` on the same trace reports no rule finding; `-o`
 * writes atomically; -f json and markdown; options and bad input are usage or input errors
 * (one line, exit 2).
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { runKvmScenario } from '../../examples/kvm/scenario.js';
import { runCliInProcess } from './run-cli.js';

const KVM = 'examples/kvm/kvm-2021.jsonl';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'lockdep-infer-'));
}

interface JsonRule { kind: string; rule: Record<string, string | string[]>; lockset?: string[]; evidence: Array<{ about: string; support: { witnesses: number; tasks: number; witnessesAtLeast?: true }; confidence?: number }> }

async function inferJson(args: readonly string[]): Promise<{ rules: JsonRule[]; cycles: string[][] }> {
  const run = await runCliInProcess(['infer', '-f', 'json', ...args]);
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  return JSON.parse(run.stdout);
}

const ordersOf = (rules: readonly JsonRule[]): string[] =>
  rules.filter((proposed) => proposed.kind === 'order').flatMap((proposed) => (proposed.rule['inner'] as string[]).map((inner) => `${String(proposed.rule['outer'])} < ${inner}`));

/** Checks `trace` with `rules`: every file must lint, and the check must report no rule finding. */
async function roundTrip(rules: string, trace: string): Promise<void> {
  const lint = await runCliInProcess(['rules', 'lint', '-q', rules]);
  expect(lint.stderr).toMatch(/rule\(s\) valid/);
  expect(lint.status).toBe(0);
  const check = await runCliInProcess(['check', '--no-config', '--rules', rules, '-f', 'json', trace]);
  const findings: Array<{ kind: string }> = JSON.parse(check.stdout).violations;
  expect(findings.filter((finding) => finding.kind === 'rule-violation')).toEqual([]);
}

describe('lockdep infer on the KVM example', () => {
  test('the 2021 trace: slots_lock before mmu_notifier_slots_lock, mmu_notifier_count written under mmu_lock for write, no slots_lock in a notifier', async () => {
    const answer = await inferJson([KVM]);
    expect(ordersOf(answer.rules)).toEqual([
      '&vcpu->mutex < &kvm->srcu',
      '&vcpu->mutex < &mm->mmap_lock',
      '&mm->mmap_lock < &(kvm)->mmu_lock',
      'mmu_notifier_invalidate_range_start < &(kvm)->mmu_lock',
      '&kvm->srcu < &(kvm)->mmu_lock',
      '&kvm->mmu_notifier_slots_lock < &(kvm)->mmu_lock',
      '&kvm->slots_lock < &kvm->mmu_notifier_slots_lock',
      '&kvm->slots_lock < &kvm->srcu',
    ]);
    // The 2021 rwsem is on the cycle lockdep reported: it is not ordered against the notifier.
    expect(answer.cycles).toEqual([['&mm->mmap_lock', 'mmu_notifier_invalidate_range_start', '&kvm->srcu', '&kvm->mmu_notifier_slots_lock']]);
    const guarded = answer.rules.find((proposed) => proposed.kind === 'guarded-by' && proposed.rule['access'] === 'write')!;
    expect(guarded.rule).toMatchObject({ var: 'kvm->mmu_notifier_count', lock: '&(kvm)->mmu_lock', mode: 'write' });
    expect(guarded.evidence[0]).toMatchObject({ support: { witnesses: 6, tasks: 3 }, confidence: 1 });
    const notifier = answer.rules.find((proposed) => proposed.kind === 'forbid-inside' && proposed.rule['inside'] === 'mmu_notifier_invalidate_range_start')!;
    expect(notifier.rule['lock']).toEqual(['&vcpu->mutex', '&kvm->slots_lock']);
    expect(answer.rules.find((proposed) => proposed.kind === 'leaf')!.rule['lock']).toEqual(['&(kvm)->mmu_lock']);
  });

  test('the YAML lints and, checked against the 2021 trace, gives no rule finding (only the cycle)', async () => {
    const dir = tempDir();
    const rules = join(dir, 'proposed.yaml');
    const run = await runCliInProcess(['infer', KVM, '-o', rules]);
    expect(run).toMatchObject({ status: 0, stdout: '', stderr: '' });
    expect(readFileSync(rules, 'utf8')).toContain('  # &kvm->slots_lock -> &kvm->mmu_notifier_slots_lock: 1 chain, 1 task, first at examples/kvm/kvm-2021.jsonl:48\n');
    expect(readdirSync(dir)).toEqual(['proposed.yaml']);
    await roundTrip(rules, KVM);
  });

  test('a recording of the simulation\'s 5.15 design: slots_arch_lock inside slots_lock, no rwsem, no cycle through it', async () => {
    const dir = tempDir();
    const trace = join(dir, 'kvm-5.15.jsonl');
    await runKvmScenario({ design: '5.15', recordTo: trace, rules: false });
    const answer = await inferJson([trace]);
    expect(ordersOf(answer.rules)).toContain('&kvm->slots_lock < &kvm->slots_arch_lock');
    expect(ordersOf(answer.rules).some((order) => order.includes('mmu_notifier_slots_lock'))).toBe(false);
    expect(answer.rules.find((proposed) => proposed.kind === 'must-hold' && proposed.rule['lock'] === '&kvm->slots_arch_lock')!.rule['held']).toBe('&kvm->slots_lock');
    expect(answer.cycles).toEqual([['&mm->mmap_lock', 'mmu_notifier_invalidate_range_start', '&kvm->srcu']]);
    const rules = join(dir, 'proposed.yaml');
    expect((await runCliInProcess(['infer', trace, '-o', rules])).status).toBe(0);
    await roundTrip(rules, trace);
  }, 60_000);
});

describe('lockdep infer options and outputs', () => {
  test('--kinds, --min-support and -f markdown', async () => {
    const answer = await inferJson(['--kinds', 'order,leaf', '--min-support', '3', KVM]);
    expect(answer.rules.map((proposed) => proposed.kind)).toEqual(['order', 'order', 'order', 'leaf']);
    const markdown = await runCliInProcess(['infer', '-f', 'markdown', '--kinds', 'guarded-by', KVM]);
    expect(markdown.status).toBe(0);
    expect(markdown.stdout).toMatch(/^### lockdep infer\n/);
    // The writes hold four classes every time: LockDoc's winner is that lockset, one rule per class, the first with the evidence.
    expect(markdown.stdout).toContain('| inferred-guarded-by-1 | guarded-by | observed: writes of kvm-&gt;mmu\\_notifier\\_count happen with &amp;(kvm)-&gt;mmu\\_lock held for write, together with &amp;kvm-&gt;srcu, mmu\\_notifier\\_invalidate\\_range\\_start and &amp;mm-&gt;mmap\\_lock | writes of kvm-&gt;mmu\\_notifier\\_count: 6 accesses, 3 tasks, first at examples/kvm/kvm-2021.jsonl:20, held together: &amp;(kvm)-&gt;mmu\\_lock + &amp;kvm-&gt;srcu + mmu\\_notifier\\_invalidate\\_range\\_start + &amp;mm-&gt;mmap\\_lock in 100% of them |');
    expect(markdown.stdout).toContain('| inferred-guarded-by-2 | guarded-by | observed: writes of kvm-&gt;mmu\\_notifier\\_count happen with &amp;kvm-&gt;srcu held, together with &amp;(kvm)-&gt;mmu\\_lock, mmu\\_notifier\\_invalidate\\_range\\_start and &amp;mm-&gt;mmap\\_lock | held together with the rule above: &amp;(kvm)-&gt;mmu\\_lock + &amp;kvm-&gt;srcu + mmu\\_notifier\\_invalidate\\_range\\_start + &amp;mm-&gt;mmap\\_lock |');
  });

  test('a saved graph is an input too (order and leaf from its dependencies)', async () => {
    const dir = tempDir();
    const saved = join(dir, 'kvm.graph.json');
    await runCliInProcess(['check', '--no-config', '--save-graph', saved, KVM, '-o', join(dir, 'report.txt')]);
    const fromGraph = ordersOf((await inferJson(['--kinds', 'order', saved])).rules);
    const fromTrace = ordersOf((await inferJson(['--kinds', 'order', KVM])).rules);
    // A saved graph has the dependencies, not the nestings the check saw: mmap_lock was held
    // around mmu_lock only below a recursive reader, which adds no dependency of its own.
    expect(fromTrace.filter((order) => !fromGraph.includes(order))).toEqual(['&mm->mmap_lock < &(kvm)->mmu_lock']);
    expect(fromGraph.filter((order) => !fromTrace.includes(order))).toEqual([]);
  });

  test("a saved graph's support is a floor (one witness kept per dependency): JSON, YAML and markdown say \"at least\"", async () => {
    const dir = tempDir();
    const saved = join(dir, 'kvm.graph.json');
    await runCliInProcess(['check', '--no-config', '--save-graph', saved, KVM, '-o', join(dir, 'report.txt')]);
    const fromGraph = (await inferJson(['--kinds', 'order', saved])).rules;
    const slots = fromGraph.find((proposed) => proposed.rule['outer'] === '&kvm->slots_lock')!;
    expect(slots.evidence[0]).toEqual({
      about: '&kvm->slots_lock -> &kvm->mmu_notifier_slots_lock',
      support: { witnesses: 1, tasks: 1, firstSeen: 'examples/kvm/kvm-2021.jsonl:48', witnessesAtLeast: true },
    });
    // From the trace itself the count is exact.
    const fromTrace = (await inferJson(['--kinds', 'order', KVM])).rules;
    expect(fromTrace.every((proposed) => proposed.evidence.every((entry) => entry.support.witnessesAtLeast === undefined))).toBe(true);
    const yaml = await runCliInProcess(['infer', '--kinds', 'order', saved]);
    expect(yaml.stdout).toContain('\n  # &kvm->slots_lock -> &kvm->mmu_notifier_slots_lock: at least 1 chain, at least 1 task, first at examples/kvm/kvm-2021.jsonl:48\n');
    expect(yaml.stdout).toContain('\n# "At least": a saved graph or /proc/lockdep keeps one witness per dependency, however often it was taken; counts from traces leave out what such an input saw.\n');
    const markdown = await runCliInProcess(['infer', '-f', 'markdown', '--kinds', 'order', saved]);
    expect(markdown.stdout).toContain('&amp;kvm-&gt;slots\\_lock -&gt; &amp;kvm-&gt;mmu\\_notifier\\_slots\\_lock: at least 1 chain, at least 1 task');
  });

  test('a trace and a saved graph together: the counts the trace gives are floors where the graph has the same dependency, exact elsewhere', async () => {
    const dir = tempDir();
    const line = (event: object): string => `${JSON.stringify(event)}\n`;
    const nest = (task: string, outer: string, inner: string): string =>
      [line({ op: 'acquire', task, lock: outer }), line({ op: 'acquire', task, lock: inner }), line({ op: 'release', task, lock: inner }), line({ op: 'release', task, lock: outer })].join('');
    const graphRun = join(dir, 'graph-run.jsonl');
    writeFileSync(graphRun, nest('g', 'A', 'B'));
    const saved = join(dir, 'run.graph.json');
    await runCliInProcess(['check', '--no-config', '--save-graph', saved, graphRun, '-o', join(dir, 'report.txt')]);
    const trace = join(dir, 'trace.jsonl');
    // Two chains take B under A: [A, B] and [Y, A, B].
    const underY = [line({ op: 'acquire', task: 't2', lock: 'Y' }), nest('t2', 'A', 'B'), line({ op: 'release', task: 't2', lock: 'Y' })].join('');
    writeFileSync(trace, nest('t1', 'A', 'B') + underY + nest('t1', 'C', 'D'));
    const rules = (await inferJson(['--kinds', 'order,leaf', trace, saved])).rules;
    const support = (about: string) => rules.flatMap((proposed) => proposed.evidence).find((entry) => entry.about === about)?.support;
    // A -> B: two chains in the trace, and the saved graph's run took it too, uncounted.
    expect(support('A -> B')).toEqual({ witnesses: 2, tasks: 2, firstSeen: `${trace}:2`, witnessesAtLeast: true });
    expect(support('B')).toEqual({ witnesses: 2, tasks: 2, firstSeen: `${trace}:2`, witnessesAtLeast: true });
    // C -> D only in the trace: exact.
    expect(support('C -> D')).toEqual({ witnesses: 1, tasks: 1, firstSeen: `${trace}:12` });
    expect(support('D')).toEqual({ witnesses: 1, tasks: 1, firstSeen: `${trace}:12` });
    // The trace alone: every count exact.
    const alone = (await inferJson(['--kinds', 'order,leaf', trace])).rules;
    expect(alone.flatMap((proposed) => proposed.evidence).filter((entry) => entry.support.witnessesAtLeast !== undefined)).toEqual([]);
  });

  test('two traces are added up: a lockset held in both gets the accesses of both', async () => {
    const dir = tempDir();
    const line = (event: object): string => `${JSON.stringify(event)}\n`;
    const writes = (task: string, locks: readonly string[]): string =>
      [...locks.map((lock) => line({ op: 'acquire', task, lock })), line({ op: 'access', task, var: 'count', write: true }), ...[...locks].reverse().map((lock) => line({ op: 'release', task, lock }))].join('');
    const first = join(dir, 'first.jsonl');
    const second = join(dir, 'second.jsonl');
    // 8 writes under A and B in the first trace; one under A alone and one under B alone in the second.
    writeFileSync(first, Array.from({ length: 8 }, () => writes('t1', ['A', 'B'])).join(''));
    writeFileSync(second, writes('t2', ['A']) + writes('t3', ['B']));
    const answer = await inferJson(['--kinds', 'guarded-by', '--min-confidence', '0.8', first, second]);
    expect(answer.rules.map((proposed) => [proposed.rule['lock'], proposed.rule['severity'], proposed.lockset])).toEqual([['B', 'off', ['B', 'A']], ['A', 'off', ['B', 'A']]]);
    expect(answer.rules[0]!.evidence[0]).toMatchObject({ support: { witnesses: 10, tasks: 3 }, confidence: 0.8, lockset: ['B', 'A'] });
  });

  test.each([
    [['--min-confidence', '1.5'], 'lockdep: --min-confidence must be a share above 0 and at most 1, such as 0.9 (got 1.5) (see lockdep --help)\n'],
    [['--min-support', '0'], 'lockdep: --min-support must be a whole number of at least 1 (got 0) (see lockdep --help)\n'],
    [['--kinds', 'order,writers'], "lockdep: --kinds: unknown kind 'writers' (known: order, leaf, must-hold, guarded-by, forbid-inside) (see lockdep --help)\n"],
    [['-f', 'dot'], "lockdep: unknown format 'dot' in -f dot (known formats: yaml, json, markdown) (see lockdep --help)\n"],
  ])('usage error %j: one line, exit 2, nothing read or written', async (args, message) => {
    const run = await runCliInProcess(['infer', ...args, KVM]);
    expect(run).toEqual({ status: 2, stdout: '', stderr: message });
  });

  test('bad input names file:line, exit 2, and -o is left untouched', async () => {
    const dir = tempDir();
    const trace = join(dir, 'bad.jsonl');
    writeFileSync(trace, '{"op":"acquire","task":"t","lock":"A"}\n{"op":"acquire","task":"t"}\n');
    const output = join(dir, 'proposed.yaml');
    const run = await runCliInProcess(['infer', trace, '-o', output]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(new RegExp(`^${trace.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2: .*\n$`));
    expect(run.stdout).toBe('');
    expect(existsSync(output)).toBe(false);
  });

  test('an output may not overwrite an input', async () => {
    const run = await runCliInProcess(['infer', KVM, '-o', KVM]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('it is an input of this command');
  });
});
