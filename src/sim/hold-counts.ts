/**
 * Hold counts: how many times each task holds a lock it may hold several times at once (the
 * readers of RwLock, RwSemaphore and a blocking LockMap; every holder of a non-blocking LockMap).
 * Invariant: a task is in the map exactly while it holds at least once.
 */
import type { Task } from './task.js';

/** Counts one more hold by `task`. */
export function addHold(holds: Map<Task, number>, task: Task): void {
  holds.set(task, (holds.get(task) ?? 0) + 1);
}

/** Drops one hold by `task`; false, and nothing changed, when it holds none. */
export function dropHold(holds: Map<Task, number>, task: Task): boolean {
  const count = holds.get(task);
  if (count === undefined) return false;
  if (count === 1) holds.delete(task);
  else holds.set(task, count - 1);
  return true;
}
