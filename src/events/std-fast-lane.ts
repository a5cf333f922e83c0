/**
 * The byte-level fast lane of the STD importer: recognises `T|acq(L)|loc` and `T|rel(L)|loc`
 * (the location part optional) in the read buffer and hands them to a LockOpSink, through the
 * parser's reentrancy bookkeeping, without decoding the line or building an event.
 * T, L and loc must be printable ASCII without spaces, T and L also without `|`, `(` and `)`;
 * anything else (other ops, spaces to trim, non-ASCII, text between `)` and `|`) is declined and
 * goes through `StdParser.line`, which owns every error message.
 * Invariant: a line it accepts has exactly the effect `StdParser.line` would have (tested by a
 * property test comparing whole checks with and without it).
 */
import { ByteIdCache } from './byte-id-cache.js';
import type { LiveHandle, LockOpSink, LockOpSite } from './lock-op-sink.js';
import type { ThreadHolds } from './std-holds.js';
import type { StdParser } from './std-reader.js';

const BAR = 0x7c;
const OPEN = 0x28;
const CLOSE = 0x29;
const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;
/** Locations of up to 15 digits are exact as numbers (below 2^53). */
const MAX_SITE_DIGITS = 15;

/** Per byte: 1 for bytes a thread or lock name may hold, 0 otherwise. */
const NAME_BYTES = new Uint8Array(256);
for (let c = 0x21; c <= 0x7e; c++) NAME_BYTES[c] = c === BAR || c === OPEN || c === CLOSE ? 0 : 1;

export class StdFastLane {
  private readonly threads = new ByteIdCache();
  private readonly locks = new ByteIdCache();

  constructor(
    private readonly parser: StdParser,
    private readonly sink: LockOpSink,
    private readonly file: string,
  ) {}

  /**
   * Handles the line starting at `start` (and ending at the next `\n`, or at `limit` for a last
   * line without one) if it is a plain acq or rel: returns where the next line starts. Returns
   * -1, having done nothing, for any other line.
   */
  line(bytes: Buffer, start: number, limit: number, lineNo: number): number {
    let at = start;
    while (at < limit && NAME_BYTES[bytes[at]!] === 1) at++;
    if (at === start || at + 5 >= limit || bytes[at] !== BAR) return -1;
    const threadEnd = at;
    const a = bytes[at + 1];
    const acquire = a === 0x61 && bytes[at + 2] === 0x63 && bytes[at + 3] === 0x71; // acq
    if (!acquire && !(a === 0x72 && bytes[at + 2] === 0x65 && bytes[at + 3] === 0x6c)) return -1; // rel
    if (bytes[at + 4] !== OPEN) return -1;
    const lockStart = at + 5;
    at = lockStart;
    while (at < limit && NAME_BYTES[bytes[at]!] === 1) at++;
    if (at === lockStart || at === limit || bytes[at] !== CLOSE) return -1;
    const lockEnd = at;
    at++;
    // The location: after `|`, printable ASCII up to the line end (`\n`, `\r\n` or the limit). A
    // plain decimal number (the usual STD line number) is passed as a number, which builds no
    // string; its text is the number's canonical decimal form.
    let site: LockOpSite;
    let siteStart = at;
    let siteEnd = at;
    let number = -1;
    if (at < limit && bytes[at] === BAR) {
      siteStart = ++at;
      number = at < limit && bytes[at] === DIGIT_0 && at + 1 < limit && bytes[at + 1] !== NEWLINE && bytes[at + 1] !== CARRIAGE_RETURN ? -1 : 0;
      for (; at < limit; at++) {
        const c = bytes[at]!;
        if (c < 0x21 || c > 0x7e) break;
        if (number >= 0) number = c >= DIGIT_0 && c <= DIGIT_9 && at - siteStart < MAX_SITE_DIGITS ? number * 10 + (c - DIGIT_0) : -1;
      }
      siteEnd = at;
    }
    let next: number;
    if (at === limit) next = limit;
    else if (bytes[at] === NEWLINE) next = at + 1;
    else if (bytes[at] === CARRIAGE_RETURN && at + 1 === limit) next = limit;
    else if (bytes[at] === CARRIAGE_RETURN && bytes[at + 1] === NEWLINE) next = at + 2;
    else return -1;
    if (siteEnd > siteStart) site = number >= 0 ? number : bytes.toString('latin1', siteStart, siteEnd);
    const thread = this.threads.index(bytes, start, threadEnd);
    const lock = this.locks.index(bytes, lockStart, lockEnd);
    const threadId = thread < 0 ? bytes.toString('latin1', start, threadEnd) : this.threads.ids[thread]!;
    const lockId = lock < 0 ? bytes.toString('latin1', lockStart, lockEnd) : this.locks.ids[lock]!;
    if (this.parser.reentrant) {
      const holds = this.parser.holds;
      let mine = thread < 0 ? undefined : (this.threads.readerHandles[thread] as ThreadHolds | undefined);
      if (mine === undefined || !mine.alive) {
        mine = holds.thread(threadId);
        if (thread >= 0) this.threads.readerHandles[thread] = mine;
      }
      let lockNumber = lock < 0 ? -1 : this.locks.tags[lock]!;
      if (lockNumber < 0) {
        lockNumber = holds.lockNumber(lockId);
        if (lock >= 0) this.locks.tags[lock] = lockNumber;
      }
      if (!(acquire ? holds.enter(mine, lockNumber) : holds.leave(mine, lockNumber))) return next;
    }
    if (acquire) this.parser.declareBeforeAcquire(lockId, lineNo);
    this.parser.countFastEvent();
    const taskHandle = thread < 0 ? undefined : this.threads.handles[thread];
    const lockHandle = lock < 0 ? undefined : this.locks.handles[lock];
    const task: LiveHandle | string = taskHandle !== undefined && taskHandle.alive ? taskHandle : threadId;
    const instance: LiveHandle | string = lockHandle !== undefined && lockHandle.alive ? lockHandle : lockId;
    if (acquire) this.sink.acquireAt(task, instance, 0, false, site, this.file, lineNo);
    else this.sink.releaseAt(task, instance, site, this.file, lineNo);
    if (typeof task === 'string' && thread >= 0) this.threads.handles[thread] = this.sink.taskHandle(threadId);
    if (typeof instance === 'string' && lock >= 0) this.locks.handles[lock] = this.sink.lockHandle(lockId);
    return next;
  }
}
