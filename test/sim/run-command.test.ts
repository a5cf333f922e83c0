// `lockdep run <module>`: the built CLI loads a simulation module (JS, or TS through tsx), runs
// it on a fresh runtime and prints the report with the exit codes of `check`. Spawned: loading
// a user's module (tsx registers a loader hook in the process) is the process boundary here.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckResult } from '../../src/index.js';
import type { DeadlockReport } from '../../src/index.js';
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

  it('reports a real deadlock of a TypeScript module, in text and as JSON', () => {
    const text = runCli(['run', `${FIXTURES}/abba-deadlock.ts`]);
    expect(text.status).toBe(1);
    expect(text.stdout).toContain('WARNING: real deadlock: every runnable task is blocked');
    expect(text.stdout).toMatch(/t1 waits for B \(write\), held by t2 \(write\)/);
    const json = runCli(['run', `${FIXTURES}/abba-deadlock.ts`, '--format', 'json']);
    expect(json.status).toBe(1);
    const result = JSON.parse(json.stdout) as CheckResult & { deadlocks: DeadlockReport[] };
    expect(result.deadlocks).toHaveLength(1);
    expect(result.deadlocks[0]?.cycle.map((s) => s.task).sort()).toEqual(['t1', 't2']);
    expect(result.violations.map((f) => f.kind)).toEqual(['circular-dependency']);
  });

  it('renders other report formats and sends a deadlock to stderr for them', () => {
    const run = runCli(['run', `${FIXTURES}/abba-deadlock.ts`, '--format', 'sarif']);
    expect(run.status).toBe(1);
    expect((JSON.parse(run.stdout) as { version: string }).version).toBe('2.1.0');
    expect(run.stderr).toContain('WARNING: real deadlock: every runnable task is blocked');
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

  it('a task that throws fails the run with exit 2 and names the task', () => {
    const run = runCli(['run', `${FIXTURES}/task-throws.mjs`]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('task worker threw: worker failed');
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
