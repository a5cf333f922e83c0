/**
 * RwLock: a synchronous reader-writer spinning lock (the kernel's `rwlock_t`, lockdep type
 * `rwlock`; KVM's x86 `mmu_lock`). Holding it in either mode is atomic context, as for SpinLock.
 * Readers are recorded as `read` (a queued rwlock's reader in process context waits for a
 * queued writer); `recursiveReaders: true` records them as `recursive-read` (the kernel's
 * behaviour in interrupt context or without queued rwlocks).
 * Invariants: either one writer or any number of readers; `lock`/`lockRead` never wait: a
 * conflicting holder makes them emit, compensate and throw SpinLockContendedError.
 */
import { SpinLockContendedError } from './errors.js';
import { LockPrimitive } from './lock-primitive.js';
import type { TaskArg } from './lock-primitive.js';
import type { AcquireOptions, LockdepRuntime } from './runtime.js';
import { watchForYieldWhileHeld } from './spinning.js';
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
    const rt = this.runtime;
    if (this.writer !== null) {
      if (rt.active) {
        rt.acquire(t, this, this.readMode, false, options);
        rt.release(t, this);
      }
      throw new SpinLockContendedError(this.displayName, t.id, [this.writer.id]);
    }
    if (rt.active) rt.acquire(t, this, this.readMode, false, options);
    this.readers.set(t, (this.readers.get(t) ?? 0) + 1);
    watchForYieldWhileHeld(this, t);
  }

  /** `read_trylock()`. */
  tryLockRead(task?: TaskArg, options?: AcquireOptions): boolean {
    const t = this.taskOf(task);
    if (this.writer !== null) return false;
    const rt = this.runtime;
    if (rt.active) rt.acquire(t, this, this.readMode, true, options);
    this.readers.set(t, (this.readers.get(t) ?? 0) + 1);
    watchForYieldWhileHeld(this, t);
    return true;
  }

  /** `read_unlock()`. */
  unlockRead(task?: TaskArg): void {
    const t = this.taskOf(task);
    const rt = this.runtime;
    const holds = this.readers.get(t);
    if (holds === undefined) {
      this.unlockNotHeld(t, 'read_unlocks', ' for read');
      return;
    }
    if (holds === 1) this.readers.delete(t);
    else this.readers.set(t, holds - 1);
    if (rt.active) rt.release(t, this);
  }

  /** `write_lock()`. */
  lock(task?: TaskArg, options?: AcquireOptions): void {
    const t = this.taskOf(task);
    const rt = this.runtime;
    if (this.writer !== null || this.readers.size > 0) {
      if (rt.active) {
        rt.acquire(t, this, 'write', false, options);
        rt.release(t, this);
      }
      const holders = this.writer !== null ? [this.writer.id] : [...this.readers.keys()].map((r) => r.id);
      throw new SpinLockContendedError(this.displayName, t.id, holders);
    }
    if (rt.active) rt.acquire(t, this, 'write', false, options);
    this.writer = t;
    watchForYieldWhileHeld(this, t);
  }

  /** `write_trylock()`. */
  tryLock(task?: TaskArg, options?: AcquireOptions): boolean {
    const t = this.taskOf(task);
    if (this.writer !== null || this.readers.size > 0) return false;
    const rt = this.runtime;
    if (rt.active) rt.acquire(t, this, 'write', true, options);
    this.writer = t;
    watchForYieldWhileHeld(this, t);
    return true;
  }

  /** `write_unlock()`. */
  unlock(task?: TaskArg): void {
    const t = this.taskOf(task);
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

}
