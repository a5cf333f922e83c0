/**
 * Turns kernel trace events, already cut out of their text (ftrace-reader.ts, perf-script-reader.ts),
 * into spec TraceEvents, per task (the pid; pid 0 is one idle task per CPU).
 * Owns the mapping choices that docs/importers.md explains: instance = lockdep_map address (class
 * name when the kernel printed none); class = the name; type from `classTypes`, else `map`
 * (neutral for the sleeping checks, validated for order and irq safety); `read` becomes `read`, or
 * `recursive-read` where the kernel would have used read=2 (rwlock in interrupt or bh-off context,
 * `map` types); maps the kernel takes with check=0 are skipped (unvalidated-maps.ts); the subclass,
 * not printed by the tracepoint, is inferred for a second instance of a held class; events in
 * NMI context are skipped (lockdep does not track them); a release of an instance the task was
 * not seen taking is skipped (a trace starts while locks are held); `sched_process_free` ends the
 * task; stack frames that follow a lock event become its `stack` (innermost tracing and lockdep
 * frames dropped; the event is held back until the next line for that, kernel-lock-records.ts).
 * When the format has a flags column, each line of a task (any event) is turned into `irq`
 * events: hardirq/softirq `enter`/`exit` when the context changes, `disable`/`enable` when the
 * irqs-off column changes. Given the engine's fast entrance (`fast`), plain lock events, `irq`
 * and `init` go to it as calls; the ftrace byte lane (ftrace-fast-lane.ts) enters by `lockLine`.
 * Invariants: output is a valid spec event stream in trace order (across both entrances); every
 * kind of skipped lock event is counted and named once by `end` (at its first line); memory is
 * bounded by the number of tasks, classes and lock instances.
 */
import type { EventOrigin, EventSink, IrqAction, IrqKind, LockType, TraceEvent } from './event.js';
import { attachFrame, dropHeld, heldBackEvent, isPlainLock, otherHeldOfClass } from './kernel-lock-records.js';
import type { Context, HeldBackLock, KernelTask } from './kernel-lock-records.js';
import { CLASS_READ_RECURSIVE, CLASS_READ_RECURSIVE_IN_INTERRUPT, CLASS_UNVALIDATED, KernelLockIds } from './kernel-lock-ids.js';
import type { LockOpMode, LockOpSink } from './lock-op-sink.js';
import { parseLockPayload } from './lock-payload.js';

export interface KernelTraceOptions {
  /** File name used in origins and errors. */
  file: string;
  /** Lock type per class name (`classTypes` in lockdep.config.yaml). */
  classTypes?: ReadonlyMap<string, LockType>;
  /** Type for classes missing from `classTypes` (default `map`). */
  defaultType?: LockType;
  /**
   * Infer the nesting subclass (default true): the tracepoint does not print it, so a task that
   * takes a second instance of a class it already holds gets subclass = instances held (as
   * `spin_lock_nested` / `mutex_lock_nested` would have); false keeps subclass 0 everywhere.
   */
  inferSubclass?: boolean;
  /**
   * Called for trace conditions that weaken the result (lost events) and, at the end, for each
   * kind of lock event the importer skipped (how many, where the first one was).
   */
  onWarning?: (message: string, origin: EventOrigin) => void;
  /**
   * The engine's fast entrance (lock-op-sink.ts): plain lock events, `irq` and `init` go to it as
   * calls instead of TraceEvents (the same effect; a lock event with a stack or an inferred
   * subclass, and `exit`, still go to the sink). Absent: everything goes to the sink.
   */
  fast?: LockOpSink;
}

export interface KernelTraceStats {
  lines: number;
  events: number;
  lockEvents: number;
  /** Lock events skipped: NMI context, check=0 maps, function_graph comments. */
  skippedLockEvents: number;
  nmiLockEvents: number;
  unvalidatedLockEvents: number;
  graphLockEvents: number;
  /** Events the ring buffer reported as lost (`[LOST N EVENTS]`). */
  lostEvents: number;
  /** lock_release of an instance the task was not seen taking (taken before the trace began). */
  unmatchedReleases: number;
}

export type SkipKind = 'nmiLockEvents' | 'unvalidatedLockEvents' | 'graphLockEvents' | 'unmatchedReleases';

const plural = (count: number, word: string): string => `${count} ${word}${count === 1 ? '' : 's'}`;

/** What `end` says of each kind of skipped lock event, given how many there were. */
const SKIP_NOTES: Readonly<Record<SkipKind, (count: number) => string>> = {
  nmiLockEvents: (count) => `${plural(count, 'lock event')} in NMI context skipped (lockdep does not record NMI acquisitions); the first is here`,
  unvalidatedLockEvents: (count) => `${plural(count, 'lock event')} of RCU read-side maps skipped (the kernel acquires them with check=0, unvalidated); the first is here`,
  graphLockEvents: (count) =>
    `${plural(count, 'lock event')} inside function_graph rows skipped (record the lock tracepoints with the nop or function tracer to check them); the first is here`,
  unmatchedReleases: (count) =>
    `${plural(count, 'lock_release')} of locks the task was not seen taking skipped (held since before the trace began, or a double unlock the trace cannot tell apart); the first is here`,
};

/** One event of a kernel trace, cut out of its line. */
export interface KernelEvent {
  comm: string;
  pid: string;
  cpu: string;
  /** The irqs-off column, when the format has a flags column (ftrace, trace-cmd). */
  irqsOff?: string | undefined;
  /** The hardirq/softirq column, when the format has a flags column. */
  hardSoft?: string | undefined;
  ts: number;
  /** The tracepoint name without its system (`lock_acquire`); '' for a line that is no tracepoint. */
  name: string;
  payload: string;
}

const NO_CONTEXT: Context = [];
const CONTEXTS: ReadonlyMap<string, Context | null> = new Map<string, Context | null>([
  ['.', NO_CONTEXT],
  ['s', ['softirq']],
  ['h', ['hardirq']],
  ['H', ['softirq', 'hardirq']],
  ['z', null],
  ['Z', null],
]);
const FREE_PAYLOAD = /(?:^|\s)pid=(\d+)/;

/** The interrupt context a hardirq/softirq column shows (null: NMI); no column, or an unknown letter: none. */
export function contextOf(hardSoft: string | undefined): Context | null {
  const listed = hardSoft === undefined ? undefined : CONTEXTS.get(hardSoft);
  return listed === undefined ? NO_CONTEXT : listed;
}

/** pid 0 is the idle task, one per CPU. */
export function taskKey(pid: string, cpu: string): string {
  return pid === '0' ? `0@${Number(cpu)}` : pid;
}

/** The per-task state machine shared by the kernel trace importers. */
export class KernelLockTracker {
  readonly stats: KernelTraceStats = {
    lines: 0,
    events: 0,
    lockEvents: 0,
    skippedLockEvents: 0,
    nmiLockEvents: 0,
    unvalidatedLockEvents: 0,
    graphLockEvents: 0,
    lostEvents: 0,
    unmatchedReleases: 0,
  };
  readonly file: string;
  /** The line of the first event skipped, per kind of skip (reported by `end`). */
  private readonly firstSkipped = new Map<SkipKind, number>();
  /** The lock instances and classes by number, with their state (kernel-lock-ids.ts). */
  readonly ids: KernelLockIds;
  private readonly inferSubclass: boolean;
  private readonly onWarning: ((message: string, origin: EventOrigin) => void) | undefined;
  private readonly fast: LockOpSink | undefined;
  private readonly tasks = new Map<string, KernelTask>();
  /** The last lock event, held back so that a following stack trace can attach to it (one record, reused). */
  private heldBack: HeldBackLock | undefined = undefined;
  private pending = false;
  /** A stack trace of the held-back event's task is being read: its frames are the event's. */
  private stackOpen = false;

  constructor(options: KernelTraceOptions, private readonly sink: EventSink) {
    this.file = options.file;
    this.ids = new KernelLockIds(options.classTypes ?? new Map(), options.defaultType ?? 'map');
    this.inferSubclass = options.inferSubclass ?? true;
    this.onWarning = options.onWarning;
    this.fast = options.fast;
  }

  /** One traced event: its flags columns (irq state) and, for the lock tracepoints, the lock. */
  event(record: KernelEvent, lineNo: number): void {
    this.stackOpen = false;
    this.flush();
    const isLock = record.name === 'lock_acquire' || record.name === 'lock_release';
    const context = contextOf(record.hardSoft);
    if (context === null) {
      // NMI: lockdep does not record acquisitions made in NMI context.
      if (isLock) this.skipped('nmiLockEvents', lineNo);
      return;
    }
    const task = this.task(record.comm, record.pid, record.cpu);
    if (record.irqsOff !== undefined) this.irqColumns(task, context, record.irqsOff, lineNo);
    switch (record.name) {
      case 'lock_acquire': {
        const { lock, cls, isTry, isRead } = parseLockPayload(record.payload, 'lock_acquire', this.file, lineNo);
        this.acquire(task, lock ?? cls, -1, this.ids.classOf(cls), isTry, isRead, record.ts, 0, 1, lineNo);
        return;
      }
      case 'lock_release': {
        const { lock, cls } = parseLockPayload(record.payload, 'lock_release', this.file, lineNo);
        this.release(task, lock ?? cls, -1, this.ids.classOf(cls), record.ts, 0, 1, lineNo);
        return;
      }
      case 'irq_enable':
        // preemptirq tracepoint: fires just before interrupts are turned back on.
        if (task.hardOff && task.context.length === 0) this.setHardOff(task, false, lineNo);
        return;
      case 'sched_process_free':
        this.processFree(record.payload, lineNo);
        return;
      default:
        return;
    }
  }

  /**
   * A lock_acquire or lock_release line of a flags-column format, as the byte lane
   * (ftrace-fast-lane.ts) cut it out: the same effect as `event` of that line. `inst` is the
   * number of instance `lock` when the caller has it cached (else -1; `lock`, its id, is only
   * read then), `cls` the number of its class (`ids.classOf`); the timestamp is
   * `(tsSeconds * tsScale + tsFraction) / tsScale` (small integers: no number is boxed per line,
   * and the division is only made for an event that carries its `ts`). Returns the instance's
   * number (-1 for a release of an instance never acquired, or a skipped event of an instance
   * not cached).
   */
  lockLine(
    task: KernelTask,
    context: Context,
    irqsOff: string,
    acquire: boolean,
    lock: string,
    inst: number,
    cls: number,
    isTry: boolean,
    isRead: boolean,
    tsSeconds: number,
    tsFraction: number,
    tsScale: number,
    lineNo: number,
  ): number {
    this.stackOpen = false;
    this.flush();
    this.irqColumns(task, context, irqsOff, lineNo);
    return acquire
      ? this.acquire(task, lock, inst, cls, isTry, isRead, tsSeconds, tsFraction, tsScale, lineNo)
      : this.release(task, lock, inst, cls, tsSeconds, tsFraction, tsScale, lineNo);
  }

  /** A kernel stack trace of task `key` starts: it belongs to the held-back event when that is the task's. */
  stackStarts(key: string): void {
    if (this.pending && this.heldBack!.task.key === key) {
      this.stackOpen = true;
      return;
    }
    this.flush();
  }

  /** A user-space stack follows: its frames are not kernel call sites, the held-back event stays. */
  stackEnds(): void {
    this.stackOpen = false;
  }

  /** A frame of the current stack trace; frames after non-lock events carry nothing for lockdep. */
  frame(text: string): void {
    if (this.stackOpen) attachFrame(this.heldBack!, text);
  }

  lost(cpu: string, count: number | null, lineNo: number): void {
    if (count !== null) this.stats.lostEvents += count;
    const what = count === null ? 'dropped events' : `lost ${count} events`;
    this.onWarning?.(
      `the ring buffer of CPU ${cpu} ${what}; held-lock state after this line may be wrong (record with a larger buffer_size_kb)`,
      { file: this.file, line: lineNo },
    );
  }

  skipped(kind: SkipKind, line: number): void {
    this.stats[kind]++;
    if (kind !== 'unmatchedReleases') this.stats.skippedLockEvents++;
    if (!this.firstSkipped.has(kind)) this.firstSkipped.set(kind, line);
  }

  /** End of input: delivers the held-back event and says what was skipped. */
  end(): void {
    this.flush();
    for (const [kind, line] of this.firstSkipped) {
      this.onWarning?.(SKIP_NOTES[kind](this.stats[kind]), { file: this.file, line });
    }
  }

  /** The record of the task `comm-pid` on `cpu`, created on first sight. */
  task(comm: string, pid: string, cpu: string): KernelTask {
    const key = taskKey(pid, cpu);
    let task = this.tasks.get(key);
    if (task === undefined) {
      const name = pid === '0' ? `swapper/${Number(cpu)}` : comm.trim();
      // perf script -F without comm prints the tid alone.
      const id = name === '' ? pid : `${name}/${pid}`;
      task = { alive: true, key, id, context: NO_CONTEXT, hardOff: false, bhOff: false, heldInstances: [], heldClasses: [], handle: undefined };
      this.tasks.set(key, task);
    }
    return task;
  }

  /** The irq events that the flags columns of a line of `task` imply. */
  private irqColumns(task: KernelTask, context: Context, irqsOff: string, lineNo: number): void {
    // The common line: same context, irqs and bottom halves on before and after (nothing to emit).
    if (context === task.context && irqsOff === '.' && !task.hardOff && !task.bhOff) return;
    // 'X': the architecture cannot read the irq flags; the context column still holds.
    const known = irqsOff !== 'X';
    const hardOff = known ? irqsOff === 'd' || irqsOff === 'D' : task.hardOff;
    const bhOff = known ? irqsOff === 'b' || irqsOff === 'D' : task.bhOff;
    this.syncIrqState(task, context, hardOff, bhOff, lineNo);
  }

  /** Emits the irq events that take `task` from its known state to the one this line shows. */
  private syncIrqState(task: KernelTask, context: Context, hardOff: boolean, bhOff: boolean, lineNo: number): void {
    const current = task.context;
    let common = 0;
    while (common < current.length && common < context.length && current[common] === context[common]) common++;
    if (common < current.length) {
      // Leave contexts, innermost first; re-enable what the task disabled inside them.
      this.setHardOff(task, false, lineNo);
      this.setBhOff(task, false, lineNo);
      for (let i = current.length - 1; i >= common; i--) this.emitIrq(task, current[i]!, 'exit', lineNo);
      task.context = common === 0 ? NO_CONTEXT : current.slice(0, common);
    }
    if (common < context.length) {
      // An interrupt is only taken with interrupts enabled at the interrupted level (and a
      // softirq only runs with bottom halves enabled).
      this.setHardOff(task, false, lineNo);
      if (context[common] === 'softirq') this.setBhOff(task, false, lineNo);
      for (let i = common; i < context.length; i++) this.emitIrq(task, context[i]!, 'enter', lineNo);
      task.context = context;
    }
    const innermost = context.length === 0 ? undefined : context[context.length - 1]; // no negative index (slow in V8)
    // In a hardirq both kinds are implied off; in a softirq bottom halves are implied off.
    this.setHardOff(task, innermost === 'hardirq' ? false : hardOff, lineNo);
    this.setBhOff(task, innermost === undefined ? bhOff : false, lineNo);
  }

  private setHardOff(task: KernelTask, off: boolean, lineNo: number): void {
    if (task.hardOff === off) return;
    task.hardOff = off;
    this.emitIrq(task, 'hardirq', off ? 'disable' : 'enable', lineNo);
  }

  private setBhOff(task: KernelTask, off: boolean, lineNo: number): void {
    if (task.bhOff === off) return;
    task.bhOff = off;
    this.emitIrq(task, 'softirq', off ? 'disable' : 'enable', lineNo);
  }

  private acquire(
    task: KernelTask,
    lock: string,
    known: number,
    cls: number,
    isTry: boolean,
    isRead: boolean,
    tsSeconds: number,
    tsFraction: number,
    tsScale: number,
    lineNo: number,
  ): number {
    this.stats.lockEvents++;
    const ids = this.ids;
    const flags = ids.classFlags[cls]!;
    if ((flags & CLASS_UNVALIDATED) !== 0) {
      this.skipped('unvalidatedLockEvents', lineNo);
      return known;
    }
    const inst = known >= 0 ? known : ids.instance(lock);
    if (ids.instanceClasses[inst] !== cls) this.declare(inst, cls, lineNo);
    const subclass = this.inferSubclass ? Math.min(otherHeldOfClass(task, cls, inst), 7) : 0;
    task.heldInstances.push(inst);
    task.heldClasses.push(cls);
    // The kernel's read value: 2 (recursive) for lock_map_acquire_read and for read_lock where
    // read_lock_is_recursive() holds (in_interrupt(): irq context or bottom halves off).
    const mode: LockOpMode = !isRead
      ? 0
      : (flags & CLASS_READ_RECURSIVE) !== 0 || ((flags & CLASS_READ_RECURSIVE_IN_INTERRUPT) !== 0 && (task.context.length > 0 || task.bhOff))
        ? 2
        : 1;
    this.holdBack(true, task, inst, mode, isTry, subclass, tsSeconds, tsFraction, tsScale, lineNo);
    return inst;
  }

  private release(task: KernelTask, lock: string, known: number, cls: number, tsSeconds: number, tsFraction: number, tsScale: number, lineNo: number): number {
    this.stats.lockEvents++;
    if ((this.ids.classFlags[cls]! & CLASS_UNVALIDATED) !== 0) {
      this.skipped('unvalidatedLockEvents', lineNo);
      return known;
    }
    const inst = known >= 0 ? known : this.ids.findInstance(lock);
    if (!dropHeld(task, inst)) {
      // Taken before tracing started (or in a skipped context): the kernel's lockdep saw the
      // acquisition, the trace did not, so there is nothing to release here.
      this.skipped('unmatchedReleases', lineNo);
      return inst;
    }
    this.holdBack(false, task, inst, 0, false, 0, tsSeconds, tsFraction, tsScale, lineNo);
    return inst;
  }

  /** Declares instance `inst` of class `cls` (`init`): its first acquisition, or one with another class. */
  private declare(inst: number, cls: number, lineNo: number): void {
    const ids = this.ids;
    ids.instanceClasses[inst] = cls;
    this.stats.events++;
    const lock = ids.instanceIds[inst]!;
    const name = ids.classNames[cls]!;
    const type = ids.classTypes[cls]!;
    if (this.fast !== undefined) this.fast.initAt(lock, name, type, this.file, lineNo);
    else this.sink({ op: 'init', lock, class: name, type }, { file: this.file, line: lineNo });
  }

  private processFree(payload: string, lineNo: number): void {
    const pid = FREE_PAYLOAD.exec(payload)?.[1];
    if (pid === undefined || pid === '0') return;
    const task = this.tasks.get(pid);
    if (task === undefined) return;
    this.tasks.delete(pid);
    task.alive = false;
    this.emit({ op: 'exit', task: task.id }, lineNo);
  }

  private holdBack(
    acquire: boolean,
    task: KernelTask,
    inst: number,
    mode: LockOpMode,
    isTry: boolean,
    subclass: number,
    tsSeconds: number,
    tsFraction: number,
    tsScale: number,
    line: number,
  ): void {
    this.pending = true;
    const lock = this.heldBack;
    if (lock === undefined) {
      this.heldBack = { acquire, task, inst, mode, isTry, subclass, tsSeconds, tsFraction, tsScale, line, stack: undefined };
      return;
    }
    lock.acquire = acquire;
    lock.task = task;
    lock.inst = inst;
    lock.mode = mode;
    lock.isTry = isTry;
    lock.subclass = subclass;
    lock.tsSeconds = tsSeconds;
    lock.tsFraction = tsFraction;
    lock.tsScale = tsScale;
    lock.line = line;
    lock.stack = undefined;
  }

  private flush(): void {
    if (!this.pending) return;
    this.pending = false;
    this.stackOpen = false;
    const pending = this.heldBack!;
    const fast = this.fast;
    const ids = this.ids;
    const inst = pending.inst;
    if (fast === undefined || !isPlainLock(pending)) {
      this.emit(heldBackEvent(pending, ids.instanceIds[inst]!), pending.line);
      return;
    }
    this.stats.events++;
    const task = pending.task;
    const taskHandle = task.handle;
    const lockHandle = ids.instanceHandles[inst];
    const taskArg = taskHandle !== undefined && taskHandle.alive ? taskHandle : task.id;
    const lockArg = lockHandle !== undefined && lockHandle.alive ? lockHandle : ids.instanceIds[inst]!;
    // A lock's first sight (or a stale handle) by id through an entrance of its own when the
    // engine has one, so that it compiles `acquireAt` for handles alone (as the STD and JSONL lanes).
    if (pending.acquire && typeof lockArg === 'string' && fast.acquireByIdAt !== undefined) fast.acquireByIdAt(taskArg, lockArg, pending.mode, pending.isTry, undefined, this.file, pending.line);
    else if (pending.acquire) fast.acquireAt(taskArg, lockArg, pending.mode, pending.isTry, undefined, this.file, pending.line);
    else fast.releaseAt(taskArg, lockArg, undefined, this.file, pending.line);
    if (typeof taskArg === 'string') task.handle = fast.taskHandle(task.id);
    if (typeof lockArg === 'string') ids.instanceHandles[inst] = fast.lockHandle(lockArg);
  }

  private emitIrq(task: KernelTask, kind: IrqKind, action: IrqAction, lineNo: number): void {
    const fast = this.fast;
    if (fast === undefined) {
      this.emit({ op: 'irq', task: task.id, kind, action }, lineNo);
      return;
    }
    this.stats.events++;
    const taskArg = task.handle !== undefined && task.handle.alive ? task.handle : task.id;
    fast.irqAt(taskArg, kind, action, undefined, this.file, lineNo);
    if (typeof taskArg === 'string') task.handle = fast.taskHandle(task.id);
  }

  private emit(event: TraceEvent, lineNo: number): void {
    this.stats.events++;
    this.sink(event, { file: this.file, line: lineNo });
  }
}
