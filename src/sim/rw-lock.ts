/**
 * RwLock: a synchronous reader-writer spinning lock (the kernel's `rwlock_t`, lockdep type
 * `rwlock`; KVM's x86 `mmu_lock`). Holding it in either mode is atomic context, as for SpinLock.
 * Readers are recorded as `read` (a queued rwlock's reader in process context waits for a
 * queued writer); `recursiveReaders: true` records them as `recursive-read` (the kernel's
 * behaviour in interrupt context or without queued rwlocks).
 * Invariants: either one writer or any number of readers; `lock`/`lockRead` never wait: a
 * conflicting holder makes them emit, compensate and throw SpinLockContendedError.
 */
import { addHold, dropHold } from './hold-counts.js';
import { LockPrimitive } from './lock-primitive.js';
import type { TaskArg } from './lock-primitive.js';
import type { AcquireOptions, LockdepRuntime } from './runtime.js';
import { failContended, watchForYieldWhileHeld } from './spinning.js';
import type { SpinningLock } from './spinning.js';
import type { Task } from './task.js';

export interface RwLockOptions {
  class?: string;
  name?: string;
  /** Record readers as `recursive-read` instead of `read`. Default false. */
  recursiveReaders?: boolean;
}

export class RwLock extends LockPrimitive implements SpinningLock {
  private writer: Task | null = null;
  private readonly readers = new Map<Task, number>();
  private readonly readMode: 'read' | 'recursive-read';

  constructor(runtime: LockdepRuntime, options?: string | RwLockOptions) {
    super(runtime, 'rwlock', options);
    this.readMode = typeof options === 'object' && options.recursiveReaders === true ? 'recursive-read' : 'read';
  }

  get writeHolder(): Task | null {
    return this.writer;
  }

  get readHolders(): readonly Task[] {
    return [...this.readers.keys()];
  }

  isHeldBy(task: Task): boolean {
    return this.writer === task || this.readers.has(task);
  }

  /** `read_lock()`. */
  lockRead(task?: TaskArg, options?: AcquireOptions): void {
    const t = this.taskOf(task);
    if (this.writer !== null) failContended(this, t, this.readMode, options, [this.writer]);
    if (this.runtime.active) this.runtime.acquire(t, this, this.readMode, false, options);
    this.takeRead(t);
  }

  /** `read_trylock()`. */
  tryLockRead(task?: TaskArg, options?: AcquireOptions): boolean {
    return this.tryAcquireIfFree(task, this.readMode, options, () => this.writer === null, (t) => this.takeRead(t));
  }

  /** `read_unlock()`. */
  unlockRead(task?: TaskArg): void {
    const t = this.releaserOf(task);
    const rt = this.runtime;
    if (!dropHold(this.readers, t)) {
      this.unlockNotHeld(t, 'read_unlocks', ' for read');
      return;
    }
    if (rt.active) rt.release(t, this);
  }

  /** `write_lock()`. */
  lock(task?: TaskArg, options?: AcquireOptions): void {
    const t = this.taskOf(task);
    if (this.writer !== null) failContended(this, t, 'write', options, [this.writer]);
    if (this.readers.size > 0) failContended(this, t, 'write', options, [...this.readers.keys()]);
    if (this.runtime.active) this.runtime.acquire(t, this, 'write', false, options);
    this.takeWrite(t);
  }

  /** `write_trylock()`. */
  tryLock(task?: TaskArg, options?: AcquireOptions): boolean {
    return this.tryAcquireIfFree(task, 'write', options, () => this.writer === null && this.readers.size === 0, (t) => this.takeWrite(t));
  }

  /** `write_unlock()`. */
  unlock(task?: TaskArg): void {
    const t = this.releaserOf(task);
    const rt = this.runtime;
    if (this.writer !== t) {
      this.unlockNotHeld(t, 'write_unlocks', ' for write');
      return;
    }
    this.writer = null;
    if (rt.active) rt.release(t, this);
  }

  /** Runs the synchronous `fn` holding the lock for read. */
  withRead<T>(task: TaskArg, fn: () => T, options?: AcquireOptions): T {
    return this.holding(task, (t) => this.lockRead(t, options), (t) => this.unlockRead(t), fn);
  }


  /** Runs the synchronous `fn` holding the lock for write. */
  with<T>(task: TaskArg, fn: () => T, options?: AcquireOptions): T {
    return this.holding(task, (t) => this.lock(t, options), (t) => this.unlock(t), fn);
  }

  private takeRead(t: Task): void {
    addHold(this.readers, t);
    watchForYieldWhileHeld(this, t);
  }

  private takeWrite(t: Task): void {
    this.writer = t;
    watchForYieldWhileHeld(this, t);
  }
}
