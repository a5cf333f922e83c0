/**
 * What the engine's late-built records keep alive: a dependency's witness and a class's usage
 * record are built when first asked for (src/engine/edge-witnesses.ts, event-refs.ts
 * `AcquisitionAt`), and live as long as the graph. They must keep only the ids, names and
 * numbers the reference needs, never a TaskState or LockInstance: a run with many short-lived
 * tasks would otherwise keep every one of them (and their held records) to the end. Checked by
 * walking every object reachable from the graph's records, and by the witness of a task that
 * ended reading the same.
 */
import { describe, expect, test } from 'vitest';
import type { EngineCore } from '../../src/engine/engine-core.js';
import { LockInstance, TaskState } from '../../src/engine/held-lock.js';
import { Validator } from '../../src/engine/validator.js';

/** The engine's shared state (private to the Validator; read here only to walk its records). */
function coreOf(v: Validator): EngineCore {
  return (v as unknown as { core: EngineCore }).core;
}

/** The constructor names of the TaskState and LockInstance objects reachable from `roots`. */
function liveRecordsReachable(roots: readonly unknown[]): string[] {
  const found: string[] = [];
  const seen = new Set<object>();
  const stack: unknown[] = [...roots];
  while (stack.length > 0) {
    const value = stack.pop();
    if (typeof value !== 'object' || value === null || seen.has(value)) continue;
    seen.add(value);
    if (value instanceof TaskState || value instanceof LockInstance) {
      found.push(value.constructor.name);
      continue;
    }
    if (ArrayBuffer.isView(value)) continue;
    if (value instanceof Map) for (const [key, item] of value) stack.push(key, item);
    else if (value instanceof Set) for (const item of value) stack.push(item);
    else for (const item of Object.values(value)) stack.push(item);
  }
  return found;
}

/** Many short-lived tasks, each nesting A -> B (plain lines) or X -> Y (events), then exiting. */
function shortLivedTasks(v: Validator, tasks: number): void {
  let line = 0;
  for (let t = 0; t < tasks; t++) {
    const task = `worker-${t}`;
    v.acquireAt(task, `A${t % 3}`, 0, false, { site: 'a_site', stack: ['f'] }, 'run.std', ++line);
    v.acquireAt(task, `B${t % 5}`, 1, t % 2 === 1, 7, 'run.std', ++line);
    v.releaseAt(task, `B${t % 5}`, undefined, 'run.std', ++line);
    v.releaseAt(task, `A${t % 3}`, undefined, 'run.std', ++line);
    v.process({ op: 'acquire', task, lock: 'X', site: 'x_site' }, { file: 'run.std', line: ++line });
    v.process({ op: 'acquire', task, lock: `Y${t % 4}` }, { file: 'run.std', line: ++line });
    v.process({ op: 'release', task, lock: `Y${t % 4}` }, { file: 'run.std', line: ++line });
    v.process({ op: 'release', task, lock: 'X' }, { file: 'run.std', line: ++line });
    v.process({ op: 'exit', task }, { file: 'run.std', line: ++line });
  }
}

describe('late-built records keep ids, not live records', () => {
  test('no dependency witness nor usage record reaches a TaskState or LockInstance, before or after it is built', () => {
    const v = new Validator({ file: 'run.std' });
    shortLivedTasks(v, 40);
    const core = coreOf(v);
    expect(core.deps.size).toBeGreaterThan(10);
    const records = (): unknown[] => [core.deps, ...core.classes.byId.map((cls) => cls.usageAt)];
    // Not yet built: the records hold what a witness or reference will be built from.
    expect(liveRecordsReachable(records())).toEqual([]);
    const snapshot = v.snapshot();
    expect(snapshot.dependencies.length).toBe(core.deps.size);
    // Built: the references themselves.
    expect(liveRecordsReachable(records())).toEqual([]);
  });

  test('the witness and usage record of a task that ended read what they read while it ran', () => {
    const early = new Validator({ file: 'run.std' });
    shortLivedTasks(early, 1);
    const builtWhileRunning = early.snapshot();
    const late = new Validator({ file: 'run.std' });
    shortLivedTasks(late, 1);
    // The task exits, then another task of the same name takes other locks with other sites.
    late.acquireAt('worker-0', 'C', 2, false, 'c_site', 'run.std', 100);
    late.releaseAt('worker-0', 'C', undefined, 'run.std', 101);
    const builtAfter = late.snapshot();
    const depsOf = (s: typeof builtAfter) => s.dependencies.filter((d) => d.from !== 'C' && d.to !== 'C');
    expect(depsOf(builtAfter)).toEqual(depsOf(builtWhileRunning));
    expect(builtAfter.dependencies.find((d) => d.from === 'A0')?.witness).toEqual({
      from: 'A0',
      to: 'B0',
      types: ['EN'],
      task: 'worker-0',
      prev: { task: 'worker-0', file: 'run.std', line: 1, op: 'acquire', lock: 'A0', class: 'A0', mode: 'write', site: 'a_site', stack: ['f'] },
      next: { task: 'worker-0', file: 'run.std', line: 2, op: 'acquire', lock: 'B0', class: 'B0', mode: 'read', site: '7' },
    });
    const classesOf = (s: typeof builtAfter) => s.classes.filter((c) => c.name !== 'C');
    expect(classesOf(builtAfter)).toEqual(classesOf(builtWhileRunning));
  });
});
