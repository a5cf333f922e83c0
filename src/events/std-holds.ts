/**
 * The reentrant monitor holds of the STD importer: per thread, the locks it holds with their
 * hold counts, so a nested acq of a held lock and every rel but the outermost make no event.
 * Threads and locks are numbered once per name (the fast lane caches the numbers per id), so the
 * per-event work compares small integers in short arrays.
 * Invariants: a thread's list holds each lock at most once, in acquisition order; counts are >= 1;
 * numbers are dense and never reused (their count grows with the distinct names in the trace,
 * as the engine's own lock classes do).
 */

interface ThreadHolds {
  locks: number[];
  counts: number[];
}

export class ReentrantHolds {
  private readonly threadNumbers = new Map<string, number>();
  private readonly lockNumbers = new Map<string, number>();
  private readonly byThread: ThreadHolds[] = [];

  threadNumber(name: string): number {
    let number = this.threadNumbers.get(name);
    if (number === undefined) {
      number = this.byThread.length;
      this.threadNumbers.set(name, number);
      this.byThread.push({ locks: [], counts: [] });
    }
    return number;
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
  enter(thread: number, lock: number): boolean {
    const mine = this.byThread[thread]!;
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
  leave(thread: number, lock: number): boolean {
    const mine = this.byThread[thread]!;
    const at = lastIndexOf(mine.locks, lock);
    if (at < 0) return true; // not held: an unbalanced release, which the validator reports
    const count = mine.counts[at]!;
    if (count > 1) {
      mine.counts[at] = count - 1;
      return false;
    }
    if (at === mine.locks.length - 1) {
      mine.locks.pop();
      mine.counts.pop();
    } else {
      mine.locks.splice(at, 1);
      mine.counts.splice(at, 1);
    }
    return true;
  }

  holds(thread: number, lock: number): boolean {
    return lastIndexOf(this.byThread[thread]!.locks, lock) >= 0;
  }

  /** A joined thread has ended: it holds nothing any more. */
  forget(threadName: string): void {
    const number = this.threadNumbers.get(threadName);
    if (number === undefined) return;
    this.byThread[number] = { locks: [], counts: [] };
  }
}

function lastIndexOf(list: readonly number[], item: number): number {
  for (let i = list.length - 1; i >= 0; i--) if (list[i] === item) return i;
  return -1;
}
