// Real deadlock detection: when every task of a Simulation is blocked, the run ends with the
// wait-for cycle instead of hanging.
import { describe, expect, it } from 'vitest';
import {
  Completion,
  LockdepRuntime,
  LockMap,
  Mutex,
  RwSemaphore,
  Simulation,
  formatDeadlockReport,
} from '../../src/index.js';

describe('Simulation deadlock detection', () => {
  it('ends an ABBA deadlock with its wait-for cycle', async () => {
    const rt = new LockdepRuntime();
    const [a, b] = [new Mutex(rt, 'A'), new Mutex(rt, 'B')];
    const sim = new Simulation(rt);
    const [aTaken, bTaken] = [new Completion(rt, 'A taken'), new Completion(rt, 'B taken')];
    sim.spawn('t1', async (t) => {
      await a.lock(t);
      aTaken.complete();
      await bTaken.wait(t);
      await b.lock(t);
    });
    sim.spawn('t2', async (t) => {
      await b.lock(t);
      bTaken.complete();
      await aTaken.wait(t);
      await a.lock(t);
    });
    const result = await sim.run();
    expect(result.deadlock).not.toBeNull();
    const cycle = result.deadlock?.cycle ?? [];
    expect(cycle.map((s) => `${s.task}->${s.lock}->${s.blockedBy}`).sort()).toEqual(['t1->B->t2', 't2->A->t1']);
    expect(result.deadlock?.message).toMatch(/^deadlock: t\d -> [AB] -> t\d -> [AB] -> t\d$/);
    // The possible cycle when t2 took A, then the real one when it started to wait for it.
    expect(rt.findings.map((f) => f.kind)).toEqual(['circular-dependency', 'deadlock']);
    expect(rt.findings[1]?.deadlock?.cycle.map((s) => `${s.task}->${s.class}->${s.blockedBy}`)).toEqual(['t2->A->t1', 't1->B->t2']);
    expect(result.finished).toEqual([]);
    const text = formatDeadlockReport(result.deadlock!);
    expect(text).toContain('wait-for cycle:');
    expect(text).toMatch(/t1 waits for B \(write\), held by t2 \(write\)/);
  });

  it('reports a task waiting for itself', async () => {
    const rt = new LockdepRuntime();
    const m = new Mutex(rt, 'm');
    const sim = new Simulation(rt);
    sim.spawn('selfish', async (t) => {
      await m.lock(t);
      await m.lock(t);
    });
    const result = await sim.run();
    expect(result.deadlock?.cycle).toEqual([
      { task: 'selfish', lock: 'm', mode: 'write', blockedBy: 'selfish', reason: 'holds', blockedByMode: 'write' },
    ]);
    expect(rt.findings.map((f) => f.kind)).toEqual(['recursive-locking', 'deadlock']);
    expect(rt.findings[1]?.message).toBe("tasks wait for each other: selfish -> m -> selfish");
  });

  it('follows queued writers of a fair rwsem (the 2021 KVM shape)', async () => {
    const rt = new LockdepRuntime();
    const map = new LockMap(rt, { class: 'mmu_notifier_invalidate_range_start', blocking: true });
    const sem = new RwSemaphore(rt, 'slots');
    const sim = new Simulation(rt);
    const inWindow = new Completion(rt, 'A in window');
    let b: ReturnType<Simulation['spawn']> | null = null;
    sim.spawn('A', async (t) => {
      await map.with(t, () => sem.lockRead(t));
      inWindow.complete();
      if (b !== null) await sim.untilBlocked(b, sem);
      await map.with(t, () => sem.unlockRead(t));
    });
    const w = sim.spawn('W', async (t) => {
      await inWindow.wait(t);
      await sem.with(t, () => undefined);
    });
    b = sim.spawn('B', async (t) => {
      await sim.untilBlocked(w, sem);
      await map.with(t, () => sem.lockRead(t));
    });
    const result = await sim.run();
    const steps = result.deadlock?.cycle.map((s) => `${s.task} ${s.lock} ${s.reason} ${s.blockedBy}`) ?? [];
    expect(steps).toHaveLength(3);
    expect(steps).toEqual(
      expect.arrayContaining([
        'A mmu_notifier_invalidate_range_start holds B',
        'B slots queued-ahead W',
        'W slots holds A',
      ]),
    );
  });

  it('reports tasks that wait for events nobody can signal, without a cycle', async () => {
    const rt = new LockdepRuntime();
    const never = new Completion(rt, 'never');
    const sim = new Simulation(rt);
    sim.spawn('waiter', (t) => never.wait(t));
    const result = await sim.run();
    expect(result.deadlock?.cycle).toEqual([]);
    expect(result.deadlock?.blocked).toEqual([{ task: 'waiter', lock: 'never', mode: 'event', blockedBy: [] }]);
  });

  it('does not report a deadlock while a task is waiting on something else (a timer)', async () => {
    const rt = new LockdepRuntime();
    const m = new Mutex(rt, 'm');
    const sim = new Simulation(rt);
    sim.spawn('holder', async (t) => {
      await m.lock(t);
      await new Promise((resolve) => setTimeout(resolve, 20));
      m.unlock(t);
    });
    sim.spawn('waiter', async (t) => {
      await m.lock(t);
      m.unlock(t);
    });
    const result = await sim.run();
    expect(result.deadlock).toBeNull();
    expect(result.finished).toEqual(['holder', 'waiter']);
  });

  it('does not report a deadlock that code outside the simulation resolves in the same turn', async () => {
    const rt = new LockdepRuntime();
    const m = new Mutex(rt, 'm');
    const outsider = rt.task('outsider');
    await m.lock(outsider);
    const sim = new Simulation(rt);
    sim.spawn('waiter', async (t) => {
      await m.lock(t);
      m.unlock(t);
    });
    const run = sim.run();
    queueMicrotask(() => m.unlock(outsider));
    const result = await run;
    expect(result.deadlock).toBeNull();
  });

  it('collects task errors, still exits the task, and spawns during the run', async () => {
    const rt = new LockdepRuntime();
    const m = new Mutex(rt, 'm');
    const sim = new Simulation(rt);
    sim.spawn('parent', async (t) => {
      await m.lock(t);
      sim.spawn('child', async (c) => {
        await m.lock(c);
        m.unlock(c);
      });
      throw new Error('boom');
    });
    const result = await sim.run();
    // The parent died holding m: held at exit, and the child waits for ever.
    expect(result.errors.map((e) => `${e.task}: ${(e.error as Error).message}`)).toEqual(['parent: boom']);
    // The error is a finding (with what the task held), before its exit's held-lock-at-exit.
    expect(rt.findings[0]).toMatchObject({ kind: 'task-error', severity: 'error', task: 'parent', message: 'task parent threw Error: boom', held: [{ class: 'm' }] });
    // The child waits for a lock nobody will release: the run stalled, a deadlock finding too.
    expect(rt.findings.map((f) => f.kind)).toEqual(['task-error', 'held-lock-at-exit', 'deadlock']);
    expect(rt.findings[2]?.deadlock).toMatchObject({ cycle: [], blocked: [{ task: 'child', class: 'm', held: [] }] });
    expect(result.deadlock?.blocked.map((b) => b.task)).toEqual(['child']);
    expect(result.deadlock?.cycle).toEqual([]);
  });

  it("a task error is a finding for the onFinding callback, and never thrown again by 'throw'", async () => {
    const seen: string[] = [];
    const callback = new LockdepRuntime({ onFinding: (finding) => seen.push(`${finding.kind}: ${finding.message}`) });
    const failing = new Simulation(callback);
    failing.spawn('worker', () => {
      throw new TypeError('bad input');
    });
    await failing.run();
    expect(seen).toEqual(['task-error: task worker threw TypeError: bad input']);

    const throwing = new LockdepRuntime({ onFinding: 'throw' });
    const sim = new Simulation(throwing);
    sim.spawn('first', () => {
      throw new Error('boom');
    });
    sim.spawn('second', () => undefined);
    const result = await sim.run();
    expect(result.finished).toEqual(['first', 'second']);
    expect(result.errors.map((e) => e.task)).toEqual(['first']);
    expect(throwing.findings.map((f) => [f.kind, f.task])).toEqual([['task-error', 'first']]);
  });

  it('an empty simulation finishes at once', async () => {
    const result = await new Simulation(new LockdepRuntime()).run();
    expect(result).toMatchObject({ deadlock: null, errors: [], finished: [] });
  });
});
