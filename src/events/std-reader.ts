/**
 * Importer for STD traces, the text format of the dynamic deadlock-prediction literature
 * (RAPID, SPDOffline): one event per line, `thread|op(arg)|loc`, e.g. `T2|acq(L34)|120`.
 * Owns the mapping from STD operations to spec TraceEvents (docs/importers.md explains each):
 *  - acq(L) / rel(L): acquire / release of lock L (class L, type from `classTypes`, else mutex).
 *    STD traces come from Java-style reentrant monitors, so a nested acq of a lock the thread
 *    already holds only counts (no event), and only the matching outermost rel releases it.
 *  - r(V) / w(V): `access` of variable V (read / write).
 *  - fork(T): nothing (lockdep is not happens-before based; a new task starts empty).
 *  - join(T): `exit` of T (a joined thread has terminated; a lock it still holds is reported).
 *  - SPD dialect: req(L) nothing (the acq that follows carries the acquisition);
 *    wait(L): release L, might-sleep, reacquire L (the monitor is given up while waiting and the
 *    thread blocks); notify(L), notifyAll(L), broadcast(L), begin, end: nothing.
 *  - any other op is counted in `stats.unknown` and otherwise ignored (the literature's traces
 *    carry tool-specific extras); the no-op mappings above are counted in `stats.ignored`.
 * Invariants: every malformed line throws an InputError naming file:line; emitted events are
 * spec-valid; the location field, when present, becomes `site`.
 */
import type { EventOrigin, EventSink, LockType, TraceEvent } from './event.js';
import { InputError } from './input-error.js';
import type { LockOpSink } from './lock-op-sink.js';
import { ReentrantHolds } from './std-holds.js';
import { StdFastLane } from './std-fast-lane.js';
import { lineEnd, withoutCarriageReturn } from './line-blocks.js';
import { forEachLineBlock } from './text-line-reader.js';

export interface StdReaderOptions {
  /** File name used in origins and errors. */
  file: string;
  /** Lock type per lock (class) name; locks not listed are `mutex`, the spec's default. */
  classTypes?: ReadonlyMap<string, LockType>;
  /** Treat nested acq of a held lock as reentrant (default true, as Java monitors are). */
  reentrant?: boolean;
  /** The engine's fast entrance: plain acq/rel lines given as bytes (`block`) go to it directly. */
  fast?: LockOpSink;
}

export interface StdReadStats {
  lines: number;
  events: number;
  /** Lines whose op has no lockdep meaning (fork, req, notify*, broadcast, begin, end). */
  ignored: number;
  /** Lines with an op this reader does not know. */
  unknown: number;
}

/** Ops with no lockdep meaning; see the header for why each maps to nothing. */
export const STD_IGNORED_OPS: ReadonlySet<string> = new Set([
  'fork', 'req', 'notify', 'notifyAll', 'notifyall', 'broadcast', 'begin', 'end',
]);

/** Streaming STD parser: feed it lines, it calls the sink with spec events. */
export class StdParser {
  readonly stats: StdReadStats = { lines: 0, events: 0, ignored: 0, unknown: 0 };
  private readonly file: string;
  private readonly classTypes: ReadonlyMap<string, LockType> | undefined;
  readonly reentrant: boolean;
  /** Reentrant holds (when `reentrant`); the fast lane uses it directly, by number. */
  readonly holds = new ReentrantHolds();
  private readonly declared = new Set<string>();
  private readonly fast: StdFastLane | undefined;

  constructor(options: StdReaderOptions, private readonly sink: EventSink) {
    this.file = options.file;
    this.classTypes = options.classTypes;
    this.reentrant = options.reentrant ?? true;
    this.fast = options.fast === undefined ? undefined : new StdFastLane(this, options.fast, this.file);
  }

  /**
   * Whole lines as bytes, `bytes[0, end)` (each ending in `\n`, but for a file's last line):
   * plain acq/rel lines take the fast lane, every other line is decoded and goes to `line`.
   */
  block(bytes: Buffer, end: number): void {
    const fast = this.fast;
    let at = 0;
    while (at < end) {
      const lineNo = this.stats.lines + 1;
      if (fast !== undefined) {
        const next = fast.line(bytes, at, end, lineNo);
        if (next >= 0) {
          this.stats.lines++;
          at = next;
          continue;
        }
      }
      const newline = lineEnd(bytes, at, end);
      this.line(bytes.toString('utf8', at, withoutCarriageReturn(bytes, at, newline)), lineNo);
      at = newline + 1;
    }
  }

  line(text: string, lineNo: number): void {
    this.stats.lines++;
    const bar1 = text.indexOf('|');
    if (bar1 < 0) {
      if (isBlankOrComment(text)) return;
      this.fail(lineNo, `not an STD event: expected "thread|op(arg)|loc", got "${clip(text)}"`);
    }
    const thread = trimmed(text.slice(0, bar1));
    if (thread === '') this.fail(lineNo, 'missing thread before "|" (expected "thread|op(arg)|loc")');
    let bar2 = text.indexOf('|', bar1 + 1);
    if (bar2 < 0) bar2 = text.length;
    const loc = bar2 + 1 < text.length ? trimmed(text.slice(bar2 + 1)) : '';
    const open = text.indexOf('(', bar1 + 1);
    let op: string;
    let arg: string;
    if (open < 0 || open > bar2) {
      op = text.slice(bar1 + 1, bar2).trim();
      arg = '';
    } else {
      const close = text.lastIndexOf(')', bar2);
      if (close < open) this.fail(lineNo, `unbalanced parenthesis in "${clip(text.slice(bar1 + 1, bar2))}" (expected op(arg))`);
      op = text.slice(bar1 + 1, open).trim();
      arg = trimmed(text.slice(open + 1, close));
    }
    if (op === '') this.fail(lineNo, `missing op in "${clip(text)}" (expected "thread|op(arg)|loc")`);
    const origin: EventOrigin = { file: this.file, line: lineNo };
    switch (op) {
      case 'acq':
        this.acquire(thread, this.needArg(op, arg, lineNo), loc, origin);
        return;
      case 'rel':
        this.release(thread, this.needArg(op, arg, lineNo), loc, origin);
        return;
      case 'r':
      case 'w': {
        const variable = this.needArg(op, arg, lineNo);
        const write = op === 'w';
        this.emit(loc === '' ? { op: 'access', task: thread, var: variable, write } : { op: 'access', task: thread, var: variable, write, site: loc }, origin);
        return;
      }
      case 'join':
        this.join(this.needArg(op, arg, lineNo), loc, origin);
        return;
      case 'wait':
        this.wait(thread, this.needArg(op, arg, lineNo), loc, origin);
        return;
      default:
        if (STD_IGNORED_OPS.has(op)) this.stats.ignored++;
        else this.stats.unknown++;
        return;
    }
  }

  /** STD has no end-of-trace marker; nothing is pending, so this only exists for symmetry. */
  end(): void {}

  private acquire(thread: string, lock: string, loc: string, origin: EventOrigin): void {
    if (!this.enterHold(thread, lock)) return;
    this.declareBeforeAcquire(lock, origin.line);
    this.emit(loc === '' ? { op: 'acquire', task: thread, lock } : { op: 'acquire', task: thread, lock, site: loc }, origin);
  }

  private release(thread: string, lock: string, loc: string, origin: EventOrigin): void {
    if (!this.leaveHold(thread, lock)) return;
    this.emit(loc === '' ? { op: 'release', task: thread, lock } : { op: 'release', task: thread, lock, site: loc }, origin);
  }

  /** Reentrancy of an acq: false when the thread already holds the lock (only counted, no event). */
  private enterHold(thread: string, lock: string): boolean {
    return !this.reentrant || this.holds.enter(this.holds.thread(thread), this.holds.lockNumber(lock));
  }

  /** Reentrancy of a rel: false when an outer hold remains (only counted, no event). */
  private leaveHold(thread: string, lock: string): boolean {
    return !this.reentrant || this.holds.leave(this.holds.existingThread(thread), this.holds.existingLockNumber(lock));
  }

  /** Whether acquisitions may need an `init` first (`classTypes` given). */
  get declaresTypes(): boolean {
    return this.classTypes !== undefined;
  }

  /** Before the first acquisition of `lock`: its `init` when `classTypes` gives it a type. */
  declareBeforeAcquire(lock: string, lineNo: number): void {
    if (this.classTypes === undefined || this.declared.has(lock)) return;
    const type = this.classTypes.get(lock);
    if (type === undefined) return;
    this.declared.add(lock);
    this.emit({ op: 'init', lock, class: lock, type }, { file: this.file, line: lineNo });
  }

  /** Counts an event that the fast lane delivered. */
  countFastEvent(): void {
    this.stats.events++;
  }

  private wait(thread: string, lock: string, loc: string, origin: EventOrigin): void {
    const held = this.holds.holds(this.holds.existingThread(thread), this.holds.existingLockNumber(lock));
    this.emit(withSite({ op: 'release', task: thread, lock }, loc), origin);
    this.emit(withSite({ op: 'might-sleep', task: thread }, loc), origin);
    // Waiting on a monitor the thread does not hold: the release above is reported as
    // unbalanced, and there is nothing to take back.
    if (this.reentrant && !held) return;
    this.emit(withSite({ op: 'acquire', task: thread, lock }, loc), origin);
  }

  private join(joined: string, loc: string, origin: EventOrigin): void {
    this.holds.forget(joined);
    this.emit(withSite({ op: 'exit', task: joined }, loc), origin);
  }

  private needArg(op: string, arg: string, lineNo: number): string {
    if (arg === '') this.fail(lineNo, `${op} needs an argument, e.g. ${op}(L1)`);
    return arg;
  }

  private emit(event: TraceEvent, origin: EventOrigin): void {
    this.stats.events++;
    this.sink(event, origin);
  }

  private fail(lineNo: number, message: string): never {
    throw new InputError(message, { file: this.file, line: lineNo });
  }
}

/** Reads an STD file from disk, streaming, and returns what was read. */
export function readStdFile(path: string, options: StdReaderOptions, sink: EventSink): StdReadStats {
  const parser = new StdParser(options, sink);
  forEachLineBlock(path, (bytes, end) => parser.block(bytes, end), () => parser.stats.lines);
  parser.end();
  return parser.stats;
}

function withSite<E extends TraceEvent>(event: E, loc: string): E {
  if (loc !== '') event.site = loc;
  return event;
}

/** `text` without surrounding whitespace (no copy when there is none, the common case). */
function trimmed(text: string): string {
  const length = text.length;
  if (length === 0) return text;
  const first = text.charCodeAt(0);
  const last = text.charCodeAt(length - 1);
  return first <= 32 || last <= 32 ? text.trim() : text;
}

function isBlankOrComment(text: string): boolean {
  const t = text.trim();
  return t === '' || t.startsWith('#') || t.startsWith('//');
}

function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
