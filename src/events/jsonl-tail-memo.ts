/**
 * The JSONL lane's memo of line tails (jsonl-fast-lane.ts): for the writer's acquire and release
 * lines, `{"op":"acquire","task":"T","lock":"L"` + tail + an optional `,"ts":N` + `}`, where the
 * tail is every other field (`class`, `type`, `mode`, `try`, `site`, `stack`...), the tail a lock
 * had on one of its last lines of that op is usually the tail it has now (a lock is taken at the
 * same call sites, with the same stacks). The memo keeps, per lock and op, the bytes of the last
 * four tails the full scan (jsonl-line-scan.ts) validated and what each decoded to (the lane-call
 * arguments: mode, try, site with stack, and which fields it had); a line whose tail has those
 * exact bytes is then decoded by one comparison, without a scan and without interning its site
 * or stack.
 * Layout (what a line costs is mostly memory loads among thousands of locks): one 64-byte record
 * per lock and op in an open-addressing directory keyed by the lock id's own bytes (packed, for
 * ids of up to 8 bytes) or, for a longer id, by its index in the lane's id cache, and the op; the
 * record holds the lock's id-cache index and its four ways (tail length, where the tail lies in
 * the slab, what it decodes to). A line with a short lock id thus costs one record and its tail's
 * bytes, without the id cache's lookup; the record gives the lock's index for its handle.
 * Invariants: a match is exact: the head is compared byte for byte, the ids are non-empty plain
 * strings, a record's key is the lock id's bytes and length (or its index, valid while the id
 * cache keeps its `generation`: `follow` starts over when it changes), the line ends in `}`, and
 * the tail's bytes equal bytes a full scan accepted in the same place (after the lock's closing
 * quote, before `,"ts":` or the closing brace: a JSON object's members are independent of what
 * precedes them), and `ts` must be a plain integer of at most 15 digits (anything else misses and
 * takes the full scan). Kept tails are printable ASCII, which makes comparing them eight bytes at
 * a time as doubles exact (see `remember`). Memory is bounded: past MAX_TAIL_BYTES of kept tails,
 * or MAX_RECORDS records, it starts over.
 */
import { mix } from './byte-id-cache.js';
import type { LockOpMode, LockOpSite } from './lock-op-sink.js';

/** The memo's op slots. */
export const TAIL_ACQUIRE = 0;
export const TAIL_RELEASE = 1;
const SLOTS = 2;
/** Tails kept per lock and op (a lock taken at a few call sites, or with a few stacks). */
const WAYS = 4;

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

const MAX_TAIL_BYTES = 4 << 20;
/** Records kept at most (then the memo starts over): two per lock of the id cache's 65,536. */
const MAX_RECORDS = 1 << 17;
const INITIAL_RECORDS = 1 << 10;

/**
 * A record's words: the key (the lock id's bytes packed little-endian into two words and its
 * length, or its id-cache index, a word of -1 and LONG_KEY; times SLOTS plus the op slot), the
 * lock's id-cache index + 1 (0: an empty record), then per way its tail's length (-1: none),
 * offset in the slab and `info` (the scanned fields as jsonl-line-scan.ts bits, the mode, the
 * trylock flag).
 */
const RECORD_WORDS = 16;
const KEY_0 = 0;
const KEY_1 = 1;
const KEY_CODE = 2;
const LOCK = 3;
const WAY_0 = 4;
const WAY_WORDS = 3;
const LENGTH = 0;
const OFFSET = 1;
const INFO = 2;
/** The longest lock id keyed by its bytes; a longer one is keyed by its id-cache index. */
const PACKED_BYTES = 8;
/** The longest lock id a record is keyed by (a longer one: by its id-cache index, which `record` then takes). */
export const PACKED_LOCK_BYTES = PACKED_BYTES;
const LONG_KEY = PACKED_BYTES + 1;
/** Before each kept tail in the slab: the room it has there (a way reuses it for a tail that fits). */
const ROOM_BYTES = 4;
const SEEN_MASK = (1 << 20) - 1;
const MODE_SHIFT = 20;
const TRY_BIT = 1 << 22;
const INITIAL_SLAB_BYTES = 1 << 16;

export class JsonlTailMemo {
  /** After `head`: the op slot and the task's and lock's content ranges. */
  slot = 0;
  taskStart = 0;
  taskEnd = 0;
  lockStart = 0;
  lockEnd = 0;
  /** The directory: RECORD_WORDS words per record (see RECORD_WORDS), 64 bytes, one cache line. */
  private records = new Int32Array(INITIAL_RECORDS * RECORD_WORDS);
  private mask = INITIAL_RECORDS - 1;
  private recordCount = 0;
  /** Per record: the way its next tail replaces (modulo WAYS). */
  private nextWay = new Uint8Array(INITIAL_RECORDS);
  /** Per entry (record * WAYS + way): the site argument (site and stack) its tail decodes to. */
  sites: LockOpSite[] = emptySites(INITIAL_RECORDS * WAYS);
  private slab = Buffer.allocUnsafe(INITIAL_SLAB_BYTES);
  private slabView: DataView = viewOver(this.slab);
  private slabUsed = 0;
  private view: DataView = new DataView(new ArrayBuffer(0));
  private viewOf: Buffer | undefined = undefined;
  /** The id cache's generation the records' lock indexes belong to. */
  private generation = 0;
  /** The key `key` sets. */
  private key0 = 0;
  private key1 = 0;
  private keyCode = 0;

  constructor(private readonly maxTailBytes = MAX_TAIL_BYTES) {}

  /** Starts over when the id cache started over (its indexes were renumbered). */
  follow(generation: number): void {
    if (generation !== this.generation) {
      this.generation = generation;
      this.clear();
    }
  }

  /** The scanned fields of `entry`'s tail, as jsonl-line-scan.ts bits. */
  seen(entry: number): number {
    return this.info(entry) & SEEN_MASK;
  }

  /** The mode `entry`'s tail gives. */
  mode(entry: number): LockOpMode {
    return ((this.info(entry) >>> MODE_SHIFT) & 3) as LockOpMode;
  }

  /** Whether `entry`'s tail makes the acquisition a trylock. */
  trylock(entry: number): boolean {
    return (this.info(entry) & TRY_BIT) !== 0;
  }

  /** The id-cache index of the lock of `record`. */
  lock(record: number): number {
    return this.records[record * RECORD_WORDS + LOCK]! - 1;
  }

  private info(entry: number): number {
    return this.records[(entry >> 2) * RECORD_WORDS + WAY_0 + (entry & (WAYS - 1)) * WAY_WORDS + INFO]!;
  }

  /**
   * Whether `bytes[start, end)` begins with an acquire or release head, a plain task id, `","lock":"`
   * and a plain lock id (the positions are then set); false otherwise.
   */
  head(bytes: Buffer, start: number, end: number, plainEnd: (bytes: Buffer, view: DataView, at: number, last: number) => number): boolean {
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
   * After `head`: the record of the head's lock and op, or -1 when the memo has none. `lock` is the
   * lock's id-cache index when its id is longer than PACKED_BYTES (such ids are keyed by it),
   * ignored otherwise.
   */
  record(bytes: Buffer, lock: number): number {
    if (!this.key(bytes, this.lockStart, this.lockEnd, lock, this.slot)) return -1;
    return this.find(this.key0, this.key1, this.keyCode);
  }

  /**
   * Sets the key of the lock id `bytes[start, end)` (of id-cache index `lock`) and op `slot`;
   * false when the id is short and too near the end of its buffer to be read as two words.
   */
  private key(bytes: Buffer, start: number, end: number, lock: number, slot: number): boolean {
    const length = end - start;
    if (length > PACKED_BYTES) {
      this.key0 = lock;
      this.key1 = -1;
      this.keyCode = LONG_KEY * SLOTS + slot;
      return true;
    }
    // The id's bytes, read as two words and masked to its length (id bytes are never 0, so the
    // words and the length are the id).
    if (start + PACKED_BYTES > bytes.length) return false;
    const view = this.viewFor(bytes);
    let word0 = view.getInt32(start, true);
    let word1 = view.getInt32(start + 4, true);
    if (length < 4) {
      word0 &= (1 << (length * 8)) - 1;
      word1 = 0;
    } else if (length < PACKED_BYTES) {
      word1 &= (1 << ((length - 4) * 8)) - 1;
    }
    this.key0 = word0;
    this.key1 = word1;
    this.keyCode = length * SLOTS + slot;
    return true;
  }

  /**
   * After `head` and `record`: the entry (record * WAYS + way) of `record` whose tail is the rest of
   * the line, before an optional `,"ts":` plain integer and the closing brace; else -1. The line's
   * ending is read once (`endOfTail`), so a way is compared only when its tail has the line's
   * tail length.
   */
  tail(record: number, bytes: Buffer, end: number): number {
    const at = this.lockEnd + 1;
    const view = this.view;
    const tailEnd = endOfTail(bytes, view, at, end);
    if (tailEnd < 0) return -1;
    const length = tailEnd - at;
    const records = this.records;
    const ways = record * RECORD_WORDS + WAY_0;
    for (let way = 0; way < WAYS; way++) {
      const words = ways + way * WAY_WORDS;
      if (records[words + LENGTH] === length && this.sameTail(records[words + OFFSET]!, length, bytes, view, at)) return record * WAYS + way;
    }
    return -1;
  }

  /** The record keyed (`word0`, `word1`, `code`), or -1. */
  private find(word0: number, word1: number, code: number): number {
    const records = this.records;
    const mask = this.mask;
    for (let record = mix(word0, word1, code) & mask; ; record = (record + 1) & mask) {
      const at = record * RECORD_WORDS;
      if (records[at + LOCK] === 0) return -1;
      if (records[at + KEY_0] === word0 && records[at + KEY_1] === word1 && records[at + KEY_CODE] === code) return record;
    }
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
   * Keeps `bytes[start, end)`, a tail the full scan accepted, as a tail of the lock `bytes[lockStart,
   * lockEnd)` (id-cache index `lock`) for op `slot`, with what it decodes to.
   */
  remember(bytes: Buffer, lockStart: number, lockEnd: number, lock: number, slot: number, start: number, end: number, seen: number, mode: LockOpMode, trylock: boolean, site: LockOpSite): void {
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
    if (lock < 0 || !this.key(bytes, lockStart, lockEnd, lock, slot)) return;
    if (this.slabUsed + ROOM_BYTES + length > this.maxTailBytes) this.clear();
    let record = this.find(this.key0, this.key1, this.keyCode);
    if (record < 0 || this.lock(record) !== lock) record = this.insert(lock);
    const records = this.records;
    // The ways of a lock and op are replaced in turn (the oldest first).
    const way = this.nextWay[record]!;
    this.nextWay[record] = (way + 1) & (WAYS - 1);
    const at = record * RECORD_WORDS + WAY_0 + way * WAY_WORDS;
    const slabView = this.slabView;
    let offset = records[at + OFFSET]!;
    if (records[at + LENGTH]! < 0 || length > slabView.getInt32(offset - ROOM_BYTES, true)) {
      if (this.slabUsed + ROOM_BYTES + length > this.slab.length) this.growSlab(this.slabUsed + ROOM_BYTES + length);
      offset = this.slabUsed + ROOM_BYTES;
      this.slabView.setInt32(offset - ROOM_BYTES, length, true);
      this.slabUsed = offset + length;
    }
    copyBytes(bytes, this.viewFor(bytes), start, this.slab, this.slabView, offset, length);
    records[at + OFFSET] = offset;
    records[at + LENGTH] = length;
    records[at + INFO] = (seen & SEEN_MASK) | (mode << MODE_SHIFT) | (trylock ? TRY_BIT : 0);
    this.sites[record * WAYS + way] = site;
  }

  /** A new record under the key `key` set, for lock index `lock`, its ways empty (replacing a record of that key). */
  private insert(lock: number): number {
    let record = this.find(this.key0, this.key1, this.keyCode);
    if (record < 0) {
      if (this.recordCount >= MAX_RECORDS) this.clear();
      else if ((this.recordCount + 1) * 2 > this.mask + 1) this.grow();
      record = this.place(this.key0, this.key1, this.keyCode);
      this.recordCount++;
    }
    const at = record * RECORD_WORDS;
    this.records[at + LOCK] = lock + 1;
    for (let way = 0; way < WAYS; way++) this.records[at + WAY_0 + way * WAY_WORDS + LENGTH] = -1;
    this.nextWay[record] = 0;
    return record;
  }

  /** The empty record where the key goes (its key words set). */
  private place(word0: number, word1: number, code: number): number {
    const records = this.records;
    const mask = this.mask;
    let record = mix(word0, word1, code) & mask;
    while (records[record * RECORD_WORDS + LOCK] !== 0) record = (record + 1) & mask;
    const at = record * RECORD_WORDS;
    records[at + KEY_0] = word0;
    records[at + KEY_1] = word1;
    records[at + KEY_CODE] = code;
    return record;
  }

  /** A DataView over `bytes` (kept while the reader passes the same buffer). */
  private viewFor(bytes: Buffer): DataView {
    if (bytes !== this.viewOf) {
      this.viewOf = bytes;
      this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
    }
    return this.view;
  }

  /** Doubles the directory, moving each record (its ways and sites with it). */
  private grow(): void {
    const old = this.records;
    const oldSites = this.sites;
    const oldNextWay = this.nextWay;
    const size = (this.mask + 1) * 2;
    this.records = new Int32Array(size * RECORD_WORDS);
    this.mask = size - 1;
    this.nextWay = new Uint8Array(size);
    this.sites = emptySites(size * WAYS);
    for (let from = 0; from * RECORD_WORDS < old.length; from++) {
      const at = from * RECORD_WORDS;
      if (old[at + LOCK] === 0) continue;
      const record = this.place(old[at + KEY_0]!, old[at + KEY_1]!, old[at + KEY_CODE]!);
      this.records.set(old.subarray(at, at + RECORD_WORDS), record * RECORD_WORDS);
      this.nextWay[record] = oldNextWay[from]!;
      for (let way = 0; way < WAYS; way++) this.sites[record * WAYS + way] = oldSites[from * WAYS + way];
    }
  }

  private growSlab(bytes: number): void {
    const bigger = Buffer.allocUnsafe(Math.max(this.slab.length * 2, bytes));
    this.slab.copy(bigger, 0, 0, this.slabUsed);
    this.slab = bigger;
    this.slabView = viewOver(bigger);
  }

  /** Forgets every tail (the slab or the directory is full, or the id cache started over). */
  private clear(): void {
    this.records = new Int32Array(INITIAL_RECORDS * RECORD_WORDS);
    this.mask = INITIAL_RECORDS - 1;
    this.recordCount = 0;
    this.nextWay = new Uint8Array(INITIAL_RECORDS);
    this.sites = emptySites(INITIAL_RECORDS * WAYS);
    this.slabUsed = 0;
  }
}

/** A filled array of `length` sites (filled, not stretched: stores then stay within a packed array). */
function emptySites(length: number): LockOpSite[] {
  const sites: LockOpSite[] = [];
  for (let i = 0; i < length; i++) sites.push(undefined);
  return sites;
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
