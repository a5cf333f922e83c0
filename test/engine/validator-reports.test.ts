/**
 * Each report kind of the foundation: a trace that must report, and near-misses that must not.
 */
import { describe, expect, test } from 'vitest';
import { Validator } from '../../src/engine/validator.js';
import type { TraceEvent } from '../../src/events/event.js';
import { acq, check, init, irq, kinds, lu2, rel } from './trace-builder.js';

describe('circular dependency', () => {
  test('ABBA across two tasks reports once with both witnesses', () => {
    const findings = check([...lu2('t1', 'A', 'B'), ...lu2('t2', 'B', 'A')]);
    expect(findings).toHaveLength(1);
    const f = findings[0]!;
    expect(f.kind).toBe('circular-dependency');
    expect(f.classes).toEqual(['A', 'B']);
    expect(f.chain).toHaveLength(2);
    const [existing, closing] = f.chain!;
    expect(existing).toMatchObject({ from: 'A', to: 'B', task: 't1', prev: { line: 1 }, next: { line: 2 } });
    expect(closing).toMatchObject({ from: 'B', to: 'A', task: 't2', prev: { line: 5 }, next: { line: 6 } });
    expect(f.trigger).toMatchObject({ line: 6, task: 't2' });
    expect(f.held?.map((h) => h.class)).toEqual(['B']);
  });

  test('a 4-cycle is found with the shortest path', () => {
    const f = check([...lu2('t', 'A', 'B'), ...lu2('t', 'B', 'C'), ...lu2('t', 'C', 'D'), ...lu2('t', 'D', 'A')]);
    expect(f.map((x) => x.kind)).toEqual(['circular-dependency']);
    expect(f[0]!.classes).toEqual(['A', 'B', 'C', 'D']);
  });

  test('near miss: consistent order, and released-before-next', () => {
    expect(kinds([...lu2('t1', 'A', 'B'), ...lu2('t2', 'A', 'B')])).toEqual([]);
    expect(kinds([...lu2('t1', 'A', 'B'), acq('t2', 'B'), rel('t2', 'B'), acq('t2', 'A'), rel('t2', 'A')])).toEqual([]);
  });

  test('the validator keeps going and dedupes by fingerprint', () => {
    const trace = [...lu2('t1', 'A', 'B'), ...lu2('t2', 'B', 'A'), ...lu2('t3', 'C', 'D'), ...lu2('t4', 'D', 'C')];
    const f = check([...trace, ...trace]);
    expect(f.map((x) => x.classes.join(','))).toEqual(['A,B', 'C,D']);
  });

  test('fingerprints do not depend on line numbers, tasks or the entry point of the cycle', () => {
    const a = check([...lu2('t1', 'A', 'B'), ...lu2('t2', 'B', 'A')])[0]!;
    const b = check([init('X', 'mutex'), ...lu2('u9', 'B', 'A'), ...lu2('u8', 'A', 'B')])[0]!;
    expect(a.classes).not.toEqual(b.classes);
    expect(a.fingerprint).toBe(b.fingerprint);
  });

  test('instances of one class share the class', () => {
    const f = check([init('a1', 'mutex', 'A'), init('a2', 'mutex', 'A'), init('b', 'mutex', 'B'), ...lu2('t1', 'a1', 'b'), ...lu2('t2', 'b', 'a2')]);
    expect(f.map((x) => x.kind)).toEqual(['circular-dependency']);
  });
});

describe('recursive locking', () => {
  test('same class twice without annotation', () => {
    expect(kinds([init('x1', 'mutex', 'X'), init('x2', 'mutex', 'X'), acq('t', 'x1'), acq('t', 'x2')])).toEqual(['recursive-locking']);
    expect(kinds([acq('t', 'A'), acq('t', 'B'), acq('t', 'A')])).toEqual(['recursive-locking']);
  });
  test('near miss: a subclass is a distinct class', () => {
    expect(kinds([init('x1', 'mutex', 'X'), init('x2', 'mutex', 'X'), acq('t', 'x1'), acq('t', 'x2', undefined, { subclass: 1 })])).toEqual([]);
  });
});

describe('bad unlock balance', () => {
  test('double release and release of an unknown lock', () => {
    expect(kinds([acq('t', 'A'), rel('t', 'A'), rel('t', 'A')])).toEqual(['bad-unlock-balance']);
    expect(kinds([rel('t', 'Z')])).toEqual(['bad-unlock-balance']);
  });
  test('release by a task that does not hold it', () => {
    expect(kinds([acq('t1', 'A'), rel('t2', 'A')])).toEqual(['bad-unlock-balance']);
  });
  test('near miss: out-of-order release is legal and silent', () => {
    expect(kinds([acq('t', 'A'), acq('t', 'B'), rel('t', 'A'), rel('t', 'B')])).toEqual([]);
  });
  test('an out-of-order release inside one (a hook run by a re-acquisition) leaves both tasks holding the right locks', () => {
    let armed = false;
    let nested = false;
    const validator: Validator = new Validator({
      hooks: [{
        onNewChain: () => {
          // The first new chain of t1's re-acquisitions (B alone) releases t2's X out of order.
          if (!armed || nested) return;
          nested = true;
          validator.process(rel('t2', 'X'));
        },
      }],
    });
    for (const event of [acq('t2', 'X'), acq('t2', 'Y'), acq('t2', 'Z'), acq('t1', 'A'), acq('t1', 'B'), acq('t1', 'C')]) validator.process(event);
    armed = true;
    validator.process(rel('t1', 'A'));
    expect(nested).toBe(true);
    const heldBy = (task: string) => validator.taskHandle(task)!.held.map((h) => h.inst.id);
    expect(heldBy('t1')).toEqual(['B', 'C']);
    expect(heldBy('t2')).toEqual(['Y', 'Z']);
    expect(validator.findings).toEqual([]);
  });
  test('a hook that throws during the re-acquisitions leaves no released record behind', () => {
    let armed = false;
    const validator = new Validator({
      hooks: [{
        onNewChain: () => {
          if (armed) throw new Error('hook failed');
        },
      }],
    });
    for (const event of [acq('t1', 'A'), acq('t1', 'B'), acq('t1', 'C')]) validator.process(event);
    armed = true;
    expect(() => validator.process(rel('t1', 'A'))).toThrow('hook failed');
    // The entries kept for re-acquisition are dropped even so (they held B's and C's records).
    expect((validator as unknown as { aboveReleased: unknown[] }).aboveReleased).toEqual([]);
  });
});

describe('held lock at exit', () => {
  test('exit with a lock held', () => {
    const f = check([acq('t', 'A'), acq('t', 'B'), { op: 'exit', task: 't' }]);
    expect(f.map((x) => x.kind)).toEqual(['held-lock-at-exit']);
    expect(f[0]!.classes).toEqual(['A', 'B']);
  });
  test('near miss: all released before exit; the task id can be reused', () => {
    expect(kinds([acq('t', 'A'), rel('t', 'A'), { op: 'exit', task: 't' }, acq('t', 'A'), rel('t', 'A')])).toEqual([]);
  });
});

describe('held lock freed', () => {
  test('free of a held lock, and init of a held lock', () => {
    expect(kinds([acq('t', 'A'), { op: 'free', task: 't', lock: 'A' }])).toEqual(['held-lock-freed']);
    expect(kinds([acq('t', 'A'), init('A', 'mutex')])).toEqual(['held-lock-freed']);
  });
  test('the freed lock can still be released without a second report', () => {
    expect(kinds([acq('t', 'A'), { op: 'free', task: 't', lock: 'A' }, rel('t', 'A')])).toEqual(['held-lock-freed']);
  });
  test('a lock re-initialised while held is released by its id, under the entry above it, and the task ends holding nothing', () => {
    const exit: TraceEvent = { op: 'exit', task: 't' };
    expect(kinds([acq('t', 'A'), init('A', 'mutex'), rel('t', 'A'), exit])).toEqual(['held-lock-freed']);
    expect(kinds([acq('t', 'A'), init('A', 'mutex'), acq('t', 'B'), rel('t', 'A'), rel('t', 'B'), exit])).toEqual(['held-lock-freed']);
    expect(kinds([acq('t', 'A'), init('A', 'mutex'), acq('t', 'B'), rel('t', 'A'), exit])).toEqual(['held-lock-freed', 'held-lock-at-exit']);
  });
  test('near miss: freed or re-initialised after release', () => {
    expect(kinds([acq('t', 'A'), rel('t', 'A'), { op: 'free', task: 't', lock: 'A' }, init('A', 'mutex')])).toEqual([]);
  });
});

describe('modes and the chain cache', () => {
  test('the mode is part of the chain key (rlock_chaincache_ABBA1)', () => {
    const trace = [
      init('X', 'rwlock'), init('Y', 'spinlock'),
      ...lu2('t', 'X', 'Y', 'recursive-read'),
      ...lu2('t', 'Y', 'X', undefined, 'recursive-read'),
      ...lu2('t', 'Y', 'X'),
    ];
    expect(kinds(trace)).toEqual(['circular-dependency']);
    expect(kinds(trace.slice(0, 10))).toEqual([]);
  });
  test('a repeated chain hits the cache', () => {
    const v = new Validator();
    const trace = lu2('t', 'A', 'B');
    for (let i = 0; i < 100; i++) for (const e of trace) v.process(e);
    const s = v.summary();
    expect(s.chains).toBe(2);
    expect(s.chainCacheHits).toBe(198);
  });
});

describe('irq safety and sleeping', () => {
  test('inconsistent lock state', () => {
    const trace = [init('A', 'spinlock'), irq('t', 'hardirq', 'enter'), acq('t', 'A'), rel('t', 'A'), irq('t', 'hardirq', 'exit'), acq('t', 'A'), rel('t', 'A')];
    const f = check(trace);
    expect(f.map((x) => x.kind)).toEqual(['inconsistent-lock-state']);
    expect(f[0]!.irq).toMatchObject({ from: 'IN-HARDIRQ-W', to: 'HARDIRQ-ON-W' });
  });
  test('sleeping lock inside a spinlock; near miss: spinlock inside a mutex', () => {
    expect(kinds([init('S', 'spinlock'), acq('t', 'S'), acq('t', 'M')])).toEqual(['sleep-in-atomic']);
    expect(kinds([init('S', 'spinlock'), acq('t', 'M'), acq('t', 'S'), { op: 'might-sleep', task: 't' }])).toEqual(['sleep-in-atomic']);
    expect(kinds([init('S', 'spinlock'), acq('t', 'M'), acq('t', 'S'), rel('t', 'S'), { op: 'might-sleep', task: 't' }])).toEqual([]);
  });
});

describe('depth limit', () => {
  test('exceeding the limit is a finding, not a crash', () => {
    const trace = Array.from({ length: 60 }, (_, i) => acq('t', `L${i}`));
    const f = check(trace);
    expect(f.map((x) => x.kind)).toEqual(['lock-depth-exceeded']);
    expect(kinds(trace.slice(0, 10), { maxDepth: 10 })).toEqual([]);
    expect(kinds(trace.slice(0, 11), { maxDepth: 10 })).toEqual(['lock-depth-exceeded']);
  });
});

describe('capacity limits', () => {
  test('reaching a limit stops with a message naming file:line and the flag', () => {
    const trace = Array.from({ length: 5 }, (_, i) => acq(`t${i}`, `L${i}`));
    expect(() => check(trace, { limits: { classes: 3 } })).toThrow(/^the lock class limit \(3\) is reached.*--max-classes/);
    try {
      check(trace, { limits: { tasks: 2 } });
      expect.unreachable();
    } catch (error) {
      expect(String(error)).toBe('test.jsonl:3: the live task limit (2) is reached; nothing was dropped, the check stops here (raise it with --max-tasks)');
    }
    try {
      check(trace, { limits: { locks: 2 } });
      expect.unreachable();
    } catch (error) {
      expect(String(error)).toBe('test.jsonl:3: the live lock instance limit (2) is reached; nothing was dropped, the check stops here (raise it with --max-locks)');
    }
    expect(kinds(trace, { limits: { classes: 5, tasks: 5, locks: 5 } })).toEqual([]);
  });
});

describe('nest merging', () => {
  const merged = [init('a0', 'mutex', 'A'), init('a1', 'mutex', 'A'), acq('t', 'big'), acq('t', 'a0', undefined, { nest: 'big' }), acq('t', 'a1', undefined, { nest: 'big' })];
  test('merged holds release in either order', () => {
    expect(kinds([...merged, rel('t', 'a0'), rel('t', 'a1'), rel('t', 'big')])).toEqual([]);
    expect(kinds([...merged, rel('t', 'a1'), rel('t', 'a0'), rel('t', 'big')])).toEqual([]);
  });
  test('one release too many is still a bad unlock balance', () => {
    expect(kinds([...merged, rel('t', 'a1'), rel('t', 'a0'), rel('t', 'a0')])).toEqual(['bad-unlock-balance']);
  });
});
