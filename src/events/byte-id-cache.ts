/**
 * Interning of ids read as bytes, for the byte-level readers: the bytes of a task or lock id map
 * to a small integer, with the id as a string (decoded once), the engine's handle and a reader's
 * own handle and tag cached for it, so a line whose ids were seen before builds no string and
 * touches few cache lines. A reader may also keep one value per key (e.g. the array a call
 * stack's bytes decode to), built on first sight.
 * One flat open-addressing table in an Int32Array, four words per slot: ids of up to 8 bytes are
 * kept packed in the slot itself (compared without touching any other memory); a longer id keeps
 * its hash there and its bytes in a slab. A reader may ask for longer slots (`widen`) and keep
 * words of its own after the four, read on the cache line the lookup brought in (the JSONL tail
 * memo keeps a lock's tails' places there); they move with their key when the table grows, and
 * are zero in a new slot and after the table starts over.
 * Invariants: keys are printable ASCII (the callers check), so latin1 decoding is exact; memory is
 * bounded: at `capacity` ids the table starts over at its initial size (ids are then decoded
 * again), and likewise when the bytes of its long keys would pass `maxSlabBytes` (8 MiB), so it
 * does not grow with the number of distinct ids in a trace; keys longer than
 * `maxKeyBytes` (MAX_KEY_BYTES unless the owner asks for more) are not kept.
 */
import type { LiveHandle } from './lock-op-sink.js';

export const MAX_KEY_BYTES = 256;
const DEFAULT_CAPACITY = 1 << 16;
/** The bytes of long keys kept at most (then the table starts over, as at `capacity`). */
const DEFAULT_MAX_SLAB_BYTES = 8 << 20;
const INITIAL_SLOTS = 1 << 10;
const INITIAL_SLAB_BYTES = 1 << 12;
/** Slot layout: [word0, word1, length, index + 1 (0: empty)], then `slotWords` - 4 words of the reader's. */
const SLOT_WORDS = 4;
const PACKED_BYTES = 8;

/**
 * `H`: the engine's handle type (task or lock instance); `R`: the reader's own record type; `V`:
 * the reader's own value per key.
 */
export class ByteIdCache<H extends LiveHandle = LiveHandle, R extends LiveHandle = LiveHandle, V = unknown> {
  /** The slots (`slotWords` words each); a reader owns the words after the first four of each. */
  table = new Int32Array(INITIAL_SLOTS * SLOT_WORDS);
  /** Where the slot of the key `index` answered last starts, in words of `table` (not for -1). */
  lastSlot = 0;
  private mask = INITIAL_SLOTS - 1;
  private words = SLOT_WORDS;
  /** The id of each index, as a string. */
  readonly ids: string[] = [];
  /** The engine's handle of each index, when known (valid while its `alive` holds). */
  readonly handles: (H | undefined)[] = [];
  /** A reader's own handle per index (valid while its `alive` holds), e.g. its record of the id. */
  readonly readerHandles: (R | undefined)[] = [];
  /** A number the caller keeps per index (-1 until set), e.g. a reader's own numbering of the id. */
  readonly tags: number[] = [];
  /** A value the caller keeps per index (undefined until set), e.g. what the key's bytes decode to. */
  readonly values: (V | undefined)[] = [];
  private readonly slabOffsets: number[] = [];
  private slab: Buffer = Buffer.allocUnsafe(INITIAL_SLAB_BYTES);
  private slabView = viewOver(this.slab);
  /** A DataView over the last key buffer seen (readers reuse one buffer). */
  private viewOf: Buffer | undefined = undefined;
  private view: DataView = new DataView(new ArrayBuffer(0));
  private slabUsed = 0;

  constructor(
    private readonly capacity = DEFAULT_CAPACITY,
    private readonly maxKeyBytes = MAX_KEY_BYTES,
    private readonly maxSlabBytes = DEFAULT_MAX_SLAB_BYTES,
  ) {}

  /** The words of a slot: four, or more once a reader asked for its own (`widen`). */
  get slotWords(): number {
    return this.words;
  }

  /**
   * Makes every slot `words` words long (at least four), the words after the cache's own four the
   * caller's, zero until it writes them; a no-op when the slots are that long already.
   */
  widen(words: number): void {
    if (words <= this.words) return;
    const old = this.table;
    const oldWords = this.words;
    this.words = words;
    this.table = new Int32Array((this.mask + 1) * words);
    for (let at = 0; at < old.length; at += oldWords) {
      if (old[at + 3] !== 0) this.place(old[at]!, old[at + 1]!, old[at + 2]!, old[at + 3]! - 1, old, at, oldWords);
    }
  }

  get size(): number {
    return this.ids.length;
  }

  /** The id of `index` (of the bytes themselves for an id too long to keep, index -1). */
  idOf(index: number, bytes: Buffer, start: number, end: number): string {
    return index < 0 ? bytes.toString('latin1', start, end) : this.ids[index]!;
  }

  /** The engine's live handle of `index`, else its id (a call with the id is then followed by `remember`). */
  handleOrId(index: number, bytes: Buffer, start: number, end: number): H | string {
    const handle = index < 0 ? undefined : this.handles[index];
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-boolean-literal-compare -- a bare truth test of a field is V8's general one (engine/hot-path.ts)
    return handle !== undefined && handle.alive === true ? handle : this.idOf(index, bytes, start, end);
  }

  /** Keeps the engine's handle of `index` (no-op for an id too long to keep). */
  remember(index: number, handle: H | undefined): void {
    if (index >= 0) this.handles[index] = handle;
  }

  /**
   * The index of the key `bytes[start, end)`, or -1 when the key is too long to keep (the caller
   * then decodes it itself). A new key is added, its string decoded once.
   */
  index(bytes: Buffer, start: number, end: number): number {
    const length = end - start;
    if (length > this.maxKeyBytes) return -1;
    const packed = length <= PACKED_BYTES;
    let word0 = 0;
    let word1 = 0;
    if (packed && start + PACKED_BYTES <= bytes.length) {
      // Little-endian packing of up to 8 bytes, read as two words and masked to the key's
      // length; key bytes are non-zero, so (words, length) is exact.
      const view = this.viewFor(bytes);
      word0 = view.getInt32(start, true);
      word1 = view.getInt32(start + 4, true);
      if (length < 4) {
        word0 &= (1 << (length * 8)) - 1;
        word1 = 0;
      } else if (length < PACKED_BYTES) {
        word1 &= (1 << ((length - 4) * 8)) - 1;
      }
    } else if (packed) {
      for (let i = 0; i < length; i++) {
        if (i < 4) word0 |= bytes[start + i]! << (i * 8);
        else word1 |= bytes[start + i]! << ((i - 4) * 8);
      }
    } else {
      // Two independent hashes over the key's words (then its last bytes): the slot compares
      // both before the bytes themselves.
      const view = this.viewFor(bytes);
      word0 = 0x811c9dc5 | 0;
      word1 = length;
      let i = start;
      for (; i + 4 <= end; i += 4) {
        const word = view.getInt32(i, true);
        word0 = Math.imul(word0 ^ word, 0x01000193);
        word1 = Math.imul((word1 << 5) | (word1 >>> 27), 0x9e3779b1) ^ word;
      }
      for (; i < end; i++) word0 = Math.imul(word0 ^ bytes[i]!, 0x01000193);
    }
    const table = this.table;
    const mask = this.mask;
    let slot = mix(word0, word1, length) & mask;
    for (;;) {
      const at = slot * this.words;
      const entry = table[at + 3]!;
      if (entry === 0) break;
      if (table[at] === word0 && table[at + 1] === word1 && table[at + 2] === length && (packed || this.sameBytes(entry - 1, bytes, start, length))) {
        this.lastSlot = at;
        return entry - 1;
      }
      slot = (slot + 1) & mask;
    }
    if (this.ids.length === this.capacity || (!packed && this.slabUsed + length > this.maxSlabBytes)) this.clear();
    else if ((this.ids.length + 1) * 2 > mask + 1) this.grow();
    return this.insert(bytes, start, end, word0, word1, packed);
  }

  /** Whether the kept bytes of `index` are `bytes[start, start + length)` (the view is `bytes`'s). */
  private sameBytes(index: number, bytes: Buffer, start: number, length: number): boolean {
    const slab = this.slab;
    const slabView = this.slabView;
    const view = this.view;
    const offset = this.slabOffsets[index]!;
    let i = 0;
    for (; i + 4 <= length; i += 4) if (slabView.getInt32(offset + i, true) !== view.getInt32(start + i, true)) return false;
    for (; i < length; i++) if (slab[offset + i] !== bytes[start + i]) return false;
    return true;
  }

  /** A DataView over `bytes` (kept while readers pass the same buffer). */
  private viewFor(bytes: Buffer): DataView {
    if (bytes !== this.viewOf) {
      this.viewOf = bytes;
      this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
    }
    return this.view;
  }

  private insert(bytes: Buffer, start: number, end: number, word0: number, word1: number, packed: boolean): number {
    const length = end - start;
    const index = this.ids.length;
    this.ids.push(bytes.toString('latin1', start, end));
    this.handles.push(undefined);
    this.readerHandles.push(undefined);
    this.tags.push(-1);
    this.values.push(undefined);
    if (packed) {
      this.slabOffsets.push(-1);
    } else {
      if (this.slabUsed + length > this.slab.length) {
        const bigger = Buffer.allocUnsafe(Math.max(this.slab.length * 2, this.slabUsed + length));
        this.slab.copy(bigger, 0, 0, this.slabUsed);
        this.slab = bigger;
        this.slabView = viewOver(bigger);
      }
      // Byte by byte: a key is short, and `Buffer.copy` costs microseconds per call before it is optimized.
      const slab = this.slab;
      const to = this.slabUsed - start;
      for (let i = start; i < end; i++) slab[to + i] = bytes[i]!;
      this.slabOffsets.push(this.slabUsed);
      this.slabUsed += length;
    }
    this.place(word0, word1, length, index);
    return index;
  }

  /** Puts a key in its slot, with the reader's words of its slot in `from` (at `fromAt`, `fromWords` long) when it had one. */
  private place(word0: number, word1: number, length: number, index: number, from?: Int32Array, fromAt = 0, fromWords = 0): void {
    const table = this.table;
    const words = this.words;
    let slot = mix(word0, word1, length) & this.mask;
    while (table[slot * words + 3] !== 0) slot = (slot + 1) & this.mask;
    const at = slot * words;
    table[at] = word0;
    table[at + 1] = word1;
    table[at + 2] = length;
    table[at + 3] = index + 1;
    if (from !== undefined) for (let w = SLOT_WORDS; w < fromWords; w++) table[at + w] = from[fromAt + w]!;
    this.lastSlot = at;
  }

  private grow(): void {
    const old = this.table;
    this.table = new Int32Array(old.length * 2);
    const words = this.words;
    this.mask = (this.table.length / words) - 1;
    for (let at = 0; at < old.length; at += words) {
      if (old[at + 3] !== 0) this.place(old[at]!, old[at + 1]!, old[at + 2]!, old[at + 3]! - 1, old, at, words);
    }
  }

  private clear(): void {
    this.table = new Int32Array(INITIAL_SLOTS * this.words);
    this.mask = INITIAL_SLOTS - 1;
    this.slab = Buffer.allocUnsafe(INITIAL_SLAB_BYTES);
    this.slabView = viewOver(this.slab);
    this.ids.length = 0;
    this.handles.length = 0;
    this.readerHandles.length = 0;
    this.tags.length = 0;
    this.values.length = 0;
    this.slabOffsets.length = 0;
    this.slabUsed = 0;
  }
}

function viewOver(bytes: Buffer): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
}

function mix(word0: number, word1: number, length: number): number {
  let h = Math.imul(word0, 0x9e3779b1) ^ Math.imul(word1 + length, 0x85ebca6b);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  return h ^ (h >>> 13);
}
