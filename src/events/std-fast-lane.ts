/**
 * The byte-level fast lane of the STD importer: recognises `T|acq(L)|loc` and `T|rel(L)|loc`
 * (the location part optional) in the read buffer, a whole run of such lines per call (`lines`),
 * and hands them to a LockOpSink, through its host's reentrancy bookkeeping (`StdLaneHost`, the
 * STD parser), without decoding the line or building an event.
 * T, L and loc must be printable ASCII without spaces, T and L also without `|`, `(` and `)`;
 * anything else (other ops, spaces to trim, non-ASCII, text between `)` and `|`) is declined and
 * goes through `StdParser.line`, which owns every error message.
 * Invariant: a line it accepts has exactly the effect `StdParser.line` would have (tested by a
 * property test comparing whole checks with and without it).
 */
/* eslint-disable @typescript-eslint/no-unnecessary-boolean-literal-compare -- `=== true` on purpose: V8 compiles a bare truth test of a field or call result to the general one (engine/hot-path.ts) */
import { ByteIdCache } from './byte-id-cache.js';
import type { LiveHandle, LockOpSink, LockOpSite } from './lock-op-sink.js';
import { NumberedIds, indexOfId } from './numbered-ids.js';
import type { ReentrantHolds, ThreadHolds } from './std-holds.js';

/** What the lane needs from the STD parser that it serves. */
export interface StdLaneHost {
  /** Whether a nested acq and an inner rel make no event (Java monitors). */
  readonly reentrant: boolean;
  /** The parser's hold bookkeeping, shared with its string path. */
  readonly holds: ReentrantHolds;
  /** Whether an acquisition may need an `init` first (`declareBeforeAcquire`). */
  readonly declaresTypes: boolean;
  /** Before an acquisition of `lock`: its `init`, when the parser declares its type and has not yet. */
  declareBeforeAcquire(lock: string, lineNo: number): void;
}

const BAR = 0x7c;
const OPEN = 0x28;
const CLOSE = 0x29;
/** `acq(` and `rel(` as a little-endian word. */
const ACQ_OPEN = 0x28716361;
const REL_OPEN = 0x286c6572;
const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const DIGIT_0 = 0x30;
/**
 * Lines per `lines` call at most. A call that ran through a whole block (thousands of lines)
 * made V8 compile `lines` twice, on-stack replacement while the first call was still in its loop
 * and then the function itself; short calls return before the replacement is asked for
 * (docs/performance.md, fifth pass). With 32 lines a call, the replacement was still asked for
 * in 5 of 12 traced STD 1M runs, right after the ordinary compilation was installed (the call
 * then running was still interpreted); with 8, in none of 29 (sixth pass).
 */
export const LINES_PER_CALL = 8;
/** Locations of up to 15 digits are exact as numbers (below 2^53). */
const MAX_SITE_DIGITS = 15;

/** Per byte: 1 for printable ASCII other than space (a location may hold any of them), 0 otherwise. */
const PRINTABLE = new Uint8Array(256);
for (let c = 0x21; c <= 0x7e; c++) PRINTABLE[c] = 1;
/** Per byte: 1 for bytes a thread or lock name may hold, 0 otherwise. */
const NAME_BYTES = PRINTABLE.map((ok, c) => (c === BAR || c === OPEN || c === CLOSE ? 0 : ok));

export class StdFastLane<T extends LiveHandle = LiveHandle, L extends LiveHandle = LiveHandle> {
  /** Per thread id: the engine's task handle and the parser's reentrancy record. */
  private readonly threads = new ByteIdCache<T, ThreadHolds>();
  /** Per lock id: the engine's instance handle, and the parser's lock number as the tag. */
  private readonly locks = new ByteIdCache<L>();
  /** Front indexes of the two caches for numbered ids (`t12`, `L4122`). */
  private readonly threadNumbers = new NumberedIds();
  private readonly lockNumbers = new NumberedIds();

  /**
   * How many lines the last `lines` call handled, and how many events it delivered (its host
   * counts them, also when a call into the engine threw part-way: the line it was on included).
   */
  taken = 0;
  delivered = 0;
  /** A DataView over the last buffer seen (the reader reuses one buffer), for reading words. */
  private viewOf: Buffer | undefined = undefined;
  private view: DataView = new DataView(new ArrayBuffer(0));

  /** The host's fixed answers, read once (each line would otherwise load them through the host). */
  private readonly reentrant: boolean;
  private readonly declaresTypes: boolean;
  private readonly holds: ReentrantHolds;

  constructor(
    private readonly host: StdLaneHost,
    private readonly sink: LockOpSink<T, L>,
    private readonly file: string,
  ) {
    this.reentrant = host.reentrant;
    this.declaresTypes = host.declaresTypes;
    this.holds = host.holds;
  }

  /**
   * Handles the lines from `from` on (numbered from `firstLineNo`; each ends at its `\n`, or at
   * `limit` for a last line without one) while they are plain acq or rel lines, LINES_PER_CALL at
   * most: returns where the first other line starts (`limit` when there is none), having done
   * nothing with it, or where it stopped at LINES_PER_CALL; `taken` then says how many lines it handled. One call per run of such lines, not one per line: the
   * loop is here, so a line costs no call and no re-checking of the lane's fields.
   */
  lines(bytes: Buffer, from: number, limit: number, firstLineNo: number): number {
    if (bytes !== this.viewOf) this.viewOver(bytes);
    const view = this.view;
    let start = from;
    let lineNo = firstLineNo;
    // Counted in the loop, not after it: code after the loop would have no type feedback when the
    // function is first optimized (LINES_PER_CALL keeps calls short, so that happens between calls).
    this.taken = 0;
    this.delivered = 0;
    while (start < limit && this.taken < LINES_PER_CALL) {
      // A numbered id (`t12`) is delimited and numbered in one pass; any other is scanned here.
      const threadNumber = this.threadNumbers.scanTo(bytes, start, limit, BAR);
      let at = start;
      if (threadNumber >= 0) at = this.threadNumbers.end;
      else while (at < limit && NAME_BYTES[bytes[at]!] === 1) at++;
      if (at === start || at + 5 >= limit || bytes[at] !== BAR) break;
      const threadEnd = at;
      // The op and its parenthesis as one word (the line holds them: at + 5 < limit).
      const op = view.getInt32(at + 1, true);
      const acquire = op === ACQ_OPEN;
      if (!acquire && op !== REL_OPEN) break;
      const lockStart = at + 5;
      const lockNumber = this.lockNumbers.scanTo(bytes, lockStart, limit, CLOSE);
      at = lockStart;
      if (lockNumber >= 0) at = this.lockNumbers.end;
      else while (at < limit && NAME_BYTES[bytes[at]!] === 1) at++;
      if (at === lockStart || at === limit || bytes[at] !== CLOSE) break;
      const lockEnd = at;
      at++;
      // The location: after `|`, printable ASCII up to the line end (`\n`, `\r\n` or the limit).
      let siteStart = at;
      let siteEnd = at;
      let number = 0;
      if (at < limit && bytes[at] === BAR) {
        siteStart = ++at;
        // Digits first (the usual location is a line number), then any other printable text.
        for (; at < limit; at++) {
          const digit = bytes[at]! - DIGIT_0;
          // `> 9` first: the usual line end (`\n`) then runs both tests, so the optimized code has
          // feedback for both when the first line at a buffer's end takes this loop.
          if (digit > 9 || digit < 0) break;
          number = number * 10 + digit;
        }
        if (at - siteStart > MAX_SITE_DIGITS) number = -1;
        if (at < limit && PRINTABLE[bytes[at]!] === 1) {
          number = -1;
          while (at < limit && PRINTABLE[bytes[at]!] === 1) at++;
        }
        siteEnd = at;
      }
      let next: number;
      if (at === limit) next = limit;
      else if (bytes[at] === NEWLINE) next = at + 1;
      else if (bytes[at] === CARRIAGE_RETURN && at + 1 === limit) next = limit;
      else if (bytes[at] === CARRIAGE_RETURN && bytes[at + 1] === NEWLINE) next = at + 2;
      else break;
      // Counted once accepted, before its calls: a limit error they throw leaves it counted, as the
      // parser's string path counts a line before handling it.
      this.taken++;
      let thread = threadNumber >= 0 ? this.threadNumbers.get(threadNumber) : -1;
      if (thread < 0) thread = indexOfId(this.threads, this.threadNumbers, bytes, start, threadEnd);
      let lock = lockNumber >= 0 ? this.lockNumbers.get(lockNumber) : -1;
      if (lock < 0) lock = indexOfId(this.locks, this.lockNumbers, bytes, lockStart, lockEnd);
      // The handles are read first (reading them has no effect): the lock instance is a random
      // object, often out of the nearer CPU caches, and the bookkeeping below does not wait for it.
      // `handleOrId` written out: a call takes the optimizing compiler's inlining budget, which
      // the engine's entrances below need more (docs/performance.md, fifth pass).
      const threadHandle = thread < 0 ? undefined : this.threads.handles[thread];
      const task = threadHandle !== undefined && threadHandle.alive === true ? threadHandle : this.threads.idOf(thread, bytes, start, threadEnd);
      const lockHandle = lock < 0 ? undefined : this.locks.handles[lock];
      let instance = lockHandle !== undefined && lockHandle.alive === true ? lockHandle : this.locks.idOf(lock, bytes, lockStart, lockEnd);
      // The holds are kept in both modes (a `wait` is decided from them); only reentrant mode
      // drops the nested acq and inner rel.
      const outermost = this.reentrancyPasses(acquire, bytes, start, threadEnd, thread, lockStart, lockEnd, lock);
      if (outermost === true || this.reentrant === false) {
        if (acquire && this.declaresTypes === true) {
          this.host.declareBeforeAcquire(this.locks.idOf(lock, bytes, lockStart, lockEnd), lineNo);
          instance = this.locks.handleOrId(lock, bytes, lockStart, lockEnd); // the declaration may have replaced it
        }
        // Only for a line that makes an event. A plain decimal location (the usual STD line number)
        // is passed as a number, which builds no string: its text is the number's canonical form,
        // so not with a leading zero.
        let site: LockOpSite;
        if (siteEnd > siteStart) {
          const canonical = number >= 0 && !(bytes[siteStart] === DIGIT_0 && siteEnd - siteStart > 1);
          site = canonical ? number : bytes.toString('latin1', siteStart, siteEnd);
        }
        this.delivered++;
        // A lock's first sight by id through an entrance of its own, when the engine has one: then
        // `acquireAt` is compiled for handles alone (its feedback would otherwise be mostly first
        // sights, which are most acquisitions while it gets compiled).
        if (acquire && typeof instance === 'string' && this.sink.acquireByIdAt !== undefined) this.sink.acquireByIdAt(task, instance, 0, false, site, this.file, lineNo);
        else if (acquire) this.sink.acquireAt(task, instance, 0, false, site, this.file, lineNo);
        else this.sink.releaseAt(task, instance, site, this.file, lineNo);
        if (typeof task === 'string') this.threads.remember(thread, this.sink.taskHandle(task));
        if (typeof instance === 'string') this.locks.remember(lock, this.sink.lockHandle(instance));
      }
      start = next;
      lineNo++;
    }
    return start;
  }

  private viewOver(bytes: Buffer): void {
    this.viewOf = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  }

  /**
   * The parser's hold bookkeeping for this acq or rel: false when it is a nested acq or an inner
   * rel (in reentrant mode only counted, no event). The thread's record and the lock's number are
   * cached per id; a rel creates neither.
   */
  private reentrancyPasses(
    acquire: boolean,
    bytes: Buffer,
    threadStart: number,
    threadEnd: number,
    thread: number,
    lockStart: number,
    lockEnd: number,
    lock: number,
  ): boolean {
    let mine = thread < 0 ? undefined : this.threads.readerHandles[thread];
    if (mine === undefined || mine.alive === false) mine = this.threadHolds(acquire, bytes, threadStart, threadEnd, thread);
    let lockNumber = lock < 0 ? -1 : this.locks.tags[lock]!;
    if (lockNumber < 0) lockNumber = this.lockHoldNumber(acquire, bytes, lockStart, lockEnd, lock);
    const holds = this.holds;
    return acquire ? holds.enter(mine!, lockNumber) : holds.leave(mine, lockNumber); // an acq created its record above
  }

  /*
   * The first sight of a thread or lock, apart from `reentrancyPasses` so that the optimizing
   * compiler, which inlines into `line` only so much code, spends none of it on these.
   */

  /** The thread's record (created by an acq; a rel creates none), cached per thread id. */
  private threadHolds(acquire: boolean, bytes: Buffer, threadStart: number, threadEnd: number, thread: number): ThreadHolds | undefined {
    const name = this.threads.idOf(thread, bytes, threadStart, threadEnd);
    const mine = acquire ? this.holds.thread(name) : this.holds.existingThread(name);
    if (thread >= 0) this.threads.readerHandles[thread] = mine;
    return mine;
  }

  /** The lock's number (given by an acq; -1 for a rel of a lock never acquired), cached per lock id. */
  private lockHoldNumber(acquire: boolean, bytes: Buffer, lockStart: number, lockEnd: number, lock: number): number {
    const name = this.locks.idOf(lock, bytes, lockStart, lockEnd);
    const lockNumber = acquire ? this.holds.lockNumber(name) : this.holds.existingLockNumber(name);
    if (lock >= 0) this.locks.tags[lock] = lockNumber;
    return lockNumber;
  }
}
