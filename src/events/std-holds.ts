/**
 * The reentrant monitor holds of the STD importer: per live thread, the locks it holds with
 * their hold counts, so a nested acq of a held lock and every rel but the outermost make no
 * event. Locks are numbered once per name and a thread's record is a handle the fast lane keeps
 * per thread id, so the per-event work compares small integers in the fields of that record.
 * Per thread it also keeps which lock its last lock operation released (an SPD `wait(L)` right
 * after `rel(L)` is a marker, not a second release; see std-reader.ts).
 * Invariants: a thread's record holds each lock at most once; counts are >= 1; a joined
 * thread's record is dropped and marked dead (memory follows the live threads);
 * lock numbers are dense and never reused: one per distinct lock name acquired (the engine keeps
 * a lock class per such name too).
 */
import type { LiveHandle } from './lock-op-sink.js';

/** Holds kept in a thread's record itself; more go to its overflow list. */
const INLINE_HOLDS = 4;

/**
 * The locks one thread holds, with their hold counts; `alive` turns false when the thread is
 * joined. A set (nothing asks for an order): the first INLINE_HOLDS holds are fields of the record
 * itself, so the usual nesting is one object, one or two cache lines, instead of the record and two
 * arrays (with 64 threads interleaved event by event, each thread's lines are mostly out of the
 * first-level cache when its next event comes); more holds go to `overflow` as [lock, count]
 * pairs. Unused inline locks are -1 (lock numbers are >= 0), so a lookup compares four fields.
 */
export class ThreadHolds implements LiveHandle {
  alive = true;
  /** The lock whose hold this thread's last acq, rel or wait ended (that op was the rel), else -1. */
  released = -1;
  /** How many locks the thread holds. */
  private size = 0;
  private lock0 = -1;
  private lock1 = -1;
  private lock2 = -1;
  private lock3 = -1;
  private count0 = 0;
  private count1 = 0;
  private count2 = 0;
  private count3 = 0;
  /** Holds beyond the inline ones: [lock, count] pairs. */
  private readonly overflow: number[] = [];

  /** The place of `lock` (>= 0) among the holds, or -1. */
  indexOf(lock: number): number {
    if (this.lock0 === lock) return 0;
    if (this.lock1 === lock) return 1;
    if (this.lock2 === lock) return 2;
    if (this.lock3 === lock) return 3;
    const overflow = this.overflow;
    for (let i = 0; i < overflow.length; i += 2) if (overflow[i] === lock) return INLINE_HOLDS + i / 2;
    return -1;
  }

  countAt(at: number): number {
    switch (at) {
      case 0: return this.count0;
      case 1: return this.count1;
      case 2: return this.count2;
      case 3: return this.count3;
      default: return this.overflow[(at - INLINE_HOLDS) * 2 + 1]!;
    }
  }

  setCountAt(at: number, count: number): void {
    switch (at) {
      case 0: this.count0 = count; return;
      case 1: this.count1 = count; return;
      case 2: this.count2 = count; return;
      case 3: this.count3 = count; return;
      default: this.overflow[(at - INLINE_HOLDS) * 2 + 1] = count;
    }
  }

  /**
   * Starts a hold of `lock` when the thread holds fewer than four locks and not this one, the
   * usual acq: true; otherwise false, nothing changed. With fewer than four holds all are inline
   * (the overflow list is empty), so this is the whole test, with no search and no calls.
   */
  startNewHold(lock: number): boolean {
    const size = this.size;
    if (size >= INLINE_HOLDS || this.lock0 === lock || this.lock1 === lock || this.lock2 === lock || this.lock3 === lock) return false;
    this.place(size, lock, 1);
    this.size = size + 1;
    return true;
  }

  /**
   * Ends the hold of `lock` when it is the last one taken and held once, the usual rel (holds are
   * added at the end and the last one ends first): true; otherwise false, nothing changed. The
   * usual rel then costs no search and no calls.
   */
  endLastHold(lock: number): boolean {
    const last = this.size - 1;
    if (last < 0 || last >= INLINE_HOLDS || this.lockAt(last) !== lock || this.countAt(last) !== 1) return false;
    this.place(last, -1, 0);
    this.size = last;
    this.released = lock;
    return true;
  }

  /** A new hold of `lock` (not held yet), counted once. */
  add(lock: number): void {
    this.place(this.size++, lock, 1);
  }

  /** Ends the hold at `at`: the last hold takes its place. */
  removeAt(at: number): void {
    const last = --this.size;
    if (at !== last) this.place(at, this.lockAt(last), this.countAt(last));
    if (last >= INLINE_HOLDS) this.overflow.length -= 2;
    else this.place(last, -1, 0);
  }

  private lockAt(at: number): number {
    switch (at) {
      case 0: return this.lock0;
      case 1: return this.lock1;
      case 2: return this.lock2;
      case 3: return this.lock3;
      default: return this.overflow[(at - INLINE_HOLDS) * 2]!;
    }
  }

  /** Sets the hold at `at` (the inline ones, or the overflow pair at or just past its end). */
  private place(at: number, lock: number, count: number): void {
    switch (at) {
      case 0: this.lock0 = lock; this.count0 = count; return;
      case 1: this.lock1 = lock; this.count1 = count; return;
      case 2: this.lock2 = lock; this.count2 = count; return;
      case 3: this.lock3 = lock; this.count3 = count; return;
      default: {
        const pair = (at - INLINE_HOLDS) * 2;
        this.overflow[pair] = lock;
        this.overflow[pair + 1] = count;
      }
    }
  }
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
    if (mine.startNewHold(lock)) return true;
    const at = mine.indexOf(lock);
    if (at >= 0) {
      mine.setCountAt(at, mine.countAt(at) + 1);
      return false;
    }
    mine.add(lock);
    return true;
  }

  /** A rel: false when an outer hold remains (only counted); true when it ends the hold or the lock is not held. */
  leave(mine: ThreadHolds | undefined, lock: number): boolean {
    if (mine === undefined) return true;
    mine.released = -1;
    if (lock < 0) return true;
    if (mine.endLastHold(lock)) return true;
    const at = mine.indexOf(lock);
    if (at < 0) return true; // not held: an unbalanced release, which the validator reports
    const count = mine.countAt(at);
    if (count > 1) {
      mine.setCountAt(at, count - 1);
      return false;
    }
    mine.removeAt(at);
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
    return mine !== undefined && lock >= 0 && mine.indexOf(lock) >= 0;
  }

  /** A joined thread has ended: its record is dropped (a later thread of that name starts empty). */
  forget(name: string): void {
    const holds = this.threads.get(name);
    if (holds === undefined) return;
    holds.alive = false;
    this.threads.delete(name);
  }
}
