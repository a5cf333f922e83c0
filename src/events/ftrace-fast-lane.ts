/**
 * The byte-level fast lane of the ftrace importer: reads the lock lines of the kernel's trace
 * file layout in the read buffer, without decoding the line or building a string for it,
 *   `<comm>-<pid> [<cpu>] <irqs-off><resched><hardirq/softirq><depth...> <sec>.<frac>: lock_acquire: <addr> [try ][read ]<class>`
 * (and `lock_release: <addr> <class>`), and hands them to the kernel lock tracker
 * (`KernelLockTracker.lockLine`) as its task record and instance and class numbers, which it
 * caches: per pid slot the task and the bytes of its last prefix `<comm>-<pid> [<cpu>]` (found
 * by the pid after the `%16s` comm column, and only compared, four bytes at a time, while the
 * task's lines repeat it), per address (hex-address-table.ts: a 16-digit address seen before is
 * found by its bytes as words; the address's slot also keeps the instance number and the class
 * name last seen there, so a class name is only compared, not looked up; the bytes of a name
 * longer than the slot keeps are in class-name-bytes.ts). A class name other than the one
 * kept at its address is decoded and looked up by its text. The timestamp goes as its integer
 * seconds and fraction.
 * It takes a line only where the general path (ftrace-line.ts, lock-payload.ts) would read it the
 * same way, and declines, having done nothing, every other line: non-ASCII or control bytes, a
 * console stamp, a tgid column, the latency layout, no flags column, a pid that is not the first
 * `-<digits> [` of the line, pid 0 (an idle task is keyed by CPU), NMI context (`z`/`Z`), a
 * timestamp with a `us` unit or a mark, any event but the two lock tracepoints, a payload without
 * a 4-16 digit lowercase address or with `=` (trace-cmd's raw fields), an empty class.
 * FtraceParser.line owns those lines and every error message.
 * Invariant: a line it takes has exactly the effect FtraceParser.line would give it (tested line
 * by line and by whole checks, test/events/ftrace-fast-lane.test.ts).
 */
import { ClassNameBytes } from './class-name-bytes.js';
import { HexAddressTable, NAME_BYTES } from './hex-address-table.js';
import type { Context, KernelTask } from './kernel-lock-records.js';
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
/** Each part of a timestamp (seconds, fraction) is read as a small integer: at most 9 digits. */
const MAX_TS_PART_DIGITS = 9;
const POWERS_OF_TEN: readonly number[] = Array.from({ length: MAX_TS_PART_DIGITS + 1 }, (_, digits) => 10 ** digits);
/** The lockdep_map address the tracepoint prints (`%p`): 4 to 16 hex digits (lock-payload.ts). */
const MIN_ADDRESS_DIGITS = 4;
const MAX_ADDRESS_DIGITS = 16;

/** Per byte: 1 for printable ASCII and space. */
const PRINTABLE = new Uint8Array(256);
for (let c = 0x20; c <= 0x7e; c++) PRINTABLE[c] = 1;
const IS_DIGIT = new Uint8Array(256);
for (let c = DIGIT_0; c <= 0x39; c++) IS_DIGIT[c] = 1;
/** Per byte: 1 for a lowercase hex digit (uppercase digits are declined). */
const IS_HEX = new Uint8Array(256);
for (const c of '0123456789abcdef') IS_HEX[c.charCodeAt(0)] = 1;
/** Slots of the lane's task cache (a power of two). */
const TASK_SLOTS = 1024;
/** The trace file's comm column (`%16s`): a dash right after it starts the pid. */
const COMM_WIDTH = 16;
/** The longest prefix `<comm>-<pid> [<cpu>]` a task slot keeps. */
const PREFIX_BYTES = 48;
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

/** Four bytes as one little-endian word (what `DataView.getInt32(at, true)` reads). */
function wordOf(text: string): number {
  return text.charCodeAt(0) | (text.charCodeAt(1) << 8) | (text.charCodeAt(2) << 16) | (text.charCodeAt(3) << 24);
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
  /** Per slot: the prefix `<comm>-<pid> [<cpu>]` of the task's last line read byte by byte, and its length (0: none). */
  private readonly slotPrefixes = new Int32Array((TASK_SLOTS * PREFIX_BYTES) / 4);
  private readonly slotPrefixBytes = new Uint8Array(this.slotPrefixes.buffer);
  private readonly slotPrefixLengths = new Int32Array(TASK_SLOTS);
  /** Per address: the tracker's instance number (its record), and the class last seen there as its name (tag: the tracker's class number). */
  private readonly addresses = new HexAddressTable();
  /** The bytes of each class name longer than NAME_BYTES, by the tracker's class number (their bytes past NAME_BYTES are compared there). */
  private readonly classNames = new ClassNameBytes();

  /** Where `readPrefix` found the parts of the prefix it read: comm, dash, pid, CPU. */
  private readCommStart = 0;
  private readDash = 0;
  private readPidEnd = 0;
  private readPid = 0;
  private readCpuStart = 0;
  private readCpuEnd = 0;
  /** A view of the last buffer read, for its little-endian words (made again when the reader's buffer changes). */
  private view: DataView = new DataView(new ArrayBuffer(0));
  private viewBytes: Buffer | undefined = undefined;

  constructor(private readonly tracker: KernelLockTracker) {}

  /**
   * Handles the line starting at `start` (ending at the next `\n`, or at `limit` for a last line
   * without one) if it is a lock line of the trace-file layout: returns where the next line
   * starts. Returns -1, having done nothing, for any other line.
   */
  line(bytes: Buffer, start: number, limit: number, lineNo: number): number {
    // The prefix `<comm>-<pid> [<cpu>]`: the trace file prints the comm as `%16s`, so the dash is
    // at start + 16 and the pid follows it; when the slot of that pid keeps these very bytes
    // (the prefix of the task's last line that `readPrefix` read), they are only compared.
    const view = bytes === this.viewBytes ? this.view : this.viewOf(bytes);
    const slot = this.knownPrefixSlot(bytes, view, start, limit);
    let at = slot >= 0 ? start + this.slotPrefixLengths[slot]! : this.readPrefix(bytes, start, limit);
    if (at < 0) return -1;
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
    // The timestamp: `<digits>[.<digits>]:`, each part read as a small integer (no chain of
    // double operations per digit), handed over as the parts and the fraction's power of ten:
    // the tracker divides only for an event that carries its `ts` (kernel-lock-records.ts).
    const secondsStart = at;
    let seconds = 0;
    while (at < limit && IS_DIGIT[bytes[at]!] === 1) seconds = seconds * 10 + (bytes[at++]! - DIGIT_0);
    if (at === secondsStart || at === limit || at - secondsStart > MAX_TS_PART_DIGITS) return -1;
    let fraction = 0;
    let fractionDigits = 0;
    if (bytes[at] === DOT) {
      const fractionStart = ++at;
      while (at < limit && IS_DIGIT[bytes[at]!] === 1) fraction = fraction * 10 + (bytes[at++]! - DIGIT_0);
      fractionDigits = at - fractionStart;
      if (fractionDigits === 0 || at === limit || fractionDigits > MAX_TS_PART_DIGITS) return -1;
    }
    if (at - secondsStart - (fractionDigits === 0 ? 0 : 1) > MAX_TS_DIGITS || bytes[at] !== COLON) return -1;
    const scale = POWERS_OF_TEN[fractionDigits]!;
    at++;
    while (at < limit && bytes[at] === SPACE) at++;
    // The event: `lock_acquire: ` or `lock_release: `.
    if (at + EVENT_LENGTH > limit || view.getInt32(at, true) !== LOCK || bytes[at + 4] !== UNDERSCORE || bytes[at + 13] !== SPACE) return -1;
    const name = view.getInt32(at + 5, true);
    const nameEnd = view.getInt32(at + 9, true);
    const acquire = name === ACQU && nameEnd === IRE_COLON;
    if (!acquire && !(name === RELE && nameEnd === ASE_COLON)) return -1;
    at += EVENT_LENGTH;
    // The payload: `<addr> [try ][read ]<class>` (try/read only on an acquire).
    while (at < limit && bytes[at] === SPACE) at++;
    const addressStart = at;
    const addresses = this.addresses;
    // A 16-digit address seen before is found by its bytes, read as four words; any other is
    // read digit by digit (4-16 lowercase hex digits, then a blank).
    let address = at + MAX_ADDRESS_DIGITS < limit && bytes[at + MAX_ADDRESS_DIGITS] === SPACE ? addresses.find16(view, at) : -1;
    if (address >= 0) {
      at += MAX_ADDRESS_DIGITS;
    } else {
      while (at < limit && IS_HEX[bytes[at]!] === 1) at++;
      const digits = at - addressStart;
      if (digits < MIN_ADDRESS_DIGITS || digits > MAX_ADDRESS_DIGITS || at === limit || bytes[at] !== SPACE) return -1;
    }
    const addressEnd = at;
    while (at < limit && bytes[at] === SPACE) at++;
    let isTry = false;
    let isRead = false;
    if (acquire) {
      if (at + 4 <= limit && view.getInt32(at, true) === TRY_SPACE) {
        isTry = true;
        at += 4;
      }
      if (at + 5 <= limit && view.getInt32(at, true) === READ && bytes[at + 4] === SPACE) {
        isRead = true;
        at += 5;
      }
      while (at < limit && bytes[at] === SPACE) at++;
    }
    const tracker = this.tracker;
    if (address < 0) address = addresses.index(bytes, addressStart, addressEnd);
    const classStart = at;
    let classEnd = classStart + addresses.nameLength();
    let classNumber = -1;
    if (
      classEnd > classStart &&
      classEnd <= limit &&
      addresses.hasName(view, classStart, classEnd) &&
      (classEnd - classStart <= NAME_BYTES || this.classNames.sameFrom(addresses.nameTag(), NAME_BYTES, bytes, classStart + NAME_BYTES, classEnd)) &&
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
    if (classNumber < 0) classNumber = this.classNumberOf(bytes, classStart, classEnd);
    const task = slot >= 0 ? this.slotTasks[slot]! : this.taskOfReadPrefix(bytes, start);
    // The address's id is only read when the tracker has no number for it yet.
    const known = addresses.record();
    const inst = tracker.lockLine(task, context, irqsOff, acquire, known >= 0 ? '' : addresses.ids[address]!, known, classNumber, isTry, isRead, seconds, fraction, scale, lineNo);
    if (inst !== known) addresses.setRecord(inst);
    return next;
  }

  /**
   * Reads the prefix `<comm>-<pid> [<cpu>]` of a line byte by byte (a line whose prefix the
   * lane has not kept): returns the position after the CPU's `]`, the parts' positions in the
   * `read*` fields; -1 for a line the lane declines.
   */
  private readPrefix(bytes: Buffer, start: number, limit: number): number {
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
    // pid 0 (idle tasks are keyed by CPU) and leading zeros (a distinct key) go the general path.
    if (bytes[dash + 1] === DIGIT_0 || pidEnd - dash - 1 > MAX_PID_DIGITS) return -1;
    at = pidEnd;
    while (at < limit && bytes[at] === SPACE) at++;
    if (at === limit || bytes[at] !== OPEN_BRACKET) return -1;
    const cpuStart = ++at;
    while (at < limit && IS_DIGIT[bytes[at]!] === 1) at++;
    if (at === cpuStart || at === limit || bytes[at] !== CLOSE_BRACKET) return -1;
    this.readCommStart = commStart;
    this.readDash = dash;
    this.readPidEnd = pidEnd;
    this.readPid = pid;
    this.readCpuStart = cpuStart;
    this.readCpuEnd = at;
    return at + 1;
  }

  /** The task of a line taken whose prefix `readPrefix` read (the task kept for its pid, else the tracker's), kept with that prefix. */
  private taskOfReadPrefix(bytes: Buffer, start: number): KernelTask {
    const pid = this.readPid;
    const slot = pid & (TASK_SLOTS - 1);
    const cached = this.slotPids[slot] === pid ? this.slotTasks[slot] : undefined;
    const task =
      cached !== undefined && cached.alive
        ? cached
        : this.tracker.task(
            bytes.toString('latin1', this.readCommStart, this.readDash),
            bytes.toString('latin1', this.readDash + 1, this.readPidEnd),
            bytes.toString('latin1', this.readCpuStart, this.readCpuEnd),
          );
    this.keepPrefix(slot, pid, task, bytes, start, this.readCpuEnd + 1);
    return task;
  }

  /**
   * The tracker's number of the class `bytes[start, end)`, a name other than the one kept at the
   * last address looked up (a first sight of the address, mostly): found by its text, and kept
   * as that address's name.
   */
  private classNumberOf(bytes: Buffer, start: number, end: number): number {
    const classNumber = this.tracker.ids.classOf(bytes.toString('latin1', start, end));
    if (end - start > NAME_BYTES) this.classNames.keep(classNumber, bytes, start, end);
    this.addresses.setName(bytes, start, end, classNumber);
    return classNumber;
  }

  /**
   * The task slot whose kept prefix is `bytes[start, ...)`, its task alive: the slot of the pid
   * after a dash at start + COMM_WIDTH (the trace file's `%16s` comm). -1: none (the prefix is
   * then read byte by byte).
   */
  private knownPrefixSlot(bytes: Buffer, view: DataView, start: number, limit: number): number {
    let at = start + COMM_WIDTH;
    if (at >= limit || bytes[at] !== DASH) return -1;
    let pid = 0;
    for (at++; at < limit && IS_DIGIT[bytes[at]!] === 1; at++) pid = pid * 10 + (bytes[at]! - DIGIT_0);
    const slot = pid & (TASK_SLOTS - 1);
    const length = this.slotPrefixLengths[slot]!;
    if (length === 0 || start + length > limit || this.slotPids[slot] !== pid) return -1;
    // Four bytes at a time, then the last 0-3.
    const prefixes = this.slotPrefixes;
    const end = start + length;
    let word = (slot * PREFIX_BYTES) >> 2;
    let i = start;
    for (; i + 4 <= end; i += 4, word++) if (prefixes[word] !== view.getInt32(i, true)) return -1;
    const prefixBytes = this.slotPrefixBytes;
    for (const from = word * 4 - i; i < end; i++) if (prefixBytes[from + i] !== bytes[i]) return -1;
    return this.slotTasks[slot]!.alive ? slot : -1;
  }

  /** Keeps `task` for `pid` in `slot`, with the line's prefix `bytes[start, end)` (through the CPU's `]`) when it fits. */
  private keepPrefix(slot: number, pid: number, task: KernelTask, bytes: Buffer, start: number, end: number): void {
    this.slotPids[slot] = pid;
    this.slotTasks[slot] = task;
    const length = end - start;
    if (length > PREFIX_BYTES) {
      this.slotPrefixLengths[slot] = 0;
      return;
    }
    this.slotPrefixLengths[slot] = length;
    const prefixBytes = this.slotPrefixBytes;
    const to = slot * PREFIX_BYTES - start;
    for (let i = start; i < end; i++) prefixBytes[to + i] = bytes[i]!;
  }

  private viewOf(bytes: Buffer): DataView {
    this.viewBytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return this.view;
  }
}
