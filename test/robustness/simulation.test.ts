/**
 * Robustness of the simulation: a task that throws while holding locks is reported as a
 * task-error (with the locks it held) and held-lock-at-exit, and the run goes on; a task that ends with an acquisition still queued no
 * longer counts as waiting (no false deadlock); cancelling a waiting acquisition with an AbortSignal
 * removes the waiter cleanly (queue, task state, recorded hold, deadlock detection), for the
 * Mutex, both sides of the RwSemaphore and a blocking LockMap, also when the undoing release
 * raises a finding in `throw` mode.
 */
import { describe, expect, it } from 'vitest';
import { LockdepFindingError, LockdepRuntime, LockMap, Mutex, RwSemaphore, Simulation, SpinLock } from '../../src/index.js';
import { recordingRuntime } from '../sim/recording-runtime.js';

describe('a task that throws while holding locks', () => {
  it('is reported as task-error and held-lock-at-exit, its error is kept, and the other tasks run to the end', async () => {
    const rt = new LockdepRuntime();
    const a = new Mutex(rt, 'A');
    const b = new Mutex(rt, 'B');
    const sim = new Simulation(rt);
    const boom = new Error('boom while holding A and B');
    sim.spawn('thrower', async (task) => {
      await a.lock(task);
      await b.lock(task);
      throw boom;
    });
    let otherRan = false;
    sim.spawn('other', async (task) => {
      await new Promise<void>((resolve) => setImmediate(resolve));
      otherRan = true;
      const c = new Mutex(rt, 'C');
      await c.lock(task);
      c.unlock(task);
    });
    const result = await sim.run();
    expect(result.deadlock).toBeNull();
    expect(result.errors).toEqual([{ task: 'thrower', error: boom }]);
    expect(result.finished.sort()).toEqual(['other', 'thrower']);
    expect(otherRan).toBe(true);
    const exits = result.findings.filter((f) => f.kind === 'held-lock-at-exit');
    expect(exits).toHaveLength(1);
    expect(exits[0]?.task).toBe('thrower');
    expect(exits[0]?.classes).toEqual(['A', 'B']);
    const errors = result.findings.filter((f) => f.kind === 'task-error');
    expect(errors.map((f) => [f.task, f.message, f.held?.map((h) => h.class)])).toEqual([['thrower', 'task thrower threw Error: boom while holding A and B', ['A', 'B']]]);
  });

  it('a synchronous throw is handled the same way', async () => {
    const rt = new LockdepRuntime();
    const m = new Mutex(rt, 'M');
    const sim = new Simulation(rt);
    sim.spawn('sync-thrower', (task) => {
      void m.lock(task);
      throw new TypeError('synchronous');
    });
    sim.spawn('after', async () => undefined);
    const result = await sim.run();
    expect(result.errors.map((e) => e.task)).toEqual(['sync-thrower']);
    expect(result.finished).toContain('after');
    expect(result.findings.map((f) => f.kind)).toEqual(['task-error', 'held-lock-at-exit']);
  });
});

describe('a task that ends while one of its acquisitions still waits', () => {
  it('no longer counts as waiting: no false deadlock while the others run, and their real one is found', async () => {
    const rt = new LockdepRuntime();
    const m = new Mutex(rt, 'M');
    const sim = new Simulation(rt);
    sim.spawn('holder', async (task) => {
      await m.lock(task);
      await new Promise<void>((resolve) => setTimeout(resolve, 20));
      await m.lock(task); // AA: waits forever
    });
    sim.spawn('quitter', async (task) => {
      await new Promise<void>((resolve) => setImmediate(resolve));
      void m.lock(task); // queued behind holder, never awaited
      throw new Error('gave up');
    });
    const result = await Promise.race([sim.run(), new Promise<'stalled'>((resolve) => setTimeout(() => resolve('stalled'), 2000))]);
    expect(result).not.toBe('stalled');
    if (result === 'stalled') return;
    expect(result.errors.map((e) => e.task)).toEqual(['quitter']);
    expect(result.deadlock?.blocked.map((b) => b.task)).toEqual(['holder']);
  });
});

describe('cancelling a waiting acquisition with an AbortSignal', () => {
  it('Mutex: the waiter leaves the queue, the task runs again, the hold is undone, later waiters are served', async () => {
    const { rt, events } = recordingRuntime();
    const m = new Mutex(rt, 'M');
    const [owner, cancelled, next] = [rt.task('owner'), rt.task('cancelled'), rt.task('next')];
    await m.lock(owner);
    const controller = new AbortController();
    const waiting = m.lock(cancelled, { signal: controller.signal });
    const nextGot = m.lock(next);
    expect(m.waiters.map((t) => t.id)).toEqual(['cancelled', 'next']);
    expect(cancelled.state).toBe('blocked');
    const reason = new Error('timed out');
    controller.abort(reason);
    await expect(waiting).rejects.toBe(reason);
    expect(m.waiters.map((t) => t.id)).toEqual(['next']);
    expect(cancelled.state).toBe('running');
    expect(cancelled.waitingOn).toBeNull();
    // The acquisition recorded before waiting is undone, so the cancelled task holds nothing.
    const mine = events.filter((e) => 'task' in e && e.task === 'cancelled').map((e) => e.op);
    expect(mine).toEqual(['acquire', 'release']);
    m.unlock(owner);
    await nextGot;
    expect(m.holder).toBe(next);
    m.unlock(next);
    cancelled.exit();
    expect(rt.findings).toEqual([]);
  });

  it('an already aborted signal rejects at once and records nothing; a free lock ignores the signal', async () => {
    const { rt, events } = recordingRuntime();
    const m = new Mutex(rt, 'M');
    const t = rt.task('t');
    const reason = new Error('already cancelled');
    await expect(m.lock(t, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(events.filter((e) => e.op === 'acquire')).toEqual([]);
    expect(m.isLocked).toBe(false);
    const controller = new AbortController();
    await m.lock(t, { signal: controller.signal });
    controller.abort();
    expect(m.holder).toBe(t);
    m.unlock(t);
    expect(rt.findings).toEqual([]);
  });

  it('an abort after the grant does nothing', async () => {
    const rt = new LockdepRuntime();
    const m = new Mutex(rt, 'M');
    const [a, b] = [rt.task('a'), rt.task('b')];
    await m.lock(a);
    const controller = new AbortController();
    const got = m.lock(b, { signal: controller.signal });
    m.unlock(a);
    await got;
    controller.abort();
    expect(m.holder).toBe(b);
    expect(b.state).toBe('running');
    m.unlock(b);
    expect(m.isLocked).toBe(false);
  });

  it('RwSemaphore: an aborted writer lets the readers queued behind it in', async () => {
    const rt = new LockdepRuntime();
    const sem = new RwSemaphore(rt, 'S');
    const [reader1, writer, reader2] = [rt.task('r1'), rt.task('w'), rt.task('r2')];
    await sem.lockRead(reader1);
    const controller = new AbortController();
    const writing = sem.lock(writer, { signal: controller.signal });
    const reading = sem.lockRead(reader2);
    expect(reader2.state).toBe('blocked'); // fair: queued behind the writer
    const reason = new Error('writer gave up');
    controller.abort(reason);
    await expect(writing).rejects.toBe(reason);
    await reading;
    expect(reader2.state).toBe('running');
    expect(writer.state).toBe('running');
    sem.unlockRead(reader1);
    sem.unlockRead(reader2);
    expect(rt.findings).toEqual([]);
  });

  it("onFinding 'throw': a finding raised by the undoing release rejects the waiter, and the queue moves on", async () => {
    const rt = new LockdepRuntime({ onFinding: 'throw' });
    const sem = new RwSemaphore(rt, 'S');
    const spin = new SpinLock(rt, 'spin');
    const [reader1, writer, reader2, spinner] = [rt.task('r1'), rt.task('w'), rt.task('r2'), rt.task('spinner')];
    await sem.lockRead(reader1);
    const controller = new AbortController();
    const writing = sem.lock(writer, { signal: controller.signal });
    const reading = sem.lockRead(reader2);
    // A spinlock held across an await: its sleep-in-atomic is thrown by the next operation.
    spin.lock(spinner);
    await Promise.resolve();
    controller.abort();
    await expect(writing).rejects.toThrow(LockdepFindingError);
    await reading;
    expect(writer.state).toBe('running');
    expect(sem.readHolders).toEqual([reader1, reader2]);
    expect(rt.findings.map((f) => f.kind)).toEqual(['sleep-in-atomic']);
  });

  it('LockMap (blocking): the waiter leaves the queue, the hold is undone, the map stays usable', async () => {
    const { rt, events } = recordingRuntime();
    const map = new LockMap(rt, { class: 'wq', blocking: true });
    const [owner, cancelled, next] = [rt.task('owner'), rt.task('cancelled'), rt.task('next')];
    const reason = new Error('flush cancelled');
    await expect(map.acquire(owner, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    await map.acquire(owner);
    const controller = new AbortController();
    const waiting = map.acquireRead(cancelled, { signal: controller.signal });
    expect(cancelled.state).toBe('blocked');
    controller.abort(reason);
    await expect(waiting).rejects.toBe(reason);
    expect(cancelled.state).toBe('running');
    expect(map.holders).toEqual([owner]);
    const mine = events.filter((e) => 'task' in e && e.task === 'cancelled').map((e) => e.op);
    expect(mine).toEqual(['acquire', 'release']);
    const nextGot = map.acquire(next);
    map.release(owner);
    await nextGot;
    expect(map.holders).toEqual([next]);
    map.release(next);
    cancelled.exit();
    expect(rt.findings).toEqual([]);
  });

  it('a cancelled waiter is no longer part of deadlock detection, and the run completes', async () => {
    const rt = new LockdepRuntime();
    const m = new Mutex(rt, 'M');
    const sim = new Simulation(rt);
    const controller = new AbortController();
    let outcome = '';
    sim.spawn('holder', async (task) => {
      await m.lock(task);
      await sim.untilBlocked(waiter, m);
      controller.abort(new Error('give up'));
      await new Promise<void>((resolve) => setImmediate(resolve));
      m.unlock(task);
    });
    const waiter = sim.spawn('waiter', async (task) => {
      try {
        await m.lock(task, { signal: controller.signal });
        outcome = 'acquired';
      } catch (error) {
        outcome = (error as Error).message;
      }
    });
    const result = await sim.run();
    expect(outcome).toBe('give up');
    expect(result.deadlock).toBeNull();
    expect(result.errors).toEqual([]);
    expect(result.findings).toEqual([]);
  });
});
