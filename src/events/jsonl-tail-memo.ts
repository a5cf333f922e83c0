/**
 * The JSONL lane's memo of line tails (jsonl-fast-lane.ts): for the writer's acquire and release
 * lines, `{"op":"acquire","task":"T","lock":"L"` + tail + an optional `,"ts":N` + `}`, where the
 * tail is every other field (`class`, `type`, `mode`, `try`, `site`, `stack`...), the tail a lock
 * had on its last line of that op is usually the tail it has now (a lock is taken at the same
 * call sites, with the same stacks). The memo keeps, per op and lock (by the lock's index in the
 * lane's id cache), the bytes of the last tail the full scan (jsonl-line-scan.ts) validated and
 * what it decoded to (the lane-call arguments: mode, try, subclass, site with stack, and which
 * fields it had); a line whose tail has those exact bytes is then decoded by one comparison,
 * without a scan and without interning its site or stack. Where a lock's tails lie is kept in the
 * lock's own slot of the lane's id cache (TAIL_SLOT_WORDS words a slot, byte-id-cache.ts), so the
 * lookup of the lock id that every line makes also brings its ways: one cache line fewer to wait
 * for per line.
 * Invariants: a match is exact: the head is compared byte for byte, the ids are non-empty plain
 * strings, the line ends in `}`, the tail's bytes equal bytes a full scan accepted in the same
 * place (after the lock's closing quote, before `,"ts":` or the closing brace: a JSON object's
 * members are independent of what precedes them), and `ts` must be a plain integer of at most 15
 * digits (anything else misses and takes the full scan). Kept tails are printable ASCII, which
 * makes comparing them eight bytes at a time as doubles exact (see `remember`). The memo is only
 * a guess of which bytes to compare: any lock's slot may hold any validated tail. Memory is
 * bounded: past MAX_TAIL_BYTES of kept tails it starts over (and a way's word 0 is no tail: the id
 * cache zeroes the words of a new slot and of a fresh table).
 */
import { plainEnd } from './jsonl-line-scan.js';
import type { LockOpMode, LockOpSite } from './lock-op-sink.js';

/** The memo's op slots. */
export const TAIL_ACQUIRE = 0;
export const TAIL_RELEASE = 1;
const SLOTS = 2;
/** Tails kept per lock and op (a lock taken at a few call sites, or with a few stacks). */
const WAYS = 4;
/** The lock's ways within its id-cache slot: after the cache's own four words, per op. */
const WAYS_AT = 4;
/** The id-cache slot size the memo needs (byte-id-cache.ts `slotWords`): 64 bytes. */
export const TAIL_SLOT_WORDS = WAYS_AT + SLOTS * WAYS;

/** `{"op":"acquire","task":"` and `{"op":"release","task":"` have the same length. */
const HEAD_BYTES = 24;
const HEADS = ['{"op":"acquire","task":"', '{"op":"release","task":"'].map((head) => Buffer.from(head, 'latin1'));
/** The head's words at 4, 8 and 12 (the op), per slot; the words at 0, 16 and 20 are the same for both. */
const OP_WORDS = HEADS.map((head) => [head.readInt32LE(4), head.readInt32LE(8), head.readInt32LE(12)] as const);
const WORD_0 = HEADS[0]!.readInt32LE(0);
const WORD_16 = HEADS[0]!.readInt32LE(16);
const WORD_20 = HEADS[0]!.readInt32LE(20);
/** `","lock":"` between the task and the lock: two words and a half-word. */
const LOCK_KEY = Buffer.from('","lock":"', 'latin1');
const LOCK_KEY_0 = LOCK_KEY.readInt32LE(0);
const LOCK_KEY_4 = LOCK_KEY.readInt32LE(4);
const LOCK_KEY_8 = LOCK_KEY.readInt16LE(8);
/** `,"ts":` before the timestamp. */
const TS_KEY = Buffer.from(',"ts":', 'latin1');
const TS_KEY_0 = TS_KEY.readInt32LE(0);
const TS_KEY_4 = TS_KEY.readInt16LE(4);
export const TS_KEY_BYTES = TS_KEY.length;

const MINUS = 0x2d;
const CLOSE_BRACE = 0x7d;
/** The bytes a kept tail may hold: printable ASCII (see `remember`). */
const FIRST_PRINTABLE = 0x20;
const LAST_PRINTABLE = 0x7e;
const ZERO = 0x30;
const NINE = 0x39;
const MAX_TS_DIGITS = 15;

/** The slab's bound: a record's place, in words, fits in the `ways` word beside the tail's length. */
const MAX_TAIL_BYTES = 4 << 20;

/**
 * A way's word: its record's place in the slab in words (RECORD_SHIFT bits and up; records start
 * at byte 4, so a kept tail's word is never 0) and its tail's length (the low RECORD_SHIFT bits);
 * 0: no tail. A record is a word of room (the
 * tail bytes it has space for), the `info` word, then the tail's bytes.
 */
const RECORD_SHIFT = 11;
const LENGTH_MASK = (1 << RECORD_SHIFT) - 1;
/** Longer tails are not kept (their length would not fit in the `ways` word). */
const MAX_TAIL_LENGTH = LENGTH_MASK - 1;
const RECORD_ROOM = 0;
const RECORD_INFO = 4;
const RECORD_HEADER_BYTES = 8;
const FIRST_RECORD = 4;
/** The packing of a record's `info` word. */
const SEEN_MASK = (1 << 20) - 1;
const MODE_SHIFT = 20;
const TRY_BIT = 1 << 22;
const SUBCLASS_SHIFT = 23;
const INITIAL_SLAB_BYTES = 1 << 16;

export class JsonlTailMemo {
  /** After `head`: the op slot and the task's and lock's content ranges. */
  slot = 0;
  taskStart = 0;
  taskEnd = 0;
  lockStart = 0;
  lockEnd = 0;
  /**
   * The way word of the tail `tail` found last. A lock's ways (one word each, in its id-cache
   * slot: where the record lies in the slab and the tail's length, see RECORD_SHIFT) lead to
   * records that hold what the tail decodes to (`info`: the scanned fields as jsonl-line-scan.ts
   * bits, the mode, the trylock flag, the subclass) just before the tail's bytes, so a line reads
   * its lock's slot and then one place in the slab.
   */
  private matched = 0;
  /** Per lock and op: the way its next tail replaces (modulo WAYS). */
  private nextWay = new Uint8Array(0);
  /** Per entry ((lock index * SLOTS + slot) * WAYS + way): the site argument (site and stack) the tail decodes to. */
  readonly sites: LockOpSite[] = [];
  private slab = Buffer.allocUnsafe(INITIAL_SLAB_BYTES);
  private slabView: DataView = viewOver(this.slab);
  /** Records start at byte 4 (see RECORD_SHIFT). */
  private slabUsed = FIRST_RECORD;
  private view: DataView = new DataView(new ArrayBuffer(0));
  private viewOf: Buffer | undefined = undefined;

  private readonly maxTailBytes: number;

  constructor(maxTailBytes = MAX_TAIL_BYTES) {
    this.maxTailBytes = Math.min(maxTailBytes, MAX_TAIL_BYTES);
  }

  /** The scanned fields of the tail `tail` found last, as jsonl-line-scan.ts bits. */
  seen(): number {
    return this.info() & SEEN_MASK;
  }

  /** The mode the tail `tail` found last gives. */
  mode(): LockOpMode {
    return ((this.info() >>> MODE_SHIFT) & 3) as LockOpMode;
  }

  /** The subclass the tail `tail` found last gives (0-7; above 0 only for a sink with `acquireSubclassAt`). */
  subclass(): number {
    return (this.info() >>> SUBCLASS_SHIFT) & 7;
  }

  /** Whether the tail `tail` found last makes the acquisition a trylock. */
  trylock(): boolean {
    return (this.info() & TRY_BIT) !== 0;
  }

  /** The `info` word of the record of the tail `tail` found last. */
  private info(): number {
    return this.slabView.getInt32((this.matched >>> RECORD_SHIFT) * 4 + RECORD_INFO, true);
  }

  /**
   * Whether `bytes[start, end)` begins with an acquire or release head, a plain task id, `","lock":"`
   * and a plain lock id (the positions are then set); false otherwise.
   */
  head(bytes: Buffer, start: number, end: number): boolean {
    if (end - start < HEAD_BYTES + 16) return false;
    const view = this.viewFor(bytes);
    if (view.getInt32(start, true) !== WORD_0 || view.getInt32(start + 16, true) !== WORD_16 || view.getInt32(start + 20, true) !== WORD_20) return false;
    const op4 = view.getInt32(start + 4, true);
    const op8 = view.getInt32(start + 8, true);
    const op12 = view.getInt32(start + 12, true);
    let slot = -1;
    for (let s = 0; s < SLOTS; s++) {
      const words = OP_WORDS[s]!;
      if (op4 === words[0] && op8 === words[1] && op12 === words[2]) slot = s;
    }
    if (slot < 0) return false;
    const last = end - 1;
    const taskStart = start + HEAD_BYTES;
    const taskEnd = plainEnd(bytes, view, taskStart, last);
    if (taskEnd < 0 || taskEnd + 11 > last) return false;
    if (view.getInt32(taskEnd, true) !== LOCK_KEY_0 || view.getInt32(taskEnd + 4, true) !== LOCK_KEY_4 || view.getInt16(taskEnd + 8, true) !== LOCK_KEY_8) return false;
    const lockStart = taskEnd + LOCK_KEY.length;
    const lockEnd = plainEnd(bytes, view, lockStart, last);
    if (lockEnd < 0) return false;
    this.slot = slot;
    this.taskStart = taskStart;
    this.taskEnd = taskEnd;
    this.lockStart = lockStart;
    this.lockEnd = lockEnd;
    return true;
  }

  /**
   * After `head`: the entry of lock `lock` (its index; its id-cache slot starts at word `slotAt`
   * of `ways`, the cache's table) for the head's op when the rest of the line is that entry's tail
   * and then an optional `,"ts":` plain integer and the closing brace; else -1.
   * The line's ending is read once (`endOfTail`), so a way is tried only when its tail has the
   * line's tail length.
   */
  tail(lock: number, ways: Int32Array, slotAt: number, bytes: Buffer, end: number): number {
    const first = (lock * SLOTS + this.slot) * WAYS;
    const waysAt = slotAt + WAYS_AT + this.slot * WAYS;
    const at = this.lockEnd + 1;
    const view = this.view;
    const tailEnd = endOfTail(bytes, view, at, end);
    if (tailEnd < 0) return -1;
    const length = tailEnd - at;
    for (let way = 0; way < WAYS; way++) {
      const word = ways[waysAt + way]!;
      if ((word & LENGTH_MASK) === length && word !== 0 && this.sameTail((word >>> RECORD_SHIFT) * 4 + RECORD_HEADER_BYTES, length, bytes, view, at)) {
        this.matched = word;
        return first + way;
      }
    }
    return -1;
  }

  /**
   * Whether `bytes[at, at + length)` are the `length` slab bytes at `offset`: eight bytes at a time
   * as doubles (exact: see `remember`), the last eight first (where stacks differ), then the
   * rest in order; a tail shorter than eight bytes byte by byte.
   */
  private sameTail(offset: number, length: number, bytes: Buffer, view: DataView, at: number): boolean {
    const slabView = this.slabView;
    if (length < 8) {
      const slab = this.slab;
      for (let i = 0; i < length; i++) if (slab[offset + i] !== bytes[at + i]) return false;
      return true;
    }
    const lastWord = length - 8;
    if (slabView.getFloat64(offset + lastWord, true) !== view.getFloat64(at + lastWord, true)) return false;
    // Words at 0, 8, 16... below the last one cover every byte before it (they may overlap it).
    let i = 0;
    for (; i + 8 < lastWord; i += 16) {
      if (slabView.getFloat64(offset + i, true) !== view.getFloat64(at + i, true) || slabView.getFloat64(offset + i + 8, true) !== view.getFloat64(at + i + 8, true)) return false;
    }
    return i >= lastWord || slabView.getFloat64(offset + i, true) === view.getFloat64(at + i, true);
  }

  /**
   * Keeps `bytes[start, end)`, a tail the full scan accepted, as lock `lock`'s tail for `slot` (its
   * ways in its id-cache slot at word `slotAt` of `ways`), with what it decodes to.
   */
  remember(lock: number, ways: Int32Array, slotAt: number, slot: number, bytes: Buffer, start: number, end: number, seen: number, mode: LockOpMode, trylock: boolean, subclass: number, site: LockOpSite): void {
    // Kept tails are printable ASCII (the scan accepts nothing else; checked here so that the
    // memo's exactness rests on itself): any eight of them, read as a little-endian double, have a
    // top byte of 0x20-0x7e, so a sign bit of 0 and an exponent of 0x200-0x7e7: a finite, non-zero
    // double that equals (`===`) only the double of the same eight bytes, whatever the line's
    // bytes are (NaN never equals, and no other bytes give the same value).
    for (let i = start; i < end; i++) {
      const c = bytes[i]!;
      if (c < FIRST_PRINTABLE || c > LAST_PRINTABLE) return;
    }
    const length = end - start;
    if (length > MAX_TAIL_LENGTH) return;
    const first = (lock * SLOTS + slot) * WAYS;
    if (first + WAYS > this.sites.length) this.grow(first + WAYS);
    // The ways of a lock and op are replaced in turn (the oldest first).
    const way = this.nextWay[first / WAYS]!;
    this.nextWay[first / WAYS] = (way + 1) & (WAYS - 1);
    const entry = first + way;
    const wayAt = slotAt + WAYS_AT + slot * WAYS + way;
    const word = ways[wayAt]!;
    let record = word === 0 ? -1 : (word >>> RECORD_SHIFT) * 4;
    if (record < 0 || length > this.slabView.getInt32(record + RECORD_ROOM, true)) {
      // A new record, word-aligned (so that its place fits in the `ways` word).
      const size = (RECORD_HEADER_BYTES + length + 3) & ~3;
      if (this.slabUsed + size > this.maxTailBytes) this.clear(ways);
      if (this.slabUsed + size > this.slab.length) this.growSlab(this.slabUsed + size);
      record = this.slabUsed;
      this.slabView.setInt32(record + RECORD_ROOM, length, true);
      this.slabUsed += size;
    }
    const slabView = this.slabView;
    slabView.setInt32(record + RECORD_INFO, (seen & SEEN_MASK) | (mode << MODE_SHIFT) | (trylock ? TRY_BIT : 0) | (subclass << SUBCLASS_SHIFT), true);
    copyBytes(bytes, this.viewFor(bytes), start, this.slab, slabView, record + RECORD_HEADER_BYTES, length);
    ways[wayAt] = ((record / 4) << RECORD_SHIFT) | length;
    this.sites[entry] = site;
  }

  /** A DataView over `bytes` (kept while the reader passes the same buffer). */
  private viewFor(bytes: Buffer): DataView {
    if (bytes !== this.viewOf) {
      this.viewOf = bytes;
      this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
    }
    return this.view;
  }

  private grow(entries: number): void {
    const size = Math.max(entries, this.sites.length * 2, 1024 * WAYS);
    const nextWay = new Uint8Array(size / WAYS);
    nextWay.set(this.nextWay);
    this.nextWay = nextWay;
    // Filled, not stretched: stores then stay within a packed array.
    while (this.sites.length < size) this.sites.push(undefined);
  }

  private growSlab(bytes: number): void {
    const bigger = Buffer.allocUnsafe(Math.max(this.slab.length * 2, bytes));
    this.slab.copy(bigger, 0, 0, this.slabUsed);
    this.slab = bigger;
    this.slabView = viewOver(bigger);
  }

  /** Forgets every tail (the slab is full). */
  private clear(ways: Int32Array): void {
    for (let at = 0; at < ways.length; at += TAIL_SLOT_WORDS) ways.fill(0, at + WAYS_AT, at + TAIL_SLOT_WORDS);
    this.sites.fill(undefined);
    this.slabUsed = FIRST_RECORD;
  }
}

/** `from[start, start + length)` into `into` at `at` (a loop: cheaper than a native copy for a line's few bytes). */
function copyBytes(from: Buffer, fromView: DataView, start: number, into: Buffer, intoView: DataView, at: number, length: number): void {
  let i = 0;
  for (; i + 4 <= length; i += 4) intoView.setInt32(at + i, fromView.getInt32(start + i, true), true);
  for (; i < length; i++) into[at + i] = from[start + i]!;
}

function viewOver(bytes: Buffer): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
}

/**
 * Where the tail of the lock line ending at `end` (its tail starting at `at`) ends: at a last
 * `,"ts":` followed by a plain integer (`-?(0|[1-9][0-9]*)`, at most MAX_TS_DIGITS digits: a JSON
 * number whose value is exact) and the closing brace, else at the closing brace; -1 when the line
 * does not end in `}`, or its last `,"ts":` is followed by digits that are not such an integer.
 * Digits before the brace without `,"ts":` in front belong to the tail (a `subclass`).
 */
function endOfTail(bytes: Buffer, view: DataView, at: number, end: number): number {
  const last = end - 1;
  if (last < at || bytes[last] !== CLOSE_BRACE) return -1;
  let firstDigit = last;
  while (firstDigit > at && bytes[firstDigit - 1]! >= ZERO && bytes[firstDigit - 1]! <= NINE) firstDigit--;
  const digits = last - firstDigit;
  if (digits === 0) return last;
  const signed = bytes[firstDigit - 1] === MINUS ? firstDigit - 1 : firstDigit;
  const key = signed - TS_KEY_BYTES;
  if (key < at || view.getInt32(key, true) !== TS_KEY_0 || view.getInt16(key + 4, true) !== TS_KEY_4) return last;
  if (digits > MAX_TS_DIGITS || (digits > 1 && bytes[firstDigit] === ZERO)) return -1;
  return key;
}
