// The vitest helper (`lockdep/testing`): passes on clean runs, fails with the findings,
// deadlocks and task errors spelled out in the message.
import { describe, expect, it } from 'vitest';
import { Completion, LockdepRuntime, Mutex, Simulation } from '../../src/index.js';
import { expectNoLockdepFindings, lockdepMatchers, lockdepProblems } from '../../src/testing/vitest.js';

expect.extend(lockdepMatchers);

async function abbaRuntime(): Promise<LockdepRuntime> {
  const rt = new LockdepRuntime();
  const [a, b] = [new Mutex(rt, 'A'), new Mutex(rt, 'B')];
  const t = rt.task('t');
  await a.with(t, () => b.with(t, () => undefined));
  await b.with(t, () => a.with(t, () => undefined));
  return rt;
}

describe('expectNoLockdepFindings', () => {
  it('passes on a clean runtime, simulation result, check result and empty list', async () => {
    const rt = new LockdepRuntime();
    const m = new Mutex(rt, 'm');
    const sim = new Simulation(rt);
    sim.spawn('t', (t) => m.with(t, () => undefined));
    const result = await sim.run();
    expectNoLockdepFindings(rt);
    expectNoLockdepFindings(result);
    expectNoLockdepFindings(await rt.end());
    expectNoLockdepFindings([]);
    expect(rt).toHaveNoLockdepFindings();
  });

  it('fails with the findings in the message', async () => {
    const rt = await abbaRuntime();
    let message = '';
    try {
      expectNoLockdepFindings(rt);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('expected no lockdep findings, got 1 lockdep finding:');
    expect(message).toContain('- circular-dependency: possible circular locking dependency');
    expect(message).toContain('WARNING: possible circular locking dependency detected');
    expect(() => expectNoLockdepFindings(rt.result())).toThrow(/circular-dependency/);
    expect(() => expectNoLockdepFindings(rt.findings)).toThrow(/circular-dependency/);
  });

  it('fails on a real deadlock and on task errors', async () => {
    const rt = new LockdepRuntime();
    const never = new Completion(rt, 'never');
    const sim = new Simulation(rt);
    sim.spawn('stuck', (t) => never.wait(t));
    sim.spawn('broken', () => {
      throw new Error('kaputt');
    });
    const result = await sim.run();
    expect(lockdepProblems(result)).toMatchObject({ findings: [{ kind: 'task-error' }, { kind: 'deadlock' }], deadlocks: [], taskErrors: [] });
    expect(() => expectNoLockdepFindings(result)).toThrow(/got 2 lockdep findings:/);
    expect(() => expectNoLockdepFindings(result)).toThrow(/- task-error: task broken threw Error: kaputt/);
    expect(() => expectNoLockdepFindings(result)).toThrow(/the program stopped with 1 task still waiting \(stuck on never\)/);
    expect(() => expectNoLockdepFindings(rt)).toThrow(/task broken threw Error: kaputt/);
  });

  it('lists the task errors of a run whose runtime does not validate (no finding holds them)', async () => {
    const sim = new Simulation(new LockdepRuntime({ validate: false }));
    sim.spawn('broken', () => {
      throw new Error('kaputt');
    });
    const result = await sim.run();
    expect(lockdepProblems(result)).toMatchObject({ findings: [], taskErrors: [{ task: 'broken' }] });
    expect(() => expectNoLockdepFindings(result)).toThrow(/got 1 task error:\ntask broken threw Error: kaputt/);
  });

  it('the matcher fails with the same message, and .not works', async () => {
    const rt = await abbaRuntime();
    expect(() => expect(rt).toHaveNoLockdepFindings()).toThrow(/circular-dependency/);
    expect(rt).not.toHaveNoLockdepFindings();
  });

  it('rejects something that is not a run', () => {
    expect(() => expectNoLockdepFindings({} as never)).toThrow(TypeError);
  });
});
