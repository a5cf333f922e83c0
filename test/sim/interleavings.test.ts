// The primitives under many random interleavings, explored with fast-check's scheduler: every
// yield point of every task is a scheduled promise that fast-check releases in a random order.
import { fc, test } from '@fast-check/vitest';
import { afterAll, describe, expect } from 'vitest';
import { LockdepRuntime, Mutex, RwSemaphore, Simulation } from '../../src/index.js';
import type { Scheduler } from 'fast-check';

const RUNS = { numRuns: 150 };

function yieldPoint(s: Scheduler, label: string): Promise<void> {
  return s.schedule(Promise.resolve(), label);
}

describe('Mutex under random interleavings', { timeout: 60_000 }, () => {
  test.prop([fc.scheduler(), fc.integer({ min: 2, max: 4 }), fc.integer({ min: 1, max: 3 })], RUNS)(
    'at most one task inside, tasks enter in request order, no findings',
    async (s, taskCount, rounds) => {
      const rt = new LockdepRuntime();
      const m = new Mutex(rt, 'm');
      const sim = new Simulation(rt);
      let inside = 0;
      let maxInside = 0;
      const requested: string[] = [];
      const entered: string[] = [];
      for (let i = 0; i < taskCount; i++) {
        sim.spawn(`t${i}`, async (t) => {
          for (let r = 0; r < rounds; r++) {
            await yieldPoint(s, `${t.id} wants m`);
            requested.push(`${t.id}#${r}`);
            await m.lock(t);
            entered.push(`${t.id}#${r}`);
            inside++;
            maxInside = Math.max(maxInside, inside);
            await yieldPoint(s, `${t.id} holds m`);
            inside--;
            m.unlock(t);
          }
        });
      }
      const result = await s.waitFor(sim.run());
      expect(result.deadlock).toBeNull();
      expect(result.errors).toEqual([]);
      expect(maxInside).toBe(1);
      expect(entered).toEqual(requested);
      expect(entered).toHaveLength(taskCount * rounds);
      expect(rt.findings).toEqual([]);
    },
  );
});

describe('RwSemaphore under random interleavings', { timeout: 60_000 }, () => {
  let sharedRuns = 0;
  afterAll(() => {
    // Sharing is possible, not required, in one run; over all runs it must happen.
    expect(sharedRuns, 'no run ever had two readers inside').toBeGreaterThan(0);
  });
  const program = fc.array(fc.array(fc.boolean(), { minLength: 1, maxLength: 3 }), { minLength: 2, maxLength: 4 });

  test.prop([fc.scheduler(), program], RUNS)(
    'fair: writers exclusive, readers shared, and nobody overtakes an earlier request',
    async (s, plans) => {
      const rt = new LockdepRuntime();
      const sem = new RwSemaphore(rt, 'sem');
      const sim = new Simulation(rt);
      let readers = 0;
      let writers = 0;
      let broken = 0;
      let sharedEntries = 0;
      const requested: string[] = [];
      const entered: string[] = [];
      plans.forEach((plan, i) => {
        sim.spawn(`t${i}`, async (t) => {
          for (const [r, write] of plan.entries()) {
            await yieldPoint(s, `${t.id} wants ${write ? 'write' : 'read'}`);
            requested.push(`${t.id}#${r}`);
            if (write) await sem.lock(t);
            else await sem.lockRead(t);
            entered.push(`${t.id}#${r}`);
            if (write) writers++;
            else readers++;
            if (writers > 1 || (writers === 1 && readers > 0)) broken++;
            if (readers > 1) sharedEntries++;
            await yieldPoint(s, `${t.id} inside`);
            if (write) {
              writers--;
              sem.unlock(t);
            } else {
              readers--;
              sem.unlockRead(t);
            }
          }
        });
      });
      const result = await s.waitFor(sim.run());
      expect(result.errors).toEqual([]);
      expect(result.deadlock).toBeNull();
      expect(broken).toBe(0);
      expect(entered).toEqual(requested);
      expect(rt.findings).toEqual([]);
      if (sharedEntries > 0) sharedRuns++;
    },
  );

  test.prop([fc.scheduler(), program], RUNS)(
    'reader preference: a reader waits only while a writer holds the lock',
    async (s, plans) => {
      const rt = new LockdepRuntime();
      const sem = new RwSemaphore(rt, { class: 'sem', readerPreference: true });
      const sim = new Simulation(rt);
      let writers = 0;
      let readers = 0;
      let broken = 0;
      let readerWaitedWithoutWriter = 0;
      plans.forEach((plan, i) => {
        sim.spawn(`t${i}`, async (t) => {
          for (const write of plan) {
            await yieldPoint(s, `${t.id} wants ${write ? 'write' : 'read'}`);
            if (write) {
              await sem.lock(t);
              writers++;
            } else {
              const writerHeld = sem.writeHolder !== null;
              const pending = sem.lockRead(t);
              if (!writerHeld && t.state === 'blocked') readerWaitedWithoutWriter++;
              await pending;
              readers++;
            }
            if (writers > 1 || (writers === 1 && readers > 0)) broken++;
            await yieldPoint(s, `${t.id} inside`);
            if (write) {
              writers--;
              sem.unlock(t);
            } else {
              readers--;
              sem.unlockRead(t);
            }
          }
        });
      });
      const result = await s.waitFor(sim.run());
      expect(result.errors).toEqual([]);
      expect(result.deadlock).toBeNull();
      expect(broken).toBe(0);
      expect(readerWaitedWithoutWriter).toBe(0);
      expect(rt.findings).toEqual([]);
    },
  );
});

describe('live validation predicts real deadlocks', { timeout: 60_000 }, () => {
  let deadlocks = 0;
  let runs = 0;
  afterAll(() => {
    // The generator must actually produce real deadlocks for the property to mean something.
    expect(deadlocks).toBeGreaterThan(0);
    expect(deadlocks).toBeLessThan(runs);
  });
  const lockOrder = fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 1, maxLength: 3 });

  test.prop([fc.scheduler(), fc.array(lockOrder, { minLength: 2, maxLength: 3 })], RUNS)(
    'every real deadlock comes with a cycle or recursion finding; ordered programs are clean',
    async (s, programs) => {
      const rt = new LockdepRuntime();
      const locks = [0, 1, 2].map((i) => new Mutex(rt, `L${i}`));
      const sim = new Simulation(rt);
      programs.forEach((order, i) => {
        sim.spawn(`t${i}`, async (t) => {
          const held: Mutex[] = [];
          for (const index of order) {
            await yieldPoint(s, `${t.id} takes L${index}`);
            const lock = locks[index] as Mutex;
            const selfDeadlock = lock.holder === t;
            const pending = lock.lock(t);
            // Live validation: an acquisition that blocks on a lock held by this very task is
            // reported before the task starts waiting.
            if (selfDeadlock) {
              expect(rt.findings.some((f) => f.kind === 'recursive-locking' && f.classes.includes(lock.className))).toBe(true);
            }
            await pending;
            held.push(lock);
          }
          await yieldPoint(s, `${t.id} releases`);
          for (const lock of held.reverse()) lock.unlock(t);
        });
      });
      const result = await s.waitFor(sim.run());
      runs++;
      // The live check above runs inside a task, where a failed expect is only a task error.
      expect(result.errors).toEqual([]);
      if (result.deadlock !== null) {
        deadlocks++;
        expect(result.deadlock.cycle.length).toBeGreaterThan(0);
        expect(rt.findings.some((f) => f.kind === 'circular-dependency' || f.kind === 'recursive-locking')).toBe(true);
      }
      const ordered = programs.every((order) => order.every((v, k) => k === 0 || v > (order[k - 1] as number)));
      if (ordered) {
        expect(result.deadlock).toBeNull();
        expect(rt.findings).toEqual([]);
      }
    },
  );
});
