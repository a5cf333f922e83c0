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
 * frames dropped). When the format has a flags
 * column, each line of a task (any event) is turned into `irq` events: hardirq/softirq
 * `enter`/`exit` when the context changes, `disable`/`enable` when the irqs-off column changes.
 * Invariants: output is a valid spec event stream in trace order; every kind of skipped lock event
 * is counted and named once by `end` (at its first line); memory is bounded by the number of tasks
 * and lock instances.
 */
import type { EventOrigin, EventSink, LockMode, LockType, TraceEvent } from './event.js';
import { parseLockPayload } from './lock-payload.js';
import { LOCK_TYPE_TRAITS } from './lock-type.js';
import { UNVALIDATED_CLASSES } from './unvalidated-maps.js';

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

/** Interrupt context of one line, innermost last (`H` is a hardirq inside a softirq). */
type Context = readonly ('softirq' | 'hardirq')[];
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
/**
 * The innermost frames of a stack recorded at a lock tracepoint that belong to the tracing and
 * lockdep machinery (the event's own probe, lock_acquire itself), not to the locking code: they
 * are dropped, so that the event's site is its caller (`down_read+0x44`), as in lockdep's reports.
 */
const MACHINERY_FRAME =
  /^(?:trace_event_raw_event_lock\w*|perf_trace_lock\w*|perf_trace_run_bpf_submit|perf_trace_buf_submit|perf_tp_event|trace_lock_\w+|(?:__)?lock_acquire|(?:__)?lock_release|lock_acquire\.part\.\d+)(?:[+.\s(]|$)/;

interface HeldInstance {
  lock: string;
  cls: string;
}

interface TaskState {
  /** pid, or `0@cpu` for an idle task. */
  key: string;
  /** The spec task id: `comm/pid` as first seen (`swapper/N/0` for idle; the pid without a comm). */
  id: string;
  context: Context;
  /** Hardirqs / bottom halves disabled by the task itself at the innermost context level. */
  hardOff: boolean;
  bhOff: boolean;
  held: HeldInstance[];
}

interface PendingEvent {
  event: TraceEvent;
  origin: EventOrigin;
  taskKey: string;
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
  private readonly classTypes: ReadonlyMap<string, LockType>;
  private readonly defaultType: LockType;
  private readonly inferSubclass: boolean;
  private readonly onWarning: ((message: string, origin: EventOrigin) => void) | undefined;
  private readonly tasks = new Map<string, TaskState>();
  private readonly instances = new Map<string, string>(); // lock instance -> class
  /** The last lock event, held back so that a following stack trace can attach to it. */
  private pending: PendingEvent | null = null;
  private stackOwner: PendingEvent | null = null;

  constructor(options: KernelTraceOptions, private readonly sink: EventSink) {
    this.file = options.file;
    this.classTypes = options.classTypes ?? new Map();
    this.defaultType = options.defaultType ?? 'map';
    this.inferSubclass = options.inferSubclass ?? true;
    this.onWarning = options.onWarning;
  }

  /** One traced event: its flags columns (irq state) and, for the lock tracepoints, the lock. */
  event(record: KernelEvent, lineNo: number): void {
    this.stackOwner = null;
    this.flush();
    const origin: EventOrigin = { file: this.file, line: lineNo };
    const isLock = record.name === 'lock_acquire' || record.name === 'lock_release';
    const listed = record.hardSoft === undefined ? undefined : CONTEXTS.get(record.hardSoft);
    const context = listed === undefined ? NO_CONTEXT : listed;
    if (context === null) {
      // NMI: lockdep does not record acquisitions made in NMI context.
      if (isLock) this.skipped('nmiLockEvents', lineNo);
      return;
    }
    const task = this.task(record.comm, record.pid, record.cpu);
    if (record.irqsOff !== undefined) {
      // 'X': the architecture cannot read the irq flags; the context column still holds.
      const known = record.irqsOff !== 'X';
      const hardOff = known ? record.irqsOff === 'd' || record.irqsOff === 'D' : task.hardOff;
      const bhOff = known ? record.irqsOff === 'b' || record.irqsOff === 'D' : task.bhOff;
      this.syncIrqState(task, context, hardOff, bhOff, origin);
    }
    switch (record.name) {
      case 'lock_acquire':
        this.acquire(task, record.payload, record.ts, origin);
        return;
      case 'lock_release':
        this.release(task, record.payload, record.ts, origin);
        return;
      case 'irq_enable':
        // preemptirq tracepoint: fires just before interrupts are turned back on.
        if (task.hardOff && task.context.length === 0) this.setHardOff(task, false, origin);
        return;
      case 'sched_process_free':
        this.processFree(record.payload, origin);
        return;
      default:
        return;
    }
  }

  /** A kernel stack trace of task `key` starts: it belongs to the held-back event when that is the task's. */
  stackStarts(key: string): void {
    if (this.pending !== null && this.pending.taskKey === key) {
      this.stackOwner = this.pending;
      return;
    }
    this.flush();
  }

  /** A user-space stack follows: its frames are not kernel call sites, the held-back event stays. */
  stackEnds(): void {
    this.stackOwner = null;
  }

  /** A frame of the current stack trace; frames after non-lock events carry nothing for lockdep. */
  frame(text: string): void {
    if (this.stackOwner === null) return;
    const stack = this.stackOwner.event.stack;
    if (stack === undefined) {
      if (!MACHINERY_FRAME.test(text)) this.stackOwner.event.stack = [text];
    } else {
      stack.push(text);
    }
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

  private task(comm: string, pid: string, cpu: string): TaskState {
    const key = taskKey(pid, cpu);
    let task = this.tasks.get(key);
    if (task === undefined) {
      const name = pid === '0' ? `swapper/${Number(cpu)}` : comm.trim();
      // perf script -F without comm prints the tid alone.
      task = { key, id: name === '' ? pid : `${name}/${pid}`, context: NO_CONTEXT, hardOff: false, bhOff: false, held: [] };
      this.tasks.set(key, task);
    }
    return task;
  }

  /** Emits the irq events that take `task` from its known state to the one this line shows. */
  private syncIrqState(task: TaskState, context: Context, hardOff: boolean, bhOff: boolean, origin: EventOrigin): void {
    const current = task.context;
    let common = 0;
    while (common < current.length && common < context.length && current[common] === context[common]) common++;
    if (common < current.length) {
      // Leave contexts, innermost first; re-enable what the task disabled inside them.
      this.setHardOff(task, false, origin);
      this.setBhOff(task, false, origin);
      for (let i = current.length - 1; i >= common; i--) {
        this.emit({ op: 'irq', task: task.id, kind: current[i]!, action: 'exit' }, origin);
      }
      task.context = current.slice(0, common);
    }
    if (common < context.length) {
      // An interrupt is only taken with interrupts enabled at the interrupted level (and a
      // softirq only runs with bottom halves enabled).
      this.setHardOff(task, false, origin);
      if (context[common] === 'softirq') this.setBhOff(task, false, origin);
      for (let i = common; i < context.length; i++) {
        this.emit({ op: 'irq', task: task.id, kind: context[i]!, action: 'enter' }, origin);
      }
      task.context = context;
    }
    const innermost = context.length === 0 ? undefined : context[context.length - 1]; // no negative index (slow in V8)
    // In a hardirq both kinds are implied off; in a softirq bottom halves are implied off.
    this.setHardOff(task, innermost === 'hardirq' ? false : hardOff, origin);
    this.setBhOff(task, innermost === undefined ? bhOff : false, origin);
  }

  private setHardOff(task: TaskState, off: boolean, origin: EventOrigin): void {
    if (task.hardOff === off) return;
    task.hardOff = off;
    this.emit({ op: 'irq', task: task.id, kind: 'hardirq', action: off ? 'disable' : 'enable' }, origin);
  }

  private setBhOff(task: TaskState, off: boolean, origin: EventOrigin): void {
    if (task.bhOff === off) return;
    task.bhOff = off;
    this.emit({ op: 'irq', task: task.id, kind: 'softirq', action: off ? 'disable' : 'enable' }, origin);
  }

  private acquire(task: TaskState, payload: string, ts: number, origin: EventOrigin): void {
    const { lock, cls, isTry, isRead } = parseLockPayload(payload, 'lock_acquire', this.file, origin.line);
    this.stats.lockEvents++;
    if (UNVALIDATED_CLASSES.has(cls)) {
      this.skipped('unvalidatedLockEvents', origin.line);
      return;
    }
    const instance = lock ?? cls;
    const type = this.declare(instance, cls, origin);
    const event: TraceEvent = { op: 'acquire', task: task.id, lock: instance };
    if (isRead) event.mode = this.readMode(cls, type, task);
    if (isTry) event.try = true;
    if (this.inferSubclass) {
      let sameClass = 0;
      for (const held of task.held) if (held.cls === cls && held.lock !== instance) sameClass++;
      if (sameClass > 0) event.subclass = Math.min(sameClass, 7);
    }
    event.ts = ts;
    task.held.push({ lock: instance, cls });
    this.pending = { event, origin, taskKey: task.key };
  }

  private release(task: TaskState, payload: string, ts: number, origin: EventOrigin): void {
    const { lock, cls } = parseLockPayload(payload, 'lock_release', this.file, origin.line);
    this.stats.lockEvents++;
    if (UNVALIDATED_CLASSES.has(cls)) {
      this.skipped('unvalidatedLockEvents', origin.line);
      return;
    }
    const instance = lock ?? cls;
    let index = task.held.length - 1;
    while (index >= 0 && task.held[index]!.lock !== instance) index--;
    if (index < 0) {
      // Taken before tracing started (or in a skipped context): the kernel's lockdep saw the
      // acquisition, the trace did not, so there is nothing to release here.
      this.skipped('unmatchedReleases', origin.line);
      return;
    }
    task.held.splice(index, 1);
    this.pending = { event: { op: 'release', task: task.id, lock: instance, ts }, origin, taskKey: task.key };
  }

  /** The kernel's read value: 2 (recursive) for lock_map_acquire_read and for read_lock where
   * read_lock_is_recursive() holds (in_interrupt(): irq context or bottom halves off). */
  private readMode(cls: string, type: LockType, task: TaskState): LockMode {
    if (!this.classTypes.has(cls)) return 'read';
    const recursive = LOCK_TYPE_TRAITS[type].recursiveRead;
    return recursive === 'always' || (recursive === 'in-interrupt' && (task.context.length > 0 || task.bhOff)) ? 'recursive-read' : 'read';
  }

  private declare(instance: string, cls: string, origin: EventOrigin): LockType {
    const type = this.classTypes.get(cls) ?? this.defaultType;
    if (this.instances.get(instance) !== cls) {
      this.instances.set(instance, cls);
      this.emit({ op: 'init', lock: instance, class: cls, type }, origin);
    }
    return type;
  }

  private processFree(payload: string, origin: EventOrigin): void {
    const pid = FREE_PAYLOAD.exec(payload)?.[1];
    if (pid === undefined || pid === '0') return;
    const task = this.tasks.get(pid);
    if (task === undefined) return;
    this.tasks.delete(pid);
    this.emit({ op: 'exit', task: task.id }, origin);
  }

  private flush(): void {
    const pending = this.pending;
    if (pending === null) return;
    this.pending = null;
    this.stackOwner = null;
    this.emit(pending.event, pending.origin);
  }

  private emit(event: TraceEvent, origin: EventOrigin): void {
    this.stats.events++;
    this.sink(event, origin);
  }
}
