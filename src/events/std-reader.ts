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
 *    notify(L), notifyAll(L), broadcast(L), begin, end: nothing.
 *  - wait(L), decided per event from what the thread holds (both conventions exist):
 *    held: release L, might-sleep, reacquire L (the monitor is given up while the thread blocks);
 *    not held, and the thread's last lock operation was the rel that ended its hold of L (the
 *    SPD converter logs `rel(L)` then `wait(L)`, and the reacquisition later as req/acq): only
 *    might-sleep (a marker: the thread blocks holding its other locks);
 *    neither: release L (the program waits on a monitor it does not own: an unbalanced
 *    release, reported) and might-sleep.
 *  - any other op is skipped and counted in `stats.unknown` (the literature's traces carry
 *    tool-specific extras), as is an r/w/fork/join without its argument; `end` warns once per
 *    kind of skip (how many, the first line). The no-op mappings above count in `stats.ignored`.
 * Invariants: a malformed lock line (acq, rel, wait) or a line that is no STD at all throws an
 * InputError naming file:line; emitted events are spec-valid; the location field, when present,
 * becomes `site`. `stdImporter` is the registry entry; its byte lane is std-fast-lane.ts, which
 * the parser hosts (`StdLaneHost`).
 */
import type { EventOrigin, EventSink, LockType, TraceEvent } from './event.js';
import { blockParserImport, defineImporter, type ImportContext, type TraceImport } from './importer.js';
import { InputError } from '../io/input-error.js';
import { ReentrantHolds } from './std-holds.js';
import { LINES_PER_CALL, StdFastLane, type StdLaneHost } from './std-fast-lane.js';
import { lineEnd, withoutCarriageReturn } from './line-blocks.js';
import { readLineBlocks, type TraceByteSource } from './line-block-source.js';

/** The byte lane of one STD trace, built over the parser that hosts it. */
type StdLaneFactory = (host: StdLaneHost) => StdFastLane;

export interface StdReaderOptions {
  /** File name used in origins and errors. */
  file: string;
  /** Lock type per lock (class) name; locks not listed are `mutex`, the spec's default. */
  classTypes?: ReadonlyMap<string, LockType>;
  /** Treat nested acq of a held lock as reentrant (default true, as Java monitors are). */
  reentrant?: boolean;
  /** The byte lane: plain acq/rel lines given as bytes (`block`) go to the engine's fast entrance through it. */
  lane?: StdLaneFactory;
  /** Called by `end` once per kind of skipped line (unknown op, missing argument): how many, the first. */
  onWarning?: (message: string, origin: EventOrigin) => void;
}

export interface StdReadStats {
  lines: number;
  events: number;
  /** Lines whose op has no lockdep meaning (fork, req, notify*, broadcast, begin, end). */
  ignored: number;
  /** Lines skipped: an op this reader does not know, or an r/w/fork/join without its argument. */
  unknown: number;
}

/** Distinct kinds of skipped lines warned about one by one; the rest share one warning. */
const MAX_SKIP_KINDS = 32;
const OTHER_SKIPS = '';

interface SkipCount {
  count: number;
  firstLine: number;
}

/** Ops that change what a thread holds: a malformed one is an input error, any other malformed line is skipped. */
const LOCK_OPS: ReadonlySet<string> = new Set(['acq', 'rel', 'wait']);

/** Ops whose argument names a thread or a variable: without one the line is skipped, not an error. */
const NON_LOCK_OPS_WITH_ARG: ReadonlySet<string> = new Set(['r', 'w', 'fork', 'join']);

/** Ops with no lockdep meaning; see the header for why each maps to nothing. */
export const STD_IGNORED_OPS: ReadonlySet<string> = new Set([
  'fork', 'req', 'notify', 'notifyAll', 'notifyall', 'broadcast', 'begin', 'end',
]);

/** Streaming STD parser: feed it lines, it calls the sink with spec events. */
export class StdParser implements StdLaneHost {
  readonly stats: StdReadStats = { lines: 0, events: 0, ignored: 0, unknown: 0 };
  private readonly file: string;
  private readonly classTypes: ReadonlyMap<string, LockType> | undefined;
  readonly reentrant: boolean;
  /** Reentrant holds (when `reentrant`); the fast lane uses it directly, by number. */
  readonly holds = new ReentrantHolds();
  private readonly declared = new Set<string>();
  private readonly fast: StdFastLane | undefined;
  private readonly onWarning: ((message: string, origin: EventOrigin) => void) | undefined;
  /** Per kind of skipped line (an unknown op's name, or `op()` for a missing argument). */
  private readonly skips = new Map<string, SkipCount>();

  constructor(options: StdReaderOptions, private readonly sink: EventSink) {
    this.file = options.file;
    this.classTypes = options.classTypes;
    this.reentrant = options.reentrant ?? true;
    this.onWarning = options.onWarning;
    this.fast = options.lane?.(this);
  }

  /**
   * Whole lines as bytes, `bytes[0, end)` (each ending in `\n`, but for a file's last line):
   * plain acq/rel lines take the fast lane, every other line is decoded and goes to `line`.
   */
  block(bytes: Buffer, end: number): void {
    const fast = this.fast;
    let at = 0;
    while (at < end) {
      if (fast !== undefined) {
        try {
          at = fast.lines(bytes, at, end, this.stats.lines + 1);
        } finally {
          // Also when the engine threw (a limit reached) part-way through the run: the counts stay exact.
          this.stats.lines += fast.taken;
          this.stats.events += fast.delivered;
        }
        if (at >= end) break;
        if (fast.taken === LINES_PER_CALL) continue; // stopped at its limit, not at a line it declines
      }
      const newline = lineEnd(bytes, at, end);
      this.line(bytes.toString('utf8', at, withoutCarriageReturn(bytes, at, newline)), this.stats.lines + 1);
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
      op = text.slice(bar1 + 1, open).trim();
      if (close < open) {
        if (!LOCK_OPS.has(op)) {
          this.skipped(`${op}(`, lineNo);
          return;
        }
        this.fail(lineNo, `unbalanced parenthesis in "${clip(text.slice(bar1 + 1, bar2))}" (expected op(arg))`);
      }
      arg = trimmed(text.slice(open + 1, close));
    }
    if (op === '') this.fail(lineNo, `missing op in "${clip(text)}" (expected "thread|op(arg)|loc")`);
    if (arg === '' && NON_LOCK_OPS_WITH_ARG.has(op)) {
      this.skipped(`${op}()`, lineNo);
      return;
    }
    const origin: EventOrigin = { file: this.file, line: lineNo };
    switch (op) {
      case 'acq':
        this.acquire(thread, this.needArg(op, arg, lineNo), loc, origin);
        return;
      case 'rel':
        this.release(thread, this.needArg(op, arg, lineNo), loc, origin);
        return;
      case 'r':
      case 'w':
        this.emit(withStdLocation({ op: 'access', task: thread, var: arg, write: op === 'w' }, loc), origin);
        return;
      case 'join':
        this.join(arg, loc, origin);
        return;
      case 'wait':
        this.wait(thread, this.needArg(op, arg, lineNo), loc, origin);
        return;
      default:
        if (STD_IGNORED_OPS.has(op)) this.stats.ignored++;
        else this.skipped(op, lineNo);
        return;
    }
  }

  /** End of input: one warning per kind of skipped line (STD has no end marker; nothing is pending). */
  end(): void {
    if (this.onWarning === undefined) return;
    for (const [kind, { count, firstLine }] of this.skips) {
      this.onWarning(skipNote(kind, count), { file: this.file, line: firstLine });
    }
  }

  private skipped(kind: string, lineNo: number): void {
    this.stats.unknown++;
    let key = kind;
    if (!this.skips.has(key) && this.skips.size >= MAX_SKIP_KINDS) key = OTHER_SKIPS;
    const skip = this.skips.get(key);
    if (skip === undefined) this.skips.set(key, { count: 1, firstLine: lineNo });
    else skip.count++;
  }

  private acquire(thread: string, lock: string, loc: string, origin: EventOrigin): void {
    if (!this.enterHold(thread, lock)) return;
    this.declareBeforeAcquire(lock, origin.line);
    this.emit(loc === '' ? { op: 'acquire', task: thread, lock } : { op: 'acquire', task: thread, lock, site: loc }, origin);
  }

  private release(thread: string, lock: string, loc: string, origin: EventOrigin): void {
    if (!this.leaveHold(thread, lock)) return;
    this.emit(loc === '' ? { op: 'release', task: thread, lock } : { op: 'release', task: thread, lock, site: loc }, origin);
  }

  /**
   * Reentrancy of an acq: false when the thread already holds the lock (only counted, no event).
   * The holds are kept in both modes: a `wait` is decided from them.
   */
  private enterHold(thread: string, lock: string): boolean {
    const outermost = this.holds.enter(this.holds.thread(thread), this.holds.lockNumber(lock));
    return outermost || !this.reentrant;
  }

  /** Reentrancy of a rel: false when an outer hold remains (only counted, no event). */
  private leaveHold(thread: string, lock: string): boolean {
    const outermost = this.holds.leave(this.holds.existingThread(thread), this.holds.existingLockNumber(lock));
    return outermost || !this.reentrant;
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

  /** `wait(L)`, decided from what the thread holds (the header gives the three cases). */
  private wait(thread: string, lock: string, loc: string, origin: EventOrigin): void {
    const mine = this.holds.existingThread(thread);
    const number = this.holds.existingLockNumber(lock);
    const held = this.holds.holds(mine, number);
    const marker = !held && this.holds.justReleased(mine, number);
    this.holds.waited(mine);
    if (!marker) this.emit(withStdLocation({ op: 'release', task: thread, lock }, loc), origin);
    this.emit(withStdLocation({ op: 'might-sleep', task: thread }, loc), origin);
    if (held) this.emit(withStdLocation({ op: 'acquire', task: thread, lock }, loc), origin);
  }

  private join(joined: string, loc: string, origin: EventOrigin): void {
    this.holds.forget(joined);
    this.emit(withStdLocation({ op: 'exit', task: joined }, loc), origin);
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

/** An STD line (for detection): `thread|op(arg)|loc`, the argument and the location optional. */
const STD_LINE = /^[^|\s][^|]*\|\s*[A-Za-z_][\w]*\s*(?:\(.*\))?\s*(?:\|.*)?$/;

function openStd(context: ImportContext, sink: EventSink, lane: StdLaneFactory | undefined): TraceImport {
  const options: StdReaderOptions = { file: context.file };
  if (context.classTypes !== undefined) options.classTypes = context.classTypes;
  if (context.onWarning !== undefined) options.onWarning = context.onWarning;
  if (lane !== undefined) options.lane = lane;
  return blockParserImport(new StdParser(options, sink));
}

/** The registry entry of STD; its byte lane is std-fast-lane.ts. */
export const stdImporter = defineImporter({
  name: 'std',
  description: 'STD',
  detect: (line) => STD_LINE.test(line.trim()),
  byteLane: (fast, file): StdLaneFactory => (host) => new StdFastLane(host, fast, file),
  create: openStd,
});

/** Reads an STD file (or stream) the way `lockdep check` does, and returns what was read. */
export async function readStdFile(source: TraceByteSource, options: StdReaderOptions, sink: EventSink): Promise<StdReadStats> {
  const parser = new StdParser(options, sink);
  await readLineBlocks(source, (bytes, end) => parser.block(bytes, end), { linesSoFar: () => parser.stats.lines });
  parser.end();
  return parser.stats;
}

function skipNote(kind: string, count: number): string {
  const lines = `${count} line${count === 1 ? '' : 's'}`;
  if (kind === OTHER_SKIPS) return `${lines} with other unknown STD ops skipped (more than ${MAX_SKIP_KINDS} kinds); the first is here`;
  if (kind.endsWith('()')) return `${lines} "${kind}" without an argument skipped; the first is here`;
  if (kind.endsWith('(')) return `${lines} "${clip(kind)}...)" with an unbalanced parenthesis skipped; the first is here`;
  return `${lines} with the unknown STD op "${clip(kind)}" skipped (no lockdep meaning); the first is here`;
}

/** `event` with its site set to the STD line's location, when it names one. */
function withStdLocation<E extends TraceEvent>(event: E, loc: string): E {
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
