// The `lockdep/async-mutex` drop-in: async-mutex's documented behaviours (its README), run
// against the real package and the drop-in alike, must give the same results; the drop-in adds
// lockdep's findings and leaves no false ones after timeouts and cancels.
import * as real from 'async-mutex';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as dropIn from '../../src/sim/async-mutex/index.js';
import { LockdepFindingError, LockdepRuntime, setDefaultRuntime } from '../../src/index.js';
import { expectNoLockdepFindings } from '../../src/testing/vitest.js';

type Api = typeof dropIn;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const kinds = (rt: LockdepRuntime): string[] => rt.findings.map((f) => f.kind);

let runtime: LockdepRuntime;
beforeEach(() => {
  runtime = new LockdepRuntime();
  setDefaultRuntime(runtime);
});
afterEach(() => {
  setDefaultRuntime(null);
});

describe.each([
  ['async-mutex', real as unknown as Api],
  ['lockdep/async-mutex', dropIn],
])('documented behaviour of %s', (implementation, api) => {
  /**
   * Runs `fn` as another task (a contender): the main flow holding a lock and waiting for it
   * again would be recursive locking, as lockdep rightly says.
   */
  function elsewhere<T>(fn: () => Promise<T>): Promise<T> {
    return implementation === 'async-mutex' ? fn() : runtime.runTask('contender', fn);
  }

  /** After each scenario the drop-in's run ends without any finding (none false after timeouts/cancels). */
  async function expectCleanEnd(): Promise<void> {
    if (implementation === 'async-mutex') return;
    const result = await runtime.end();
    expect(result.violations.map((v) => v.kind)).toEqual([]);
  }

  it('runExclusive runs callbacks one at a time, adopts the result and releases on throw', async () => {
    const mutex = new api.Mutex();
    const log: string[] = [];
    const job = (name: string) => async () => {
      log.push(`${name}:start`);
      await sleep(2);
      log.push(`${name}:end`);
      return name;
    };
    const results = await Promise.all([mutex.runExclusive(job('a')), mutex.runExclusive(job('b'))]);
    expect(results).toEqual(['a', 'b']);
    expect(log).toEqual(['a:start', 'a:end', 'b:start', 'b:end']);
    await expect(mutex.runExclusive(() => { throw new Error('boom'); })).rejects.toThrow('boom');
    expect(mutex.isLocked()).toBe(false);
    await expectCleanEnd();
  });

  it('acquire resolves with an idempotent releaser; unscoped release also unlocks', async () => {
    const mutex = new api.Mutex();
    const release = await mutex.acquire();
    expect(mutex.isLocked()).toBe(true);
    release();
    release();
    expect(mutex.isLocked()).toBe(false);
    await mutex.acquire();
    mutex.release();
    expect(mutex.isLocked()).toBe(false);
    const semaphore = new api.Semaphore(2);
    const [value, releaseOne] = await semaphore.acquire();
    expect(value).toBe(2);
    releaseOne();
    releaseOne();
    expect(semaphore.getValue()).toBe(2);
    await expectCleanEnd();
  });

  it('cancel rejects pending locks with E_CANCELED (or the custom error) and does not revoke the held one', async () => {
    const mutex = new api.Mutex();
    const release = await mutex.acquire();
    const pending = elsewhere(() => mutex.acquire());
    const pendingRun = elsewhere(() => mutex.runExclusive(() => 'never'));
    mutex.cancel();
    await expect(pending).rejects.toBe(api.E_CANCELED);
    await expect(pendingRun).rejects.toBe(api.E_CANCELED);
    expect(mutex.isLocked()).toBe(true);
    release();
    const custom = new Error('fancy custom error');
    const semaphore = new api.Semaphore(1, custom);
    const held = await semaphore.acquire();
    const waiting = elsewhere(() => semaphore.acquire());
    semaphore.cancel();
    await expect(waiting).rejects.toBe(custom);
    held[1]();
    await expectCleanEnd();
  });

  it('waitForUnlock resolves once the mutex is free, without locking it', async () => {
    const mutex = new api.Mutex();
    const release = await mutex.acquire();
    let waited = false;
    const waiting = elsewhere(() => mutex.waitForUnlock()).then(() => (waited = true));
    await sleep(1);
    expect(waited).toBe(false);
    release();
    await waiting;
    expect(mutex.isLocked()).toBe(false);
    await expectCleanEnd();
  });

  it('Semaphore: value to the callback, weights, priorities, setValue and isLocked', async () => {
    const semaphore = new api.Semaphore(3);
    expect(await semaphore.runExclusive((value) => value)).toBe(3);
    const [, releaseTwo] = await semaphore.acquire(2);
    expect(semaphore.getValue()).toBe(1);
    const order: string[] = [];
    const heavy = elsewhere(() => semaphore.acquire(2).then(([, r]) => { order.push('heavy'); r(); }));
    const low = elsewhere(() => semaphore.acquire(1, 0).then(([, r]) => { order.push('low'); r(); }));
    const high = elsewhere(() => semaphore.acquire(1, 5).then(([, r]) => { order.push('high'); r(); }));
    await sleep(1);
    expect(order).toEqual(['high']);
    releaseTwo();
    await Promise.all([heavy, low, high]);
    expect(order).toEqual(['high', 'heavy', 'low']);
    semaphore.setValue(0);
    expect(semaphore.isLocked()).toBe(true);
    const afterSet = elsewhere(async () => {
      const [value, r] = await semaphore.acquire();
      r();
      return value;
    });
    semaphore.setValue(1);
    expect(await afterSet).toBe(1);
    expect(semaphore.getValue()).toBe(1);
    expect(() => semaphore.acquire(0)).toThrow('invalid weight 0: must be positive');
    await expectCleanEnd();
  });

  it('withTimeout rejects with E_TIMEOUT (or the custom error) and never runs the callback', async () => {
    const mutex = new api.Mutex();
    const release = await mutex.acquire();
    const limited = api.withTimeout(mutex, 5);
    let ran = false;
    await expect(elsewhere(() => limited.runExclusive(() => { ran = true; }))).rejects.toBe(api.E_TIMEOUT);
    await expect(elsewhere(() => limited.acquire())).rejects.toBe(api.E_TIMEOUT);
    const custom = new Error('new fancy error');
    await expect(elsewhere(() => api.withTimeout(new api.Semaphore(0), 5, custom).acquire())).rejects.toBe(custom);
    expect(ran).toBe(false);
    release();
    await sleep(10);
    expect(mutex.isLocked()).toBe(false);
    expect(await limited.runExclusive(() => 'in time')).toBe('in time');
    await expectCleanEnd();
  });

  it('tryAcquire fails with E_ALREADY_LOCKED when the lock is taken and succeeds when free', async () => {
    const mutex = new api.Mutex();
    expect(await api.tryAcquire(mutex).runExclusive(() => 'free')).toBe('free');
    const release = await mutex.acquire();
    await expect(elsewhere(() => api.tryAcquire(mutex).runExclusive(() => 'never'))).rejects.toBe(api.E_ALREADY_LOCKED);
    const custom = new Error('busy');
    await expect(elsewhere(() => api.tryAcquire(mutex, custom).acquire())).rejects.toBe(custom);
    release();
    await sleep(1);
    expect(mutex.isLocked()).toBe(false);
    await expectCleanEnd();
  });
});

describe('what lockdep sees through the drop-in', () => {
  it('nested runExclusive in both orders is a circular dependency between classes named at their construction', async () => {
    const accounts = new dropIn.Mutex();
    const audit = new dropIn.Mutex('audit');
    await accounts.runExclusive(() => audit.runExclusive(() => undefined));
    await audit.runExclusive(() => accounts.runExclusive(() => undefined));
    expect(kinds(runtime)).toEqual(['circular-dependency']);
    expect(accounts.lock.className).toMatch(/^Mutex@test\/sim\/async-mutex-dropin\.test\.ts:\d+:\d+$/);
    expect(runtime.findings[0]?.classes.slice().sort()).toEqual([accounts.lock.className, 'audit'].sort());
    expect(() => expectNoLockdepFindings()).toThrow(/circular-dependency/);
  });

  it('two locks constructed on one line are two classes (one per construction site, column included); one made in a loop is one class', async () => {
    const left = new dropIn.Mutex(), right = new dropIn.Mutex();
    expect(left.lock.className).not.toBe(right.lock.className);
    await left.runExclusive(() => right.runExclusive(() => undefined));
    expect(kinds(runtime)).toEqual([]);
    const made = [1, 2].map(() => new dropIn.Mutex());
    expect(made[0]!.lock.className).toBe(made[1]!.lock.className);
  });

  it('a Semaphore of value 1 is a mutex class; a counting semaphore an rwsem of shared holds; value 0 is not validated', async () => {
    const one = new dropIn.Semaphore(1);
    const pool = new dropIn.Semaphore(3, { class: 'pool' });
    const signal = new dropIn.Semaphore(0, 'signal');
    expect([one.type, pool.type]).toEqual(['mutex', 'rwsem']);
    // Permits of a counting semaphore are shared: two branches hold one each, no finding.
    await Promise.all([pool.runExclusive(() => sleep(1)), pool.runExclusive(() => sleep(1))]);
    expect(kinds(runtime)).toEqual([]);
    // Released before acquired (a signal): nothing recorded, no bad unlock balance.
    signal.release();
    await signal.runExclusive(() => undefined);
    expect(kinds(runtime)).toEqual([]);
    // A cycle through the counting semaphore is reported: it deadlocks once every permit is held.
    const m = new dropIn.Mutex('m');
    await pool.runExclusive(() => m.runExclusive(() => undefined));
    await m.runExclusive(() => pool.runExclusive(() => undefined));
    expect(kinds(runtime)).toEqual(['circular-dependency']);
  });

  it('a counting semaphore taken twice by one flow is recursive locking; its full weight is exclusive', async () => {
    const pool = new dropIn.Semaphore(2, 'pool');
    await pool.runExclusive(() => pool.runExclusive(() => undefined));
    expect(kinds(runtime)).toEqual(['recursive-locking']);
    const rt = new LockdepRuntime();
    const whole = new dropIn.Semaphore(2, { class: 'whole', runtime: rt });
    const events: string[] = [];
    const emit = rt.emit.bind(rt);
    rt.emit = (event) => {
      if (event.op === 'acquire') events.push(event.mode ?? 'write');
      emit(event);
    };
    await whole.runExclusive(() => undefined, 2);
    await whole.runExclusive(() => undefined, 1);
    expect(events).toEqual(['write', 'read']);
  });

  it('fan-out of runExclusive branches gives no false finding; the real nesting gives exactly one', async () => {
    const cache = new dropIn.Mutex('cache');
    const db = new dropIn.Mutex('db');
    await Promise.all([cache.runExclusive(() => sleep(1)), db.runExclusive(() => sleep(1))]);
    await db.runExclusive(() => cache.runExclusive(() => undefined));
    expect(kinds(runtime)).toEqual([]);
    await cache.runExclusive(() => db.runExclusive(() => undefined));
    expect(kinds(runtime)).toEqual(['circular-dependency']);
  });

  it("with onFinding 'throw' the acquisition that closes a cycle rejects without taking the lock", async () => {
    const rt = new LockdepRuntime({ onFinding: 'throw' });
    const a = new dropIn.Mutex({ class: 'a', runtime: rt });
    const b = new dropIn.Mutex({ class: 'b', runtime: rt });
    await a.runExclusive(() => b.runExclusive(() => undefined));
    const closing = b.runExclusive(() => a.runExclusive(() => 'never'));
    await expect(closing).rejects.toBeInstanceOf(LockdepFindingError);
    expect([a.isLocked(), b.isLocked()]).toEqual([false, false]);
    const result = await rt.end();
    expect(result.violations.map((v) => v.kind)).toEqual(['circular-dependency']);
  });

  it('a releaser called from another branch releases the hold it was made for', async () => {
    const m = new dropIn.Mutex('m');
    const other = new dropIn.Mutex('other');
    const release = await m.acquire();
    setTimeout(release, 1);
    await sleep(5);
    await other.runExclusive(() => undefined);
    expect(kinds(runtime)).toEqual([]);
    const result = await runtime.end();
    expect(result.violations).toEqual([]);
    expect(result.summary.dependencies).toBe(0);
  });

  it('a lock still held when the run ends is held at exit; waitForUnlock under a held lock records the dependency', async () => {
    const a = new dropIn.Mutex('a');
    const b = new dropIn.Mutex('b');
    const holder = runtime.runTask('holder', async () => {
      const releaseB = await b.acquire();
      await sleep(2);
      releaseB();
    });
    await sleep(0);
    await a.runExclusive(() => b.waitForUnlock());
    await holder;
    await b.runExclusive(() => a.runExclusive(() => undefined));
    expect(kinds(runtime)).toEqual(['circular-dependency']);
    await a.acquire();
    const result = await runtime.end();
    expect(result.violations.map((v) => v.kind)).toEqual(['circular-dependency', 'held-lock-at-exit']);
  });
});
