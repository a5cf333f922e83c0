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
 * together); acquisitions are emitted before waiting; a failed trylock emits nothing. The holders,
 * the queue and the grant policy are kept by SleepingRwState (shared with a blocking LockMap).
 */
import { addHold } from './hold-counts.js';
import { LockPrimitive } from './lock-primitive.js';
import type { TaskArg } from './lock-primitive.js';
import type { AcquireOptions, LockdepRuntime } from './runtime.js';
import { SleepingRwState } from './sleeping-rw-state.js';
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
  private readonly rw: SleepingRwState;

  constructor(runtime: LockdepRuntime, options?: string | RwSemaphoreOptions) {
    super(runtime, 'rwsem', options);
    this.readerPreference = typeof options === 'object' && options.readerPreference === true;
    this.rw = new SleepingRwState(this.readerPreference);
  }

  /** The writer holding it, or null. */
  get writeHolder(): Task | null {
    return this.rw.writer;
  }

  /** Tasks holding it for read (each once, however many times it holds it). */
  get readHolders(): readonly Task[] {
    return [...this.rw.readers.keys()];
  }

  /** Queued waiters in service order with their modes. */
  get waiters(): readonly { task: Task; mode: 'write' | 'read' }[] {
    return this.rw.queue.map((w) => ({ task: w.task, mode: w.mode }));
  }

  /** `down_read()`. */
  lockRead(task?: TaskArg, options?: AcquireOptions): Promise<void> {
    return this.acquireSleeping(task, this.rw.readMode, options, () => this.rw.canRead(), (t) => addHold(this.rw.readers, t), this.rw);
  }

  /** `down_read_trylock()`. */
  tryLockRead(task?: TaskArg, options?: AcquireOptions): boolean {
    return this.tryAcquireIfFree(task, this.rw.readMode, options, () => this.rw.canRead(), (t) => addHold(this.rw.readers, t));
  }

  /** `up_read()`. */
  unlockRead(task?: TaskArg): void {
    const t = this.releaserOf(task);
    const rt = this.runtime;
    if (!this.rw.releaseReader(t)) {
      this.unlockNotHeld(t, 'up_reads', ' for read');
      return;
    }
    if (rt.active) rt.release(t, this);
  }

  /** `down_write()`. */
  lock(task?: TaskArg, options?: AcquireOptions): Promise<void> {
    return this.acquireSleeping(task, 'write', options, () => this.rw.canWrite(), (t) => { this.rw.writer = t; }, this.rw);
  }

  /** `down_write_trylock()`. */
  tryLock(task?: TaskArg, options?: AcquireOptions): boolean {
    return this.tryAcquireIfFree(task, 'write', options, () => this.rw.canWrite(), (t) => { this.rw.writer = t; });
  }

  /** `up_write()`. */
  unlock(task?: TaskArg): void {
    const t = this.releaserOf(task);
    const rt = this.runtime;
    if (this.rw.writer !== t) {
      this.unlockNotHeld(t, 'up_writes', ' for write');
      return;
    }
    this.rw.releaseWriter();
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
    return this.rw.blockersOf(waiter);
  }
}
