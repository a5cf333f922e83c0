/**
 * Branches of async code: what one async context believes it holds (docs/semantics.md, "Async
 * tasks and branches").
 * Owns: the `Hold` record of one acquisition (shared by reference by every branch that inherits
 * it, so a release is seen by all of them at once) and the `Branch`, the AsyncLocalStorage store
 * of one async context.
 * Invariants: a branch's `held` list is in acquisition order and only ever grows by the branch's
 * own acquisitions (a release marks the Hold released instead of editing the lists that share
 * it); the locks a branch holds are its live holds; `lane`, when set, is a cache of the task the
 * branch last ran on and is re-checked before use.
 */
import type { LockMode } from '../events/event.js';
import type { LockIdentity } from './runtime.js';
import type { Task } from './task.js';
import type { TaskFamily } from './task-family.js';

/** One acquisition, from the moment it is recorded until its release. */
export interface Hold {
  readonly lock: LockIdentity;
  readonly mode: LockMode;
  readonly subclass: number;
  /** The task (lane) the acquisition was recorded on; its release is recorded there too. */
  readonly lane: Task;
  released: boolean;
}

/** The AsyncLocalStorage store of one async context. */
export interface Branch {
  readonly family: TaskFamily;
  /** Inherited holds, then the branch's own, in acquisition order (released ones included). */
  readonly held: Hold[];
  /** The branch this one was forked from (null for a task's root branch). */
  readonly parent: Branch | null;
  /**
   * The async resource whose synchronous code entered this branch with a sleeping acquisition
   * (`await m.lock()`): later code of that same synchronous run is not the acquirer's
   * continuation (it is the code that called the acquirer: a parent or a sibling branch), so it
   * sees `parent` instead. Null for every other branch.
   */
  origin: object | null;
  /**
   * True while the branch takes the acquisitions made in it as its own instead of forking: a
   * scoped form (`with`, `runExclusive`, `withAll`) until its locks are taken, `lockAll` until it
   * returns. Acquisitions made in a branch that is not collecting fork a child branch.
   */
  collecting: boolean;
  /** The task this branch last ran on (a cache, validated by the family before use). */
  lane: Task | null;
}

/** The holds of `branch` not yet released, in acquisition order (the array itself when none is). */
export function liveHolds(branch: Branch): Hold[] {
  const held = branch.held;
  for (let i = 0; i < held.length; i++) {
    if ((held[i] as Hold).released) return held.filter((hold) => !hold.released);
  }
  return held;
}

/** A new branch inheriting `parent`'s live holds. */
export function forkBranch(parent: Branch, origin: object | null, collecting: boolean): Branch {
  return { family: parent.family, held: liveHolds(parent).slice(), parent, origin, collecting, lane: parent.lane };
}

/** The root branch of a task family: holds nothing. */
export function rootBranch(family: TaskFamily): Branch {
  return { family, held: [], parent: null, origin: null, collecting: false, lane: null };
}
