/**
 * The byte-level fast lane of the JSONL reader: takes the lines that jsonl-line-scan.ts scans
 * (every op, every field the spec allows for it, keys in any order, no whitespace, plain
 * printable-ASCII strings, string ids) straight from the read buffer, without decoding the line.
 * Ids, classes, variables and stacks are interned from their bytes (byte-id-cache.ts): a string
 * (or a stack's array) is made only on first sight; a call site is decoded per line (see `site`),
 * except that the writer's `site` followed by `stack` is interned as one key. A scanned line goes
 *  - to the engine's lane entrance (lock-op-sink.ts), building nothing, when the call stands for
 *    everything of the line's event that the engine reads: an `acquire`, `release`,
 *    `might-sleep`, `irq` or `access` with any of its fields but a `mode` "write", `try` false or
 *    `nest` (a `subclass` above 0 only for a sink with `acquireSubclassAt`; each with an optional
 *    `site` and `stack`, passed together, and `ts`, which the engine never reads; an acquire's
 *    `class`/`type` only while the lock's handle is live; a lock first seen through the sink's
 *    `acquireByIdAt` when it has one), or an `init` with `class` and `type`; keys in any order (the engine rebuilds an
 *    event field by field, engine/event-refs.ts, and shows its fields, never its key order);
 *  - otherwise back to the reader as the TraceEvent `JSON.parse` would give (keys in line
 *    order), built from the interned values, for the event entrance (event.ts).
 * Anything the scan declines (other spacing, escapes, numbers as ids, non-ASCII, unknown or
 * repeated keys, a field of another op, a bad value) returns false and takes the normal string
 * path, which owns every error message.
 * Invariant: a line it takes has exactly the effect `process()` of `validateEvent(JSON.parse(line))`
 * would have (tested line by line and by a property test comparing whole checks with and without it).
 */
import { ByteIdCache } from './byte-id-cache.js';
import { ASSERT_KINDS, EVENT_OPS, IRQ_ACTIONS, IRQ_KINDS, LOCK_MODES, LOCK_TYPES, type EventOp, type TraceEvent } from './event.js';
import {
  bit,
  FIELD_NAMES,
  F_ACTION,
  F_CLASS,
  F_HELD,
  F_KIND,
  F_LOCK,
  F_MODE,
  F_NEST,
  F_OP,
  F_SITE,
  F_STACK,
  F_SUBCLASS,
  F_TASK,
  F_TRY,
  F_TS,
  F_TYPE,
  F_VAR,
  F_WRITE,
  JsonlLineScan,
} from './jsonl-line-scan.js';
import { JsonlTailMemo, TAIL_ACQUIRE, TAIL_RELEASE, TAIL_SLOT_WORDS, TS_KEY_BYTES } from './jsonl-tail-memo.js';
import { JsonlPlainLines } from './jsonl-plain-lines.js';
import type { LiveHandle, LocatedSite, LockOpMode, LockOpSink, LockOpSite } from './lock-op-sink.js';

/** What the lane did with a line: `true` gave it to the lane entrance, `false` declined it, an event is for the event entrance. */
export type JsonlLaneOutcome = boolean | TraceEvent;

const opCode = (op: EventOp): number => EVENT_OPS.indexOf(op);
const INIT = opCode('init');
const ACQUIRE = opCode('acquire');
const RELEASE = opCode('release');
const IRQ = opCode('irq');
const ACCESS = opCode('access');
const MIGHT_SLEEP = opCode('might-sleep');

/**
 * Per op code: the fields a lane-entrance line may have (0: the op has no lane call). Besides
 * the call's own fields: `stack` (passed with the site, lock-op-sink.ts LocatedSite) and `ts`,
 * which the engine never reads; on an acquire also `subclass` 0 and the inline `class`/`type`,
 * which define an instance on first sight only, so `laneCall` takes them only with the lock's
 * live handle (the instance exists: the engine ignores them).
 */
const SINK_BITS = new Int32Array(EVENT_OPS.length);
const TASK_LINE = bit(F_OP) | bit(F_TASK) | bit(F_SITE) | bit(F_STACK) | bit(F_TS);
SINK_BITS[ACQUIRE] = TASK_LINE | bit(F_LOCK) | bit(F_MODE) | bit(F_TRY) | bit(F_SUBCLASS) | bit(F_CLASS) | bit(F_TYPE);
SINK_BITS[RELEASE] = TASK_LINE | bit(F_LOCK);
SINK_BITS[MIGHT_SLEEP] = TASK_LINE;
SINK_BITS[IRQ] = TASK_LINE | bit(F_KIND) | bit(F_ACTION);
SINK_BITS[ACCESS] = TASK_LINE | bit(F_VAR) | bit(F_WRITE);
SINK_BITS[INIT] = bit(F_OP) | bit(F_LOCK) | bit(F_CLASS) | bit(F_TYPE);
/** The fields of an acquire that define its instance when the lock is first seen. */
const DEFINING_BITS = bit(F_CLASS) | bit(F_TYPE);
/** The bytes from a site's closing quote to its stack's `[` when `stack` follows `site`: `","stack":`. */
const SITE_TO_STACK = 10;

const MODE_WRITE = 0;
/** After this many lines in a row missed by the fixed patterns, they are tried on one line in PLAIN_RETRY. */
const PLAIN_MISSES = 8;
const PLAIN_RETRY = 64;
/** Stacks are interned by their whole `[...]` text, up to this many bytes (longer ones are decoded per line). */
const MAX_STACK_BYTES = 4096;

export class JsonlFastLane<T extends LiveHandle = LiveHandle, L extends LiveHandle = LiveHandle> {
  private readonly scan = new JsonlLineScan();
  private readonly tasks = new ByteIdCache<T>();
  /**
   * Lock ids; with the tail memo's ways in each lock's slot (jsonl-tail-memo.ts) once a line has
   * a lock-line head (`tailLine` widens the slots then: a trace of plain lines keeps the smaller table).
   */
  private readonly locks = new ByteIdCache<L>();
  /** Classes and variables. */
  private readonly texts = new ByteIdCache();
  private readonly stacks = new ByteIdCache<LiveHandle, LiveHandle, readonly string[]>(undefined, MAX_STACK_BYTES);
  /** A site with the stack that follows it (the writer's order), by the bytes from the one to the other. */
  private readonly siteStacks = new ByteIdCache<LiveHandle, LiveHandle, LocatedSite>(undefined, MAX_STACK_BYTES);
  /** The tail each lock had on its last acquire and release line (jsonl-tail-memo.ts), tried before the scan. */
  private readonly tails = new JsonlTailMemo();
  /** The writer's plainest lines, matched by their exact bytes first (cheaper than the scan). */
  private readonly plain: JsonlPlainLines<T, L>;
  /** Lines in a row the fixed patterns missed (counting on past PLAIN_MISSES, to pace the retries). */
  private plainMisses = 0;

  constructor(
    private readonly sink: LockOpSink<T, L>,
    private readonly file: string,
  ) {
    this.plain = new JsonlPlainLines(sink, file, this.tasks, this.locks, this.texts);
  }

  /** Takes the line `bytes[start, end)` (no line terminator) if it has a lane shape; false leaves it untouched. */
  line(bytes: Buffer, start: number, end: number, lineNo: number): JsonlLaneOutcome {
    return this.plainLine(bytes, start, end, lineNo) || this.scannedLine(bytes, start, end, lineNo);
  }

  /**
   * The first half of `line`: the fixed patterns, while they have been hitting (after
   * PLAIN_MISSES misses in a row, in a trace whose lines carry more fields, `scannedLine` tries them
   * on one line in PLAIN_RETRY only). Either way a line has the same effect; this only saves
   * failed matches. A reader calls the two halves itself, so the engine call of a plain line is
   * as few calls deep as it can be (V8 then inlines more of it: 5-9% of a check of the mixed
   * workload).
   */
  plainLine(bytes: Buffer, start: number, end: number, lineNo: number): boolean {
    if (this.plainMisses >= PLAIN_MISSES) return false;
    if (this.plain.line(bytes, start, end, lineNo)) {
      this.plainMisses = 0;
      return true;
    }
    this.plainMisses++;
    return false;
  }

  /** The second half of `line`, for a line `plainLine` did not take: the scan. */
  scannedLine(bytes: Buffer, start: number, end: number, lineNo: number): JsonlLaneOutcome {
    if (this.plainMisses >= PLAIN_MISSES && ++this.plainMisses % PLAIN_RETRY === 0 && this.plain.line(bytes, start, end, lineNo)) {
      this.plainMisses = 0;
      return true;
    }
    if (this.tailLine(bytes, start, end, lineNo)) return true;
    const scan = this.scan;
    if (!scan.scan(bytes, start, end)) return false;
    if (this.isLaneCall() && this.laneCall(bytes, end, lineNo)) return true;
    return this.event(bytes);
  }

  /** An acquire or release line whose tail is its lock's remembered tail (jsonl-tail-memo.ts): one comparison, then the lane call. */
  private tailLine(bytes: Buffer, start: number, end: number, lineNo: number): boolean {
    const tails = this.tails;
    if (!tails.head(bytes, start, end)) return false;
    const locks = this.locks;
    if (locks.slotWords !== TAIL_SLOT_WORDS) locks.widen(TAIL_SLOT_WORDS);
    const lockStart = tails.lockStart;
    const lockEnd = tails.lockEnd;
    const lock = this.locks.index(bytes, lockStart, lockEnd);
    if (lock < 0) return false;
    const slotAt = this.locks.lastSlot;
    // The handle first: its memory load (a random lock instance) then overlaps the comparison.
    const lockArgument = this.locks.handleOrId(lock, bytes, lockStart, lockEnd);
    const entry = tails.tail(lock, this.locks.table, slotAt, bytes, end);
    if (entry < 0) return false;
    if (typeof lockArgument === 'string' && (tails.seen() & DEFINING_BITS) !== 0) return false;
    const taskStart = tails.taskStart;
    const taskEnd = tails.taskEnd;
    const task = this.tasks.index(bytes, taskStart, taskEnd);
    const taskArgument = this.tasks.handleOrId(task, bytes, taskStart, taskEnd);
    if (tails.slot === TAIL_ACQUIRE) {
      this.acquire(taskArgument, lockArgument, tails.subclass(), tails.mode(), tails.trylock(), tails.sites[entry], lineNo);
    } else {
      this.sink.releaseAt(taskArgument, lockArgument, tails.sites[entry], this.file, lineNo);
    }
    if (typeof lockArgument === 'string') this.locks.remember(lock, this.sink.lockHandle(lockArgument));
    if (typeof taskArgument === 'string') this.tasks.remember(task, this.sink.taskHandle(taskArgument));
    return true;
  }

  /** Whether the scanned line is one the lane entrance may stand for (`laneCall` has the last word on acquires with `class`/`type`). */
  private isLaneCall(): boolean {
    const scan = this.scan;
    const op = scan.op;
    const seen = scan.seen;
    const allowed = SINK_BITS[op]!;
    if ((seen & ~allowed) !== 0) return false;
    if (op === INIT) return seen === allowed;
    if (op === ACQUIRE) {
      if ((seen & bit(F_MODE)) !== 0 && scan.choice[F_MODE] === MODE_WRITE) return false;
      if ((seen & bit(F_TRY)) !== 0 && !scan.trylock) return false;
      if ((seen & bit(F_SUBCLASS)) !== 0 && scan.subclass !== 0 && this.sink.acquireSubclassAt === undefined) return false;
    }
    return true;
  }

  /** Calls the lane entrance for the scanned line; false (nothing done) for an acquire whose `class`/`type` may define its instance. */
  private laneCall(bytes: Buffer, end: number, lineNo: number): boolean {
    const scan = this.scan;
    const op = scan.op;
    const starts = scan.starts;
    const ends = scan.ends;
    if (op === INIT) {
      const lock = this.locks.index(bytes, starts[F_LOCK]!, ends[F_LOCK]!);
      const lockId = this.locks.idOf(lock, bytes, starts[F_LOCK]!, ends[F_LOCK]!);
      this.sink.initAt(lockId, this.text(bytes, F_CLASS), LOCK_TYPES[scan.choice[F_TYPE]!]!, this.file, lineNo);
      this.locks.remember(lock, this.sink.lockHandle(lockId));
      return true;
    }
    let lock = -1;
    let slotAt = 0;
    let lockArgument: L | string = '';
    if (op === ACQUIRE || op === RELEASE) {
      const lockStart = starts[F_LOCK]!;
      const lockEnd = ends[F_LOCK]!;
      lock = this.locks.index(bytes, lockStart, lockEnd);
      slotAt = this.locks.lastSlot;
      lockArgument = this.locks.handleOrId(lock, bytes, lockStart, lockEnd);
      if (typeof lockArgument === 'string' && (scan.seen & DEFINING_BITS) !== 0) return false;
    }
    const site = this.located(bytes);
    const taskStart = starts[F_TASK]!;
    const taskEnd = ends[F_TASK]!;
    const task = this.tasks.index(bytes, taskStart, taskEnd);
    const taskArgument = this.tasks.handleOrId(task, bytes, taskStart, taskEnd);
    if (op === ACQUIRE) {
      const mode = ((scan.seen & bit(F_MODE)) === 0 ? MODE_WRITE : scan.choice[F_MODE]!) as LockOpMode;
      const trylock = (scan.seen & bit(F_TRY)) !== 0;
      const subclass = (scan.seen & bit(F_SUBCLASS)) === 0 ? 0 : scan.subclass;
      this.acquire(taskArgument, lockArgument, subclass, mode, trylock, site, lineNo);
      this.rememberTail(lock, slotAt, TAIL_ACQUIRE, bytes, end, mode, trylock, subclass, site);
    } else if (op === RELEASE) {
      this.sink.releaseAt(taskArgument, lockArgument, site, this.file, lineNo);
      this.rememberTail(lock, slotAt, TAIL_RELEASE, bytes, end, MODE_WRITE, false, 0, site);
    } else if (op === IRQ) {
      this.sink.irqAt(taskArgument, IRQ_KINDS[scan.choice[F_KIND]!]!, IRQ_ACTIONS[scan.choice[F_ACTION]!]!, site, this.file, lineNo);
    } else if (op === ACCESS) {
      this.sink.accessAt(taskArgument, this.text(bytes, F_VAR), scan.write, site, this.file, lineNo);
    } else {
      this.sink.mightSleepAt(taskArgument, site, this.file, lineNo);
    }
    if (typeof lockArgument === 'string' && lock !== -1) this.locks.remember(lock, this.sink.lockHandle(lockArgument));
    if (typeof taskArgument === 'string') this.tasks.remember(task, this.sink.taskHandle(taskArgument));
    return true;
  }

  /**
   * Keeps the scanned line's tail (its fields after `op`, `task` and `lock`, in that order, up to
   * a last `ts`) as lock `lock`'s for the op, with the call's arguments it gave.
   */
  private rememberTail(lock: number, slotAt: number, slot: number, bytes: Buffer, end: number, mode: LockOpMode, trylock: boolean, subclass: number, site: LockOpSite): void {
    const scan = this.scan;
    const keys = scan.keys;
    const count = scan.keyCount;
    // The memo keeps ways only in widened slots (see `locks`).
    if (lock < 0 || this.locks.slotWords !== TAIL_SLOT_WORDS || keys[0] !== F_OP || keys[1] !== F_TASK || keys[2] !== F_LOCK) return;
    const hasTs = (scan.seen & bit(F_TS)) !== 0;
    if (hasTs && keys[count - 1] !== F_TS) return;
    const tailEnd = hasTs ? scan.starts[F_TS]! - TS_KEY_BYTES : end - 1;
    this.tails.remember(lock, this.locks.table, slotAt, slot, bytes, scan.ends[F_LOCK]! + 1, tailEnd, scan.seen, mode, trylock, subclass, site);
  }

  /**
   * An acquire line's lane call: with a subclass above 0 through `acquireSubclassAt` (the lane
   * takes, and the memo keeps, such lines only for a sink that has it); a lock first seen (its id)
   * through `acquireByIdAt` when the sink has it, so that the engine compiles `acquireAt` for
   * handles alone (lock-op-sink.ts).
   */
  private acquire(task: T | string, lock: L | string, subclass: number, mode: LockOpMode, trylock: boolean, site: LockOpSite, lineNo: number): void {
    const sink = this.sink;
    if (subclass !== 0 && sink.acquireSubclassAt !== undefined) sink.acquireSubclassAt(task, lock, subclass, mode, trylock, site, this.file, lineNo);
    else if (typeof lock === 'string' && sink.acquireByIdAt !== undefined) sink.acquireByIdAt(task, lock, mode, trylock, site, this.file, lineNo);
    else sink.acquireAt(task, lock, mode, trylock, site, this.file, lineNo);
  }

  /** The scanned line's site, with its stack when it has one (interned when `stack` follows `site`, as the writer puts them). */
  private located(bytes: Buffer): LockOpSite {
    const seen = this.scan.seen;
    if ((seen & bit(F_STACK)) === 0) return (seen & bit(F_SITE)) === 0 ? undefined : this.site(bytes);
    if ((seen & bit(F_SITE)) === 0) return { site: undefined, stack: this.stack(bytes) };
    if (this.scan.starts[F_STACK]! - this.scan.ends[F_SITE]! === SITE_TO_STACK) return this.siteAndStack(bytes);
    return { site: this.site(bytes), stack: this.stack(bytes) };
  }

  /**
   * The scanned line as the event `JSON.parse` gives, keys in line order. Each field is stored
   * under its literal name (one store site per field), so the few shapes a trace's writer uses
   * stay fast.
   */
  private event(bytes: Buffer): TraceEvent {
    const scan = this.scan;
    const event: Partial<Record<(typeof FIELD_NAMES)[number], unknown>> = {};
    for (let k = 0; k < scan.keyCount; k++) {
      const field = scan.keys[k]!;
      switch (field) {
        case F_OP:
          event.op = EVENT_OPS[scan.op];
          break;
        case F_TASK:
          event.task = this.id(this.tasks, bytes, field);
          break;
        case F_LOCK:
          event.lock = this.id(this.locks, bytes, field);
          break;
        case F_NEST:
          event.nest = this.id(this.locks, bytes, field);
          break;
        case F_CLASS:
          event.class = this.text(bytes, field);
          break;
        case F_VAR:
          event.var = this.text(bytes, field);
          break;
        case F_SITE:
          if (scan.keys[k + 1] === F_STACK && k + 1 < scan.keyCount) {
            // The writer's `"site":S,"stack":[...]`: one lookup for both.
            const located = this.siteAndStack(bytes);
            event.site = located.site;
            event.stack = located.stack;
            k++;
          } else {
            event.site = this.site(bytes);
          }
          break;
        case F_MODE:
          event.mode = LOCK_MODES[scan.choice[field]!];
          break;
        case F_TYPE:
          event.type = LOCK_TYPES[scan.choice[field]!];
          break;
        case F_KIND:
          event.kind = IRQ_KINDS[scan.choice[field]!];
          break;
        case F_ACTION:
          event.action = IRQ_ACTIONS[scan.choice[field]!];
          break;
        case F_HELD:
          event.held = ASSERT_KINDS[scan.choice[field]!];
          break;
        case F_TRY:
          event.try = scan.trylock;
          break;
        case F_WRITE:
          event.write = scan.write;
          break;
        case F_SUBCLASS:
          event.subclass = scan.subclass;
          break;
        case F_STACK:
          event.stack = this.stack(bytes);
          break;
        case F_TS:
          event.ts = scan.ts;
      }
    }
    return event as unknown as TraceEvent;
  }

  private id(cache: ByteIdCache, bytes: Buffer, field: number): string {
    const start = this.scan.starts[field]!;
    const end = this.scan.ends[field]!;
    return cache.idOf(cache.index(bytes, start, end), bytes, start, end);
  }

  private text(bytes: Buffer, field: number): string {
    return this.id(this.texts, bytes, field);
  }

  /**
   * The scanned site, decoded: call sites vary more than ids, and a fresh short string (allocated
   * in sequence) cost less than a lookup in a table of every site (measured: 10% of a check of
   * the bench's full workload).
   */
  private site(bytes: Buffer): string {
    return bytes.toString('latin1', this.scan.starts[F_SITE], this.scan.ends[F_SITE]);
  }

  /** The scanned site and the stack that follows it, interned together by their bytes. */
  private siteAndStack(bytes: Buffer): LocatedSite {
    const start = this.scan.starts[F_SITE]!;
    const end = this.scan.ends[F_STACK]!;
    const index = this.siteStacks.index(bytes, start, end);
    const known = index < 0 ? undefined : this.siteStacks.values[index];
    if (known !== undefined) return known;
    const located = { site: this.site(bytes), stack: this.stack(bytes) };
    if (index >= 0) this.siteStacks.values[index] = located;
    return located;
  }

  /**
   * The scanned stack's frames: one frozen array per distinct stack text, shared by the events
   * that carry it (nothing changes an event's stack once read).
   */
  private stack(bytes: Buffer): readonly string[] {
    const start = this.scan.starts[F_STACK]!;
    const end = this.scan.ends[F_STACK]!;
    const index = this.stacks.index(bytes, start, end);
    const known = index < 0 ? undefined : this.stacks.values[index];
    if (known !== undefined) return known;
    // Frames are plain strings (no quote, no escape), so the text between `["` and `"]` splits exactly at `","`.
    const frames = Object.freeze(this.scan.frames === 0 ? [] : bytes.toString('latin1', start + 2, end - 2).split('","'));
    if (index >= 0) this.stacks.values[index] = frames;
    return frames;
  }
}
