/**
 * Interning of the lock addresses a kernel trace prints (`%p`: 4 to 16 lowercase hex digits), for
 * the ftrace byte lane (ftrace-fast-lane.ts): the key is the digits' own bytes, as four 32-bit
 * words (zero past the last digit) and the digit count, so an address maps to a small integer
 * with the address as a string (decoded once) and a record the reader keeps for it. The key is
 * exact (no byte compared but through the key), and a 16-digit address the table holds is found
 * by reading its 16 bytes as four words (`find16`), without looking at its digits one by one:
 * they were checked when it was added (`index`; the reader checks them).
 * Per address it also keeps, in the address's own 64-byte slot, the reader's number for it
 * (`record`; -1 until set) and a name (the reader's use: the class last seen at that address)
 * with a number tagging it: its length and its first NAME_BYTES bytes (a longer name's other
 * bytes are the reader's to compare), so that looking an address up, reading its record and
 * checking a line's name against it touch one cache line.
 * Invariants: memory is bounded: at `capacity` addresses the table starts over at its initial
 * size (addresses are then decoded again, names forgotten); it grows from its initial 64 kB to
 * FIRST_GROWTH_SLOTS slots at once, then by doubling; the name methods are about the
 * address of the last `index` or successful `find16` call.
 */

const DEFAULT_CAPACITY = 1 << 16;
const INITIAL_SLOTS = 1 << 10;
/**
 * A table that outgrows its initial size grows to this at once (1 MB, 12,288 addresses), not
 * by doublings: each growth runs the rehash loop (compiled by V8 on its own when it runs long)
 * and makes the optimized `index` fall back to the interpreter where it calls `grow`.
 */
const FIRST_GROWTH_SLOTS = 1 << 14;
/** Slot layout (16 words, 64 bytes): [4 key words, digits, index + 1 (0: empty), record, name length (0: none), tag, name bytes...]. */
const SLOT_WORDS = 16;
const SLOT_BYTES = SLOT_WORDS * 4;
const KEY_WORDS = 4;
const DIGITS = 4;
const ENTRY = 5;
const RECORD = 6;
const NAME_LENGTH = 7;
const NAME_TAG = 8;
const NAME_WORD = 9;
const NAME_OFFSET = NAME_WORD * 4;
/** The bytes of a name kept in its address's slot (its first ones, for a longer name). */
export const NAME_BYTES = SLOT_BYTES - NAME_OFFSET;
/** The longest address (64-bit `%p`). */
const MAX_DIGITS = KEY_WORDS * 4;

export class HexAddressTable {
  private table = new Int32Array(INITIAL_SLOTS * SLOT_WORDS);
  /** The table's bytes (for the names). */
  private bytes = new Uint8Array(this.table.buffer);
  private mask = INITIAL_SLOTS - 1;
  /** The first word of the slot of the last address found or added. */
  private found = 0;
  /** The key of the address being added (`index`). */
  private readonly key = new Int32Array(KEY_WORDS);
  /** The address of each index, as printed. */
  readonly ids: string[] = [];

  constructor(private readonly capacity = DEFAULT_CAPACITY) {
    // Written a second time here so that V8 never takes the table's fields for constants: the
    // optimized lane embedding them would be thrown away at the table's first growth.
    this.clear();
  }

  /** The index of the 16-digit address `view[start, start + 16)` if the table holds it, else -1 (the caller checks the bounds). */
  find16(view: DataView, start: number): number {
    const w0 = view.getInt32(start, true);
    const w1 = view.getInt32(start + 4, true);
    const w2 = view.getInt32(start + 8, true);
    const w3 = view.getInt32(start + 12, true);
    const table = this.table;
    const mask = this.mask;
    for (let slot = mix(w0, w1, w2, w3, MAX_DIGITS) & mask; ; slot = (slot + 1) & mask) {
      const at = slot * SLOT_WORDS;
      const entry = table[at + ENTRY]!;
      if (entry === 0) return -1;
      if (table[at + 3] === w3 && table[at + 2] === w2 && table[at + 1] === w1 && table[at] === w0 && table[at + DIGITS] === MAX_DIGITS) {
        this.found = at;
        return entry - 1;
      }
    }
  }

  /** The index of the address `bytes[start, end)` (4-16 lowercase hex digits, as the caller checked), added on first sight. */
  index(bytes: Buffer, start: number, end: number): number {
    const digits = end - start;
    const key = this.key;
    key.fill(0);
    for (let i = 0; i < digits; i++) key[i >> 2]! |= bytes[start + i]! << ((i & 3) * 8);
    const w0 = key[0]!;
    const w1 = key[1]!;
    const w2 = key[2]!;
    const w3 = key[3]!;
    const table = this.table;
    const mask = this.mask;
    for (let slot = mix(w0, w1, w2, w3, digits) & mask; ; slot = (slot + 1) & mask) {
      const at = slot * SLOT_WORDS;
      const entry = table[at + ENTRY]!;
      if (entry === 0) break;
      if (table[at] === w0 && table[at + 1] === w1 && table[at + 2] === w2 && table[at + 3] === w3 && table[at + DIGITS] === digits) {
        this.found = at;
        return entry - 1;
      }
    }
    if (this.ids.length === this.capacity) this.clear();
    else if ((this.ids.length + 1) * 4 > (mask + 1) * 3) this.grow();
    const index = this.ids.length;
    this.ids.push(bytes.toString('latin1', start, end));
    this.found = this.place(key, 0, digits, index);
    return index;
  }

  /** The reader's number kept for the last address found (-1: none yet). */
  record(): number {
    return this.table[this.found + RECORD]!;
  }

  /** Keeps `record` as the reader's number of the last address found. */
  setRecord(record: number): void {
    this.table[this.found + RECORD] = record;
  }

  /** The length of the name kept for the last address found (0: none). */
  nameLength(): number {
    return this.table[this.found + NAME_LENGTH]!;
  }

  /**
   * Whether the name kept for the last address found is `view[start, end)`, compared four bytes
   * at a time: its length and its kept bytes (a name longer than NAME_BYTES: its first NAME_BYTES
   * bytes; the caller compares the rest).
   */
  hasName(view: DataView, start: number, end: number): boolean {
    const at = this.found;
    const table = this.table;
    if (table[at + NAME_LENGTH] !== end - start) return false;
    const keptEnd = end - start > NAME_BYTES ? start + NAME_BYTES : end;
    let word = at + NAME_WORD;
    let i = start;
    for (; i + 4 <= keptEnd; i += 4, word++) if (table[word] !== view.getInt32(i, true)) return false;
    const names = this.bytes;
    for (let from = word * 4 - i; i < keptEnd; i++) if (names[from + i] !== view.getUint8(i)) return false;
    return true;
  }

  /** The tag kept with that name (valid when `hasName` holds). */
  nameTag(): number {
    return this.table[this.found + NAME_TAG]!;
  }

  /** Keeps `bytes[start, end)` (its length and first NAME_BYTES bytes) and `tag` as the name of the last address found. */
  setName(bytes: Buffer, start: number, end: number, tag: number): void {
    const at = this.found;
    this.table[at + NAME_LENGTH] = end - start;
    this.table[at + NAME_TAG] = tag;
    // Byte by byte: a name is short, and `subarray` builds a Buffer (through its species
    // constructor, microseconds before it is optimized) for each new address.
    const names = this.bytes;
    const to = at * 4 + NAME_OFFSET - start;
    const keptEnd = Math.min(end, start + NAME_BYTES);
    for (let i = start; i < keptEnd; i++) names[to + i] = bytes[i]!;
  }

  /** Puts a new entry (key `words[from, from + 4)`) in its slot; returns the slot's first word. */
  private place(words: Int32Array, from: number, digits: number, index: number): number {
    const table = this.table;
    const w0 = words[from]!;
    const w1 = words[from + 1]!;
    const w2 = words[from + 2]!;
    const w3 = words[from + 3]!;
    let slot = mix(w0, w1, w2, w3, digits) & this.mask;
    while (table[slot * SLOT_WORDS + ENTRY] !== 0) slot = (slot + 1) & this.mask;
    const at = slot * SLOT_WORDS;
    table[at] = w0;
    table[at + 1] = w1;
    table[at + 2] = w2;
    table[at + 3] = w3;
    table[at + DIGITS] = digits;
    table[at + ENTRY] = index + 1;
    table[at + RECORD] = -1;
    return at;
  }

  private grow(): void {
    const old = this.table;
    this.table = new Int32Array(Math.max(old.length * 2, FIRST_GROWTH_SLOTS * SLOT_WORDS));
    this.bytes = new Uint8Array(this.table.buffer);
    this.mask = this.table.length / SLOT_WORDS - 1;
    for (let at = 0; at < old.length; at += SLOT_WORDS) {
      if (old[at + ENTRY] === 0) continue;
      const moved = this.place(old, at, old[at + DIGITS]!, old[at + ENTRY]! - 1);
      this.table.set(old.subarray(at + RECORD, at + SLOT_WORDS), moved + RECORD);
    }
  }

  private clear(): void {
    this.table = new Int32Array(INITIAL_SLOTS * SLOT_WORDS);
    this.bytes = new Uint8Array(this.table.buffer);
    this.mask = INITIAL_SLOTS - 1;
    this.ids.length = 0;
  }
}

function mix(w0: number, w1: number, w2: number, w3: number, digits: number): number {
  let h = Math.imul(w0 ^ digits, 0x9e3779b1) ^ Math.imul(w1, 0x85ebca6b) ^ Math.imul(w2, 0xc2b2ae35) ^ Math.imul(w3, 0x27d4eb2f);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  return h ^ (h >>> 13);
}
