/**
 * Waitable: anything a task can block on (a sleeping lock, a blocking pseudo-lock, a wait queue,
 * a completion). The Simulation asks a waitable who a blocked task is waiting for, to build the
 * wait-for graph when every task is blocked.
 * Invariant: `blockersOf` only names tasks that must act (release, or be granted first) before
 * `waiter` can proceed; an empty list means "waiting for an event no task is bound to".
 */
import type { Task } from './task.js';

export interface Blocker {
  task: Task;
  /** `holds`: the task holds the lock in `mode`; `queued-ahead`: it is queued before the waiter and will be served first. */
  reason: 'holds' | 'queued-ahead';
  mode: string;
}

export interface Waitable {
  /** Display name: the lock class (and instance when it differs) or the wait queue's name. */
  readonly displayName: string;
  blockersOf(waiter: Task): Blocker[];
}
