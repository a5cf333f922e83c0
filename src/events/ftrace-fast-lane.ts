/**
 * The byte-level fast lane of the ftrace importer: reads the lock lines of the kernel's trace
 * file layout in the read buffer, without decoding the line or building a string for it,
 *   `<comm>-<pid> [<cpu>] <irqs-off><resched><hardirq/softirq><depth...> <sec>.<frac>: lock_acquire: <addr> [try ][read ]<class>`
 * (and `lock_release: <addr> <class>`), and hands them to the kernel lock tracker
 * (`KernelLockTracker.lockLine`) with the task, instance and class records it caches: per pid,
 * per address (hex-address-table.ts, which also keeps the class name last seen at that address
 * in the address's slot, so a class name is only compared, not looked up) and per class name
 * (byte-id-cache.ts).
 * It takes a line only where the general path (ftrace-line.ts, lock-payload.ts) would read it the
 * same way, and declines, having done nothing, every other line: non-ASCII or control bytes, a
 * console stamp, a tgid column, the latency layout, no flags column, a pid that is not the first
 * `-<digits> [` of the line, pid 0 (an idle task is keyed by CPU), NMI context (`z`/`Z`), a
 * timestamp with a `us` unit or a mark, any event but the two lock tracepoints, a payload without
 * a 4-16 digit lowercase address or with `=` (trace-cmd's raw fields), an empty class, an id longer than
 * byte-id-cache.ts keeps. FtraceParser.line owns those lines and every error message.
 * Invariant: a line it takes has exactly the effect FtraceParser.line would give it (tested line
 * by line and by whole checks, test/events/ftrace-fast-lane.test.ts).
 */
import { ByteIdCache } from './byte-id-cache.js';
import { HexAddressTable } from './hex-address-table.js';
import type { Context, KernelClass, KernelInstance, KernelTask } from './kernel-lock-records.js';
import { contextOf, type KernelLockTracker } from './kernel-lock-tracker.js';

const SPACE = 0x20;
const DASH = 0x2d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COLON = 0x3a;
const DOT = 0x2e;
const EQUALS = 0x3d;
const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const DIGIT_0 = 0x30;
/** The preempt-depth column and the ones after it hold at most 8 of `[.0-9a-f]`. */
const MAX_DEPTH_COLUMNS = 8;
/** Timestamps of up to 15 digits are exact as integers (below 2^53). */
const MAX_TS_DIGITS = 15;
/** The lockdep_map address the tracepoint prints (`%p`): 4 to 16 hex digits (lock-payload.ts). */
const MIN_ADDRESS_DIGITS = 4;
const MAX_ADDRESS_DIGITS = 16;

/** Per byte: 1 for printable ASCII and space. */
const PRINTABLE = new Uint8Array(256);
for (let c = 0x20; c <= 0x7e; c++) PRINTABLE[c] = 1;
const IS_DIGIT = new Uint8Array(256);
for (let c = DIGIT_0; c <= 0x39; c++) IS_DIGIT[c] = 1;
/** Per byte: the value of a lowercase hex digit, 16 for anything else (uppercase digits are declined). */
const HEX_VALUE = new Uint8Array(256).fill(16);
for (let d = 0; d < 16; d++) HEX_VALUE['0123456789abcdef'.charCodeAt(d)] = d;
/** Slots of the lane's task cache (a power of two). */
const TASK_SLOTS = 1024;
/** Pids of up to 9 digits are small integers. */
const MAX_PID_DIGITS = 9;
/** The preempt-depth and migrate-disable columns: `[.0-9a-f]`. */
const IS_DEPTH = new Uint8Array(256);
for (const c of '.0123456789abcdef') IS_DEPTH[c.charCodeAt(0)] = 1;
/** The irqs-off column's letters, as the general path's strings. */
const IRQS_OFF: (string | undefined)[] = new Array<string | undefined>(256).fill(undefined);
for (const c of '.dDbX') IRQS_OFF[c.charCodeAt(0)] = c;
/** The hardirq/softirq column's contexts (NMI's `z`/`Z` are declined). */
const CONTEXTS: (Context | undefined)[] = new Array<Context | undefined>(256).fill(undefined);
for (const c of '.shH') CONTEXTS[c.charCodeAt(0)] = contextOf(c) ?? undefined;

/** Four bytes as one little-endian word (what `word32` reads). */
function wordOf(text: string): number {
  return text.charCodeAt(0) | (text.charCodeAt(1) << 8) | (text.charCodeAt(2) << 16) | (text.charCodeAt(3) << 24);
}

/** `bytes[at, at + 4)` as one little-endian word (the caller checks the bounds). */
function word32(bytes: Buffer, at: number): number {
  return bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24);
}

/** `lock_acquire: ` and `lock_release: `, as the words at 0, 5 and 9 and the bytes at 4 and 13. */
const LOCK = wordOf('lock');
const UNDERSCORE = 0x5f;
const EVENT_LENGTH = 'lock_acquire: '.length;
const ACQU = wordOf('acqu');
const IRE_COLON = wordOf('ire:');
const RELE = wordOf('rele');
const ASE_COLON = wordOf('ase:');
const TRY_SPACE = wordOf('try ');
const READ = wordOf('read');

export class FtraceFastLane {
  /** The task of each pid (idle pid 0 is declined, so the pid is the tracker's key), in a
   * direct-mapped cache over the tracker's table: a slot holds the last pid that hashed to it. */
  private readonly slotPids = new Int32Array(TASK_SLOTS).fill(-1);
  private readonly slotTasks: (KernelTask | undefined)[] = new Array<KernelTask | undefined>(TASK_SLOTS).fill(undefined);
  /** Per address: the tracker's instance, and the class last seen there as its name (tag: its number in `classList`). */
  private readonly addresses = new HexAddressTable<KernelInstance>();
  /** Class names; the tag of each is its number in `classList`. */
  private readonly classes = new ByteIdCache();
  private readonly classList: KernelClass[] = [];

  constructor(private readonly tracker: KernelLockTracker) {}

  /**
   * Handles the line starting at `start` (ending at the next `\n`, or at `limit` for a last line
   * without one) if it is a lock line of the trace-file layout: returns where the next line
   * starts. Returns -1, having done nothing, for any other line.
   */
  line(bytes: Buffer, start: number, limit: number, lineNo: number): number {
    let at = start;
    while (at < limit && bytes[at] === SPACE) at++;
    const commStart = at;
    // The comm starts with a non-blank; `[` there could open a console stamp.
    if (at === limit || bytes[at] === OPEN_BRACKET || PRINTABLE[bytes[at]!] === 0) return -1;
    // The pid: the first `-<digits>` followed by blanks and `[` (as the general path's lazy comm).
    let dash = -1;
    let pidEnd = -1;
    let pid = 0;
    for (at++; ; at++) {
      if (at === limit || PRINTABLE[bytes[at]!] === 0) return -1;
      if (bytes[at] !== DASH) continue;
      let digitsEnd = at + 1;
      let value = 0;
      while (digitsEnd < limit && IS_DIGIT[bytes[digitsEnd]!] === 1) value = value * 10 + (bytes[digitsEnd++]! - DIGIT_0);
      if (digitsEnd === at + 1 || digitsEnd === limit) continue;
      const after = bytes[digitsEnd]!;
      if (after === SPACE) {
        dash = at;
        pidEnd = digitsEnd;
        pid = value;
        break;
      }
      if (PRINTABLE[after] === 0) return -1; // a tab or control byte: the general path's
    }
    const pidStart = dash + 1;
    // pid 0 (idle tasks are keyed by CPU) and leading zeros (a distinct key) go the general path.
    if (bytes[pidStart] === DIGIT_0 || pidEnd - pidStart > MAX_PID_DIGITS) return -1;
    at = pidEnd;
    while (at < limit && bytes[at] === SPACE) at++;
    if (at === limit || bytes[at] !== OPEN_BRACKET) return -1;
    const cpuStart = ++at;
    while (at < limit && IS_DIGIT[bytes[at]!] === 1) at++;
    if (at === cpuStart || at === limit || bytes[at] !== CLOSE_BRACKET) return -1;
    const cpuEnd = at++;
    // The flags column: irqs-off, need-resched, hardirq/softirq, then 1-8 of `[.0-9a-f]`.
    if (at === limit || bytes[at] !== SPACE) return -1;
    while (at < limit && bytes[at] === SPACE) at++;
    if (at + 4 > limit) return -1;
    const irqsOff = IRQS_OFF[bytes[at]!];
    const resched = bytes[at + 1]!;
    const context = CONTEXTS[bytes[at + 2]!];
    if (irqsOff === undefined || resched === SPACE || PRINTABLE[resched] === 0 || context === undefined) return -1;
    at += 3;
    const depthStart = at;
    while (at < limit && IS_DEPTH[bytes[at]!] === 1) at++;
    if (at === depthStart || at - depthStart > MAX_DEPTH_COLUMNS || at === limit || bytes[at] !== SPACE) return -1;
    while (at < limit && bytes[at] === SPACE) at++;
    // The timestamp: `<digits>[.<digits>]:`, read as the general path's Number() reads it.
    const tsStart = at;
    let whole = 0;
    while (at < limit && IS_DIGIT[bytes[at]!] === 1) whole = whole * 10 + (bytes[at++]! - DIGIT_0);
    if (at === tsStart || at === limit) return -1;
    let tsDigits = at - tsStart;
    let scale = 1;
    if (bytes[at] === DOT) {
      const fracStart = ++at;
      while (at < limit && IS_DIGIT[bytes[at]!] === 1) {
        whole = whole * 10 + (bytes[at++]! - DIGIT_0);
        scale *= 10;
      }
      if (at === fracStart || at === limit) return -1;
      tsDigits += at - fracStart;
    }
    if (tsDigits > MAX_TS_DIGITS || bytes[at] !== COLON) return -1;
    const ts = whole / scale;
    at++;
    while (at < limit && bytes[at] === SPACE) at++;
    // The event: `lock_acquire: ` or `lock_release: `.
    if (at + EVENT_LENGTH > limit || word32(bytes, at) !== LOCK || bytes[at + 4] !== UNDERSCORE || bytes[at + 13] !== SPACE) return -1;
    const name = word32(bytes, at + 5);
    const nameEnd = word32(bytes, at + 9);
    const acquire = name === ACQU && nameEnd === IRE_COLON;
    if (!acquire && !(name === RELE && nameEnd === ASE_COLON)) return -1;
    at += EVENT_LENGTH;
    // The payload: `<addr> [try ][read ]<class>` (try/read only on an acquire).
    while (at < limit && bytes[at] === SPACE) at++;
    const addressStart = at;
    let high = 0;
    let low = 0;
    for (; at < limit; at++) {
      const digit = HEX_VALUE[bytes[at]!]!;
      if (digit === 16) break;
      high = (high << 4) | (low >>> 28);
      low = (low << 4) | digit;
    }
    const digits = at - addressStart;
    if (digits < MIN_ADDRESS_DIGITS || digits > MAX_ADDRESS_DIGITS || at === limit || bytes[at] !== SPACE) return -1;
    const addressEnd = at;
    while (at < limit && bytes[at] === SPACE) at++;
    let isTry = false;
    let isRead = false;
    if (acquire) {
      if (at + 4 <= limit && word32(bytes, at) === TRY_SPACE) {
        isTry = true;
        at += 4;
      }
      if (at + 5 <= limit && word32(bytes, at) === READ && bytes[at + 4] === SPACE) {
        isRead = true;
        at += 5;
      }
      while (at < limit && bytes[at] === SPACE) at++;
    }
    const tracker = this.tracker;
    const addresses = this.addresses;
    const address = addresses.index(high, low, bytes, addressStart, addressEnd);
    const classStart = at;
    let classEnd = classStart + addresses.nameLength();
    let classNumber = -1;
    if (
      classEnd > classStart &&
      classEnd <= limit &&
      addresses.hasName(bytes, classStart, classEnd) &&
      (classEnd === limit || bytes[classEnd] === NEWLINE || bytes[classEnd] === CARRIAGE_RETURN)
    ) {
      // The class last seen at this address, then the line's end: what the scan below would
      // find (a kept name is one the scan found: printable, no `=`, no trailing blank).
      classNumber = addresses.nameTag();
      at = classEnd;
    } else {
      classEnd = classStart;
      for (; at < limit; at++) {
        const c = bytes[at]!;
        if (PRINTABLE[c] === 0 || c === EQUALS) break;
        if (c !== SPACE) classEnd = at + 1;
      }
      if (classEnd === classStart) return -1;
    }
    let next: number;
    if (at === limit) next = limit;
    else if (bytes[at] === NEWLINE) next = at + 1;
    else if (bytes[at] === CARRIAGE_RETURN && at + 1 === limit) next = limit;
    else if (bytes[at] === CARRIAGE_RETURN && bytes[at + 1] === NEWLINE) next = at + 2;
    else return -1;
    if (classNumber < 0) {
      const cls = this.classes.index(bytes, classStart, classEnd);
      if (cls < 0) return -1;
      classNumber = this.classes.tags[cls]!;
      if (classNumber < 0) {
        classNumber = this.classList.length;
        this.classList.push(tracker.classOf(this.classes.ids[cls]!));
        this.classes.tags[cls] = classNumber;
      }
      addresses.setName(bytes, classStart, classEnd, classNumber);
    }
    const slot = pid & (TASK_SLOTS - 1);
    let task = this.slotPids[slot] === pid ? this.slotTasks[slot] : undefined;
    if (task === undefined || !task.alive) {
      task = tracker.task(bytes.toString('latin1', commStart, dash), bytes.toString('latin1', pidStart, pidEnd), bytes.toString('latin1', cpuStart, cpuEnd));
      this.slotPids[slot] = pid;
      this.slotTasks[slot] = task;
    }
    const lockClass = this.classList[classNumber]!;
    const inst = tracker.lockLine(task, context, irqsOff, acquire, addresses.ids[address]!, addresses.records[address], lockClass, isTry, isRead, ts, lineNo);
    if (inst !== undefined) addresses.records[address] = inst;
    return next;
  }
}
