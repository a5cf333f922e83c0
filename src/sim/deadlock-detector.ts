/**
 * The runtime's deadlock detector: checks the wait-for graph the moment a task blocks, the way a
 * database's lock manager does, and turns a cycle into a `deadlock` finding (the wait-for cycle
 * and every blocked task with where it waits and what it holds). With `onDeadlock: 'throw'`, the
 * wait that closed the cycle is cancelled with a DeadlockError (the victim), so the program goes
 * on. It also knows which tasks are waiting, so a program that stops with tasks still waiting
 * (`lockdep run`, a Simulation where every task is blocked) is reported too (`reportStall`).
 * Invariants: a new cycle always runs through the task that just blocked (every other task of it
 * was already blocked, and a running task is in no cycle), so only the blocked tasks reachable
 * from it are walked; a task is in `waiting` from `block` until `unblock` (or its end); the
 * finding goes through the validator (deduplicated, in the result) but an `onFinding: 'throw'`
 * reaction does not apply to it: `onDeadlock` decides.
 */
import type { BlockedTaskRef, DeadlockDetail, WaitForEdge } from '../engine/deadlock-detail.js';
import type { Finding, HeldLockRef, LockInfo } from '../engine/finding.js';
import type { LockType } from '../events/event.js';
import { canonicalCycle, fingerprintOf } from '../engine/fingerprint.js';
import { DeadlockError } from './deadlock-error.js';
import type { LockdepRuntime } from './runtime.js';
import type { Task } from './task.js';
import type { Waitable } from './waitable.js';
import { describeBlocked, findWaitForCycle } from './wait-for.js';

export type DeadlockReaction = 'report' | 'throw';

/** The lock instance id, class and type of a waitable (a wait queue or completion is its own name). */
function identityOf(on: Waitable): { lock: string; class: string; type: LockType | undefined } {
  const lock = on as Partial<{ id: string; className: string; type: LockType }>;
  return { lock: lock.id ?? on.displayName, class: lock.className ?? on.displayName, type: lock.type };
}

/** Type and usage of the classes waited for, as far as the blocked tasks' held locks show them. */
function lockInfosOf(tasks: readonly Task[], blocked: readonly BlockedTaskRef[]): LockInfo[] {
  const usage = new Map<string, string>();
  for (const b of blocked) for (const held of b.held) usage.set(held.class, held.usage);
  const infos = new Map<string, LockInfo>();
  for (const task of tasks) {
    const identity = task.waitingOn === null ? undefined : identityOf(task.waitingOn.on);
    const known = identity === undefined ? undefined : usage.get(identity.class);
    if (identity?.type !== undefined && known !== undefined) infos.set(identity.class, { class: identity.class, type: identity.type, usage: known });
  }
  return [...infos.values()];
}

/** The blocked tasks reachable from `start` by "waits for" edges, `start` first. */
function reachableWaiters(start: Task): Task[] {
  const seen = new Set<Task>([start]);
  const order: Task[] = [start];
  for (let i = 0; i < order.length; i++) {
    const wait = (order[i] as Task).waitingOn;
    if (wait === null) continue;
    for (const blocker of wait.on.blockersOf(order[i] as Task)) {
      if (blocker.task.state !== 'blocked' || seen.has(blocker.task)) continue;
      seen.add(blocker.task);
      order.push(blocker.task);
    }
  }
  return order;
}

export class DeadlockDetector {
  private readonly waiting = new Set<Task>();
  /** Tasks already named by a reported cycle (a later stall report leaves them out). */
  private readonly reported = new Set<string>();
  private readonly listeners = new Set<(finding: Finding) => void>();

  constructor(
    private readonly runtime: LockdepRuntime,
    readonly reaction: DeadlockReaction = 'report',
  ) {}

  /** Tasks waiting now, in the order they started to wait. */
  get waiters(): Task[] {
    return [...this.waiting].filter((task) => task.state === 'blocked');
  }

  /** Calls `listener` with every deadlock finding from now on (a cycle as it forms, a stall); returns the unsubscribe function. */
  onDeadlock(listener: (finding: Finding) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  taskUnblocked(task: Task): void {
    this.waiting.delete(task);
    // Its cycle is over (its wait was cancelled or granted): a later wait is news again.
    this.reported.delete(task.id);
  }

  /** `task` has just started to wait: a wait-for cycle through it is a deadlock, reported now. */
  taskBlocked(task: Task): void {
    this.waiting.add(task);
    const wait = task.waitingOn;
    if (wait === null || wait.on.blockersOf(task).length === 0) return;
    const tasks = reachableWaiters(task);
    const steps = findWaitForCycle(describeBlocked(tasks));
    if (steps.length === 0) return;
    const byId = new Map(tasks.map((t) => [t.id, t]));
    const closing = steps.findIndex((step) => step.task === task.id);
    const rotated = closing <= 0 ? steps : [...steps.slice(closing), ...steps.slice(0, closing)];
    const cycle: WaitForEdge[] = rotated.map((step) => {
      const waited = (byId.get(step.task) as Task).waitingOn as NonNullable<Task['waitingOn']>;
      return { ...step, class: identityOf(waited.on).class };
    });
    const victim = byId.get(cycle[0]?.task ?? '') as Task;
    const cancel = this.reaction === 'throw' ? victim.waitingOn?.cancel : undefined;
    const inCycle = new Set(cycle.map((step) => step.task));
    const detail: DeadlockDetail = { cycle, blocked: tasks.filter((t) => inCycle.has(t.id)).map((t) => this.blockedRef(t)) };
    if (cancel !== undefined) detail.victim = victim.id;
    const classes = cycle.map((step) => step.class);
    const message = `tasks wait for each other: ${cycle.map((step) => `${step.task} -> ${step.lock}`).join(' -> ')} -> ${victim.id}`;
    const locks = lockInfosOf(tasks, detail.blocked);
    const finding = this.report(detail, classes, message, fingerprintOf('deadlock', null, canonicalCycle(classes)), locks);
    for (const id of inCycle) this.reported.add(id);
    if (cancel !== undefined) cancel(new DeadlockError(finding, victim.id));
  }

  /**
   * Reports the tasks still waiting (all of `tasks`, default every waiter) that no reported
   * cycle covers, as one `deadlock` finding with an empty cycle: the program stopped with them
   * waiting. Returns it, or null when nobody is left waiting.
   */
  reportStall(tasks: readonly Task[] = this.waiters): Finding | null {
    const stuck = tasks.filter((task) => task.state === 'blocked' && !this.reported.has(task.id));
    if (stuck.length === 0) return null;
    const detail: DeadlockDetail = { cycle: [], blocked: stuck.map((t) => this.blockedRef(t)) };
    const classes = [...new Set(detail.blocked.map((b) => b.class))];
    const waits = detail.blocked.map((b) => `${b.task} on ${b.lock}`).join(', ');
    const message = `the program stopped with ${stuck.length} task${stuck.length === 1 ? '' : 's'} still waiting (${waits})`;
    const locks = lockInfosOf(stuck, detail.blocked);
    const finding = this.report(detail, classes, message, fingerprintOf('deadlock', null, [...classes].sort(), ['stalled']), locks);
    for (const task of stuck) this.reported.add(task.id);
    return finding;
  }

  /** What `task` waits for, where it started waiting, and what else it holds. */
  private blockedRef(task: Task): BlockedTaskRef {
    const wait = task.waitingOn as NonNullable<Task['waitingOn']>;
    const { lock, class: className } = identityOf(wait.on);
    const held: HeldLockRef[] = this.runtime.validator?.query.heldLocks(task.id) ?? [];
    const ref: BlockedTaskRef = { task: task.id, lock, class: className, mode: wait.mode, held };
    // The acquisition is recorded before waiting, so the lock waited for is on the held stack.
    for (let i = held.length - 1; i >= 0; i--) {
      if (held[i]?.lock !== lock) continue;
      ref.waitingAt = (held[i] as HeldLockRef).at;
      ref.held = [...held.slice(0, i), ...held.slice(i + 1)];
      break;
    }
    return ref;
  }

  private report(detail: DeadlockDetail, classes: string[], message: string, fingerprint: string, locks: LockInfo[]): Finding {
    const first = detail.blocked[0];
    const finding: Finding = {
      kind: 'deadlock',
      rule: null,
      severity: 'error',
      fingerprint,
      message,
      classes,
      events: detail.blocked.flatMap((b) => (b.waitingAt ? [b.waitingAt] : [])),
      ...(first === undefined ? {} : { task: first.task, held: first.held }),
      ...(first?.waitingAt === undefined ? {} : { trigger: first.waitingAt }),
      ...(locks.length === 0 ? {} : { locks }),
      deadlock: detail,
    };
    const stored = this.runtime.reportDeadlock(finding);
    for (const listener of [...this.listeners]) listener(stored);
    return stored;
  }
}
