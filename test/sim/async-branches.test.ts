// Async-aware tasks (docs/semantics.md, "Async tasks and branches"): each branch of a fan-out
// holds its own locks, starting from what its parent held when it forked; the patterns Node
// code uses give no false finding, and the same code with a real nesting gives exactly it.
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { LockdepRuntime, Mutex, RwSemaphore, SpinLock } from '../../src/index.js';
import type { Finding } from '../../src/index.js';

const kinds = (findings: readonly Finding[]): string[] => findings.map((f) => f.kind);
const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The class dependencies recorded so far, as `from->to`. */
function dependencies(rt: LockdepRuntime): string[] {
  return rt.snapshot().dependencies.map((d) => `${d.from}->${d.to}`).sort();
}

/** One mutex per name, as a tuple of the same length. */
function locks<const Names extends readonly string[]>(rt: LockdepRuntime, ...names: Names): { [K in keyof Names]: Mutex } {
  return names.map((name) => new Mutex(rt, name)) as { [K in keyof Names]: Mutex };
}

describe('fan-out (Promise.all) branches', () => {
  it('Promise.all([cache.with(f), db.with(g)]) records no cache->db, so a later db->cache nesting is clean', async () => {
    const rt = new LockdepRuntime();
    const [cache, db] = locks(rt, 'cache', 'db');
    await rt.runTask('request', async () => {
      await Promise.all([cache.with(null, () => tick()), db.with(null, () => tick())]);
      await db.with(null, () => cache.with(null, () => undefined));
    });
    expect(rt.findings).toEqual([]);
    expect(dependencies(rt)).toEqual(['db->cache']);
  });

  it('the same code with a real cache->db nesting gives exactly the real cycle', async () => {
    const rt = new LockdepRuntime();
    const [cache, db] = locks(rt, 'cache', 'db');
    await rt.runTask('request', async () => {
      await Promise.all([cache.with(null, () => db.with(null, () => tick())), db.with(null, () => tick())]);
      await db.with(null, () => cache.with(null, () => undefined));
    });
    expect(kinds(rt.findings)).toEqual(['circular-dependency']);
    expect(rt.findings[0]?.classes.slice().sort()).toEqual(['cache', 'db']);
  });

  it('bare lock()/unlock() branches are separated too, also without runTask', async () => {
    const rt = new LockdepRuntime();
    const [cache, db] = locks(rt, 'cache', 'db');
    const branch = async (m: Mutex): Promise<void> => {
      await m.lock();
      await sleep(2);
      m.unlock();
    };
    await Promise.all([branch(cache), branch(db)]);
    await db.lock();
    await cache.lock();
    cache.unlock();
    db.unlock();
    expect(rt.findings).toEqual([]);
    expect(dependencies(rt)).toEqual(['db->cache']);
  });

  it('a fan-out under a held lock: each branch inherits it, siblings do not see each other', async () => {
    const rt = new LockdepRuntime();
    const [outer, a, b] = locks(rt, 'outer', 'a', 'b');
    await rt.runTask('job', () =>
      outer.with(null, () => Promise.all([a.with(null, () => sleep(1)), b.with(null, () => sleep(1))])),
    );
    expect(dependencies(rt)).toEqual(['outer->a', 'outer->b']);
    expect(rt.findings).toEqual([]);
    // After the fan-out the parent no longer holds what the branches took.
    await rt.runTask('later', async () => {
      await b.with(null, () => a.with(null, () => undefined));
    });
    expect(rt.findings).toEqual([]);
  });

  it('sibling branches on one mutex are no recursive locking, and really exclude each other', async () => {
    const rt = new LockdepRuntime();
    const [m] = locks(rt, 'm');
    let inside = 0;
    let maxInside = 0;
    const work = async (): Promise<void> => {
      inside++;
      maxInside = Math.max(maxInside, inside);
      await sleep(1);
      inside--;
    };
    await rt.runTask('fan', () => Promise.all([m.with(null, work), m.with(null, work), m.with(null, work)]));
    await rt.runTask('bare', () =>
      Promise.all(
        [1, 2].map(async () => {
          await m.lock();
          await work();
          m.unlock();
        }),
      ),
    );
    expect(maxInside).toBe(1);
    expect(rt.findings).toEqual([]);
  });

  it('a branch taking the lock its parent holds is the real recursive locking (it would deadlock)', async () => {
    const rt = new LockdepRuntime({ onFinding: 'throw' });
    const [m] = locks(rt, 'm');
    const outcome = rt.runTask('self', () => m.with(null, () => Promise.all([m.with(null, () => undefined)])));
    await expect(outcome).rejects.toThrow(/recursive-locking/);
    expect(kinds(rt.findings)).toEqual(['recursive-locking']);
  });

  it('allSettled, race and any branches, and the handlers of one event, are separate too', async () => {
    const rt = new LockdepRuntime();
    const [a, b] = locks(rt, 'a', 'b');
    const hold = (m: Mutex) => async (): Promise<void> => {
      await m.lock();
      await sleep(1);
      m.unlock();
    };
    const scoped = (m: Mutex) => m.with(null, () => sleep(1));
    await rt.runTask('combinators', async () => {
      await Promise.allSettled([hold(a)(), hold(b)()]);
      // race and any resolve while the other branch still holds its lock: scoped forms keep
      // it from the parent (docs/semantics.md, the known limit of bare acquisitions).
      await Promise.race([scoped(a), scoped(b)]);
      await Promise.any([scoped(a), scoped(b)]);
      await sleep(5);
    });
    const events = new EventEmitter();
    const handled: Promise<void>[] = [];
    events.on('job', () => handled.push(hold(a)()));
    events.on('job', () => handled.push(hold(b)()));
    events.emit('job');
    await Promise.all(handled);
    expect(dependencies(rt)).toEqual([]);
    expect(rt.findings).toEqual([]);
  });

  it('a timer started under a lock inherits it: its acquisitions nest inside', async () => {
    const rt = new LockdepRuntime();
    const [outer, inner] = locks(rt, 'outer', 'inner');
    await rt.runTask('timer', async () => {
      let fired: Promise<void> = Promise.resolve();
      await outer.with(null, async () => {
        await new Promise<void>((resolve) => {
          setTimeout(() => {
            fired = inner.with(null, () => undefined);
            resolve();
          }, 1);
        });
      });
      await fired;
    });
    expect(dependencies(rt)).toEqual(['outer->inner']);
  });
});

describe('lock()/unlock() across awaits', () => {
  it('hand-over-hand across awaits records each real nesting and nothing else', async () => {
    const rt = new LockdepRuntime();
    const [a, b, c] = locks(rt, 'a', 'b', 'c');
    await rt.runTask('walker', async () => {
      await a.lock();
      await b.lock();
      a.unlock();
      await tick();
      await c.lock();
      b.unlock();
      await tick();
      c.unlock();
    });
    expect(dependencies(rt)).toEqual(['a->b', 'b->c']);
    expect(rt.findings).toEqual([]);
    await rt.runTask('reverse', async () => {
      await c.lock();
      await a.lock();
      a.unlock();
      c.unlock();
    });
    // c -> a closes a -> b -> c -> a: the one real cycle.
    expect(kinds(rt.findings)).toEqual(['circular-dependency']);
    expect(rt.findings[0]?.classes.slice().sort()).toEqual(['a', 'b', 'c']);
  });

  it('a lock released in a different branch than it was taken is no bad unlock balance', async () => {
    const rt = new LockdepRuntime();
    const [m, other] = locks(rt, 'm', 'other');
    await rt.runTask('handoff', async () => {
      let taken!: () => void;
      const tookIt = new Promise<void>((resolve) => (taken = resolve));
      await Promise.all([
        (async () => {
          await m.lock();
          taken();
        })(),
        (async () => {
          await tookIt;
          m.unlock();
        })(),
      ]);
      await m.lock();
      setTimeout(() => m.unlock(), 1);
      await sleep(5);
      await other.with(null, () => undefined);
    });
    expect(rt.findings).toEqual([]);
    expect(m.isLocked).toBe(false);
    expect(dependencies(rt)).toEqual([]);
  });

  it('an unlock by another task is still a bad unlock balance', async () => {
    const rt = new LockdepRuntime();
    const [m] = locks(rt, 'm');
    await rt.runTask('owner', () => m.lock());
    await rt.runTask('stranger', () => m.unlock());
    expect(kinds(rt.findings)).toEqual(['held-lock-at-exit', 'bad-unlock-balance']);
  });

  it('a tryLock nested in the same synchronous code is a real nesting', async () => {
    const rt = new LockdepRuntime();
    const [a, b] = locks(rt, 'a', 'b');
    const spin = new SpinLock(rt, 'spin');
    await rt.runTask('sync', () => {
      if (a.tryLock()) {
        spin.with(null, () => undefined);
        if (b.tryLock()) b.unlock();
        a.unlock();
      }
    });
    // A trylock adds no dependency to itself (as in the kernel); the spinlock nests in `a`.
    expect(dependencies(rt)).toEqual(['a->spin']);
  });
});

describe('implicit tasks', () => {
  it('code outside any task gets a task named from its call site; a lock still held at the end is held at exit', async () => {
    const rt = new LockdepRuntime({ stacks: false });
    const [m] = locks(rt, 'm');
    const rw = new RwSemaphore(rt, 'rw');
    await rw.withRead(null, () => undefined);
    await m.lock();
    expect(m.holder?.id).toMatch(/^async@test\/sim\/async-branches\.test\.ts:\d+$/);
    const result = await rt.end();
    expect(result.violations.map((v) => v.kind)).toEqual(['held-lock-at-exit']);
  });

  it("with onFinding 'throw', a lock an implicit task still holds is collected by end(), not thrown", async () => {
    const rt = new LockdepRuntime({ onFinding: 'throw' });
    const [m] = locks(rt, 'm');
    await m.lock();
    const result = await rt.end();
    expect(result.violations.map((v) => v.kind)).toEqual(['held-lock-at-exit']);
  });

  it('the branch lanes appear only while branches really hold different locks', async () => {
    const rt = new LockdepRuntime();
    const [a, b] = locks(rt, 'a', 'b');
    const lanes = new Set<string>();
    await rt.runTask('t', async () => {
      await a.with(null, () => void lanes.add(a.holder?.id ?? '?'));
      await b.with(null, () => void lanes.add(b.holder?.id ?? '?'));
      await Promise.all([
        a.with(null, async () => {
          lanes.add(a.holder?.id ?? '?');
          await sleep(1);
        }),
        b.with(null, async () => {
          lanes.add(b.holder?.id ?? '?');
          await sleep(1);
        }),
      ]);
    });
    expect([...lanes].sort()).toEqual(['t', 't/2']);
  });
});
