/**
 * Simulation: the scheduler that owns a set of tasks (async functions) running against one
 * LockdepRuntime, and knows when every one of them is blocked.
 * Owns: spawning tasks, their `exit` events, errors they throw, the "all blocked" check, and the
 * deadlock report (wait-for cycle) that ends the run instead of hanging it.
 * Invariants:
 *  - a task is live from spawn until its function settles; then it emits `exit` (locks still
 *    held are a finding) and leaves the live set;
 *  - a deadlock is declared only when every live task is blocked on a Waitable (lock, pseudo-lock
 *    in blocking mode, wait queue, completion) and stays so across a macrotask turn with no
 *    state change in between (so code outside the simulation that releases a lock in the same
 *    turn does not cause a false report); a task awaiting anything else counts as runnable;
 *  - an error a task function throws is a `task-error` finding (and in the run's `errors`);
 *  - a wait-for cycle is a `deadlock` finding as soon as it forms (the runtime's detector); a run
 *    that ends with every task blocked and no cycle adds one for the tasks left waiting;
 *  - after a deadlock the blocked tasks stay suspended (their `finally` blocks do not run, so
 *    the trace ends at the deadlock) and `run()` resolves with the report.
 */
import type { LockdepRuntime } from './runtime.js';
import { Task } from './task.js';
import type { TaskScheduler } from './task.js';
import type { Waitable } from './waitable.js';
import { buildDeadlockReport } from './wait-for.js';
import type { DeadlockReport, SimulationResult, TaskError } from './simulation-outcome.js';
import { SimulationUsageError } from './errors.js';

export type TaskFunction = (task: Task) => unknown;

interface BlockWatcher {
  /** Waitables that count; null: any. */
  on: readonly Waitable[] | null;
  resolve: () => void;
}

interface PendingSpawn {
  task: Task;
  fn: TaskFunction;
}

function matches(task: Task, on: readonly Waitable[] | null): boolean {
  return on === null || (task.waitingOn !== null && on.includes(task.waitingOn.on));
}

export class Simulation implements TaskScheduler {
  readonly runtime: LockdepRuntime;
  /** Every task spawned so far (live or finished), in spawn order. */
  readonly tasks: Task[] = [];
  private readonly live = new Set<Task>();
  private readonly pending: PendingSpawn[] = [];
  private readonly errors: TaskError[] = [];
  private readonly finished: string[] = [];
  private readonly watchers = new Map<Task, BlockWatcher[]>();
  private blockedCount = 0;
  private generation = 0;
  private checkScheduled = false;
  private started = false;
  private ended = false;
  private resolveRun: ((result: SimulationResult) => void) | null = null;
  private runPromise: Promise<SimulationResult> | null = null;

  constructor(runtime: LockdepRuntime) {
    this.runtime = runtime;
  }

  /**
   * Adds a task running `fn(task)`. Before `run()` it starts when the run starts (tasks start
   * in spawn order); during the run it starts at once.
   */
  spawn(name: string, fn: TaskFunction): Task {
    if (this.ended) throw new SimulationUsageError('this simulation has ended: spawn tasks before it ends');
    const task = this.runtime.task(name);
    task.scheduler = this;
    this.tasks.push(task);
    this.live.add(task);
    this.generation++;
    if (this.started) this.start(task, fn);
    else this.pending.push({ task, fn });
    return task;
  }

  /** Starts the tasks and resolves when all have finished or a deadlock ended the run. */
  run(): Promise<SimulationResult> {
    if (this.runPromise !== null) return this.runPromise;
    this.runPromise = new Promise<SimulationResult>((resolve) => {
      this.resolveRun = resolve;
    });
    this.started = true;
    for (const { task, fn } of this.pending.splice(0)) this.start(task, fn);
    this.settleIfIdle();
    return this.runPromise;
  }

  /**
   * Resolves once `task` is blocked (on one of `on`, when given) or has finished: the way to
   * script a schedule ("B starts once W waits for the rwsem").
   */
  untilBlocked(task: Task, on?: Waitable | readonly (Waitable | null)[]): Promise<void> {
    const filter: readonly Waitable[] | null =
      on === undefined ? null : Array.isArray(on) ? on.filter((w): w is Waitable => w !== null) : [on as Waitable];
    if (task.state === 'done' || (task.state === 'blocked' && matches(task, filter))) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const watcher: BlockWatcher = { on: filter, resolve };
      const list = this.watchers.get(task);
      if (list === undefined) this.watchers.set(task, [watcher]);
      else list.push(watcher);
    });
  }

  // TaskScheduler
  taskBlocked(task: Task): void {
    this.blockedCount++;
    this.notifyWatchers(task);
    if (this.blockedCount === this.live.size) this.scheduleDeadlockCheck();
  }

  taskUnblocked(_task: Task): void {
    this.blockedCount--;
    this.generation++;
  }

  private start(task: Task, fn: TaskFunction): void {
    const rt = this.runtime;
    let outcome: Promise<unknown>;
    try {
      const value = rt.hasAsyncContext ? rt.context.run(task, () => fn(task)) : fn(task);
      outcome = Promise.resolve(value);
    } catch (error) {
      outcome = Promise.reject(error);
    }
    outcome.then(
      () => this.finish(task, undefined, false),
      (error: unknown) => this.finish(task, error, true),
    );
  }

  private finish(task: Task, error: unknown, failed: boolean): void {
    if (failed) this.recordError(task, error);
    // A task may end with an acquisition still queued (never awaited): it no longer waits.
    if (task.state === 'blocked') this.blockedCount--;
    try {
      task.exit();
    } catch (exitError) {
      this.recordError(task, exitError);
    }
    task.state = 'done';
    this.live.delete(task);
    this.finished.push(task.id);
    this.generation++;
    this.notifyWatchers(task);
    this.settleIfIdle();
  }

  private recordError(task: Task, error: unknown): void {
    const entry: TaskError = { task: task.id, error };
    this.errors.push(entry);
    this.runtime.reportTaskError(task.id, error);
  }

  private settleIfIdle(): void {
    if (!this.started || this.ended) return;
    if (this.live.size === 0) {
      this.end(null);
      return;
    }
    if (this.blockedCount === this.live.size) this.scheduleDeadlockCheck();
  }

  private scheduleDeadlockCheck(): void {
    if (this.checkScheduled || this.ended || !this.started) return;
    this.checkScheduled = true;
    const seen = this.generation;
    setImmediate(() => {
      this.checkScheduled = false;
      if (this.ended || this.live.size === 0 || this.blockedCount !== this.live.size) return;
      if (this.generation !== seen) {
        this.scheduleDeadlockCheck();
        return;
      }
      const live = this.tasks.filter((t) => this.live.has(t));
      const report = buildDeadlockReport(live);
      // A cycle is already a finding (reported when it formed); waits nobody can end become one now.
      if (report.cycle.length === 0) this.runtime.waitFor.reportStall(live);
      this.end(report);
    });
  }

  private end(deadlock: DeadlockReport | null): void {
    this.ended = true;
    const resolve = this.resolveRun;
    this.resolveRun = null;
    resolve?.({
      deadlock,
      errors: this.errors.slice(),
      findings: [...this.runtime.findings],
      finished: this.finished.slice(),
    });
  }

  private notifyWatchers(task: Task): void {
    const list = this.watchers.get(task);
    if (list === undefined) return;
    const done = task.state === 'done';
    const keep: BlockWatcher[] = [];
    const fire: BlockWatcher[] = [];
    for (const watcher of list) (done || matches(task, watcher.on) ? fire : keep).push(watcher);
    if (keep.length === 0) this.watchers.delete(task);
    else this.watchers.set(task, keep);
    for (const watcher of fire) watcher.resolve();
  }
}
