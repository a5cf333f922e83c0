// Deadlocks are findings when they form: the wait-for graph is checked the moment a task blocks,
// in plain async code (runTask, no Simulation), with `onDeadlock: 'report'` or `'throw'`.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DeadlockError, LockdepRuntime, Mutex, renderReport } from '../../src/index.js';
import type { DeadlockReaction } from '../../src/index.js';
import { failOnDeadlock } from '../../src/testing/vitest.js';

const dir = mkdtempSync(join(tmpdir(), 'lockdep-deadlock-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Two tasks: each takes its first lock, sleeps, then wants the other's. */
function abba(rt: LockdepRuntime): Promise<unknown[]> {
  const cart = new Mutex(rt, 'cart');
  const stock = new Mutex(rt, 'stock');
  return Promise.allSettled([
    rt.runTask('checkout', () => cart.with(null, async () => {
      await sleep(10);
      await stock.with(null, () => 'checked out');
    })),
    rt.runTask('expiry', () => stock.with(null, async () => {
      await sleep(10);
      await cart.with(null, () => 'expired');
    })),
  ]);
}

function runtime(onDeadlock: DeadlockReaction, recordTo?: string): LockdepRuntime {
  return new LockdepRuntime({ onDeadlock, ...(recordTo === undefined ? {} : { recordTo }) });
}

describe('deadlock detection when a task blocks', () => {
  it('reports the cycle the moment the second task blocks, with the blocked tasks and what they hold', async () => {
    const trace = join(dir, 'abba.jsonl');
    const rt = runtime('report', trace);
    void abba(rt);
    await sleep(40);
    expect(rt.findings.map((f) => f.kind)).toEqual(['circular-dependency', 'deadlock']);
    const deadlock = rt.findings[1];
    expect(deadlock?.message).toBe('tasks wait for each other: expiry -> cart -> checkout -> stock -> expiry');
    expect(deadlock?.classes).toEqual(['cart', 'stock']);
    expect(deadlock?.deadlock?.cycle.map((s) => `${s.task} waits for ${s.class}, ${s.reason} ${s.blockedBy}`)).toEqual([
      'expiry waits for cart, holds checkout',
      'checkout waits for stock, holds expiry',
    ]);
    expect(deadlock?.deadlock?.blocked.map((b) => [b.task, b.waitingAt?.line, b.held.map((h) => h.class)])).toEqual([
      ['expiry', 7, ['stock']],
      ['checkout', 6, ['cart']],
    ]);
    expect(deadlock?.deadlock?.victim).toBeUndefined();
    // The recording is on disk already, though the run never ends.
    const ops = readFileSync(trace, 'utf8').trim().split('\n').slice(1).map((line) => (JSON.parse(line) as { op: string }).op);
    expect(ops).toEqual(['init', 'init', 'acquire', 'acquire', 'acquire', 'acquire']);
    expect(rt.waitFor.waiters.map((t) => t.id)).toEqual(['checkout', 'expiry']);
  });

  it("with onDeadlock 'throw' the acquisition that closed the cycle rejects with a DeadlockError and the rest goes on", async () => {
    const rt = runtime('throw');
    const [checkout, expiry] = (await abba(rt)) as PromiseSettledResult<unknown>[];
    expect(checkout?.status).toBe('fulfilled');
    expect(expiry?.status).toBe('rejected');
    const error = (expiry as PromiseRejectedResult).reason as DeadlockError;
    expect(error).toBeInstanceOf(DeadlockError);
    expect(error.victim).toBe('expiry');
    expect(error.cycle.map((s) => s.task)).toEqual(['expiry', 'checkout']);
    expect(error.message).toContain("expiry's acquisition rejected to break the cycle");
    const result = await rt.end();
    // The victim's wait was undone: no unbalanced release, no lock held at exit.
    expect(result.violations.map((f) => f.kind)).toEqual(['circular-dependency', 'deadlock']);
    expect(result.violations[1]?.deadlock?.victim).toBe('expiry');
    expect(result.summary.events).toBe(12);
  });

  it('finds a three-task cycle only when the third task blocks, and nothing for plain contention', async () => {
    const rt = runtime('report');
    const [a, b, c] = [new Mutex(rt, 'A'), new Mutex(rt, 'B'), new Mutex(rt, 'C')];
    const ring = (first: Mutex, second: Mutex, name: string, pause: number): Promise<void> =>
      rt.runTask(name, () => first.with(null, async () => {
        await sleep(pause);
        await second.with(null, () => undefined);
      }));
    void ring(a, b, 't1', 5);
    void ring(b, c, 't2', 5);
    void ring(c, a, 't3', 60);
    await sleep(30);
    // t1 waits for t2, t2 for t3, and t3 is still running: no cycle yet.
    expect(rt.waitFor.waiters.map((t) => t.id)).toEqual(['t1', 't2']);
    expect(rt.findings.filter((f) => f.kind === 'deadlock')).toEqual([]);
    await sleep(60);
    const deadlock = rt.findings.find((f) => f.kind === 'deadlock');
    expect(deadlock?.deadlock?.cycle.map((s) => s.task)).toEqual(['t3', 't1', 't2']);
    const contended = runtime('report');
    const m = new Mutex(contended, 'm');
    await Promise.all(['x', 'y', 'z'].map((name) => contended.runTask(name, () => m.with(null, () => sleep(2)))));
    expect(contended.findings).toEqual([]);
  });

  it('shows the deadlock in the JSON result with the cycle and the blocked tasks', async () => {
    const rt = runtime('report');
    void abba(rt);
    await sleep(40);
    const json = JSON.parse(await renderReport('json', rt.result())) as { violations: { kind: string; deadlock?: { blocked: unknown[] } }[] };
    expect(json.violations[1]?.kind).toBe('deadlock');
    expect(json.violations[1]?.deadlock?.blocked).toHaveLength(2);
  });
});

describe('failOnDeadlock (lockdep/testing)', () => {
  it('fails with the deadlock report as soon as the tasks deadlock, instead of hanging', async () => {
    const rt = runtime('report');
    const failure = await failOnDeadlock(rt, () => abba(rt)).then(() => null, (error: unknown) => error as Error);
    expect(failure?.name).toBe('AssertionError');
    expect(failure?.message).toContain('lockdep: the tasks deadlocked: tasks wait for each other: expiry -> cart');
    expect(failure?.message).toContain('WARNING: deadlock: tasks wait for each other in a cycle');
    expect(failure?.message).toContain('1 lock held by checkout:');
  });

  it('passes the result of work that does not deadlock through', async () => {
    const rt = runtime('report');
    const m = new Mutex(rt, 'm');
    await expect(failOnDeadlock(rt, () => rt.runTask('t', () => m.with(null, () => 42)))).resolves.toBe(42);
  });
});
