/**
 * Per-instance and per-task state of the validator: lock instances (what `init` declared),
 * held-lock entries (lockdep's `struct held_lock`) and task state (held stack, irq context and
 * irq-enable state). Plain mutable records for the hot path. Instances and tasks double as the
 * handles that byte-level readers cache per id (`alive` tells a stale one). Also the operations
 * on a held stack the validator delegates: record reuse (`takeHeld`), the release and assertion
 * searches, the holders of an instance, and the end of a task.
 * Invariant: `inst.holders` counts the held entries of `inst` over all live tasks.
 */
import type { LockId, LockType, TaskId, TraceEvent } from '../events/event.js';
import type { LockOpSite } from '../events/lock-op-sink.js';
import type { LockClass } from './lock-class.js';
import type { ENABLED_HARDIRQ, ENABLED_SOFTIRQ, USED_IN_HARDIRQ, USED_IN_SOFTIRQ } from './usage.js';

/** The usage bits a write acquisition sets with hardirqs and softirqs enabled (literals checked against usage.ts by their types). */
const IRQS_ENABLED_USAGE = (1 << (2 satisfies typeof ENABLED_HARDIRQ)) | (1 << (6 satisfies typeof ENABLED_SOFTIRQ));

export class LockInstance {
  /** Classes per subclass above 0, filled lazily (most instances are only taken at subclass 0). */
  subclasses: (LockClass | undefined)[] | undefined = undefined;
  /** The subclass-0 class and its id (filled lazily too), kept apart for the fast path. */
  class0: LockClass | undefined = undefined;
  class0Id = -1;
  /** How many held entries (over all tasks) refer to this instance. */
  holders = 0;
  /** False once the instance is freed or re-initialised: a reader's cached handle is then stale. */
  alive = true;
  constructor(
    readonly id: LockId,
    readonly base: string,
    readonly type: LockType,
    readonly percpu: boolean,
  ) {}

  /** Whether `cls` is the class of this instance at some subclass resolved so far. */
  hasClass(cls: LockClass): boolean {
    return cls === this.class0 || (this.subclasses !== undefined && this.subclasses.includes(cls));
  }
}

export class HeldLock {
  /** Holds merged into this entry by `nest`, counting the first (lockdep's `references`; 0: not merged). */
  references = 0;
  /** The next released record of its task's spare list (meaningful only while this one is on it). */
  nextSpare: HeldLock | undefined = undefined;
  constructor(
    public inst: LockInstance,
    public cls: LockClass,
    /** `cls.id`, read on the fast path without touching the class object. */
    public classId: number,
    public mode: number,
    public trylock: boolean,
    /** 0 process, 1 softirq, 2 hardirq, 3 hardirq inside softirq. */
    public irqContext: number,
    /** Chain id after this entry was pushed. */
    public chain: number,
    public nest: LockInstance | undefined,
    /** The acquiring event; null for a plain acquisition from a byte-level reader (see `site`). */
    public event: TraceEvent | null,
    /** Call site (and stack) of a plain acquisition (`event` null; lock-op-sink.ts LockOpSite); unused otherwise. */
    public site: LockOpSite,
    public file: string,
    public line: number,
  ) {}
}

export class TaskState {
  readonly held: HeldLock[] = [];
  /**
   * The last released held-lock record, the head of a list through `nextSpare`: reused by later
   * acquisitions (no allocation per hold). A list through the records, not an array, so that
   * taking and giving back a record touches no memory beyond the task and the record.
   */
  spare: HeldLock | undefined = undefined;
  /** The irq state; only irq-usage.ts changes it, and calls `settleIrqState` after each change. */
  hardirqDepth = 0;
  softirqDepth = 0;
  hardirqsEnabled = true;
  softirqsEnabled = true;
  /**
   * What the hot path reads of the irq state, settled once per irq event instead of derived per
   * acquisition: 0 process, 1 softirq, 2 hardirq, 3 hardirq inside softirq; whether the irq state
   * alone makes the task atomic; and the usage bits of a write acquisition (usage.ts numbering;
   * a read's are each one higher) that the irq context sets unless it is a trylock, and that the
   * enabled irqs set unless it is a sync (`usageNeeded` in hot-path.ts).
   */
  irqContext = 0;
  irqAtomic = false;
  irqContextUsage = 0;
  irqEnabledUsage = IRQS_ENABLED_USAGE;
  /** Spinlocks and rwlocks held: the task is atomic while > 0. */
  atomicHeld = 0;
  depthReported = false;
  /** False once the task has exited: a reader's cached handle is then stale. */
  alive = true;
  readonly savedHardirqsEnabled: boolean[] = [];
  readonly savedSoftirqsEnabled: boolean[] = [];
  constructor(
    readonly id: TaskId,
    readonly name: string,
  ) {}

  /** Derives the hot path's view of the irq state (the fields above) after a change of it. */
  settleIrqState(): void {
    const hard = this.hardirqDepth > 0;
    const soft = this.softirqDepth > 0;
    this.irqContext = (hard ? 2 : 0) | (soft ? 1 : 0);
    this.irqAtomic = hard || soft || !this.hardirqsEnabled || !this.softirqsEnabled;
    this.irqContextUsage = (hard ? 1 << (0 satisfies typeof USED_IN_HARDIRQ) : 0) | (soft ? 1 << (4 satisfies typeof USED_IN_SOFTIRQ) : 0);
    this.irqEnabledUsage = !this.hardirqsEnabled ? 0 : this.softirqsEnabled ? IRQS_ENABLED_USAGE : 1 << (2 satisfies typeof ENABLED_HARDIRQ);
  }

  /** In an irq context, irqs or bottom halves disabled, or a spinning lock held. */
  get atomic(): boolean {
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-boolean-literal-compare -- `=== true`: V8 compiles a bare truth test of a field to the general one (hot-path.ts)
    return this.atomicHeld > 0 || this.irqAtomic === true;
  }

  /** The kernel's `[HC0[0]:SC0[0]:HE1:SE1]` irq-state tag. */
  stateTag(): string {
    const hc = this.hardirqDepth > 0 ? 1 : 0;
    const sc = this.softirqDepth > 0 ? 1 : 0;
    return `[HC${hc}[${this.hardirqDepth}]:SC${sc}[${this.softirqDepth}]:HE${this.hardirqsEnabled ? 1 : 0}:SE${this.softirqsEnabled ? 1 : 0}]`;
  }
}

// Held-stack queries: three searches, three meanings.

/**
 * Index of the entry a release of lock `id` (live instance `inst`, if any) drops, searching down
 * from the top within the current irq context: the entry of `inst` or a nest-merged entry of one
 * of its classes; failing that, the topmost entry of an instance with id `id` (one freed or
 * re-initialised while held is still released by its id); -1: none.
 */
export function releasableIndex(task: TaskState, id: LockId, inst: LockInstance | undefined): number {
  const held = task.held;
  const ctx = task.irqContext;
  let byId = -1;
  for (let i = held.length - 1; i >= 0; i--) {
    const h = held[i]!;
    if (h.irqContext !== ctx) break;
    if (inst !== undefined && (h.inst === inst || (h.references > 0 && inst.hasClass(h.cls)))) return i;
    if (byId < 0 && h.inst.id === id) byId = i;
  }
  return byId;
}

/** Whether `task` holds `inst` itself, in any irq context. */
export function holdsInstance(task: TaskState, inst: LockInstance): boolean {
  for (const h of task.held) if (h.inst === inst) return true;
  return false;
}

/** The held entry of `inst` itself, or a nest-merged entry of one of its classes, in any irq context. */
export function heldEntryAnyContext(task: TaskState, inst: LockInstance): HeldLock | undefined {
  for (const h of task.held) {
    if (h.inst === inst || (h.references > 0 && inst.hasClass(h.cls))) return h;
  }
  return undefined;
}

/**
 * A held-lock record acquired at `file:line`, reusing one `task` released earlier (no allocation
 * per hold once the task has released as many as it holds at most).
 */
export function takeHeld(
  task: TaskState,
  inst: LockInstance,
  cls: LockClass,
  classId: number,
  mode: number,
  trylock: boolean,
  irqContext: number,
  chain: number,
  nest: LockInstance | undefined,
  event: TraceEvent | null,
  site: LockOpSite,
  file: string,
  line: number,
): HeldLock {
  const entry = task.spare;
  if (entry === undefined) return new HeldLock(inst, cls, classId, mode, trylock, irqContext, chain, nest, event, site, file, line);
  task.spare = entry.nextSpare;
  entry.references = 0;
  entry.inst = inst;
  entry.cls = cls;
  entry.classId = classId;
  entry.mode = mode;
  entry.trylock = trylock;
  entry.irqContext = irqContext;
  entry.chain = chain;
  entry.nest = nest;
  entry.event = event;
  entry.site = site;
  entry.file = file;
  entry.line = line;
  return entry;
}

/** Gives `entry` (released, or a view no one keeps) back to `task` for reuse by `takeHeld`. */
export function spareHeld(task: TaskState, entry: HeldLock): void {
  entry.nextSpare = task.spare;
  task.spare = entry;
}

/** Every held entry of `inst` itself, with its task, over `tasks`. */
export function holdersOf(inst: LockInstance, tasks: Iterable<TaskState>): { task: TaskState; entry: HeldLock }[] {
  const holders: { task: TaskState; entry: HeldLock }[] = [];
  for (const task of tasks) {
    for (const h of task.held) if (h.inst === inst) holders.push({ task, entry: h });
  }
  return holders;
}

/** `task` ended (its `exit` event): it holds nothing any more, and a stale handle to it holds nothing either. */
export function endTask(task: TaskState): void {
  for (const h of task.held) h.inst.holders--;
  task.alive = false;
  task.held.length = 0;
  task.spare = undefined;
}
