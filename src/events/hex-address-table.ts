/**
 * Interning of the lock addresses a kernel trace prints (`%p`: up to 16 lowercase hex digits),
 * for the ftrace byte lane (ftrace-fast-lane.ts): the reader accumulates the digits into two
 * 32-bit words as it scans them, and the table maps (high word, low word, digit count) to a
 * small integer with the address as a string (decoded once) and a record the reader keeps for it.
 * The key is exact: lowercase digits of a given count spell exactly one value, so no byte
 * comparison is needed (a reader passes uppercase digits elsewhere).
 * Per address it also keeps a short name (up to NAME_BYTES bytes; the reader's use: the class
 * last seen at that address) and a number tagging it, in one 64-byte stride of a flat buffer, so
 * that checking a line's name against it touches one cache line rather than a record, a string
 * and its characters.
 * Invariants: memory is bounded: at `capacity` addresses the table starts over at its initial
 * size (addresses are then decoded again, names forgotten).
 */

const DEFAULT_CAPACITY = 1 << 16;
const INITIAL_SLOTS = 1 << 10;
/** Slot layout: [high, low, digits, index + 1 (0: empty)]. */
const SLOT_WORDS = 4;
/** Name stride layout: [length (0: none), 3 unused, tag (int32), name bytes]. */
const NAME_STRIDE = 64;
const NAME_OFFSET = 8;
/** The longest name kept. */
export const NAME_BYTES = NAME_STRIDE - NAME_OFFSET;

/** `R`: the reader's record per address. */
export class HexAddressTable<R> {
  private table = new Int32Array(INITIAL_SLOTS * SLOT_WORDS);
  private mask = INITIAL_SLOTS - 1;
  /** The address of each index, as printed. */
  readonly ids: string[] = [];
  /** The reader's record per index, once it has one. */
  readonly records: (R | undefined)[] = [];
  private names = new Uint8Array(INITIAL_SLOTS * NAME_STRIDE);
  private nameTags = new Int32Array(this.names.buffer);

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
      if (table[at + 1] === low && table[at] === high && table[at + 2] === digits) return entry - 1;
      slot = (slot + 1) & mask;
    }
    if (this.ids.length === this.capacity) this.clear();
    else if ((this.ids.length + 1) * 2 > mask + 1) this.grow();
    const index = this.ids.length;
    this.ids.push(bytes.toString('latin1', start, end));
    this.records.push(undefined);
    if ((index + 1) * NAME_STRIDE > this.names.length) {
      const bigger = new Uint8Array(this.names.length * 2);
      bigger.set(this.names);
      this.names = bigger;
      this.nameTags = new Int32Array(bigger.buffer);
    }
    this.names[index * NAME_STRIDE] = 0;
    this.place(high, low, digits, index);
    return index;
  }

  /** Whether the name kept for `index` is `bytes[start, end)`. */
  hasName(index: number, bytes: Buffer, start: number, end: number): boolean {
    const names = this.names;
    const at = index * NAME_STRIDE;
    if (names[at] !== end - start) return false;
    const from = at + NAME_OFFSET - start;
    for (let i = start; i < end; i++) if (names[from + i] !== bytes[i]) return false;
    return true;
  }

  /** The tag kept with the name of `index` (valid when `hasName` holds). */
  nameTag(index: number): number {
    return this.nameTags[(index * NAME_STRIDE + 4) >> 2]!;
  }

  /** Keeps `bytes[start, end)` and `tag` as the name of `index` (a name longer than NAME_BYTES: none). */
  setName(index: number, bytes: Buffer, start: number, end: number, tag: number): void {
    const length = end - start;
    const at = index * NAME_STRIDE;
    if (length > NAME_BYTES || length === 0) {
      this.names[at] = 0;
      return;
    }
    this.names[at] = length;
    this.nameTags[(at + 4) >> 2] = tag;
    this.names.set(bytes.subarray(start, end), at + NAME_OFFSET);
  }

  private place(high: number, low: number, digits: number, index: number): void {
    const table = this.table;
    let slot = mix(high, low) & this.mask;
    while (table[slot * SLOT_WORDS + 3] !== 0) slot = (slot + 1) & this.mask;
    const at = slot * SLOT_WORDS;
    table[at] = high;
    table[at + 1] = low;
    table[at + 2] = digits;
    table[at + 3] = index + 1;
  }

  private grow(): void {
    const old = this.table;
    this.table = new Int32Array(old.length * 2);
    this.mask = this.table.length / SLOT_WORDS - 1;
    for (let at = 0; at < old.length; at += SLOT_WORDS) {
      if (old[at + 3] !== 0) this.place(old[at]!, old[at + 1]!, old[at + 2]!, old[at + 3]! - 1);
    }
  }

  private clear(): void {
    this.table = new Int32Array(INITIAL_SLOTS * SLOT_WORDS);
    this.mask = INITIAL_SLOTS - 1;
    this.ids.length = 0;
    this.records.length = 0;
    this.names = new Uint8Array(INITIAL_SLOTS * NAME_STRIDE);
    this.nameTags = new Int32Array(this.names.buffer);
  }
}

function mix(high: number, low: number): number {
  let h = Math.imul(low, 0x9e3779b1) ^ Math.imul(high, 0x85ebca6b);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  return h ^ (h >>> 13);
}
