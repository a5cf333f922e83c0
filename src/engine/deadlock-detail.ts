/**
 * The details of a `deadlock` finding: a wait-for cycle that really formed while a program ran
 * (or a program that stopped with tasks still waiting). Plain JSON data, like every finding, so
 * the reporters render it and `lockdep report` re-renders it from a saved result.
 * Invariants: `cycle[i].blockedBy` is `cycle[i + 1].task` and the last step's is `cycle[0].task`;
 * `cycle[0].task` is the task whose wait closed the cycle; an empty cycle means the tasks wait
 * for events no running task can signal (the program stalled).
 */
import type { EventRef, HeldLockRef } from './finding.js';

/** One hop of a wait-for cycle: `task` waits for `lock` (of `class`) in `mode` because of `blockedBy`. */
export interface WaitForEdge {
  task: string;
  lock: string;
  class: string;
  mode: string;
  blockedBy: string;
  /** `holds`: `blockedBy` holds the lock in `blockedByMode`; `queued-ahead`: it is queued before `task`. */
  reason: 'holds' | 'queued-ahead';
  blockedByMode: string;
}

/** A blocked task as the finding shows it: what it waits for, where it started waiting, what it holds. */
export interface BlockedTaskRef {
  task: string;
  lock: string;
  class: string;
  mode: string;
  /** The acquisition the task is waiting in (its site and stack when recorded). */
  waitingAt?: EventRef;
  /** Locks the task holds while it waits, oldest first (with their acquisition sites and stacks). */
  held: HeldLockRef[];
}

export interface DeadlockDetail {
  cycle: WaitForEdge[];
  blocked: BlockedTaskRef[];
  /** With `onDeadlock: 'throw'`: the task whose acquisition was rejected with a DeadlockError. */
  victim?: string;
}
