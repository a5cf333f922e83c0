// Behaviour of each instrumented primitive: real locking semantics, and the events/findings it
// produces through the runtime's validator.
import { describe, expect, it } from 'vitest';
import {
  Completion,
  LockdepFindingError,
  LockdepRuntime,
  LockMap,
  Mutex,
  RwLock,
  RwSemaphore,
  Simulation,
  SimulationUsageError,
  SpinLock,
  SpinLockContendedError,
  WaitQueue,
  loadRuleTexts,
} from '../../src/index.js';
import type { Finding } from '../../src/index.js';
import { recordingRuntime } from './recording-runtime.js';

function kinds(findings: readonly Finding[]): string[] {
  return findings.map((f) => f.kind);
}

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('Mutex', () => {
  it('excludes, serves waiters FIFO and hands the lock over on unlock', async () => {
    const rt = new LockdepRuntime();
    const m = new Mutex(rt, 'm');
    const [a, b, c] = [rt.task('a'), rt.task('b'), rt.task('c')];
    const order: string[] = [];
    await m.lock(a);
    const pb = m.lock(b).then(() => order.push('b'));
    const pc = m.lock(c).then(() => order.push('c'));
    expect(m.waiters.map((t) => t.id)).toEqual(['b', 'c']);
    expect(b.state).toBe('blocked');
    m.unlock(a);
    expect(m.holder).toBe(b);
    await pb;
    m.unlock(b);
    await pc;
    m.unlock(c);
    expect(order).toEqual(['b', 'c']);
    expect(m.isLocked).toBe(false);
    expect(rt.findings).toEqual([]);
  });

  it('tryLock takes a free lock, fails on a held one and records only success', () => {
    const { rt, events } = recordingRuntime();
    const m = new Mutex(rt, 'm');
    const [a, b] = [rt.task('a'), rt.task('b')];
    expect(m.tryLock(a)).toBe(true);
    expect(m.tryLock(b)).toBe(false);
    m.unlock(a);
    const acquires = events.filter((e) => e.op === 'acquire');
    expect(acquires).toEqual([{ op: 'acquire', task: 'a', lock: 'm', try: true }]);
  });

  it('an unlock by a non-owner leaves the lock alone and is a bad unlock balance', async () => {
    const rt = new LockdepRuntime();
    const m = new Mutex(rt, 'm');
    const [a, b] = [rt.task('a'), rt.task('b')];
    await m.lock(a);
    m.unlock(b);
    expect(m.holder).toBe(a);
    expect(kinds(rt.findings)).toEqual(['bad-unlock-balance']);
  });

  it('reports ABBA at the acquisition that closes the cycle, before blocking', async () => {
    const rt = new LockdepRuntime();
    const [x, y] = [new Mutex(rt, 'X'), new Mutex(rt, 'Y')];
    const [a, b] = [rt.task('a'), rt.task('b')];
    await x.with(a, () => y.with(a, () => undefined));
    await y.lock(b);
    expect(rt.findings).toEqual([]);
    const pending = x.lock(b);
    expect(kinds(rt.findings)).toEqual(['circular-dependency']);
    expect(rt.findings[0]?.classes).toEqual(expect.arrayContaining(['X', 'Y']));
    await pending;
  });

  it('nested subclass acquisitions of one class are not recursion; plain ones are', async () => {
    const rt = new LockdepRuntime();
    const [p, q] = [new Mutex(rt, { class: 'inode', name: 'parent' }), new Mutex(rt, { class: 'inode', name: 'child' })];
    const t = rt.task('t');
    await p.lock(t);
    await q.lock(t, { subclass: 1 });
    q.unlock(t);
    p.unlock(t);
    expect(rt.findings).toEqual([]);
    await p.lock(t);
    await q.lock(t);
    expect(kinds(rt.findings)).toEqual(['recursive-locking']);
  });

  it('a nest lock serializes same-class acquisitions', async () => {
    const rt = new LockdepRuntime();
    const big = new Mutex(rt, 'mm_all_locks');
    const items = [0, 1, 2].map((i) => new Mutex(rt, { class: 'anon_vma', name: `anon_vma${i}` }));
    const t = rt.task('t');
    await big.lock(t);
    for (const item of items) await item.lock(t, { nest: big });
    for (const item of items.slice().reverse()) item.unlock(t);
    big.unlock(t);
    expect(rt.findings).toEqual([]);
  });

  it('assertHeld reports when the lock is not held in the asked mode', async () => {
    const rt = new LockdepRuntime();
    const m = new Mutex(rt, 'm');
    const t = rt.task('t');
    await m.lock(t);
    m.assertHeld(t);
    m.assertHeld(t, 'write');
    expect(rt.findings).toEqual([]);
    m.unlock(t);
    m.assertHeld(t);
    expect(kinds(rt.findings)).toEqual(['assertion-failed']);
  });

  it('without validation it is a plain lock that emits nothing', async () => {
    const rt = new LockdepRuntime({ validate: false });
    const m = new Mutex(rt, 'm');
    const t = rt.task('t');
    expect(rt.active).toBe(false);
    await m.lock(t);
    m.unlock(t);
    expect(() => m.unlock(t)).toThrow(SimulationUsageError);
    expect(rt.findings).toEqual([]);
  });
});

describe('RwSemaphore', () => {
  it('is fair: a queued writer blocks new readers', async () => {
    const rt = new LockdepRuntime();
    const s = new RwSemaphore(rt, 'sem');
    const [r1, w, r2] = [rt.task('r1'), rt.task('w'), rt.task('r2')];
    const order: string[] = [];
    await s.lockRead(r1);
    const pw = s.lock(w).then(() => order.push('w'));
    const pr2 = s.lockRead(r2).then(() => order.push('r2'));
    expect(s.waiters.map((x) => x.task.id)).toEqual(['w', 'r2']);
    s.unlockRead(r1);
    await pw;
    expect(s.writeHolder).toBe(w);
    s.unlock(w);
    await pr2;
    expect(order).toEqual(['w', 'r2']);
    expect(s.readHolders).toEqual([r2]);
  });

  it('grants a run of queued readers together', async () => {
    const rt = new LockdepRuntime();
    const s = new RwSemaphore(rt, 'sem');
    const [w, r1, r2, w2] = [rt.task('w'), rt.task('r1'), rt.task('r2'), rt.task('w2')];
    await s.lock(w);
    const reads = [s.lockRead(r1), s.lockRead(r2)];
    const pw2 = s.lock(w2);
    s.unlock(w);
    await Promise.all(reads);
    expect(new Set(s.readHolders)).toEqual(new Set([r1, r2]));
    expect(s.writeHolder).toBe(null);
    s.unlockRead(r1);
    s.unlockRead(r2);
    await pw2;
    expect(s.writeHolder).toBe(w2);
  });

  it('with reader preference readers pass queued writers and are recorded as recursive-read', async () => {
    const { rt, events } = recordingRuntime();
    const s = new RwSemaphore(rt, { class: 'sem', readerPreference: true });
    const [r1, w, r2] = [rt.task('r1'), rt.task('w'), rt.task('r2')];
    await s.lockRead(r1);
    const pw = s.lock(w);
    await s.lockRead(r2);
    expect(new Set(s.readHolders)).toEqual(new Set([r1, r2]));
    s.unlockRead(r1);
    s.unlockRead(r2);
    await pw;
    expect(s.writeHolder).toBe(w);
    const modes = events.flatMap((e) => (e.op === 'acquire' ? [e.mode ?? 'write'] : []));
    expect(modes).toEqual(['recursive-read', 'write', 'recursive-read']);
  });

  it('trylocks respect the fairness rule and record try', () => {
    const { rt, events } = recordingRuntime();
    const s = new RwSemaphore(rt, 'sem');
    const [a, b] = [rt.task('a'), rt.task('b')];
    expect(s.tryLockRead(a)).toBe(true);
    expect(s.tryLock(b)).toBe(false);
    expect(s.tryLockRead(b)).toBe(true);
    const acquires = events.filter((e) => e.op === 'acquire');
    expect(acquires.every((e) => e.try === true && e.mode === 'read')).toBe(true);
  });
});

describe('SpinLock and RwLock', () => {
  it('a sleeping acquisition under a spinlock is sleep-in-atomic', async () => {
    const rt = new LockdepRuntime();
    const spin = new SpinLock(rt, 'spin');
    const m = new Mutex(rt, 'm');
    const t = rt.task('t');
    spin.lock(t);
    const pending = m.lock(t);
    spin.unlock(t);
    await pending;
    m.unlock(t);
    await flush();
    expect(kinds(rt.findings)).toEqual(['sleep-in-atomic']);
  });

  it('holding a spinlock across an await is sleep-in-atomic', async () => {
    const rt = new LockdepRuntime();
    const spin = new SpinLock(rt, 'spin');
    const t = rt.task('t');
    spin.lock(t);
    await Promise.resolve();
    spin.unlock(t);
    expect(kinds(rt.findings)).toEqual(['sleep-in-atomic']);
    expect(rt.findings[0]?.message).toContain('spin');
  });

  it('a trylock under a spinlock does not hide a later await while holding it', async () => {
    const rt = new LockdepRuntime();
    const spin = new SpinLock(rt, 'spin');
    const m = new Mutex(rt, 'm');
    const t = rt.task('t');
    spin.lock(t);
    expect(m.tryLock(t)).toBe(true);
    await Promise.resolve();
    m.unlock(t);
    spin.unlock(t);
    expect(kinds(rt.findings)).toEqual(['sleep-in-atomic']);
    expect(rt.findings[0]?.message).toContain('spin');
  });

  it('a spinlock taken and released synchronously, across awaits outside it, is fine', async () => {
    const rt = new LockdepRuntime();
    const spin = new SpinLock(rt, 'spin');
    const rw = new RwLock(rt, 'rw');
    const t = rt.task('t');
    for (let i = 0; i < 3; i++) {
      spin.with(t, () => rw.withRead(t, () => i));
      await Promise.resolve();
      rw.with(t, () => undefined);
    }
    await flush();
    expect(rt.findings).toEqual([]);
  });

  it('might-sleep in atomic context is reported', () => {
    const rt = new LockdepRuntime();
    const rw = new RwLock(rt, 'rw');
    const t = rt.task('t');
    rw.with(t, () => t.mightSleep());
    expect(kinds(rt.findings)).toEqual(['sleep-in-atomic']);
  });

  it('contention fails instead of spinning for ever, and leaves the validator balanced', async () => {
    const rt = new LockdepRuntime();
    const spin = new SpinLock(rt, 'spin');
    const rw = new RwLock(rt, 'rw');
    const [a, b] = [rt.task('a'), rt.task('b')];
    spin.lock(a);
    expect(() => spin.lock(b)).toThrow(SpinLockContendedError);
    expect(spin.tryLock(b)).toBe(false);
    spin.unlock(a);
    rw.lockRead(a);
    expect(() => rw.lock(b)).toThrow(SpinLockContendedError);
    rw.lockRead(b);
    rw.unlockRead(a);
    rw.unlockRead(b);
    a.exit();
    b.exit();
    expect(rt.findings).toEqual([]);
  });

  it('recursive readers option records recursive-read', () => {
    const { rt, events } = recordingRuntime();
    const rw = new RwLock(rt, { class: 'rw', recursiveReaders: true });
    const t = rt.task('t');
    rw.withRead(t, () => rw.withRead(t, () => undefined));
    expect(events.flatMap((e) => (e.op === 'acquire' ? [e.mode] : []))).toEqual([
      'recursive-read',
      'recursive-read',
    ]);
    expect(rt.findings).toEqual([]);
  });
});

describe('LockMap', () => {
  it('is validated like a lock but never blocks by default', async () => {
    const rt = new LockdepRuntime();
    const map = new LockMap(rt, 'mmu_notifier_invalidate_range_start');
    const sem = new RwSemaphore(rt, 'sem');
    const [a, b] = [rt.task('a'), rt.task('b')];
    await map.acquire(a);
    await map.acquire(b);
    expect(map.holders).toEqual([a, b]);
    map.release(a);
    map.release(b);
    // Inside the map, take sem; then take the map while holding sem: a cycle on one task.
    await map.with(a, () => sem.lockRead(a));
    await map.with(a, () => sem.unlockRead(a));
    expect(kinds(rt.findings)).toEqual(['circular-dependency']);
  });

  it('acquireRead is a recursive read: the same cycle through it is not a deadlock', async () => {
    const rt = new LockdepRuntime();
    const map = new LockMap(rt, 'srcu');
    const m = new Mutex(rt, 'm');
    const t = rt.task('t');
    await map.withRead(t, () => m.with(t, () => undefined));
    await m.with(t, () => map.withRead(t, () => undefined));
    expect(rt.findings).toEqual([]);
  });

  it('sync validates like an acquisition and holds nothing', async () => {
    const rt = new LockdepRuntime();
    const srcu = new LockMap(rt, 'srcu');
    const m = new Mutex(rt, 'm');
    const [reader, writer] = [rt.task('reader'), rt.task('writer')];
    await srcu.withRead(reader, () => m.with(reader, () => undefined));
    await m.with(writer, () => srcu.sync(writer));
    writer.exit();
    expect(kinds(rt.findings)).toEqual(['circular-dependency']);
  });

  it('in blocking mode an exclusive holder really excludes', async () => {
    const rt = new LockdepRuntime();
    const map = new LockMap(rt, { class: 'wq', blocking: true });
    const [a, b] = [rt.task('a'), rt.task('b')];
    await map.acquire(a);
    let bIn = false;
    const pb = map.acquire(b).then(() => {
      bIn = true;
    });
    await flush();
    expect(bIn).toBe(false);
    expect(b.state).toBe('blocked');
    map.release(a);
    await pb;
    expect(bIn).toBe(true);
  });

  it('releasing a map the task does not hold is a bad unlock balance', () => {
    const rt = new LockdepRuntime();
    const map = new LockMap(rt, 'map');
    map.release(rt.task('t'));
    expect(kinds(rt.findings)).toEqual(['bad-unlock-balance']);
  });
});

describe('tasks, frames, sites and reactions', () => {
  it('task.call names the site and stack of events (what writers-only-at matches)', async () => {
    const { rt, events } = recordingRuntime();
    const m = new Mutex(rt, 'm');
    const t = rt.task('t');
    await t.call('outer_fn', () => t.call('inner_fn', () => m.lock(t)));
    m.unlock(t);
    const acquire = events.find((e) => e.op === 'acquire');
    expect(acquire?.site).toBe('inner_fn');
    expect(acquire?.stack).toEqual(['inner_fn', 'outer_fn']);
    const release = events.find((e) => e.op === 'release');
    expect(release?.site).toBeUndefined();
  });

  it('with stacks on, the site is the user source file:line', async () => {
    const plain = recordingRuntime();
    const pm = new Mutex(plain.rt, 'm');
    await pm.lock(plain.rt.task('t'));
    expect(plain.events.find((e) => e.op === 'acquire')?.site).toBeUndefined();

    const { rt, events } = recordingRuntime({ stacks: true });
    const m = new Mutex(rt, 'm');
    const t = rt.task('t');
    const here = new Error(); await m.lock(t); // same line: the acquisition's site
    const line = /:(\d+):\d+\)?$/.exec(here.stack?.split('\n')[1] ?? '')?.[1];
    const acquire = events.find((e) => e.op === 'acquire');
    expect(acquire?.site).toBe(`test/sim/primitives.test.ts:${line}`);
    expect(acquire?.stack?.[0]).toContain(`test/sim/primitives.test.ts:${line}:`);
  });

  it('with stacks on, an event raised outside any call never shows frames entered later', async () => {
    const { rt, events } = recordingRuntime({ stacks: true });
    const m = new Mutex(rt, 'm');
    const t = rt.task('t');
    // The validator reads the stack of a class's first acquisition at once: the second one stays lazy.
    await m.with(t, () => undefined);
    await m.lock(t);
    const acquires = events.filter((e) => e.op === 'acquire');
    expect(acquires).toHaveLength(2);
    t.call('later_fn', () => {
      for (const acquire of acquires) expect(acquire.stack).not.toContain('later_fn');
    });
  });

  it("onFinding 'throw' throws at the offending acquisition and keeps the validator balanced", async () => {
    const rt = new LockdepRuntime({ onFinding: 'throw' });
    const [x, y] = [new Mutex(rt, 'X'), new Mutex(rt, 'Y')];
    const t = rt.task('t');
    await x.with(t, () => y.with(t, () => undefined));
    await y.lock(t);
    const refused = x.lock(t);
    expect(x.isLocked).toBe(false);
    await expect(refused).rejects.toThrow(LockdepFindingError);
    y.unlock(t);
    t.exit();
    expect(kinds(rt.findings)).toEqual(['circular-dependency']);
  });

  it("onFinding 'warn' emits a process warning; a callback gets each new finding once", async () => {
    const warnings: string[] = [];
    const listener = (w: Error) => warnings.push(w.message);
    process.on('warning', listener);
    try {
      const rt = new LockdepRuntime({ onFinding: 'warn' });
      const m = new Mutex(rt, 'm');
      m.unlock(rt.task('t'));
      await flush();
    } finally {
      process.off('warning', listener);
    }
    expect(warnings.some((w) => w.includes('bad-unlock-balance'))).toBe(true);
    const seen: Finding[] = [];
    const rt2 = new LockdepRuntime({ onFinding: (f) => seen.push(f) });
    const m2 = new Mutex(rt2, 'm');
    const t2 = rt2.task('t');
    m2.unlock(t2);
    m2.unlock(t2);
    expect(seen.map((f) => f.kind)).toEqual(['bad-unlock-balance']);
  });

  it('the AsyncLocalStorage adapter supplies the current task across awaits', async () => {
    const rt = new LockdepRuntime();
    const [x, y] = [new Mutex(rt, 'X'), new Mutex(rt, 'Y')];
    await rt.runTask('first', async () => {
      await x.lock();
      await Promise.resolve();
      await y.lock();
      y.unlock();
      x.unlock();
    });
    await rt.runTask('second', async (task) => {
      await y.lock();
      expect(y.holder).toBe(task);
      await x.lock();
      x.unlock();
      y.unlock();
    });
    expect(kinds(rt.findings)).toEqual(['circular-dependency']);
    // Outside any task the code runs as an implicit task named from its call site.
    expect(x.tryLock()).toBe(true);
    expect(x.holder?.id).toMatch(/^async@test\/sim\/primitives\.test\.ts:\d+$/);
    x.unlock();
  });

  it('simulation tasks get the async context too, once the runtime uses it', async () => {
    const rt = new LockdepRuntime();
    expect(rt.context).toBeDefined();
    const m = new Mutex(rt, 'm');
    const sim = new Simulation(rt);
    const holders: string[] = [];
    for (const name of ['a', 'b']) {
      sim.spawn(name, async () => {
        await m.lock();
        holders.push(m.holder?.id ?? '?');
        await Promise.resolve();
        m.unlock();
      });
    }
    const result = await sim.run();
    expect(result.errors).toEqual([]);
    expect(holders).toEqual(['a', 'b']);
    expect(rt.findings).toEqual([]);
  });

  it('end() is idempotent and the runtime refuses events afterwards', async () => {
    const rt = new LockdepRuntime();
    const m = new Mutex(rt, 'm');
    const t = rt.task('t');
    await m.with(t, () => undefined);
    const first = await rt.end();
    expect(await rt.end()).toBe(first);
    expect(rt.result()).toBe(first);
    expect(() => m.tryLock(t)).toThrow(SimulationUsageError);
  });

  it('a task exiting with a lock held is reported', async () => {
    const rt = new LockdepRuntime();
    const m = new Mutex(rt, 'm');
    await rt.runTask('leaky', () => m.lock());
    expect(kinds(rt.findings)).toEqual(['held-lock-at-exit']);
  });

  it('access events reach guarded-by rules', async () => {
    const rules = loadRuleTexts([
      {
        file: 'rules.yaml',
        text: `
rules:
  - id: counter-under-lock
    kind: guarded-by
    var: counter
    access: write
    lock: counter_lock
    description: counter is only written with counter_lock held
`,
      },
    ]);
    const rt = new LockdepRuntime({ rules });
    const m = new Mutex(rt, 'counter_lock');
    const t = rt.task('t');
    await m.with(t, () => t.access('counter', { write: true }));
    expect(rt.findings).toEqual([]);
    t.access('counter', { write: true });
    expect(rt.findings.map((f) => `${f.kind}:${f.rule}`)).toEqual(['rule-violation:counter-under-lock']);
  });

  it('a wait is a sleep point; a completion lets waiters through once completed', async () => {
    const rt = new LockdepRuntime();
    const spin = new SpinLock(rt, 'spin');
    const done = new Completion(rt, 'done');
    const wq = new WaitQueue(rt, 'wq');
    const [a, b] = [rt.task('a'), rt.task('b')];
    const pa = done.wait(a);
    expect(a.state).toBe('blocked');
    done.complete();
    await pa;
    await done.wait(b);
    expect(wq.wakeOne()).toBe(false);
    const pw = wq.wait(a);
    expect(wq.waiters).toEqual([a]);
    expect(wq.wakeAll()).toBe(1);
    await pw;
    expect(rt.findings).toEqual([]);
    spin.lock(b);
    const late = wq.wait(b);
    spin.unlock(b);
    wq.wakeAll();
    await late;
    expect(kinds(rt.findings)).toEqual(['sleep-in-atomic']);
  });

  it('names unnamed locks per runtime, and instances of one class uniquely', () => {
    for (let i = 0; i < 2; i++) {
      const rt = new LockdepRuntime();
      expect([new Mutex(rt), new Mutex(rt), new SpinLock(rt)].map((l) => l.className)).toEqual([
        'mutex#1',
        'mutex#2',
        'spinlock#1',
      ]);
      const [x, y] = [new Mutex(rt, 'inode'), new Mutex(rt, 'inode')];
      expect([x.id, y.id]).toEqual(['inode', 'inode:2']);
      expect(y.displayName).toBe('inode (inode:2)');
    }
  });

  it('rejects a primitive without a runtime and a task of another runtime', () => {
    const rt = new LockdepRuntime();
    const other = new LockdepRuntime();
    expect(() => new Mutex(undefined as unknown as LockdepRuntime, 'm')).toThrow(SimulationUsageError);
    const m = new Mutex(rt, 'm');
    expect(() => m.tryLock(other.task('t'))).toThrow(SimulationUsageError);
  });
});
