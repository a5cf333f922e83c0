/**
 * The validator's tables of live things: tasks by id, lock instances by id, and the lock classes
 * an instance resolves to (interned in the engine core's class registry; each new class gets its
 * room and flags in the validator's hot per-class arrays). It also owns the lifecycle events of instances
 * and tasks: `init`, `free` and `exit`.
 *
 * Preconditions: every call happens while the validator processes an event, whose place
 * (`eventPlace`) is where a limit error or a held-lock-freed report points; the limits are final.
 * Invariants: no table grows past its limit, and nothing is dropped silently: reaching a limit
 * throws an InputError at the event's file:line; a class gets its room in the hot per-class
 * arrays once, before it is used; an instance that is replaced (re-`init`) or freed is marked not alive, so stale
 * handles held by a reader are recognised.
 */
import { InputError } from '../io/input-error.js';
import { addClassTo } from './class-flags.js';
import type { InitEvent, LockId, LockType, TaskId, TraceEvent } from '../events/event.js';
import type { EngineCore } from './engine-core.js';
import { eventRef, initEventOf } from './event-refs.js';
import type { EventRef } from './finding.js';
import { heldAtExitFinding, heldLockFreedFinding } from './finding-builders.js';
import { LockInstance, TaskState, endTask, holdersOf } from './held-lock.js';
import type { EngineHooks } from './hooks.js';
import { LockClass, className } from './lock-class.js';
import type { ValidatorLimits } from './validator-options.js';

/** Where the event being processed is: its trace file (may be empty) and line. */
export interface EventPlace {
  readonly file: string;
  readonly line: number;
}

export class LockTables {
  readonly tasks = new Map<TaskId, TaskState>();
  readonly instances = new Map<LockId, LockInstance>();
  /** Tasks ever seen (an exited task's id may come back as a new task). */
  taskCount = 0;

  constructor(
    private readonly core: EngineCore,
    /** Every hook: those with `watchClass` mark the classes they watch, at creation. */
    private readonly hooks: readonly EngineHooks[],
    private readonly limits: ValidatorLimits,
    private readonly eventPlace: () => EventPlace,
  ) {}

  /** The live task `id`, created on first sight. */
  task(id: TaskId): TaskState {
    let task = this.tasks.get(id);
    if (task === undefined) {
      if (this.tasks.size >= this.limits.tasks) this.limitReached('live task', this.limits.tasks, '--max-tasks');
      task = new TaskState(id, String(id));
      this.tasks.set(id, task);
      this.taskCount++;
    }
    return task;
  }

  /** The live instance `id`; one used without `init` is defined on first sight. */
  instance(id: LockId, cls?: string, type?: LockType): LockInstance {
    return this.instances.get(id) ?? this.newInstance(id, cls, type, false);
  }

  /** The class of `inst` at `subclass`, cached on the instance (subclass 0 also in its hot fields). */
  classOf(inst: LockInstance, subclass: number): LockClass {
    const cached = subclass === 0 ? inst.class0 : inst.subclasses?.[subclass];
    if (cached !== undefined) return cached;
    const cls = this.internClass(className(inst.base, subclass), inst.type, inst.percpu);
    if (subclass === 0) {
      inst.class0 = cls;
      inst.class0Id = cls.id;
    } else {
      inst.subclasses ??= [];
      inst.subclasses[subclass] = cls;
    }
    return cls;
  }

  /** The class `name`, created (with its graph node and watch flag) on first sight. */
  internClass(name: string, type: LockType, percpu: boolean): LockClass {
    const classes = this.core.classes;
    const known = classes.get(name);
    if (known !== undefined) return known;
    if (classes.size >= this.limits.classes) this.limitReached('lock class', this.limits.classes, '--max-classes');
    const cls = classes.create(name, type, percpu);
    this.core.deps.addClass(cls.id);
    const hooks = this.hooks;
    for (let i = 0; i < hooks.length; i++) if (hooks[i]!.watchClass?.(name)) cls.watched = true;
    addClassTo(this.core.hotClasses, cls);
    return cls;
  }

  /** `init` of lock `id`; `event` is null when a byte-level reader delivered it (built only for a report). */
  initInstance(id: LockId, cls: string | undefined, type: LockType | undefined, percpu: boolean, event: InitEvent | null): void {
    const existing = this.instances.get(id);
    if (existing !== undefined && existing.holders > 0) {
      this.reportHeldLockFreed(existing, initEventOf(event, id, cls, type), 'initialised again');
    }
    this.defineInstance(id, cls, type, percpu);
  }

  free(event: Extract<TraceEvent, { op: 'free' }>): void {
    const inst = this.instances.get(event.lock);
    if (inst === undefined) return;
    if (inst.holders > 0) this.reportHeldLockFreed(inst, event, 'freed');
    inst.alive = false;
    this.instances.delete(event.lock);
  }

  /** Declares (or re-declares) an instance; an instance used without `init` is a mutex of class = its id. */
  private defineInstance(id: LockId, cls: string | undefined, type: LockType | undefined, percpu: boolean): LockInstance {
    const replaced = this.instances.get(id);
    if (replaced === undefined) return this.newInstance(id, cls, type, percpu);
    replaced.alive = false;
    const inst = new LockInstance(id, cls ?? String(id), type ?? 'mutex', percpu);
    this.instances.set(id, inst);
    return inst;
  }

  /** An instance `id` where there is none (one map lookup fewer on a first sight). */
  private newInstance(id: LockId, cls: string | undefined, type: LockType | undefined, percpu: boolean): LockInstance {
    if (this.instances.size >= this.limits.locks) this.limitReached('live lock instance', this.limits.locks, '--max-locks');
    const inst = new LockInstance(id, cls ?? String(id), type ?? 'mutex', percpu);
    this.instances.set(id, inst);
    return inst;
  }

  private reportHeldLockFreed(inst: LockInstance, event: TraceEvent, how: string): void {
    const holders = holdersOf(inst, this.tasks.values());
    const taskName = 'task' in event ? String(event.task) : (holders[0]?.task.name ?? '?');
    const { file, line } = this.eventPlace();
    this.core.findings.report(heldLockFreedFinding(this.core.classes, inst, holders, how, taskName, eventRef(event, taskName, file, line)));
  }

  /** The `exit` of a task: a finding at `at` if it still holds locks; then it is forgotten. */
  exitTask(event: Extract<TraceEvent, { op: 'exit' }>, at: EventRef): void {
    const task = this.task(event.task);
    if (task.held.length > 0) this.core.findings.report(heldAtExitFinding(this.core.classes, task, at));
    // A reader may keep the dead task as a stale handle for a while: it holds nothing.
    endTask(task);
    this.tasks.delete(event.task);
  }

  /** Nothing is dropped silently: a full table stops the check with a clear message. */
  private limitReached(what: string, limit: number, flag: string): never {
    const { file, line } = this.eventPlace();
    throw new InputError(
      `the ${what} limit (${limit}) is reached; nothing was dropped, the check stops here (raise it with ${flag})`,
      { file: file || '<events>', line },
    );
  }
}
