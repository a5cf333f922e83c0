/**
 * The held-lock and irq state of a trace, as the trace format and docs/semantics.md define it,
 * written out plainly for the oracle property test: lock instances (re-initialised ones are new
 * objects), per task the held stack (irq context per entry, `nest` merging into a same-class top
 * entry with a reference count, release searched from the top within the current irq context,
 * out-of-order release re-acquiring the entries above) and the hardirq/softirq context and
 * enabled state. The generator uses it to emit only valid releases and irq actions; the oracle
 * (oracle.ts) observes it to build its own prediction. No engine code is used.
 */
import type { LockMode, TraceEvent } from '../../src/events/event.js';

/** Irq context bits of a held entry: 2 = hardirq, 1 = softirq, 0 = process. */
export type IrqContext = number;

export interface HeldEntry {
  id: string;
  /** The instance object (a re-initialised id is a new object). */
  obj: number;
  cls: string;
  mode: LockMode;
  trylock: boolean;
  ctx: IrqContext;
  /** Holds merged into this entry by `nest` (0: not merged), as the engine counts them. */
  references: number;
  /** The held `nest` instance object that serializes this acquisition, if any. */
  nestObj: number | undefined;
  /**
   * Whether the acquisition was linked to the locks held below it (set by the oracle; false when
   * it was serialized by a `nest` lock or reported as recursion, which add no dependencies).
   */
  linked: boolean;
}

export class TaskModel {
  held: HeldEntry[] = [];
  hardirqDepth = 0;
  softirqDepth = 0;
  hardirqsEnabled = true;
  softirqsEnabled = true;
  private readonly savedHard: boolean[] = [];
  private readonly savedSoft: boolean[] = [];

  get ctx(): IrqContext {
    return (this.hardirqDepth > 0 ? 2 : 0) | (this.softirqDepth > 0 ? 1 : 0);
  }

  enter(hard: boolean): void {
    if (hard) {
      this.savedHard.push(this.hardirqsEnabled);
      this.hardirqDepth++;
      this.hardirqsEnabled = false;
    } else {
      this.savedSoft.push(this.softirqsEnabled);
      this.softirqDepth++;
      this.softirqsEnabled = false;
    }
  }

  exit(hard: boolean): void {
    if (hard) {
      if (this.hardirqDepth === 0) return;
      this.hardirqDepth--;
      this.hardirqsEnabled = this.savedHard.pop() ?? true;
    } else {
      if (this.softirqDepth === 0) return;
      this.softirqDepth--;
      this.softirqsEnabled = this.savedSoft.pop() ?? true;
    }
  }
}

interface InstanceObject {
  obj: number;
  id: string;
  base: string;
  /** Held entries whose instance this object is (merged holds do not count). */
  holders: number;
  /** Every class this object was acquired as. */
  classes: Set<string>;
}

/** What the oracle wants to see while the model runs. */
export interface HeldObserver {
  /** An acquisition that is pushed (after the nest check), before the push; `below` = the held stack. */
  acquired?(task: TaskModel, entry: HeldEntry, below: readonly HeldEntry[]): void;
  /** An entry pushed again after an out-of-order release, before the push. */
  reacquired?(task: TaskModel, entry: HeldEntry, below: readonly HeldEntry[]): void;
  /** Hardirqs (or softirqs) were just enabled with `held` held. */
  enabled?(task: TaskModel, hard: boolean): void;
  /** A held instance was freed or initialised again; `names` = the classes of its holding entries. */
  heldFreed?(names: string[]): void;
  /** A task exited holding `classes`. */
  exitedHolding?(classes: string[]): void;
  /** An acquisition named a `nest` lock the task does not hold. */
  nestNotHeld?(cls: string): void;
}

export const className = (base: string, subclass: number): string => (subclass === 0 ? base : `${base}/${subclass}`);

/** The instances and tasks of a trace, advanced one event at a time. */
export class HeldModel {
  readonly tasks = new Map<string, TaskModel>();
  private readonly instances = new Map<string, InstanceObject>();
  private readonly objects = new Map<number, InstanceObject>();
  private nextObj = 0;

  constructor(private readonly observer: HeldObserver = {}) {}

  task(id: string): TaskModel {
    let task = this.tasks.get(id);
    if (task === undefined) {
      task = new TaskModel();
      this.tasks.set(id, task);
    }
    return task;
  }

  apply(event: TraceEvent): void {
    switch (event.op) {
      case 'init': {
        const existing = this.instances.get(String(event.lock));
        if (existing !== undefined && existing.holders > 0) this.reportFreed(existing);
        this.define(String(event.lock), event.class ?? String(event.lock));
        return;
      }
      case 'free': {
        const existing = this.instances.get(String(event.lock));
        if (existing !== undefined && existing.holders > 0) this.reportFreed(existing);
        return;
      }
      case 'acquire':
        this.acquire(this.task(String(event.task)), String(event.lock), event.mode ?? 'write', event.try === true, event.subclass ?? 0, event.nest);
        return;
      case 'release':
        this.release(this.task(String(event.task)), String(event.lock));
        return;
      case 'irq':
        this.irq(this.task(String(event.task)), event.kind === 'hardirq', event.action);
        return;
      case 'exit': {
        const task = this.task(String(event.task));
        if (task.held.length > 0) {
          this.observer.exitedHolding?.([...new Set(task.held.map((h) => h.cls))]);
          for (const h of task.held) this.objectOf(h).holders--;
        }
        this.tasks.delete(String(event.task));
        return;
      }
      default:
        throw new Error(`the held model does not take ${event.op} events`);
    }
  }

  /** The entries of `task` a release may name (its current irq context, top first). */
  releasable(task: TaskModel): HeldEntry[] {
    const result: HeldEntry[] = [];
    for (let i = task.held.length - 1; i >= 0; i--) {
      const h = task.held[i]!;
      if (h.ctx !== task.ctx) break;
      result.push(h);
    }
    return result;
  }

  private define(id: string, base: string): void {
    const object: InstanceObject = { obj: this.nextObj++, id, base, holders: 0, classes: new Set() };
    this.instances.set(id, object);
    this.objects.set(object.obj, object);
  }

  private objectOf(entry: HeldEntry): InstanceObject {
    const object = this.objects.get(entry.obj);
    if (object === undefined) throw new Error(`unknown instance object ${entry.obj}`);
    return object;
  }

  private reportFreed(object: InstanceObject): void {
    const names: string[] = [];
    for (const task of this.tasks.values()) for (const h of task.held) if (h.obj === object.obj) names.push(h.cls);
    this.observer.heldFreed?.(names);
  }

  private acquire(task: TaskModel, id: string, mode: LockMode, trylock: boolean, subclass: number, nestId: string | number | undefined): void {
    if (!this.instances.has(id)) this.define(id, id);
    const object = this.instances.get(id)!;
    const cls = className(object.base, subclass);
    object.classes.add(cls);
    let nestObj: number | undefined;
    if (nestId !== undefined) {
      const nest = this.instances.get(String(nestId));
      if (nest === undefined || !task.held.some((h) => h.obj === nest.obj)) {
        this.observer.nestNotHeld?.(cls);
      } else {
        const top = task.held[task.held.length - 1];
        if (top !== undefined && top.cls === cls) {
          top.references = (top.references === 0 ? 1 : top.references) + 1;
          return;
        }
        nestObj = nest.obj;
      }
    }
    const entry: HeldEntry = { id, obj: object.obj, cls, mode, trylock, ctx: task.ctx, references: 0, nestObj, linked: true };
    this.observer.acquired?.(task, entry, [...task.held]);
    task.held.push(entry);
    object.holders++;
  }

  private release(task: TaskModel, id: string): void {
    const current = this.instances.get(id);
    let index = -1;
    for (let i = task.held.length - 1; i >= 0 && current !== undefined; i--) {
      const h = task.held[i]!;
      if (h.ctx !== task.ctx) break;
      if (h.obj === current.obj || (h.references > 0 && current.classes.has(h.cls))) {
        index = i;
        break;
      }
    }
    for (let i = task.held.length - 1; i >= 0 && index < 0; i--) {
      const h = task.held[i]!;
      if (h.ctx !== task.ctx) break;
      if (h.id === id) index = i;
    }
    if (index < 0) throw new Error(`release of ${id}, which the task does not hold in its irq context`);
    const entry = task.held[index]!;
    if (entry.references > 0) {
      entry.references--;
      if (entry.references > 0) return;
    }
    this.objectOf(entry).holders--;
    const above = task.held.splice(index);
    above.shift();
    for (const again of above) {
      this.observer.reacquired?.(task, again, [...task.held]);
      task.held.push(again);
    }
  }

  private irq(task: TaskModel, hard: boolean, action: string): void {
    switch (action) {
      case 'enter':
        task.enter(hard);
        return;
      case 'exit':
        task.exit(hard);
        return;
      case 'disable':
        if (hard) task.hardirqsEnabled = false;
        else task.softirqsEnabled = false;
        return;
      case 'enable':
        if (hard) {
          if (task.hardirqsEnabled) return;
          task.hardirqsEnabled = true;
        } else {
          if (task.softirqsEnabled) return;
          task.softirqsEnabled = true;
        }
        this.observer.enabled?.(task, hard);
        return;
    }
  }
}
