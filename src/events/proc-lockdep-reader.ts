/**
 * Importer for the kernel's own lockdep graph: `/proc/lockdep` (classes, their irq usage and
 * direct dependencies), optionally followed by `/proc/lockdep_chains` and `/proc/lockdep_stats`
 * in the same input (`cat /proc/lockdep /proc/lockdep_chains /proc/lockdep_stats`); each file
 * alone is read too. Line shapes are in proc-lockdep-line.ts.
 * The graph is replayed as spec events, so every check of the engine and of the rules runs on it
 * unchanged and every witness is an input line:
 *  - a class line declares the class (type `map`: the graph says nothing of sleeping) and marks
 *    each usage its characters show, by one acquisition on the task `/proc/lockdep usage` in
 *    that irq state (in hardirq, in softirq, hardirqs on, softirqs on; read columns in read mode;
 *    a softirq-on class is taken with both kinds on, which also marks hardirq-on, as in the kernel);
 *  - each ` -> [key] B` line under class A is A held, B taken, on the task `/proc/lockdep` with
 *    both irq kinds off (so no usage is invented), in write mode: the file has no read/write
 *    type per edge (graph-input-verdicts.ts in the check layer weakens what that decides);
 *  - a chain is its classes taken in order on the task `/proc/lockdep_chains`, inside the irq
 *    context the chain names, read mode where the class's usage shows only reads in that
 *    context; a class the chain holds already (srcu taken twice) is not taken again.
 * `/proc/lockdep_stats` is summarised as a notice; a `[max: N]` counter at its limit, a
 * `(buggered)` chain table or `debug_locks: 0` says the kernel stopped recording, as a warning
 * and a notice. Invariants: lines of no lockdep shape (shell prompts, mail text) are skipped and
 * counted; a line shaped like a class line but malformed, or a dependency or chain line with no
 * class or chain above it, is an InputError naming file:line; given the engine's fast entrance
 * (its byte lane), the replay makes the calls equivalent to its events (lock-op-sink.ts) instead
 * of building them. `procLockdepImporter` is the registry entry.
 */
import type { EventSink, IrqAction, IrqKind, LockMode } from './event.js';
import type { LockOpSink } from './lock-op-sink.js';
import { defineImporter, type ImportContext, type ImportCounts, type TraceImport } from './importer.js';
import type { Notice } from './input-notice.js';
import { InputError } from '../io/input-error.js';
import { decodeUsage, isProcLockdepLine, malformedClassLine, parseProcLockdepLine, usedForRead, type ClassUsage } from './proc-lockdep-line.js';
import { DEFAULT_CHUNK_BYTES, LineDecoder } from './text-line-reader.js';

/** The tasks the replay runs on (they appear in findings and witnesses). */
export const PROC_LOCKDEP_TASKS = {
  dependencies: '/proc/lockdep',
  usage: '/proc/lockdep usage',
  chains: '/proc/lockdep_chains',
} as const;

/** The `/proc/lockdep_stats` counters the summary names, in its order. */
const SUMMARY_STATS: ReadonlyArray<[string, string]> = [
  ['lock-classes', 'lock classes'],
  ['direct dependencies', 'direct dependencies'],
  ['dependency chains', 'dependency chains'],
];

interface StatValue {
  value: number;
  max: number | undefined;
  line: number;
}

class ProcLockdepParser {
  events = 0;
  private readonly declared = new Set<string>();
  private readonly usageOf = new Map<string, ClassUsage>();
  private readonly readUsed = new Set<string>();
  private readonly stats = new Map<string, StatValue>();
  private readonly notices: Notice[] = [];
  /** The class whose dependency lines follow, held on the dependencies task. */
  private current: string | null = null;
  /** The open chain: its classes, held on the chains task, and the irq context entered. */
  private chain: { held: string[]; irq: 'hardirq' | 'softirq' | null } | null = null;
  private tasksReady = false;
  private skipped = 0;
  private firstSkipped = 0;

  constructor(
    private readonly file: string,
    private readonly sink: EventSink,
    private readonly onWarning: ImportContext['onWarning'],
    private readonly fast: LockOpSink | undefined,
  ) {}

  line(text: string, lineNo: number): void {
    const parsed = parseProcLockdepLine(text);
    switch (parsed.kind) {
      case 'class':
        this.classLine(parsed.name, parsed.usage, lineNo);
        break;
      case 'dependency':
        this.dependencyLine(parsed.name, lineNo);
        break;
      case 'chain-start':
        this.closeChain(lineNo);
        this.openChain(parsed.irqContext, lineNo);
        break;
      case 'chain-lock':
        this.chainLock(parsed.name, lineNo);
        break;
      case 'chains-header':
        this.leaveClass(lineNo);
        if (parsed.overflowed) this.stopped(lineNo, 'the chain table overflowed ("(buggered)"): chains recorded after that are missing');
        break;
      case 'stat':
        this.stats.set(parsed.name, { value: parsed.value, max: parsed.max, line: lineNo });
        break;
      case 'classes-header':
      case 'blank':
        break;
      case 'other':
        this.otherLine(text, lineNo);
        break;
    }
  }

  end(lines: number): ImportCounts {
    this.leaveClass(lines);
    this.closeChain(lines);
    this.summariseStats();
    if (this.skipped > 0) {
      this.onWarning?.(`skipped ${this.skipped} line(s) that are not /proc/lockdep, lockdep_chains or lockdep_stats lines (first at line ${this.firstSkipped})`, { file: this.file, line: this.firstSkipped });
    }
    return { events: this.events, lines, notices: this.notices, graph: { readUsedClasses: [...this.readUsed] } };
  }

  private classLine(name: string, usage: string, lineNo: number): void {
    this.closeChain(lineNo);
    this.leaveClass(lineNo);
    this.declare(name, lineNo);
    const decoded = decodeUsage(usage);
    this.usageOf.set(name, decoded);
    if (usedForRead(usage)) this.readUsed.add(name);
    this.markUsage(name, decoded, lineNo);
    this.acquire(PROC_LOCKDEP_TASKS.dependencies, name, 'write', lineNo);
    this.current = name;
  }

  private dependencyLine(name: string, lineNo: number): void {
    if (this.current === null) {
      throw new InputError(`dependency line " -> [key] ${name}" with no class line above it: /proc/lockdep prints each class before its dependencies`, { file: this.file, line: lineNo });
    }
    this.declare(name, lineNo);
    this.acquire(PROC_LOCKDEP_TASKS.dependencies, name, 'write', lineNo);
    this.release(PROC_LOCKDEP_TASKS.dependencies, name, lineNo);
  }

  private leaveClass(lineNo: number): void {
    if (this.current === null) return;
    this.release(PROC_LOCKDEP_TASKS.dependencies, this.current, lineNo);
    this.current = null;
  }

  private openChain(irqContext: number, lineNo: number): void {
    this.leaveClass(lineNo);
    this.prepareTasks(lineNo);
    // irq_context: 1 hardirq, 2 softirq, 3 hardirq over softirq (a hardirq context).
    const irq = irqContext & 1 ? 'hardirq' : irqContext & 2 ? 'softirq' : null;
    if (irq !== null) this.irq(PROC_LOCKDEP_TASKS.chains, irq, 'enter', lineNo);
    this.chain = { held: [], irq };
  }

  private chainLock(name: string, lineNo: number): void {
    const chain = this.chain;
    if (chain === null) {
      throw new InputError(`chain line "[key] ${name}" with no "irq_context: N" line above it: /proc/lockdep_chains starts each chain with one`, { file: this.file, line: lineNo });
    }
    this.declare(name, lineNo);
    if (chain.held.includes(name)) return;
    this.acquire(PROC_LOCKDEP_TASKS.chains, name, this.chainMode(name, chain.irq), lineNo);
    chain.held.push(name);
  }

  /** Read when the class's usage shows it only read in this irq context; write otherwise. */
  private chainMode(name: string, irq: 'hardirq' | 'softirq' | null): LockMode {
    const usage = this.usageOf.get(name);
    if (usage === undefined || irq === null) return 'write';
    const onlyRead = irq === 'hardirq' ? usage.inHardirqRead && !usage.inHardirq : usage.inSoftirqRead && !usage.inSoftirq;
    return onlyRead ? 'read' : 'write';
  }

  private closeChain(lineNo: number): void {
    const chain = this.chain;
    if (chain === null) return;
    for (let i = chain.held.length - 1; i >= 0; i--) this.release(PROC_LOCKDEP_TASKS.chains, chain.held[i]!, lineNo);
    if (chain.irq !== null) this.irq(PROC_LOCKDEP_TASKS.chains, chain.irq, 'exit', lineNo);
    this.chain = null;
  }

  /** Each usage bit by one acquisition in that irq state on the usage task. */
  private markUsage(name: string, usage: ClassUsage, lineNo: number): void {
    const task = PROC_LOCKDEP_TASKS.usage;
    const once = (mode: LockMode): void => {
      this.acquire(task, name, mode, lineNo);
      this.release(task, name, lineNo);
    };
    for (const [inHardirq, mode] of [[usage.inHardirq, 'write'], [usage.inHardirqRead, 'read']] as const) {
      if (!inHardirq) continue;
      this.irq(task, 'hardirq', 'enter', lineNo);
      once(mode);
      this.irq(task, 'hardirq', 'exit', lineNo);
    }
    for (const [inSoftirq, mode] of [[usage.inSoftirq, 'write'], [usage.inSoftirqRead, 'read']] as const) {
      if (!inSoftirq) continue;
      this.irq(task, 'hardirq', 'disable', lineNo);
      this.irq(task, 'softirq', 'enter', lineNo);
      once(mode);
      this.irq(task, 'softirq', 'exit', lineNo);
      this.irq(task, 'hardirq', 'enable', lineNo);
    }
    // Softirqs count as enabled only while hardirqs are too (as in the kernel), so softirq-on
    // is marked with both on and hardirq-on alone with softirqs off.
    for (const [hardirqOn, softirqOn, mode] of [[usage.hardirqOn, usage.softirqOn, 'write'], [usage.hardirqOnRead, usage.softirqOnRead, 'read']] as const) {
      if (softirqOn) {
        once(mode);
      } else if (hardirqOn) {
        this.irq(task, 'softirq', 'disable', lineNo);
        once(mode);
        this.irq(task, 'softirq', 'enable', lineNo);
      }
    }
  }

  private declare(name: string, lineNo: number): void {
    this.prepareTasks(lineNo);
    if (this.declared.has(name)) return;
    this.declared.add(name);
    this.init(name, lineNo);
  }

  /** The dependencies and chains tasks run with both irq kinds off, so they mark no usage. */
  private prepareTasks(lineNo: number): void {
    if (this.tasksReady) return;
    this.tasksReady = true;
    for (const task of [PROC_LOCKDEP_TASKS.dependencies, PROC_LOCKDEP_TASKS.chains]) {
      this.irq(task, 'hardirq', 'disable', lineNo);
      this.irq(task, 'softirq', 'disable', lineNo);
    }
  }

  private otherLine(text: string, lineNo: number): void {
    const malformed = malformedClassLine(text);
    if (malformed !== null) throw new InputError(`malformed /proc/lockdep class line: ${malformed}`, { file: this.file, line: lineNo });
    if (this.skipped === 0) this.firstSkipped = lineNo;
    this.skipped++;
  }

  private summariseStats(): void {
    const parts: string[] = [];
    for (const [key, words] of SUMMARY_STATS) {
      const stat = this.stats.get(key);
      if (stat !== undefined) parts.push(`${stat.value} ${words}${stat.max !== undefined ? ` [max: ${stat.max}]` : ''}`);
    }
    const first = [...this.stats.values()][0];
    if (parts.length > 0 && first !== undefined) {
      this.notices.push({ kind: 'kernel-stats', file: this.file, line: first.line, message: `lockdep_stats: ${parts.join(', ')}` });
    }
    for (const [name, stat] of this.stats) {
      // The kernel stops at the last free slot (lock classes stop at max - 1).
      if (stat.max !== undefined && stat.value >= stat.max - 1) {
        this.stopped(stat.line, `${name} ${stat.value} reached its limit [max: ${stat.max}]: the kernel stopped recording, so this graph is incomplete`);
      }
    }
    const debugLocks = this.stats.get('debug_locks');
    if (debugLocks !== undefined && debugLocks.value === 0) {
      this.stopped(debugLocks.line, 'debug_locks is 0: lockdep turned itself off (after its first report or a full table), so the graph stopped growing there');
    }
  }

  private stopped(lineNo: number, message: string): void {
    this.notices.push({ kind: 'kernel-recording-stopped', file: this.file, line: lineNo, message });
    this.onWarning?.(message, { file: this.file, line: lineNo });
  }

  // One event each, as a TraceEvent to the sink or, when the engine's fast entrance is given,
  // as the equivalent call (lock-op-sink.ts): the replay then builds no event objects.
  private acquire(task: string, lock: string, mode: LockMode, lineNo: number): void {
    this.events++;
    if (this.fast !== undefined) this.fast.acquireAt(task, lock, mode === 'write' ? 0 : 1, false, undefined, this.file, lineNo);
    else this.sink(mode === 'write' ? { op: 'acquire', task, lock } : { op: 'acquire', task, lock, mode }, { file: this.file, line: lineNo });
  }

  private release(task: string, lock: string, lineNo: number): void {
    this.events++;
    if (this.fast !== undefined) this.fast.releaseAt(task, lock, undefined, this.file, lineNo);
    else this.sink({ op: 'release', task, lock }, { file: this.file, line: lineNo });
  }

  private irq(task: string, kind: IrqKind, action: IrqAction, lineNo: number): void {
    this.events++;
    if (this.fast !== undefined) this.fast.irqAt(task, kind, action, undefined, this.file, lineNo);
    else this.sink({ op: 'irq', task, kind, action }, { file: this.file, line: lineNo });
  }

  private init(name: string, lineNo: number): void {
    this.events++;
    if (this.fast !== undefined) this.fast.initAt(name, name, 'map', this.file, lineNo);
    else this.sink({ op: 'init', lock: name, class: name, type: 'map' }, { file: this.file, line: lineNo });
  }
}

function procLockdepImport(context: ImportContext, sink: EventSink, fast: LockOpSink | undefined): TraceImport {
  const parser = new ProcLockdepParser(context.file, sink, context.onWarning, fast);
  const decoder = new LineDecoder((text, lineNo) => parser.line(text, lineNo));
  return {
    onBlock: decoder.onBlock,
    linesSoFar: () => decoder.lines,
    chunkBytes: DEFAULT_CHUNK_BYTES,
    end: () => parser.end(decoder.lines),
  };
}

export const procLockdepImporter = defineImporter({
  name: 'proc-lockdep',
  description: '/proc/lockdep text',
  detect: isProcLockdepLine,
  create: (context, sink, fast) => procLockdepImport(context, sink, fast),
  // The byte lane is the engine's fast entrance itself: the replay's calls need no parsing of their own.
  byteLane: (fast: LockOpSink) => fast,
});
