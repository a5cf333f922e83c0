/**
 * `lockdep rules diff` through the CLI, in process: the formats (text, json, markdown, a graph
 * format, -o FILE), the `--fail-on` gates (exit 1 only when one fails), and bad input (a rule
 * file error is `file:line:col`, exit 2; no rule file is a usage error).
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { runCliInProcess } from './run-cli.js';

const KVM_TRACE = 'examples/kvm/kvm-2021.jsonl';
const KVM_2021 = 'rules/kvm-2021.yaml';
const KVM_LOCKING = 'rules/kvm-locking.yaml';
const CPU_HOTPLUG_LOG = 'test/fixtures/real/kernel/christopherson-2024-05-07-slots-lock-cpu-hotplug.txt';
const dir = mkdtempSync(join(tmpdir(), 'lockdep-rules-diff-cli-'));

describe('formats', () => {
  test('text: the summary, the rules by status, the undocumented orders; exit 0', async () => {
    const run = await runCliInProcess(['rules', 'diff', '--rules', KVM_2021, KVM_TRACE]);
    expect(run.status, run.stderr).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toBe(
      `15 rules of ${KVM_2021} against ${KVM_TRACE}: 0 violated, 4 followed, 11 never exercised, 0 not decidable; 5 undocumented orders between classes the rules name`,
    );
    expect(lines).toContain('followed:');
    expect(lines).toContain('  kvm-lock-outside-vcpu-mutex (order): &kvm->lock and &vcpu->mutex were never held together');
    expect(run.stdout).toMatch(/^ {2}no-new-writers \(writers-only-at\): 1 event, 0 dependencies, 1 task; first: examples\/kvm\/kvm-2021\.jsonl:48 /m);
    expect(run.stdout).toContain('observed orders no rule documents (classes the rules name):');
  });

  test('docs/graph.md shows the real output on the KVM example', async () => {
    const command = `$ lockdep rules diff --rules ${KVM_2021} ${KVM_TRACE}\n`;
    const docs = readFileSync('docs/graph.md', 'utf8');
    const start = docs.indexOf(command);
    expect(start).toBeGreaterThan(0);
    const shown = docs.slice(start + command.length, docs.indexOf('```', start));
    const run = await runCliInProcess(['rules', 'diff', '--rules', KVM_2021, KVM_TRACE]);
    expect(shown).toBe(run.stdout);
  });

  test('json: the answer as data', async () => {
    const run = await runCliInProcess(['rules', 'diff', '--rules', KVM_LOCKING, '-f', 'json', CPU_HOTPLUG_LOG]);
    expect(run.status, run.stderr).toBe(0);
    const diff = JSON.parse(run.stdout);
    expect(diff.ruleFiles).toEqual([KVM_LOCKING]);
    expect(diff.inputs).toEqual([CPU_HOTPLUG_LOG]);
    expect(diff.counts).toEqual({ violated: 2, followed: 0, 'never exercised': 19, 'not decidable': 0 });
    const violated = diff.rules.filter((rule: { status: string }) => rule.status === 'violated');
    expect(violated.map((rule: { id: string }) => rule.id)).toEqual(['cpus-read-lock-outside-kvm-lock', 'srcu-sync-inside-kvm-mutexes']);
    expect(violated[0].findings[0].ruleDetail.messageId).toBe('pathInside');
    expect(diff.failing).toEqual([]);
  });

  test('markdown for a PR comment to a file, and the violating dependencies as GraphML', async () => {
    const markdown = join(dir, 'diff.md');
    const run = await runCliInProcess(['rules', 'diff', '--rules', KVM_LOCKING, '-f', `markdown:${markdown}`, '-f', 'graphml', CPU_HOTPLUG_LOG]);
    expect(run.status, run.stderr).toBe(0);
    const text = readFileSync(markdown, 'utf8');
    expect(text.split('\n')[0]).toBe('### lockdep rules diff');
    expect(text).toContain('| cpus-read-lock-outside-kvm-lock | order | **violated** | dependency path kvm\\_lock');
    expect(text).toContain('| kvm-lock-outside-vcpu-mutex | order | **never exercised** |');
    expect(run.stdout).toMatch(/^<\?xml /);
    const statuses = [...run.stdout.matchAll(/<data key="(e\d+)">([^<]*)<\/data>/g)].map((match) => match[2]).filter((value) => /undocumented|kvm-lock|srcu-sync/.test(value!));
    // The report's cycle kvm_lock -> slots_lock -> srcu -> cpu_hotplug_lock -> kvm_lock: each rule is
    // violated by the three dependencies that lead around from its inner class to its outer one;
    // the two that neither rule documents are also undocumented.
    expect(statuses.sort()).toEqual([
      'cpus-read-lock-outside-kvm-lock', // &kvm->slots_lock -> &kvm->srcu (documented by srcu-sync-inside-kvm-mutexes)
      'cpus-read-lock-outside-kvm-lock,srcu-sync-inside-kvm-mutexes,undocumented', // kvm_lock -> &kvm->slots_lock
      'cpus-read-lock-outside-kvm-lock,srcu-sync-inside-kvm-mutexes,undocumented', // &kvm->srcu -> cpu_hotplug_lock
      'srcu-sync-inside-kvm-mutexes', // cpu_hotplug_lock -> kvm_lock (documented by cpus-read-lock-outside-kvm-lock)
    ]);
  });

  test('-o FILE takes the default format; nothing on stdout', async () => {
    const output = join(dir, 'diff.txt');
    const run = await runCliInProcess(['rules', 'diff', '--rules', KVM_2021, '-o', output, KVM_TRACE]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toBe('');
    expect(readFileSync(output, 'utf8')).toMatch(/^15 rules of /);
  });
});

test('a saved graph is an input too: its dependencies exercise the graph rules, the others are not decidable', async () => {
  const graph = join(dir, 'kvm.graph.json');
  const saved = await runCliInProcess(['check', '--save-graph', graph, KVM_TRACE]);
  expect(saved.status, saved.stderr).toBe(1);
  const run = await runCliInProcess(['rules', 'diff', '--rules', KVM_2021, '-f', 'json', graph]);
  expect(run.status, run.stderr).toBe(0);
  const diff = JSON.parse(run.stdout);
  const ids = (status: string): string[] => diff.rules.filter((rule: { status: string }) => rule.status === status).map((rule: { id: string }) => rule.id);
  expect(ids('followed')).toEqual(['slots-lock-outside-write-side', 'no-slots-lock-in-notifiers']);
  expect(ids('not decidable')).toHaveLength(8);
  expect(ids('not decidable')).toContain('no-new-writers');
  expect(diff.undocumented).toHaveLength(5);
});

describe('--fail-on gates', () => {
  test.each([
    [KVM_2021, KVM_TRACE, 'violated', 0],
    [KVM_2021, KVM_TRACE, 'unexercised', 1],
    [KVM_2021, KVM_TRACE, 'undocumented', 1],
    [KVM_LOCKING, CPU_HOTPLUG_LOG, 'violated', 1],
  ])('%s on %s, --fail-on %s: exit %i', async (rules, input, gate, status) => {
    const run = await runCliInProcess(['rules', 'diff', '--rules', rules, '--fail-on', gate, input]);
    expect(run.status, run.stderr).toBe(status);
    if (status === 1) expect(run.stdout).toContain(`--fail-on ${gate}: `);
    else expect(run.stdout).not.toContain('--fail-on');
  });

  test('without a gate, a violated rule is still exit 0 (the answer is the status)', async () => {
    const run = await runCliInProcess(['rules', 'diff', '--rules', KVM_LOCKING, CPU_HOTPLUG_LOG]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('violated:');
  });

  test('an unknown gate is a usage error', async () => {
    const run = await runCliInProcess(['rules', 'diff', '--rules', KVM_2021, '--fail-on', 'sometimes', KVM_TRACE]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('sometimes');
  });
});

describe('bad input', () => {
  test('a bad rule file is one line file:line:col, exit 2, nothing on stdout', async () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'version: 1\nrules:\n  - id: r\n    kind: order\n    outer: a\n    inner: b\n    description: x\n    colour: red\n');
    const run = await runCliInProcess(['rules', 'diff', '--rules', file, KVM_TRACE]);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:8:5: `));
  });

  test('no rule file is a usage error', async () => {
    const run = await runCliInProcess(['rules', 'diff', KVM_TRACE]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('no rule file given');
  });

  test('a malformed trace line is file:line, exit 2, and no output file is left', async () => {
    const trace = join(dir, 'bad.jsonl');
    const output = join(dir, 'never-written.json');
    writeFileSync(trace, '{"format":"lockdep-trace","version":1}\n{"op":"acquire","task":"t"}\n');
    const run = await runCliInProcess(['rules', 'diff', '--rules', KVM_2021, '-f', `json:${output}`, trace]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(new RegExp(`${trace.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2`));
    expect(existsSync(output)).toBe(false);
  });

  test('an output may not overwrite a rule file', async () => {
    const copy = join(dir, 'rules-copy.yaml');
    writeFileSync(copy, readFileSync(KVM_2021, 'utf8'));
    const run = await runCliInProcess(['rules', 'diff', '--rules', copy, '-o', copy, KVM_TRACE]);
    expect(run.status).toBe(2);
    expect(readFileSync(copy, 'utf8')).toBe(readFileSync(KVM_2021, 'utf8'));
  });
});
