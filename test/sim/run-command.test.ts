// `lockdep run <module>`: the built CLI loads a simulation module (JS, or TS through tsx), runs
// it on a fresh runtime and prints the report with the exit codes of `check`. Spawned: loading
// a user's module (tsx registers a loader hook in the process) is the process boundary here.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckResult } from '../../src/index.js';
import { runCli } from '../cli/run-cli.js';

const FIXTURES = 'test/sim/fixtures';
let dir = '';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'lockdep-run-'));
}, 180_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('lockdep run', { timeout: 60_000 }, () => {
  it('prints the 2021 KVM report and exits 1', () => {
    const run = runCli(['run', 'examples/kvm/scenario.ts', '--rules', 'rules/kvm-2021.yaml']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('WARNING: possible circular locking dependency detected');
    expect(run.stdout).toContain('qemu-system-x86/3069 is trying to acquire lock:');
    expect(run.stdout).toContain('(mmu_notifier_invalidate_range_start)');
    expect(run.stdout).toContain('&kvm->mmu_notifier_slots_lock');
  });

  it('exits 0 on the 5.15 design', () => {
    const run = runCli(['run', 'examples/kvm/scenario.ts', '--rules', 'rules/kvm-2021.yaml'], {
      env: { LOCKDEP_KVM_DESIGN: '5.15' },
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('no findings');
  });

  it('runs a JavaScript module with its arguments and records a trace that check agrees with', () => {
    const trace = join(dir, 'clean.jsonl');
    const run = runCli(['run', `${FIXTURES}/clean-sim.mjs`, 't3', '--format', 'json', '--record', trace]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const result = JSON.parse(run.stdout) as CheckResult;
    expect(result.violations).toEqual([]);
    expect(result.summary.tasks).toBe(3);
    const check = runCli(['check', '--format', 'json', trace]);
    expect(check.status).toBe(0);
    expect((JSON.parse(check.stdout) as CheckResult).summary.events).toBe(result.summary.events);
  });

  it('reports a real deadlock of a TypeScript Simulation module as a finding, in text and as JSON', () => {
    const text = runCli(['run', `${FIXTURES}/abba-deadlock.ts`]);
    expect(text.status).toBe(1);
    expect(text.stdout).toContain('WARNING: deadlock: tasks wait for each other in a cycle');
    expect(text.stdout).toMatch(/t1 waits for \(B\)\{[^}]*\} \(write\), held by t2 \(write\)/);
    const json = runCli(['run', `${FIXTURES}/abba-deadlock.ts`, '--format', 'json']);
    expect(json.status).toBe(1);
    const result = JSON.parse(json.stdout) as CheckResult;
    expect(result.violations.map((f) => f.kind)).toEqual(['circular-dependency', 'deadlock']);
    expect(result.violations[1]?.deadlock?.cycle.map((s) => s.task).sort()).toEqual(['t1', 't2']);
  });

  it('puts the deadlock in every other report format (here SARIF) and nothing on stderr', () => {
    const run = runCli(['run', `${FIXTURES}/abba-deadlock.ts`, '--format', 'sarif']);
    expect(run.status).toBe(1);
    const sarif = JSON.parse(run.stdout) as { version: string; runs: { results: { ruleId: string }[] }[] };
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0]?.results.map((r) => r.ruleId)).toContain('lockdep/deadlock');
    expect(run.stderr).toBe('');
  });

  it('an ABBA module of plain async tasks that never settles: the cycle and the deadlock, exit 1', () => {
    const run = runCli(['run', `${FIXTURES}/abba-tasks.mjs`]);
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('WARNING: possible circular locking dependency detected');
    expect(run.stdout).toContain('WARNING: deadlock: tasks wait for each other in a cycle');
    expect(run.stdout).toContain('tasks wait for each other: expire-reservations -> cart -> checkout -> stock -> expire-reservations');
    expect(run.stdout).toMatch(/1 lock held by checkout:\n #0: \(cart\)\{[^}]*\}, at: event #3/);
    expect(run.stderr).toContain('never settled: the event loop drained with tasks waiting');
  });

  it('with --on-deadlock throw the victim gets a DeadlockError and the run completes', () => {
    const run = runCli(['run', `${FIXTURES}/abba-tasks.mjs`, '--on-deadlock', 'throw', '--format', 'json']);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^expire-reservations: lockdep: tasks wait for each other: .*rejected to break the cycle\)$/m);
    expect(run.stderr).not.toContain('never settled');
    const result = JSON.parse(run.stdout) as CheckResult;
    expect(result.violations.map((f) => f.kind)).toEqual(['circular-dependency', 'deadlock']);
    expect(result.violations[1]?.deadlock?.victim).toBe('expire-reservations');
    // Both tasks ran to their end: every acquisition was released, both exited.
    expect(result.summary.events).toBe(12);
  });

  it('without stacks, witnesses name the event number, never a line of the module', () => {
    const run = runCli(['run', `${FIXTURES}/abba-tasks.mjs`, '--format', 'json', '--format', 'markdown:' + join(dir, 'abba.md')]);
    const result = JSON.parse(run.stdout) as CheckResult;
    expect(result.violations[0]?.trigger).toMatchObject({ file: `<${FIXTURES}/abba-tasks.mjs>`, line: 6 });
    const markdown = readFileSync(join(dir, 'abba.md'), 'utf8');
    expect(markdown).toContain('event #6 task expire-reservations: acquire cart');
    expect(markdown).not.toMatch(/abba-tasks\.mjs>?:\d/);
  });

  it('arguments after -- reach the module, flags included; --exit-zero and -f FORMAT:FILE as in check', () => {
    const report = join(dir, 'args.json');
    const run = runCli(['run', `${FIXTURES}/clean-sim.mjs`, '-f', `json:${report}`, '--exit-zero', '--', '--t3', '-x']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('');
    const result = JSON.parse(readFileSync(report, 'utf8')) as CheckResult;
    expect(result.summary.tasks).toBe(4);
    const failing = runCli(['run', `${FIXTURES}/abba-tasks.mjs`, '--exit-zero', '-f', 'junit']);
    expect(failing.status).toBe(0);
    expect(failing.stdout).toContain('error: deadlock: tasks wait for each other');
  });

  it('a baseline of the deadlock run makes it pass', () => {
    const baseline = join(dir, 'abba-baseline.json');
    const json = JSON.parse(runCli(['run', `${FIXTURES}/abba-tasks.mjs`, '--format', 'json']).stdout) as CheckResult;
    writeFileSync(baseline, JSON.stringify({
      format: 'lockdep-baseline',
      version: 1,
      findings: json.violations.map((f) => ({ fingerprint: f.fingerprint, kind: f.kind, rule: f.rule, classes: f.classes })),
    }));
    const run = runCli(['run', `${FIXTURES}/abba-tasks.mjs`, '--baseline', baseline]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('2 baselined');
  });

  it.each([['exit', 7, null], ['crash', 1, null], ['signal', null, 'SIGTERM']])('--record keeps every event when the module ends the process (%s)', (how, status, signal) => {
    const trace = join(dir, `midway-${how}.jsonl`);
    const run = runCli(['run', `${FIXTURES}/exits-midway.mjs`, '--record', trace, '--', how]);
    expect(run.status).toBe(status);
    expect(run.signal).toBe(signal);
    const lines = readFileSync(trace, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { op?: string });
    expect(lines.map((line) => line.op ?? 'header')).toEqual(['header', 'init', 'init', 'acquire', 'acquire', 'release', 'release', 'exit']);
  });

  it('with --stacks the witnesses name the module source lines', () => {
    const run = runCli(['run', `${FIXTURES}/abba-deadlock.ts`, '--stacks', '--format', 'json']);
    const result = JSON.parse(run.stdout) as CheckResult;
    const sites = result.violations[0]?.chain?.map((edge) => edge.next.site) ?? [];
    expect(sites.length).toBe(2);
    for (const site of sites) expect(site).toMatch(/^test\/sim\/fixtures\/abba-deadlock\.ts:\d+$/);
  });

  it.each([
    ['missing.mjs', /missing\.mjs: simulation module not found/],
    [`${FIXTURES}/no-default.mjs`, /no-default\.mjs: the module has no default-exported function/],
    [`${FIXTURES}/throws.mjs`, /throws\.mjs: the simulation threw: the model is broken/],
  ])('%s is an input error (exit 2, one line)', (module, message) => {
    const run = runCli(['run', module]);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(message);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('a task that throws is a task-error finding: in the report, exit 1 by the common exit policy', () => {
    const run = runCli(['run', `${FIXTURES}/task-throws.mjs`, '--format', 'json']);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe('');
    const result = JSON.parse(run.stdout) as CheckResult;
    expect(result.violations.map((finding) => [finding.kind, finding.severity, finding.message])).toEqual([
      ['task-error', 'error', 'task worker threw Error: worker failed'],
    ]);
    const text = runCli(['run', `${FIXTURES}/task-throws.mjs`, '--exit-zero']);
    expect(text.status).toBe(0);
    expect(text.stdout).toContain('WARNING: task worker threw an error');
  });

  it('takes rules from a config file given with -c', () => {
    const rules = join(dir, 'leaf.yaml');
    writeFileSync(
      rules,
      "version: 1\nrules:\n  - id: mmap-lock-is-a-leaf\n    kind: leaf\n    lock: ['&mm->mmap_lock']\n    description: test rule\n",
    );
    const config = join(dir, 'lockdep.config.yaml');
    writeFileSync(config, `rules:\n  - ${rules}\n`);
    const run = runCli(['run', 'examples/kvm/scenario.ts', '-c', config, '--format', 'json'], {
      env: { LOCKDEP_KVM_DESIGN: '5.15' },
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(1);
    const result = JSON.parse(run.stdout) as CheckResult;
    expect(result.violations.map((f) => f.rule)).toContain('mmap-lock-is-a-leaf');
    const missing = runCli(['run', 'examples/kvm/scenario.ts', '-c', join(dir, 'absent.yaml')]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('absent.yaml');
  });

  it('rejects a bad --max-depth', () => {
    const run = runCli(['run', `${FIXTURES}/clean-sim.mjs`, '--max-depth', '0']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--max-depth must be a positive integer');
  });
});
