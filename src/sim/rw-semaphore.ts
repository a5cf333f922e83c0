/**
 * RwSemaphore: a sleeping reader-writer lock for async code (the kernel's `struct rw_semaphore`,
 * lockdep type `rwsem`), instrumented for lockdep.
 * Fair by default, like the kernel's rwsem: once a writer is queued, new readers queue behind it
 * (this is what turned the 2021 KVM design into a deadlock). Readers are recorded as `read`
 * (non-recursive). With `readerPreference`, a reader gets the lock whenever no writer holds it,
 * even past queued writers; readers are then recorded as `recursive-read`, which is exactly how
 * lockdep models readers that never wait for a queued writer.
 * Invariants: either one writer or any number of readers hold it; the queue is served FIFO (a
 * writer at the head is granted when the lock is free; a run of readers at the head is granted
 * together); acquisitions are emitted before waiting; a failed trylock emits nothing.
 */
import { LockPrimitive, RESOLVED, abortedAcquisition } from './lock-primitive.js';
import type { LockOptions, TaskArg, Waiter } from './lock-primitive.js';
import type { AcquireOptions, LockdepRuntime } from './runtime.js';
import type { Task } from './task.js';
import type { Blocker, Waitable } from './waitable.js';

export interface RwSemaphoreOptions {
  class?: string;
  name?: string;
  /** Readers ignore queued writers (not fair); recorded as `recursive-read`. Default false. */
  readerPreference?: boolean;
}

export class RwSemaphore extends LockPrimitive implements Waitable {
  readonly readerPreference: boolean;
  private writer: Task | null = null;
  private readonly readers = new Map<Task, number>();
  private readonly queue: Waiter[] = [];
  private readonly readMode: 'read' | 'recursive-read';

  constructor(runtime: LockdepRuntime, options?: string | RwSemaphoreOptions) {
    super(runtime, 'rwsem', options as LockOptions | undefined);
    this.readerPreference = typeof options === 'object' && options.readerPreference === true;
    this.readMode = this.readerPreference ? 'recursive-read' : 'read';
  }

  /** The writer holding it, or null. */
  get writeHolder(): Task | null {
    return this.writer;
  }

  /** Tasks holding it for read (each once, however many times it holds it). */
  get readHolders(): readonly Task[] {
    return [...this.readers.keys()];
  }

  /** Queued waiters in service order with their modes. */
  get waiters(): readonly { task: Task; mode: 'write' | 'read' }[] {
    return this.queue.map((w) => ({ task: w.task, mode: w.mode }));
  }

  /** `down_read()`. */
  lockRead(task?: TaskArg, options?: AcquireOptions): Promise<void> {
    try {
      const t = this.taskOf(task);
      const rt = this.runtime;
      if (options?.signal?.aborted === true) return abortedAcquisition(options.signal);
      if (rt.active) rt.acquire(t, this, this.readMode, false, options);
      if (this.canRead()) {
        this.addReader(t);
        return RESOLVED;
      }
      return this.enqueue(t, 'read', options?.signal);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** `down_read_trylock()`. */
  tryLockRead(task?: TaskArg, options?: AcquireOptions): boolean {
    const t = this.taskOf(task);
    if (!this.canRead()) return false;
    const rt = this.runtime;
    if (rt.active) rt.acquire(t, this, this.readMode, true, options);
    this.addReader(t);
    return true;
  }

  /** `up_read()`. */
  unlockRead(task?: TaskArg): void {
    const t = this.taskOf(task);
    const rt = this.runtime;
    const holds = this.readers.get(t);
    if (holds === undefined) {
      this.unlockNotHeld(t, 'up_reads', ' for read');
      return;
    }
    if (holds === 1) this.readers.delete(t);
    else this.readers.set(t, holds - 1);
    if (this.readers.size === 0) this.wake();
    if (rt.active) rt.release(t, this);
  }

  /** `down_write()`. */
  lock(task?: TaskArg, options?: AcquireOptions): Promise<void> {
    try {
      const t = this.taskOf(task);
      const rt = this.runtime;
      if (options?.signal?.aborted === true) return abortedAcquisition(options.signal);
      if (rt.active) rt.acquire(t, this, 'write', false, options);
      if (this.canWrite()) {
        this.writer = t;
        return RESOLVED;
      }
      return this.enqueue(t, 'write', options?.signal);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** `down_write_trylock()`. */
  tryLock(task?: TaskArg, options?: AcquireOptions): boolean {
    const t = this.taskOf(task);
    if (!this.canWrite()) return false;
    const rt = this.runtime;
    if (rt.active) rt.acquire(t, this, 'write', true, options);
    this.writer = t;
    return true;
  }

  /** `up_write()`. */
  unlock(task?: TaskArg): void {
    const t = this.taskOf(task);
    const rt = this.runtime;
    if (this.writer !== t) {
      this.unlockNotHeld(t, 'up_writes', ' for write');
      return;
    }
    this.writer = null;
    this.wake();
    if (rt.active) rt.release(t, this);
  }

  /** Runs `fn` holding the lock for read. */
  withRead<T>(task: TaskArg, fn: () => T | Promise<T>, options?: AcquireOptions): Promise<T> {
    return this.holdingAsync(task, (t) => this.lockRead(t, options), (t) => this.unlockRead(t), fn);
  }


  /** Runs `fn` holding the lock for write. */
  with<T>(task: TaskArg, fn: () => T | Promise<T>, options?: AcquireOptions): Promise<T> {
    return this.holdingAsync(task, (t) => this.lock(t, options), (t) => this.unlock(t), fn);
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

  private canRead(): boolean {
    return this.writer === null && (this.readerPreference || this.queue.length === 0);
  }

  private canWrite(): boolean {
    return this.writer === null && this.readers.size === 0 && this.queue.length === 0;
  }

  private addReader(t: Task): void {
    this.readers.set(t, (this.readers.get(t) ?? 0) + 1);
  }

  private enqueue(t: Task, mode: 'write' | 'read', signal: AbortSignal | undefined): Promise<void> {
    // An aborted writer may have been holding back the readers queued behind it.
    return this.waitInQueue(this.queue, t, mode, this, mode === 'read' ? this.readMode : 'write', signal, () => this.wake());
  }

  /** Grants the lock to whoever the queue allows now that it became free (or writer-free). */
  private wake(): void {
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

  private grant(w: Waiter): void {
    if (w.mode === 'write') this.writer = w.task;
    else this.addReader(w.task);
    w.task.unblock();
    w.resolve();
  }
}
