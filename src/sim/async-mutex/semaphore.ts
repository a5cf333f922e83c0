/**
 * Semaphore of the `lockdep/async-mutex` drop-in: async-mutex 0.5's Semaphore (value, weights,
 * priorities, `waitForUnlock`, unscoped `release`, `cancel`, `setValue`), instrumented for
 * lockdep; also the lock inside the drop-in's Mutex.
 * What lockdep sees (docs/simulation.md, "The async-mutex drop-in"):
 *  - initial value 1: a `mutex` class, every acquisition exclusive;
 *  - initial value N > 1 (a counting semaphore): an `rwsem` class; an acquisition of weight < N
 *    is a shared (`read`) hold, of weight >= N an exclusive one. A cycle through it is reported:
 *    it deadlocks once every permit is held by tasks waiting in the cycle. Taking a permit while
 *    holding one is recursive locking, which deadlocks when the others are held the same way;
 *  - initial value < 1 (a semaphore used as a signal: released before it is acquired): not
 *    validated, like the kernel, which leaves counting semaphores out of lockdep;
 *  - `waitForUnlock` is `lock_sync`: validated as an acquisition while waiting, holds nothing.
 * Invariants: the acquisition is recorded before waiting (a finding comes before any real
 * deadlock); a waiter that times out or is cancelled leaves the queue and its recording is
 * undone with a release; a releaser releases the hold it was made for, from whichever branch
 * calls it, once; an unscoped `release()` releases the current flow's hold, else the oldest.
 * The class of an instance is named from the constructor's call site unless named explicitly.
 */
import type { LockMode } from '../../events/event.js';
import { LOCK_TYPE_TRAITS } from '../../events/lock-type.js';
import type { Branch } from '../branch.js';
import { LockPrimitive } from '../lock-primitive.js';
import { defaultRuntime } from '../default-runtime.js';
import type { LockdepRuntime } from '../runtime.js';
import { attachLazyStack } from '../stack-capture.js';
import type { Task } from '../task.js';
import type { Blocker, Waitable } from '../waitable.js';
import { E_CANCELED } from './errors.js';

export type Releaser = () => void;

/** How a drop-in lock is named and where it reports: a class name, or these fields. */
export type DropInLockOptions = string | { class?: string; name?: string; runtime?: LockdepRuntime };

/** The object form of the options, plus the kind the drop-in's Mutex names its class with. */
type NamedOptions = Exclude<DropInLockOptions, string> & { kind?: string };

/** What a waiting view (`withTimeout`, `tryAcquire`) changes about an acquisition. */
export type AcquireLimit = { readonly kind: 'timeout'; readonly ms: number; readonly error: Error } | { readonly kind: 'try'; readonly error: Error };

interface Holder {
  readonly task: Task | null;
  released: boolean;
}

interface Pending {
  readonly task: Task | null;
  readonly weight: number;
  readonly priority: number;
  readonly mode: LockMode;
  grant(): void;
  reject(error: unknown): void;
  timer: ReturnType<typeof setTimeout> | null;
}

interface UnlockWaiter {
  readonly priority: number;
  resolve(): void;
}

/** Splits async-mutex's `(cancelError?)` from the drop-in's extra `options` argument. */
export function splitLockArguments(first: Error | DropInLockOptions | undefined, second: DropInLockOptions | undefined): [Error, DropInLockOptions | undefined] {
  if (first instanceof Error) return [first, second];
  return [E_CANCELED, first ?? second];
}

/** `weight`, or async-mutex's error for a weight that is not positive. */
export function validWeight(weight: number): number {
  if (weight <= 0) throw new Error(`invalid weight ${weight}: must be positive`);
  return weight;
}

/**
 * `kind@file:line:column` of the user's code that constructed the lock: one class per
 * construction site, as the kernel has one per init site (the column tells apart two locks made
 * on one line, `const a = new Mutex(), b = new Mutex()`; a lock made in a loop is one class).
 */
function classFromCallSite(kind: string): string {
  const probe: { site?: string; stack?: string[] } = {};
  attachLazyStack(probe, 1, undefined, []);
  const frame = probe.stack?.[0];
  const position = (frame === undefined ? undefined : /\(([^()]+:\d+:\d+)\)$/.exec(frame)?.[1]) ?? probe.site;
  return position === undefined ? kind : `${kind}@${position}`;
}

/** Inserts after the last entry of priority >= `priority` (higher first, FIFO among equals). */
function insertByPriority<T extends { priority: number }>(list: T[], entry: T): number {
  let i = list.length - 1;
  while (i >= 0 && (list[i] as T).priority < entry.priority) i--;
  list.splice(i + 1, 0, entry);
  return i + 1;
}

export class Semaphore extends LockPrimitive implements Waitable {
  private value: number;
  /** The initial value: 1 is a mutex for lockdep, more a counting semaphore. */
  readonly capacity: number;
  private readonly cancelError: Error;
  private readonly validated: boolean;
  private queue: Pending[] = [];
  private readonly unlockWaiters: UnlockWaiter[][] = [];
  private readonly holders: Holder[] = [];

  constructor(value: number, cancelError?: Error | DropInLockOptions, options?: DropInLockOptions) {
    const [error, opts] = splitLockArguments(cancelError, options);
    const named: NamedOptions = typeof opts === 'string' ? { class: opts } : (opts ?? {});
    const runtime = named.runtime ?? defaultRuntime();
    const className = named.class ?? named.name ?? classFromCallSite(named.kind ?? 'Semaphore');
    super(runtime, value === 1 ? 'mutex' : 'rwsem', named.name === undefined ? { class: className } : { class: className, name: named.name });
    this.value = value;
    this.capacity = value;
    this.cancelError = error;
    this.validated = value >= 1;
  }

  /** `[value before, releaser]` once `weight` is available; the callers with higher `priority` first. */
  acquire(weight = 1, priority = 0): Promise<[number, Releaser]> {
    return this.request(validWeight(weight), priority, null, (value, release) => [value, release]);
  }

  /** Runs `callback(value)` holding `weight`, in a branch of its own; releases when it settles. */
  runExclusive<T>(callback: (value: number) => Promise<T> | T, weight = 1, priority = 0): Promise<T> {
    return this.exclusive(validWeight(weight), priority, null, callback);
  }

  /** Resolves once `weight` could be acquired with `priority` (without acquiring it). */
  waitForUnlock(weight = 1, priority = 0): Promise<void> {
    validWeight(weight);
    const rt = this.runtime;
    try {
      if (this.validated && rt.active) rt.sync(this.taskOf(undefined), this);
    } catch (error) {
      return Promise.reject(error);
    }
    if (this.couldLockImmediately(weight, priority)) return Promise.resolve();
    return new Promise<void>((resolve) => {
      insertByPriority((this.unlockWaiters[weight - 1] ??= []), { priority, resolve });
    });
  }

  /** Locked when the value is zero or negative. */
  isLocked(): boolean {
    return this.value <= 0;
  }

  getValue(): number {
    return this.value;
  }

  setValue(value: number): void {
    this.value = value;
    this.dispatch();
  }

  /** Unscoped release: adds `weight` to the value; lockdep drops the current flow's hold (else the oldest). */
  release(weight = 1): void {
    validWeight(weight);
    this.value += weight;
    try {
      const holder = this.unscopedHolder();
      if (holder !== undefined) this.dropHolder(holder);
    } finally {
      this.dispatch();
    }
  }

  /** Rejects every pending acquisition with the cancel error; held ones stay held. */
  cancel(): void {
    const pending = this.queue;
    this.queue = [];
    for (const entry of pending) this.leaveQueue(entry, this.cancelError);
  }

  blockersOf(waiter: Task): Blocker[] {
    const blockers: Blocker[] = [];
    const holdMode = LOCK_TYPE_TRAITS[this.type].readerWriter ? 'read' : 'write';
    for (const holder of this.holders) if (holder.task !== null) blockers.push({ task: holder.task, reason: 'holds', mode: holdMode });
    for (const entry of this.queue) {
      if (entry.task === waiter) break;
      if (entry.task !== null) blockers.push({ task: entry.task, reason: 'queued-ahead', mode: entry.mode });
    }
    return blockers;
  }

  /**
   * The acquisition behind every form: recorded (unless a `try` view finds it unavailable), then
   * granted at once or queued; `shape` builds what the promise resolves to.
   */
  request<T>(weight: number, priority: number, limit: AcquireLimit | null, shape: (value: number, release: Releaser) => T): Promise<T> {
    const immediate = this.couldLockImmediately(weight, priority);
    if (limit !== null && limit.kind === 'try' && !immediate) return Promise.reject(limit.error);
    const mode: LockMode = !LOCK_TYPE_TRAITS[this.type].readerWriter || weight >= this.capacity ? 'write' : 'read';
    const rt = this.runtime;
    let task: Task | null = null;
    try {
      if (this.validated && rt.active) {
        task = this.taskOf(undefined);
        rt.acquire(task, this, mode, limit !== null && limit.kind === 'try', undefined, true);
      }
    } catch (error) {
      return Promise.reject(error);
    }
    if (immediate) return Promise.resolve(this.grant(task, weight, shape));
    return new Promise<T>((resolve, reject) => {
      const entry: Pending = {
        task,
        weight,
        priority,
        mode,
        grant: () => resolve(this.grant(task, weight, shape)),
        reject,
        timer: null,
      };
      insertByPriority(this.queue, entry);
      if (task !== null) task.block(this, mode, (reason) => this.giveUp(entry, reason));
      if (limit !== null && limit.kind === 'timeout') {
        entry.timer = setTimeout(() => this.giveUp(entry, limit.error), limit.ms);
      }
    });
  }

  /** `runExclusive` under an optional limit: the callback runs in a branch of its own. */
  exclusive<T>(weight: number, priority: number, limit: AcquireLimit | null, callback: (value: number) => Promise<T> | T): Promise<T> {
    if (!this.runtime.active) return this.exclusiveIn(weight, priority, limit, callback);
    return this.runtime.context.runScope((branch) => this.exclusiveIn(weight, priority, limit, callback, branch));
  }

  private async exclusiveIn<T>(
    weight: number,
    priority: number,
    limit: AcquireLimit | null,
    callback: (value: number) => Promise<T> | T,
    scope: Branch | null = null,
  ): Promise<T> {
    const [value, release] = await this.request(weight, priority, limit, (v, r): [number, Releaser] => [v, r]);
    if (scope !== null) scope.collecting = false;
    try {
      return await callback(value);
    } finally {
      release();
    }
  }

  /** Nobody queued with a priority >= `priority` (the queue is sorted, highest first), and enough value. */
  private couldLockImmediately(weight: number, priority: number): boolean {
    const head = this.queue[0];
    return (head === undefined || head.priority < priority) && weight <= this.value;
  }

  private grant<T>(task: Task | null, weight: number, shape: (value: number, release: Releaser) => T): T {
    const previous = this.value;
    this.value -= weight;
    const holder: Holder = { task, released: false };
    this.holders.push(holder);
    let called = false;
    return shape(previous, () => {
      if (called) return;
      called = true;
      this.value += weight;
      try {
        if (!holder.released) this.dropHolder(holder);
      } finally {
        this.dispatch();
      }
    });
  }

  private dropHolder(holder: Holder): void {
    holder.released = true;
    this.holders.splice(this.holders.indexOf(holder), 1);
    if (holder.task !== null && this.runtime.active) this.runtime.release(holder.task, this);
  }

  private unscopedHolder(): Holder | undefined {
    if (this.holders.length <= 1 || !this.runtime.active) return this.holders[0];
    const lane = this.runtime.context.releaser(undefined, this);
    return this.holders.find((holder) => holder.task === lane) ?? this.holders[0];
  }

  private dispatch(): void {
    this.drainUnlockWaiters();
    let head = this.queue[0];
    while (head !== undefined && head.weight <= this.value) {
      this.queue.shift();
      if (head.timer !== null) clearTimeout(head.timer);
      head.task?.unblock();
      head.grant();
      this.drainUnlockWaiters();
      head = this.queue[0];
    }
  }

  private drainUnlockWaiters(): void {
    const head = this.queue[0];
    for (let weight = this.value; weight > 0; weight--) {
      const waiters = this.unlockWaiters[weight - 1];
      if (waiters === undefined || waiters.length === 0) continue;
      const cut = head === undefined ? waiters.length : waiters.findIndex((w) => w.priority <= head.priority);
      const woken = waiters.splice(0, cut < 0 ? waiters.length : cut);
      for (const waiter of woken) waiter.resolve();
    }
  }

  /** A still queued waiter gives up (its timeout): it leaves the queue, and the waiters behind it may go. */
  private giveUp(entry: Pending, reason: unknown): void {
    const index = this.queue.indexOf(entry);
    if (index < 0) return;
    this.queue.splice(index, 1);
    this.leaveQueue(entry, reason);
    this.dispatch();
  }

  /** A waiter gives up (timeout, cancel): it stops waiting, its recording is undone, it rejects. */
  private leaveQueue(entry: Pending, error: unknown): void {
    if (entry.timer !== null) clearTimeout(entry.timer);
    let reason: unknown = error;
    if (entry.task !== null) {
      entry.task.unblock();
      try {
        if (this.runtime.active) this.runtime.release(entry.task, this);
      } catch (releaseError) {
        reason = releaseError;
      }
    }
    entry.reject(reason);
  }
}
