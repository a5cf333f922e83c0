// Recording: a run writes its events as a spec JSONL trace, and `lockdep check` on that file
// reproduces exactly the findings the live validator raised (same fingerprints).
import { fc, test } from '@fast-check/vitest';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RULE_VARIANTS } from '../../examples/kvm/kvm-model.js';
import { KVM_2021_RULES, runKvmScenario } from '../../examples/kvm/scenario.js';
import {
  checkTrace,
  createRuleHooks,
  LockdepRuntime,
  LockMap,
  loadRuleFiles,
  Mutex,
  RwLock,
  RwSemaphore,
  Simulation,
  SpinLock,
} from '../../src/index.js';
import type { CheckResult, Finding } from '../../src/index.js';
import { runCliInProcess } from '../cli/run-cli.js';

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'lockdep-sim-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A `deadlock` is a fact of the live run (tasks waiting), not of the events: a replay cannot see it. */
function fingerprints(findings: readonly Finding[]): string[] {
  return findings.filter((f) => f.kind !== 'deadlock').map((f) => `${f.kind}:${f.rule ?? ''}:${f.fingerprint}`).sort();
}

describe('record, then lockdep check', { timeout: 60_000 }, () => {
  it('the 2021 KVM run replays to the same finding through the CLI', async () => {
    const file = join(dir, 'kvm-2021.jsonl');
    const live = await runKvmScenario({ design: '2021-fair', recordTo: file });
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(JSON.parse(lines[0] as string)).toMatchObject({ format: 'lockdep-trace', version: 1, source: 'lockdep-sim' });
    expect(lines.length - 1).toBe(live.result.summary.events);
    const cli = await runCliInProcess(['check', '--format', 'json', '--rules', KVM_2021_RULES, file]);
    expect(cli.stderr).toBe('');
    expect(cli.status).toBe(1);
    const replayed = JSON.parse(cli.stdout) as CheckResult;
    expect(fingerprints(replayed.violations)).toEqual(fingerprints(live.result.violations));
    expect(replayed.summary.events).toBe(live.result.summary.events);
    // Origins point at the recorded lines: the witness line holds the acquire it names.
    const trigger = live.result.violations[0]?.trigger;
    const line = JSON.parse(lines[(trigger?.line ?? 1) - 1] as string) as { op: string; task: string };
    expect(line).toMatchObject({ op: 'acquire', task: trigger?.task });
    // No temp file is left next to the trace.
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it.each(RULE_VARIANTS)('variant %s replays to the same findings', async (variant) => {
    const file = join(dir, `kvm-${variant}.jsonl`);
    const live = await runKvmScenario({ design: '2021-reader-preference', variant, recordTo: file });
    const replayed = await checkTrace(file, { createHooks: () => [createRuleHooks(loadRuleFiles([KVM_2021_RULES]))] });
    expect(fingerprints(replayed.violations)).toEqual(fingerprints(live.result.violations));
    expect(replayed.violations.some((f) => f.rule === variant)).toBe(true);
  });

  it('a run with stacks replays with the same sites', async () => {
    const file = join(dir, 'kvm-stacks.jsonl');
    const live = await runKvmScenario({ design: '2021-fair', stacks: true, rules: false, recordTo: file });
    const replayed = await checkTrace(file);
    expect(fingerprints(replayed.violations)).toEqual(fingerprints(live.result.violations));
    const sites = (r: CheckResult) => r.violations[0]?.chain?.map((e) => e.next.site);
    expect(sites(replayed)).toEqual(sites(live.result));
  });
});

describe('record/replay equivalence on random programs', { timeout: 60_000 }, () => {
  type Op =
    | { kind: 'mutex'; lock: number }
    | { kind: 'read' | 'write'; lock: number }
    | { kind: 'spin'; lock: number; yieldInside: boolean }
    | { kind: 'map'; lock: number; read: boolean }
    | { kind: 'try'; lock: number }
    | { kind: 'sleep' };
  const op: fc.Arbitrary<Op> = fc.oneof(
    fc.record({ kind: fc.constant('mutex' as const), lock: fc.integer({ min: 0, max: 2 }) }),
    fc.record({ kind: fc.constantFrom('read' as const, 'write' as const), lock: fc.integer({ min: 0, max: 1 }) }),
    fc.record({ kind: fc.constant('spin' as const), lock: fc.integer({ min: 0, max: 1 }), yieldInside: fc.boolean() }),
    fc.record({ kind: fc.constant('map' as const), lock: fc.integer({ min: 0, max: 1 }), read: fc.boolean() }),
    fc.record({ kind: fc.constant('try' as const), lock: fc.integer({ min: 0, max: 2 }) }),
    fc.constant({ kind: 'sleep' as const }),
  );
  let counter = 0;

  test.prop([fc.scheduler(), fc.array(fc.array(op, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 3 })], {
    numRuns: 60,
  })('check on the recording finds exactly what the live run found', async (s, programs) => {
    const file = join(dir, `random-${counter++}.jsonl`);
    const rt = new LockdepRuntime({ recordTo: file });
    const mutexes = [0, 1, 2].map((i) => new Mutex(rt, `M${i}`));
    const sems = [0, 1].map((i) => new RwSemaphore(rt, `S${i}`));
    const spins = [0, 1].map((i) => new SpinLock(rt, `P${i}`));
    const rw = new RwLock(rt, 'R');
    const maps = [0, 1].map((i) => new LockMap(rt, `map${i}`));
    const sim = new Simulation(rt);
    programs.forEach((program, i) => {
      sim.spawn(`t${i}`, async (t) => {
        const undo: (() => void)[] = [];
        for (const step of program) {
          await s.schedule(Promise.resolve(), `${t.id} ${step.kind}`);
          switch (step.kind) {
            case 'mutex': {
              const m = mutexes[step.lock] as Mutex;
              await m.lock(t);
              undo.push(() => m.unlock(t));
              break;
            }
            case 'read':
            case 'write': {
              const sem = sems[step.lock] as RwSemaphore;
              if (step.kind === 'read') {
                await sem.lockRead(t);
                undo.push(() => sem.unlockRead(t));
              } else {
                await sem.lock(t);
                undo.push(() => sem.unlock(t));
              }
              break;
            }
            case 'spin': {
              const spin = spins[step.lock] as SpinLock;
              if (!spin.tryLock(t)) break;
              rw.withRead(t, () => undefined);
              if (step.yieldInside) await Promise.resolve();
              spin.unlock(t);
              break;
            }
            case 'map': {
              const map = maps[step.lock] as LockMap;
              await (step.read ? map.acquireRead(t) : map.acquire(t));
              undo.push(() => map.release(t));
              break;
            }
            case 'try': {
              const m = mutexes[step.lock] as Mutex;
              if (m.tryLock(t)) undo.push(() => m.unlock(t));
              break;
            }
            case 'sleep':
              t.mightSleep();
              break;
          }
        }
        await s.schedule(Promise.resolve(), `${t.id} unwinds`);
        for (const release of undo.reverse()) release();
      });
    });
    await s.waitFor(sim.run());
    const live = await rt.end();
    const replayed = await checkTrace(file);
    expect(fingerprints(replayed.violations)).toEqual(fingerprints(live.violations));
    expect(replayed.summary.events).toBe(live.summary.events);
    rmSync(file, { force: true });
  });
});
