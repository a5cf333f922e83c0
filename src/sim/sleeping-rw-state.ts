/**
 * The holders and waiters of a sleeping reader-writer lock, shared by RwSemaphore and LockMap (a
 * blocking map behaves as a reader-preference RwSemaphore): the writer or the counted readers,
 * the FIFO queue, whom to grant when the lock frees up, and who blocks a waiter.
 * Fair by default: once a writer is queued, new readers queue behind it. With
 * `readerPreference`, a reader gets in whenever no writer holds the lock, even past queued
 * writers, and readers are recorded as `recursive-read` (they never wait for a queued writer).
 * Invariants: either one writer or any number of readers hold it; a waiter is granted by `wake`
 * only, which removes it from the queue, makes it a holder, unblocks it and resolves it.
 */
import { addHold, dropHold } from './hold-counts.js';
import type { Waiter } from './lock-primitive.js';
import type { Task } from './task.js';
import type { Blocker } from './waitable.js';

export class SleepingRwState {
  writer: Task | null = null;
  readonly readers = new Map<Task, number>();
  readonly queue: Waiter[] = [];
  /** How a reader is recorded (and shown when blocked). */
  readonly readMode: 'read' | 'recursive-read';

  constructor(readonly readerPreference: boolean) {
    this.readMode = readerPreference ? 'recursive-read' : 'read';
  }

  /** A new reader may take the lock now. */
  canRead(): boolean {
    return this.writer === null && (this.readerPreference || this.queue.length === 0);
  }

  /** A new writer may take the lock now. */
  canWrite(): boolean {
    return this.writer === null && this.readers.size === 0 && this.queue.length === 0;
  }

  /** The writer lets go; whoever the queue allows gets the lock. */
  releaseWriter(): void {
    this.writer = null;
    this.wake();
  }

  /** Drops one read hold by `t` (false when it holds none); the last reader out wakes the queue. */
  releaseReader(t: Task): boolean {
    if (!dropHold(this.readers, t)) return false;
    if (this.readers.size === 0) this.wake();
    return true;
  }

  /** Grants the lock to whoever the queue allows now that it became free (or writer-free). */
  wake(): void {
    if (this.writer !== null) return;
    if (this.readerPreference) {
      // Readers first: every queued reader gets in as soon as no writer holds the lock.
      for (let i = 0; i < this.queue.length; ) {
        const w = this.queue[i] as Waiter;
        if (w.mode === 'read') {
          this.queue.splice(i, 1);
          this.grant(w);
        } else {
          i++;
        }
      }
    }
    while (this.queue.length > 0) {
      const head = this.queue[0] as Waiter;
      if (head.mode === 'write') {
        if (this.readers.size === 0) {
          this.queue.shift();
          this.grant(head);
        }
        return;
      }
      this.queue.shift();
      this.grant(head);
    }
  }

  blockersOf(waiter: Task): Blocker[] {
    const entry = this.queue.find((w) => w.task === waiter);
    const mode = entry?.mode ?? 'write';
    const blockers: Blocker[] = [];
    if (this.writer !== null) blockers.push({ task: this.writer, reason: 'holds', mode: 'write' });
    if (mode === 'write') {
      for (const reader of this.readers.keys()) blockers.push({ task: reader, reason: 'holds', mode: this.readMode });
    }
    for (const w of this.queue) {
      if (w.task === waiter) break;
      if (mode === 'read' && w.mode === 'read') continue;
      if (mode === 'read' && this.readerPreference) continue;
      blockers.push({ task: w.task, reason: 'queued-ahead', mode: w.mode });
    }
    return blockers;
  }

  private grant(w: Waiter): void {
    if (w.mode === 'write') this.writer = w.task;
    else addHold(this.readers, w.task);
    w.task.unblock();
    w.resolve();
  }
}
