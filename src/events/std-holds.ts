/**
 * The reentrant monitor holds of the STD importer: per live thread, the locks it holds with
 * their hold counts, so a nested acq of a held lock and every rel but the outermost make no
 * event. Locks are numbered once per name and a thread's record is a handle the fast lane keeps
 * per thread id, so the per-event work compares small integers in short arrays.
 * Per thread it also keeps which lock its last lock operation released (an SPD `wait(L)` right
 * after `rel(L)` is a marker, not a second release; see std-reader.ts).
 * Invariants: a thread's list holds each lock at most once, in acquisition order; counts are
 * >= 1; a joined thread's record is dropped and marked dead (memory follows the live threads);
 * lock numbers are dense and never reused: one per distinct lock name acquired (the engine keeps
 * a lock class per such name too).
 */
import type { LiveHandle } from './lock-op-sink.js';

/** The locks one thread holds; `alive` turns false when the thread is joined. */
export class ThreadHolds implements LiveHandle {
  alive = true;
  readonly locks: number[] = [];
  readonly counts: number[] = [];
  /** The lock whose hold this thread's last acq, rel or wait ended (that op was the rel), else -1. */
  released = -1;
}

export class ReentrantHolds {
  private readonly threads = new Map<string, ThreadHolds>();
  private readonly lockNumbers = new Map<string, number>();

  /** The live record of a thread, created on first use. */
  thread(name: string): ThreadHolds {
    let holds = this.threads.get(name);
    if (holds === undefined) {
      holds = new ThreadHolds();
      this.threads.set(name, holds);
    }
    return holds;
  }

  /** The live record of a thread, if it has one (a rel or wait creates none). */
  existingThread(name: string): ThreadHolds | undefined {
    return this.threads.get(name);
  }

  /** The number of a lock, if it was ever acquired, else -1 (a rel or wait numbers nothing). */
  existingLockNumber(name: string): number {
    return this.lockNumbers.get(name) ?? -1;
  }

  lockNumber(name: string): number {
    let number = this.lockNumbers.get(name);
    if (number === undefined) {
      number = this.lockNumbers.size;
      this.lockNumbers.set(name, number);
    }
    return number;
  }

  /** An acq: false when the thread already holds the lock (the hold is only counted). */
  enter(mine: ThreadHolds, lock: number): boolean {
    mine.released = -1;
    const at = lastIndexOf(mine.locks, lock);
    if (at >= 0) {
      mine.counts[at]!++;
      return false;
    }
    mine.locks.push(lock);
    mine.counts.push(1);
    return true;
  }

  /** A rel: false when an outer hold remains (only counted); true when it ends the hold or the lock is not held. */
  leave(mine: ThreadHolds | undefined, lock: number): boolean {
    if (mine === undefined) return true;
    mine.released = -1;
    if (lock < 0) return true;
    const at = lastIndexOf(mine.locks, lock);
    if (at < 0) return true; // not held: an unbalanced release, which the validator reports
    const count = mine.counts[at]!;
    if (count > 1) {
      mine.counts[at] = count - 1;
      return false;
    }
    removeAt(mine.locks, at);
    removeAt(mine.counts, at);
    mine.released = lock;
    return true;
  }

  /** Whether the thread's last lock operation was the rel that ended its hold of `lock`. */
  justReleased(mine: ThreadHolds | undefined, lock: number): boolean {
    return mine !== undefined && lock >= 0 && mine.released === lock;
  }

  /** A wait is a lock operation too: after it, no earlier rel is "just before" anything. */
  waited(mine: ThreadHolds | undefined): void {
    if (mine !== undefined) mine.released = -1;
  }

  holds(mine: ThreadHolds | undefined, lock: number): boolean {
    return mine !== undefined && lock >= 0 && lastIndexOf(mine.locks, lock) >= 0;
  }

  /** A joined thread has ended: its record is dropped (a later thread of that name starts empty). */
  forget(name: string): void {
    const holds = this.threads.get(name);
    if (holds === undefined) return;
    holds.alive = false;
    this.threads.delete(name);
  }
}

/** Removes `list[at]`, keeping the order (not `splice`, which allocates the removed part). */
function removeAt(list: number[], at: number): void {
  const last = list.length - 1;
  for (let i = at; i < last; i++) list[i] = list[i + 1]!;
  list.pop();
}

function lastIndexOf(list: readonly number[], item: number): number {
  for (let i = list.length - 1; i >= 0; i--) if (list[i] === item) return i;
  return -1;
}
