/**
 * Interning of the lock addresses a kernel trace prints (`%p`: up to 16 lowercase hex digits),
 * for the ftrace byte lane (ftrace-fast-lane.ts): the reader accumulates the digits into two
 * 32-bit words as it scans them, and the table maps (high word, low word, digit count) to a
 * small integer with the address as a string (decoded once) and a record the reader keeps for it.
 * The key is exact: lowercase digits of a given count spell exactly one value, so no byte
 * comparison is needed (a reader passes uppercase digits elsewhere).
 * Per address it also keeps a short name (up to NAME_BYTES bytes; the reader's use: the class
 * last seen at that address) and a number tagging it, in the address's own 64-byte slot, so that
 * looking an address up and checking a line's name against it touch one cache line.
 * Invariants: memory is bounded: at `capacity` addresses the table starts over at its initial
 * size (addresses are then decoded again, names forgotten); the name methods are about the
 * address of the last `index` call.
 */

const DEFAULT_CAPACITY = 1 << 16;
const INITIAL_SLOTS = 1 << 10;
/** Slot layout (16 words, 64 bytes): [high, low, digits, index + 1 (0: empty), name length (0: none), tag, name bytes...]. */
const SLOT_WORDS = 16;
const SLOT_BYTES = SLOT_WORDS * 4;
const NAME_LENGTH = 4;
const NAME_TAG = 5;
const NAME_OFFSET = 6 * 4;
/** The longest name kept. */
export const NAME_BYTES = SLOT_BYTES - NAME_OFFSET;

/** `R`: the reader's record per address. */
export class HexAddressTable<R> {
  private table = new Int32Array(INITIAL_SLOTS * SLOT_WORDS);
  /** The table's bytes (for the names). */
  private bytes = new Uint8Array(this.table.buffer);
  private mask = INITIAL_SLOTS - 1;
  /** The first word of the slot of the last `index` call. */
  private found = 0;
  /** The address of each index, as printed. */
  readonly ids: string[] = [];
  /** The reader's record per index, once it has one. */
  readonly records: (R | undefined)[] = [];

  constructor(private readonly capacity = DEFAULT_CAPACITY) {}

  /** The index of the address `bytes[start, end)`, whose digits read as `high`, `low` (the last 8 digits). */
  index(high: number, low: number, bytes: Buffer, start: number, end: number): number {
    const digits = end - start;
    const table = this.table;
    const mask = this.mask;
    let slot = mix(high, low) & mask;
    for (;;) {
      const at = slot * SLOT_WORDS;
      const entry = table[at + 3]!;
      if (entry === 0) break;
      if (table[at + 1] === low && table[at] === high && table[at + 2] === digits) {
        this.found = at;
        return entry - 1;
      }
      slot = (slot + 1) & mask;
    }
    if (this.ids.length === this.capacity) this.clear();
    else if ((this.ids.length + 1) * 4 > (mask + 1) * 3) this.grow();
    const index = this.ids.length;
    this.ids.push(bytes.toString('latin1', start, end));
    this.records.push(undefined);
    this.found = this.place(high, low, digits, index);
    return index;
  }

  /** The length of the name kept for the last address looked up (0: none). */
  nameLength(): number {
    return this.table[this.found + NAME_LENGTH]!;
  }

  /** Whether the name kept for the last address looked up is `bytes[start, end)`. */
  hasName(bytes: Buffer, start: number, end: number): boolean {
    const at = this.found;
    if (this.table[at + NAME_LENGTH] !== end - start) return false;
    const names = this.bytes;
    const from = at * 4 + NAME_OFFSET - start;
    for (let i = start; i < end; i++) if (names[from + i] !== bytes[i]) return false;
    return true;
  }

  /** The tag kept with that name (valid when `hasName` holds). */
  nameTag(): number {
    return this.table[this.found + NAME_TAG]!;
  }

  /** Keeps `bytes[start, end)` and `tag` as the name of the last address looked up (a name longer than NAME_BYTES: none). */
  setName(bytes: Buffer, start: number, end: number, tag: number): void {
    const at = this.found;
    const length = end - start;
    if (length > NAME_BYTES) {
      this.table[at + NAME_LENGTH] = 0;
      return;
    }
    this.table[at + NAME_LENGTH] = length;
    this.table[at + NAME_TAG] = tag;
    this.bytes.set(bytes.subarray(start, end), at * 4 + NAME_OFFSET);
  }

  /** Puts a new entry in its slot; returns the slot's first word. */
  private place(high: number, low: number, digits: number, index: number): number {
    const table = this.table;
    let slot = mix(high, low) & this.mask;
    while (table[slot * SLOT_WORDS + 3] !== 0) slot = (slot + 1) & this.mask;
    const at = slot * SLOT_WORDS;
    table[at] = high;
    table[at + 1] = low;
    table[at + 2] = digits;
    table[at + 3] = index + 1;
    return at;
  }

  private grow(): void {
    const old = this.table;
    this.table = new Int32Array(old.length * 2);
    this.bytes = new Uint8Array(this.table.buffer);
    this.mask = this.table.length / SLOT_WORDS - 1;
    for (let at = 0; at < old.length; at += SLOT_WORDS) {
      if (old[at + 3] === 0) continue;
      const moved = this.place(old[at]!, old[at + 1]!, old[at + 2]!, old[at + 3]! - 1);
      this.table.set(old.subarray(at + NAME_LENGTH, at + SLOT_WORDS), moved + NAME_LENGTH);
    }
  }

  private clear(): void {
    this.table = new Int32Array(INITIAL_SLOTS * SLOT_WORDS);
    this.bytes = new Uint8Array(this.table.buffer);
    this.mask = INITIAL_SLOTS - 1;
    this.ids.length = 0;
    this.records.length = 0;
  }
}

function mix(high: number, low: number): number {
  let h = Math.imul(low, 0x9e3779b1) ^ Math.imul(high, 0x85ebca6b);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  return h ^ (h >>> 13);
}
