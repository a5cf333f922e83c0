/**
 * KeyedLocks: one Mutex per key (per account, per cart) in one lock class per key type, and the
 * ordered acquisition of several keys (docs/simulation.md, "Keyed locks").
 * Owns: the instances (created on first use, named `class[key]`), the key order (`compare`,
 * default: numbers numerically, anything else by its string), and the subclass each
 * acquisition gets: the number of keys of this set the task already holds when the new key
 * comes after all of them (subclass 0, 1, 2... in key order: `class -> class/1` is a dependency
 * lockdep accepts), and subclass 0 otherwise, so a key taken out of key order collides with the
 * key already held and is reported as possible recursive locking: the AB-BA of a bank transfer
 * that locks its two accounts in caller order. `withAll`/`lockAll` sort the keys first.
 * Invariants: at most 8 keys of one set are held by a task at once (lockdep's subclasses);
 * a key is locked at most once by `withAll` (duplicates are dropped).
 */
import type { Branch } from './branch.js';
import { SimulationUsageError } from './errors.js';
import { resolveTask, type TaskArg } from './lock-primitive.js';
import { Mutex } from './mutex.js';
import type { LockdepRuntime } from './runtime.js';
import type { Task } from './task.js';

const MAX_KEYS_HELD = 8;

export interface KeyedLocksOptions<K> {
  /** Key order: negative when `a` comes first. Default: numbers numerically, else by `String(key)`. */
  compare?: (a: K, b: K) => number;
}

function defaultCompare<K>(a: K, b: K): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const [x, y] = [String(a), String(b)];
  return x < y ? -1 : x > y ? 1 : 0;
}

export class KeyedLocks<K> {
  readonly runtime: LockdepRuntime;
  readonly className: string;
  private readonly compare: (a: K, b: K) => number;
  private readonly locks = new Map<K, Mutex>();
  private readonly keyOfLock = new Map<string, K>();
  /** Keys held by tasks that no async code runs (explicit handles): their lanes keep no holds. */
  private readonly heldByTask = new Map<Task, K[]>();

  constructor(runtime: LockdepRuntime, className: string, options: KeyedLocksOptions<K> = {}) {
    this.runtime = runtime;
    this.className = className;
    this.compare = options.compare ?? defaultCompare;
  }

  /** The Mutex of `key` (created on first use, in this set's class). */
  lockOf(key: K): Mutex {
    let lock = this.locks.get(key);
    if (lock === undefined) {
      lock = new Mutex(this.runtime, { class: this.className, name: `${this.className}[${String(key)}]` });
      this.locks.set(key, lock);
      this.keyOfLock.set(lock.id, key);
    }
    return lock;
  }

  /** Locks `key` (after the keys of this set the task holds: in key order, or it is reported). */
  async lock(task: TaskArg, key: K): Promise<void> {
    const t = resolveTask(this.runtime, task, this.className);
    const held = this.keysHeldBy(t);
    if (held.length >= MAX_KEYS_HELD) {
      throw new SimulationUsageError(`task ${t.id} would hold more than ${MAX_KEYS_HELD} keys of ${this.className} (lockdep has 8 subclasses)`);
    }
    const inOrder = held.every((other) => this.compare(other, key) < 0);
    await this.lockOf(key).lock(t, { subclass: inOrder ? held.length : 0 });
    if (t.family === null) this.heldByTask.set(t, [...held, key]);
  }

  unlock(task: TaskArg, key: K): void {
    this.lockOf(key).unlock(task);
    const keys = task === null || task === undefined ? undefined : this.heldByTask.get(task);
    if (keys === undefined) return;
    const index = keys.indexOf(key);
    if (index >= 0) keys.splice(index, 1);
    if (keys.length === 0) this.heldByTask.delete(task as Task);
  }

  /** Runs `fn` holding `key`. */
  async with<T>(task: TaskArg, key: K, fn: () => T | Promise<T>): Promise<T> {
    return this.withAll(task, [key], fn);
  }

  /**
   * Locks every key, sorted and without duplicates; resolves to the function that unlocks them
   * all. For async code the caller's flow holds every key afterwards (one collecting branch).
   */
  lockAll(task: TaskArg, keys: Iterable<K>): Promise<() => void> {
    if (!this.isAsyncFlow(task)) return this.takeAll(task, this.sortedUnique(keys));
    const context = this.runtime.context;
    const branch = context.enterCollecting();
    const taking = this.takeAll(task, this.sortedUnique(keys));
    context.hideFromSyncRun(branch);
    void taking.then(
      () => (branch.collecting = false),
      () => (branch.collecting = false),
    );
    return taking;
  }

  /** Runs `fn` holding every key (taken in key order), in a branch of its own for async code. */
  withAll<T>(task: TaskArg, keys: Iterable<K>, fn: () => T | Promise<T>): Promise<T> {
    const sorted = this.sortedUnique(keys);
    const run = async (scope: Branch | null): Promise<T> => {
      const unlockAll = await this.takeAll(task, sorted);
      if (scope !== null) scope.collecting = false;
      try {
        return await fn();
      } finally {
        unlockAll();
      }
    };
    return this.isAsyncFlow(task) ? this.runtime.context.runScope(run) : run(null);
  }

  private isAsyncFlow(task: TaskArg): boolean {
    return task === null || task === undefined || task.family !== null;
  }

  private async takeAll(task: TaskArg, sorted: readonly K[]): Promise<() => void> {
    const t = resolveTask(this.runtime, task, this.className);
    const taken: K[] = [];
    try {
      for (const key of sorted) {
        await this.lock(t, key);
        taken.push(key);
      }
    } catch (error) {
      for (const key of taken.reverse()) this.unlock(t, key);
      throw error;
    }
    return () => {
      for (const key of sorted.slice().reverse()) this.unlock(t, key);
    };
  }

  private sortedUnique(keys: Iterable<K>): K[] {
    const sorted = [...keys].sort(this.compare);
    return sorted.filter((key, i) => i === 0 || this.compare(sorted[i - 1] as K, key) !== 0);
  }

  /** The keys of this set `task` holds: its lane's live holds for async code, else what this set recorded. */
  private keysHeldBy(task: Task): K[] {
    if (task.family === null) return this.heldByTask.get(task) ?? [];
    const keys: K[] = [];
    for (const hold of task.mirror) {
      const key = this.keyOfLock.get(hold.lock.id);
      if (key !== undefined && !hold.released) keys.push(key);
    }
    return keys;
  }
}
