/**
 * Importer for Linux ftrace text with the lockdep tracepoints, as the kernel's `trace` file and
 * `trace-cmd report` print them:
 *   `<comm>-<pid> [cpu] <irq-flags> <timestamp>: lock_acquire: <addr> [try ][read ]<class>`
 * (include/trace/events/lock.h: TP_printk("%p %s%s%s", lockdep_addr, try, read, name); the
 * irq-flags column is trace_print_lat_fmt's: irqs-off D/d/b/X/., need-resched, hardirq/softirq
 * Z/z/H/h/s/., preempt depth, migrate-disable depth).
 * Owns: turning those lines into spec TraceEvents, per task (the pid; pid 0 is one idle task per
 * CPU). The flags column of every line of a task (any event, not only lock ones) is turned into
 * `irq` events: hardirq/softirq `enter`/`exit` when the context changes, `disable`/`enable` when
 * the irqs-off column changes (disabling implied by being in a context is not repeated).
 * Mapping choices (docs/importers.md explains each): instance = lockdep_map address (class name
 * when the kernel printed none); class = the name; type from `classTypes`, else `map` (neutral
 * for the sleeping checks, validated for order and irq safety); `read` becomes `read`, or
 * `recursive-read` where the kernel would have used read=2 (rwlock in interrupt or bh-off context,
 * `map` types); RCU read-side maps are skipped (the kernel acquires them with check=0); the
 * subclass, not printed by the tracepoint, is inferred for a second instance of a held class;
 * events in NMI context are skipped (lockdep does not track them); a release of an instance
 * the task was not seen taking is skipped (a trace starts while locks are held);
 * `sched_process_free` ends the task; `<stack trace>` lines that follow an event become its
 * `stack`.
 * Invariants: output is a valid spec event stream in trace order; every malformed lock line is an
 * InputError naming file:line; memory is bounded by the number of tasks and lock instances.
 */
import type { EventOrigin, EventSink, LockMode, LockType, TraceEvent } from './event.js';
import { InputError } from './input-error.js';
import { forEachLine } from './text-line-reader.js';

export interface FtraceReaderOptions {
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

export interface FtraceReadStats {
  lines: number;
  events: number;
  lockEvents: number;
  /** Lock events skipped: NMI context (`nmiLockEvents`) and RCU read-side maps (`unvalidatedLockEvents`). */
  skippedLockEvents: number;
  nmiLockEvents: number;
  unvalidatedLockEvents: number;
  /** Events the ring buffer reported as lost (`[LOST N EVENTS]`). */
  lostEvents: number;
  /** lock_release of an instance the task was not seen taking (taken before the trace began). */
  unmatchedReleases: number;
}

type SkipKind = 'nmiLockEvents' | 'unvalidatedLockEvents' | 'unmatchedReleases';

/** What `end` says of each kind of skipped lock event, given how many there were. */
const SKIP_NOTES: Readonly<Record<SkipKind, (count: number) => string>> = {
  nmiLockEvents: (count) => `${count} lock event${count === 1 ? '' : 's'} in NMI context skipped (lockdep does not record NMI acquisitions); the first is here`,
  unvalidatedLockEvents: (count) => `${count} lock event${count === 1 ? '' : 's'} of RCU read-side maps skipped (the kernel acquires them with check=0, unvalidated); the first is here`,
  unmatchedReleases: (count) =>
    `${count} lock_release${count === 1 ? '' : 's'} of locks the task was not seen taking skipped (held since before the trace began, or a double unlock the trace cannot tell apart); the first is here`,
};

/** The lockdep maps the kernel acquires with check=0 (rcu_lock_acquire): never validated. */
export const UNVALIDATED_CLASSES: ReadonlySet<string> = new Set([
  'rcu_read_lock',
  'rcu_read_lock_bh',
  'rcu_read_lock_sched',
  'rcu_callback',
]);

/**
 * `comm-pid [(tgid)] [cpu] [flags] timestamp: event: payload`. The comm is greedy so a comm
 * containing `-` still splits at the last `-pid` before the CPU column.
 */
// The comm starts with `\S`, not `.*` right after `^\s*`: the two would overlap on a long run of
// spaces and backtrack quadratically (a 1 MB line would take minutes; test/robustness/limits.test.ts).
const EVENT_LINE =
  /^\s*(\S.*)-(\d+)\s+(?:\(\s*(?:\d+|-+)\)\s+)?\[(\d+)\]\s+(?:([.dDbX])(\S)([.ZzHhs])([.0-9a-f])([.0-9a-f])?\s+)?(\d+(?:\.\d+)?):\s+([^:\s][^:]*?):\s?(.*)$/;
/** The kernel's `stacktrace` option prints `<stack trace>` as an event without a name colon. */
const STACK_HEADER = /^\s*(\S.*)-(\d+)\s+(?:\(\s*(?:\d+|-+)\)\s+)?\[(\d+)\][^:]*:\s+<stack trace\s*>\s*$/;
const LOST_LINE = /^\s*CPU:\s*(\d+)\s+\[LOST\s+(\d+)\s+EVENTS\]/;
const STACK_FRAME = /^\s*=>\s?(.*)$/;
const ADDRESS = /^(?:0x)?[0-9a-fA-F]{4,16}$/;
const FREE_PAYLOAD = /(?:^|\s)pid=(\d+)/;

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

interface HeldInstance {
  lock: string;
  cls: string;
}

interface TaskState {
  /** pid, or `0@cpu` for an idle task. */
  key: string;
  /** The spec task id: `comm/pid` as first seen (`swapper/N/0` for idle). */
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

/** Streaming ftrace parser: feed it lines, it calls the sink with spec events. */
export class FtraceParser {
  readonly stats: FtraceReadStats = {
    lines: 0,
    events: 0,
    lockEvents: 0,
    skippedLockEvents: 0,
    nmiLockEvents: 0,
    unvalidatedLockEvents: 0,
    lostEvents: 0,
    unmatchedReleases: 0,
  };
  /** The line of the first event skipped, per kind of skip (reported by `end`). */
  private readonly firstSkipped = new Map<SkipKind, number>();
  private readonly file: string;
  private readonly classTypes: ReadonlyMap<string, LockType>;
  private readonly defaultType: LockType;
  private readonly inferSubclass: boolean;
  private readonly onWarning: ((message: string, origin: EventOrigin) => void) | undefined;
  private readonly tasks = new Map<string, TaskState>();
  private readonly instances = new Map<string, string>(); // lock instance -> class
  /** The last lock event, held back so that a following `<stack trace>` can attach to it. */
  private pending: PendingEvent | null = null;
  private stackOwner: PendingEvent | null = null;
  private sawEvent = false;

  constructor(options: FtraceReaderOptions, private readonly sink: EventSink) {
    this.file = options.file;
    this.classTypes = options.classTypes ?? new Map();
    this.defaultType = options.defaultType ?? 'map';
    this.inferSubclass = options.inferSubclass ?? true;
    this.onWarning = options.onWarning;
  }

  line(text: string, lineNo: number): void {
    this.stats.lines++;
    const frame = STACK_FRAME.exec(text);
    if (frame !== null) {
      // A frame of the stack trace after a lock event joins it; frames after other events
      // (the stacktrace option applies to every traced event) carry nothing for lockdep.
      if (this.stackOwner !== null) (this.stackOwner.event.stack ??= []).push((frame[1] ?? '').trim());
      return;
    }
    const header = STACK_HEADER.exec(text);
    if (header !== null) {
      this.sawEvent = true;
      this.flushUnlessStackOf(taskKey(header[2] ?? '', header[3] ?? ''));
      return;
    }
    const match = EVENT_LINE.exec(text);
    if (match === null) {
      this.otherLine(text, lineNo);
      return;
    }
    this.sawEvent = true;
    const [, comm = '', pidText = '', cpu = '', irqsOff, , hardSoft, , , ts = '', name = '', payload = ''] = match;
    const origin: EventOrigin = { file: this.file, line: lineNo };
    if (name === 'kernel_stack') {
      this.flushUnlessStackOf(taskKey(pidText, cpu));
      return;
    }
    this.stackOwner = null;
    this.flush();
    const context = hardSoft === undefined ? NO_CONTEXT : CONTEXTS.get(hardSoft);
    if (context === null) {
      // NMI: lockdep does not record acquisitions made in NMI context.
      if (name === 'lock_acquire' || name === 'lock_release') this.skipped('nmiLockEvents', lineNo);
      return;
    }
    const task = this.task(comm, pidText, cpu);
    if (irqsOff !== undefined) {
      // 'X': the architecture cannot read the irq flags; the context column still holds.
      const known = irqsOff !== 'X';
      this.syncIrqState(task, context ?? NO_CONTEXT, known ? irqsOff === 'd' || irqsOff === 'D' : task.hardOff, known ? irqsOff === 'b' || irqsOff === 'D' : task.bhOff, origin);
    }
    const timestamp = Number(ts);
    switch (name) {
      case 'lock_acquire':
        this.acquire(task, payload, timestamp, origin);
        return;
      case 'lock_release':
        this.release(task, payload, timestamp, origin);
        return;
      case 'irq_enable':
        // preemptirq tracepoint: fires just before interrupts are turned back on.
        if (task.hardOff && task.context.length === 0) this.setHardOff(task, false, origin);
        return;
      case 'sched_process_free':
        this.processFree(payload, origin);
        return;
      default:
        return;
    }
  }

  /** A stack trace starts: it belongs to the held-back event when that is the same task's. */
  private flushUnlessStackOf(key: string): void {
    if (this.pending !== null && this.pending.taskKey === key) {
      this.stackOwner = this.pending;
      return;
    }
    this.flush();
  }

  /** End of input: delivers the held-back event and says what was skipped. */
  end(): void {
    this.flush();
    for (const [kind, line] of this.firstSkipped) {
      this.onWarning?.(SKIP_NOTES[kind](this.stats[kind]), { file: this.file, line });
    }
  }

  private skipped(kind: SkipKind, line: number): void {
    this.stats[kind]++;
    if (kind !== 'unmatchedReleases') this.stats.skippedLockEvents++;
    if (!this.firstSkipped.has(kind)) this.firstSkipped.set(kind, line);
  }

  private otherLine(text: string, lineNo: number): void {
    const trimmed = text.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const lost = LOST_LINE.exec(text);
    if (lost !== null) {
      const count = Number(lost[2]);
      this.stats.lostEvents += count;
      this.onWarning?.(
        `the ring buffer of CPU ${lost[1]} lost ${count} events; held-lock state after this line may be wrong (record with a larger buffer_size_kb)`,
        { file: this.file, line: lineNo },
      );
      return;
    }
    // trace-cmd report and the trace file print a few header lines before the first event.
    if (!this.sawEvent || /^CPU\s*\d+ is empty$/.test(trimmed) || /^cpus=\d+$/.test(trimmed)) return;
    throw new InputError(
      `not an ftrace event line: expected "comm-pid [cpu] flags timestamp: event: ...", got "${clip(trimmed)}"`,
      { file: this.file, line: lineNo },
    );
  }

  private task(comm: string, pid: string, cpu: string): TaskState {
    const key = taskKey(pid, cpu);
    let task = this.tasks.get(key);
    if (task === undefined) {
      const name = pid === '0' ? `swapper/${Number(cpu)}` : comm.trim();
      task = { key, id: `${name}/${pid}`, context: NO_CONTEXT, hardOff: false, bhOff: false, held: [] };
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
    let rest = payload.trim();
    let lock: string | undefined;
    const space = rest.indexOf(' ');
    if (space > 0 && ADDRESS.test(rest.slice(0, space))) {
      lock = rest.slice(0, space);
      rest = rest.slice(space + 1).trimStart();
    }
    let isTry = false;
    let isRead = false;
    if (rest.startsWith('try ')) {
      isTry = true;
      rest = rest.slice(4);
    }
    if (rest.startsWith('read ')) {
      isRead = true;
      rest = rest.slice(5);
    }
    const cls = rest.trim();
    if (cls === '') {
      throw new InputError(
        `lock_acquire without a lock class name (expected "lock_acquire: <addr> [try ][read ]<class>")`,
        { file: this.file, line: origin.line },
      );
    }
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
    const rest = payload.trim();
    if (rest === '') {
      throw new InputError('lock_release without a lock (expected "lock_release: <addr> <class>")', {
        file: this.file,
        line: origin.line,
      });
    }
    const space = rest.indexOf(' ');
    let instance: string;
    let cls: string;
    if (space > 0 && ADDRESS.test(rest.slice(0, space))) {
      instance = rest.slice(0, space);
      cls = rest.slice(space + 1).trim();
    } else {
      cls = rest;
      instance = rest;
    }
    this.stats.lockEvents++;
    if (UNVALIDATED_CLASSES.has(cls)) {
      this.skipped('unvalidatedLockEvents', origin.line);
      return;
    }
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
    if (type === 'map') return 'recursive-read';
    if (type === 'rwlock' && (task.context.length > 0 || task.bhOff)) return 'recursive-read';
    return 'read';
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

/** Reads an ftrace text file from disk, streaming, and returns what was read. */
export function readFtraceFile(path: string, options: FtraceReaderOptions, sink: EventSink): FtraceReadStats {
  const parser = new FtraceParser(options, sink);
  forEachLine(path, (text, lineNo) => parser.line(text, lineNo));
  parser.end();
  return parser.stats;
}

/** pid 0 is the idle task, one per CPU. */
function taskKey(pid: string, cpu: string): string {
  return pid === '0' ? `0@${Number(cpu)}` : pid;
}

function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
