/**
 * WaitQueue and Completion: waiting for an event rather than for a lock (the kernel's
 * `wait_event`/`rcuwait` and `struct completion`). Waiting is a sleep point (`might-sleep`: a
 * finding in atomic context) and blocks the task in its Simulation, so a wait that can never be
 * satisfied is part of deadlock detection. They are not locks: they add no dependency.
 * Invariants: `wake*` only wakes tasks already waiting (a wake-up with no waiter is lost, as with
 * a bare `rcuwait_wake_up`); a Completion once completed lets every later `wait` through until
 * `reinit()`.
 */
import { resolveTask, type TaskArg } from './lock-primitive.js';
import type { LockdepRuntime } from './runtime.js';
import type { Task } from './task.js';
import type { Blocker, Waitable } from './waitable.js';

interface Sleeper {
  task: Task;
  resolve: () => void;
}

abstract class EventWait implements Waitable {
  readonly runtime: LockdepRuntime;
  readonly displayName: string;
  protected readonly sleepers: Sleeper[] = [];

  protected constructor(runtime: LockdepRuntime, name: string) {
    this.runtime = runtime;
    this.displayName = name;
  }

  /** Tasks waiting, in wake-up order. */
  get waiters(): readonly Task[] {
    return this.sleepers.map((s) => s.task);
  }

  blockersOf(_waiter: Task): Blocker[] {
    return [];
  }

  protected taskOf(task: TaskArg): Task {
    return resolveTask(this.runtime, task, this.displayName);
  }

  protected sleep(t: Task, site: string | undefined): Promise<void> {
    this.runtime.mightSleep(t, site);
    return new Promise<void>((resolve) => {
      this.sleepers.push({ task: t, resolve });
      t.block(this, 'event');
    });
  }

  protected wakeSleeper(s: Sleeper): void {
    s.task.unblock();
    s.resolve();
  }
}

export class WaitQueue extends EventWait {
  constructor(runtime: LockdepRuntime, name = 'wait-queue') {
    super(runtime, name);
  }

  /** Sleeps until woken (`schedule()` after `prepare_to_wait`). */
  wait(task?: TaskArg, site?: string): Promise<void> {
    try {
      return this.sleep(this.taskOf(task), site);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** `wait_event()`: sleeps until `condition()` holds, re-checking after every wake-up. */
  async waitUntil(task: TaskArg, condition: () => boolean, site?: string): Promise<void> {
    const t = this.taskOf(task);
    while (!condition()) await this.sleep(t, site);
  }

  /** Wakes the longest-waiting task. Returns false when nobody waits (the wake-up is lost). */
  wakeOne(): boolean {
    const s = this.sleepers.shift();
    if (s === undefined) return false;
    this.wakeSleeper(s);
    return true;
  }

  /** Wakes every waiting task; returns how many. */
  wakeAll(): number {
    const woken = this.sleepers.splice(0);
    for (const s of woken) this.wakeSleeper(s);
    return woken.length;
  }
}

export class Completion extends EventWait {
  private completed = false;

  constructor(runtime: LockdepRuntime, name = 'completion') {
    super(runtime, name);
  }

  get done(): boolean {
    return this.completed;
  }

  /** `wait_for_completion()`. */
  wait(task?: TaskArg, site?: string): Promise<void> {
    try {
      const t = this.taskOf(task);
      if (this.completed) {
        this.runtime.mightSleep(t, site);
        return Promise.resolve();
      }
      return this.sleep(t, site);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** `complete_all()`: lets every current and future waiter through. */
  complete(): void {
    this.completed = true;
    for (const s of this.sleepers.splice(0)) this.wakeSleeper(s);
  }

  /** `reinit_completion()`. */
  reinit(): void {
    this.completed = false;
  }
}
