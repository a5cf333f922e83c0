/**
 * TaskFamily: one logical task of async code (a `runTask`, a Simulation task, or an implicit
 * task named from a call site) and the lanes its concurrent branches run on.
 * A lane is a Task: a held-lock stack in the validator (and an owner/waiter for the primitives).
 * Branches that hold the same locks share a lane; a branch whose held set no lane has gets a
 * lane of its own (`<task>/2`, `<task>/3`...), on which the locks it inherited are re-recorded
 * first as `try` acquisitions marked `inherited` (they add no dependency: their own were
 * recorded when they were really taken). So a sequential flow runs on the task's own id, and
 * extra ids appear only when branches really hold different locks at the same time.
 * Invariants: `lane.mirror` is exactly what the validator holds on that lane, in order; a lane
 * is handed to a branch only when its mirror, after dropping released inherited copies, is a
 * prefix of the branch's live holds, and never while it waits or after it ended; a hold's
 * release is recorded on the lane that took it.
 */
import type { AcquireEvent, LockMode } from '../events/event.js';
import { liveHolds, type Branch, type Hold } from './branch.js';
import type { LockdepRuntime, LockIdentity } from './runtime.js';
import type { Task } from './task.js';

export class TaskFamily {
  readonly runtime: LockdepRuntime;
  /** The first lane: the task the family is named after. */
  readonly root: Task;
  /** True for a task made for code outside any task (closed by `runtime.end()`). */
  readonly implicit: boolean;
  readonly lanes: Task[];

  constructor(runtime: LockdepRuntime, root: Task, implicit: boolean) {
    this.runtime = runtime;
    this.root = root;
    this.implicit = implicit;
    this.lanes = [root];
    root.family = this;
  }

  /** The lane `branch` runs on now: its cached lane when that still mirrors its holds, else the best fit. */
  laneFor(branch: Branch): Task {
    const live = liveHolds(branch);
    const cached = branch.lane;
    if (cached !== null && cached.family === this && cached.state === 'running' && sameHolds(cached.mirror, live)) return cached;
    let best: Task | null = null;
    for (const lane of this.lanes) {
      // A waiting lane belongs to the branch that waits; an ended one is not reused.
      if (lane.state !== 'running') continue;
      this.dropReleasedCopies(lane);
      if (isPrefix(lane.mirror, live) && (best === null || lane.mirror.length > best.mirror.length)) best = lane;
    }
    if (best === null) best = this.newLane();
    for (let i = best.mirror.length; i < live.length; i++) this.recordInherited(best, live[i] as Hold);
    branch.lane = best;
    return best;
  }

  /** Bookkeeping after an acquisition was recorded on `lane`: the new Hold. */
  acquired(lane: Task, lock: LockIdentity, mode: LockMode, subclass: number): Hold {
    const hold: Hold = { lock, mode, subclass, lane, released: false };
    lane.mirror.push(hold);
    return hold;
  }

  /** Bookkeeping after a release of `lockId` was recorded on `lane` (no-op when it held none). */
  released(lane: Task, lockId: string): void {
    const mirror = lane.mirror;
    for (let i = mirror.length - 1; i >= 0; i--) {
      const hold = mirror[i] as Hold;
      if (hold.lock.id === lockId && hold.lane === lane) {
        hold.released = true;
        mirror.splice(i, 1);
        return;
      }
    }
  }

  /**
   * The lane holding `lockId` for a release by `branch`: the lane of the branch's own or
   * inherited hold, else of any live hold in the family (a lock released in another branch
   * than the one that took it), else undefined.
   */
  holderLane(branch: Branch, lockId: string): Task | undefined {
    const held = branch.held;
    for (let i = held.length - 1; i >= 0; i--) {
      const hold = held[i] as Hold;
      if (!hold.released && hold.lock.id === lockId) return hold.lane;
    }
    for (const lane of this.lanes) {
      for (const hold of lane.mirror) if (hold.lane === lane && hold.lock.id === lockId) return lane;
    }
    return undefined;
  }

  /** Before the family exits: every lane drops the locks it only inherited, then lanes other than the root exit. */
  closeLanes(): void {
    for (const lane of this.lanes) {
      const mirror = lane.mirror;
      for (let i = mirror.length - 1; i >= 0; i--) {
        const hold = mirror[i] as Hold;
        if (hold.lane !== lane) this.releaseCopy(lane, i);
      }
    }
    for (const lane of this.lanes) if (lane !== this.root && lane.state !== 'done') this.runtime.exitLane(lane);
  }

  private newLane(): Task {
    const lane = this.runtime.task(`${this.root.id}/${this.lanes.length + 1}`);
    lane.family = this;
    this.lanes.push(lane);
    return lane;
  }

  /** Re-records an inherited hold on `lane` (a trylock: it adds no dependency of its own). */
  private recordInherited(lane: Task, hold: Hold): void {
    const event: AcquireEvent & { inherited: true } = { op: 'acquire', task: lane.id, lock: hold.lock.id, try: true, inherited: true };
    if (hold.mode !== 'write') event.mode = hold.mode;
    if (hold.subclass !== 0) event.subclass = hold.subclass;
    this.runtime.emit(event);
    lane.mirror.push(hold);
  }

  /** Drops, from the top of `lane`'s mirror down, inherited copies whose hold was released. */
  private dropReleasedCopies(lane: Task): void {
    const mirror = lane.mirror;
    for (let i = mirror.length - 1; i >= 0; i--) {
      if ((mirror[i] as Hold).released) this.releaseCopy(lane, i);
    }
  }

  private releaseCopy(lane: Task, index: number): void {
    const hold = lane.mirror[index] as Hold;
    lane.mirror.splice(index, 1);
    this.runtime.emit({ op: 'release', task: lane.id, lock: hold.lock.id });
  }
}

function sameHolds(mirror: readonly Hold[], live: readonly Hold[]): boolean {
  if (mirror.length !== live.length) return false;
  for (let i = 0; i < mirror.length; i++) if (mirror[i] !== live[i]) return false;
  return true;
}

function isPrefix(mirror: readonly Hold[], live: readonly Hold[]): boolean {
  if (mirror.length > live.length) return false;
  for (let i = 0; i < mirror.length; i++) if (mirror[i] !== live[i]) return false;
  return true;
}
