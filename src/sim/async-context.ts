/**
 * AsyncTaskContext: the AsyncLocalStorage adapter that makes the current async context the task
 * (docs/semantics.md, "Async tasks and branches").
 * Owns: the store (a Branch: the task family and the holds this context sees), implicit tasks
 * for code outside any task (one family per call site, named `async@file:line`), and how an
 * acquisition changes the store:
 *  - a scoped form (`with`, `runExclusive`) runs its callback in a new branch (`storage.run`),
 *    so what it holds is seen by the callback and what it starts, never by the caller or its
 *    siblings;
 *  - a multi-lock acquisition that returns with the locks held (`lockAll`) enters one
 *    collecting branch for the caller at its start, which takes every lock it acquires, so the
 *    caller sees them all (a new branch entered inside a callee's later continuations would
 *    not reach the caller: contexts flow into callees, never back out of them);
 *  - a bare acquisition (`await m.lock()`, `acquire()`) enters a new branch for the rest of the
 *    caller's flow (`enterWith`); since that also covers the rest of the synchronous run that
 *    called the acquirer (the next branch of a `Promise.all`), a branch entered by a sleeping
 *    acquisition is not seen by later code of the same synchronous run (Branch.origin).
 * Invariant: created on demand (`runtime.context`), because Node 20's AsyncLocalStorage installs
 * promise hooks that slow every promise in the process; deterministic simulations pass task
 * handles instead.
 */
import { AsyncLocalStorage, executionAsyncResource } from 'node:async_hooks';
import type { LockMode } from '../events/event.js';
import { forkBranch, rootBranch, type Branch } from './branch.js';
import { LockdepFindingError } from './errors.js';
import type { LockdepRuntime, LockIdentity } from './runtime.js';
import { attachLazyStack } from './stack-capture.js';
import { TaskFamily } from './task-family.js';
import type { Task } from './task.js';

export class AsyncTaskContext {
  private readonly runtime: LockdepRuntime;
  private readonly storage = new AsyncLocalStorage<Branch>();
  private readonly implicitFamilies = new Map<string, TaskFamily>();
  /** The lane and branch of the last resolution, for the acquisition that follows it synchronously. */
  private resolvedLane: Task | null = null;
  private resolvedBranch: Branch | null = null;

  constructor(runtime: LockdepRuntime) {
    this.runtime = runtime;
  }

  /** Runs `fn` with `task` as the current task (for `fn` and everything it starts). */
  run<T>(task: Task, fn: () => T): T {
    const family = task.family ?? new TaskFamily(this.runtime, task, false);
    return this.storage.run(rootBranch(family), fn);
  }

  /** The current task (the lane of the current branch), or undefined outside any task. */
  current(): Task | undefined {
    const branch = this.currentBranch();
    return branch === undefined ? undefined : this.laneOf(branch);
  }

  /** The current task, creating an implicit task when the code runs outside any. */
  currentOrImplicit(): Task {
    return this.laneOf(this.currentBranch() ?? this.enterImplicit());
  }

  /**
   * The lane for an explicit handle: inside the flow of the handle's own task, the lane of the
   * current branch (a handle shared by concurrent branches); elsewhere the handle itself.
   */
  laneInFlow(task: Task): Task {
    const branch = this.currentBranch();
    if (branch !== undefined && branch.family === task.family) return this.laneOf(branch);
    this.resolvedLane = null;
    return task;
  }

  /** The lane that holds `lock` for a release from the current flow (or the current lane). */
  releaser(task: Task | undefined, lock: LockIdentity): Task {
    const branch = this.currentBranch();
    if (branch === undefined || (task !== undefined && branch.family !== task.family)) {
      return task ?? this.currentOrImplicit();
    }
    const lane = branch.family.holderLane(branch, lock.id) ?? this.laneOf(branch);
    this.resolvedLane = null; // a release: no acquisition follows this resolution
    return lane;
  }

  /**
   * Runs `fn` (a scoped acquisition and its callback) in a new collecting branch of the current
   * one; `fn` ends the collecting (`branch.collecting = false`) once its locks are taken.
   */
  runScope<T>(fn: (branch: Branch) => T): T {
    const parent = this.currentBranch() ?? this.enterImplicit();
    const branch = forkBranch(parent, null, true);
    return this.storage.run(branch, () => fn(branch));
  }

  /**
   * Enters, for the rest of the caller's flow, a collecting branch that takes the locks acquired
   * in it (across awaits) until the caller sets `collecting = false`. Once the multi-lock call's
   * synchronous part is over, `hideFromSyncRun` keeps it from the code that runs next in the
   * same synchronous run (the caller's siblings).
   */
  enterCollecting(): Branch {
    const parent = this.currentBranch() ?? this.enterImplicit();
    const branch = forkBranch(parent, null, true);
    this.storage.enterWith(branch);
    return branch;
  }

  hideFromSyncRun(branch: Branch): void {
    branch.origin = executionAsyncResource();
  }

  /** Bookkeeping after an acquisition was recorded on `lane` (a lane of a task family). */
  acquired(lane: Task, lock: LockIdentity, mode: LockMode, subclass: number, sleeping: boolean): void {
    const hold = (lane.family as TaskFamily).acquired(lane, lock, mode, subclass);
    const branch = this.resolvedLane === lane ? this.resolvedBranch : null;
    this.resolvedLane = null;
    this.resolvedBranch = null;
    if (branch === null) return; // an explicit handle used outside its task's flow
    if (branch.collecting) {
      branch.held.push(hold);
      branch.lane = lane;
      return;
    }
    const child = forkBranch(branch, sleeping ? executionAsyncResource() : null, false);
    child.held.push(hold);
    child.lane = lane;
    this.storage.enterWith(child);
  }

  /** Ends the implicit tasks (at the end of the run): what they still hold is held at exit. */
  closeImplicit(): void {
    for (const family of this.implicitFamilies.values()) {
      try {
        this.runtime.exitTask(family.root);
      } catch (error) {
        // `onFinding: 'throw'`: a lock held at the end is collected like any finding, not thrown here.
        if (!(error instanceof LockdepFindingError)) throw error;
      }
    }
    this.implicitFamilies.clear();
  }

  /** The store of the current context, skipping branches entered earlier in this synchronous run. */
  private currentBranch(): Branch | undefined {
    let branch = this.storage.getStore();
    if (branch === undefined || branch.origin === null) return branch;
    const resource = executionAsyncResource();
    while (branch.origin === resource) branch = branch.parent as Branch;
    return branch;
  }

  private laneOf(branch: Branch): Task {
    const lane = branch.family.laneFor(branch);
    this.resolvedLane = lane;
    this.resolvedBranch = branch;
    return lane;
  }

  /** A root branch of the implicit task of this call site, entered for the rest of this flow. */
  private enterImplicit(): Branch {
    const name = implicitTaskName();
    let family = this.implicitFamilies.get(name);
    if (family === undefined) {
      family = new TaskFamily(this.runtime, this.runtime.task(name), true);
      this.implicitFamilies.set(name, family);
    }
    const branch = rootBranch(family);
    this.storage.enterWith(branch);
    return branch;
  }
}

/** `async@file:line` of the user's code that called into lockdep (or `async` when there is none). */
function implicitTaskName(): string {
  const probe: { site?: string; stack?: string[] } = {};
  attachLazyStack(probe, 1, undefined, []);
  return probe.site === undefined ? 'async' : `async@${probe.site}`;
}
