/**
 * A map from a pair of non-negative integers (below 2^31 - 1) to a non-negative integer, in one
 * flat open-addressing hash table in one Int32Array: no object per entry, no boxed key, and a
 * lookup is one hash and, usually, one cache line (a slot's three words sit together). The
 * engine's chain cache ((parent chain, held-lock key) -> chain, chain-cache.ts) and the dependency
 * graph's edge index ((from, to) -> edge) are both one.
 * Invariants: keys are exact (a hash collision only costs probes); entries are never removed;
 * the table doubles at half load.
 */

/** Hashes a pair to 32 bits (any function is correct; a good one keeps probes short). */
export type PairHash = (parent: number, key: number) => number;

/** Slot layout: [parent + 1 (0: empty), key, child]. */
const SLOT_WORDS = 3;

export class IntPairMap {
  private table: Int32Array;
  private mask: number;
  private count = 0;

  /**
   * `initialSlots` (a power of two) sizes the table for the expected entries (twice as many
   * slots): growing it early in a run rehashes in code not yet optimized. `hash` spreads a pair
   * over the slots; tests pass a colliding one.
   */
  constructor(initialSlots: number, private readonly hash: PairHash = mixPair) {
    this.table = new Int32Array(initialSlots * SLOT_WORDS);
    this.mask = initialSlots - 1;
  }

  /** The value of (parent, key), or -1. */
  get(parent: number, key: number): number {
    const table = this.table;
    const tag = parent + 1;
    let slot = this.hash(parent, key) & this.mask;
    for (;;) {
      const at = slot * SLOT_WORDS;
      const p = table[at]!;
      if (p === 0) return -1;
      if (p === tag && table[at + 1] === key) return table[at + 2]!;
      slot = (slot + 1) & this.mask;
    }
  }

  /** Adds (parent, key) -> child; the pair must be new and child >= 0. */
  set(parent: number, key: number, child: number): void {
    if ((this.count + 1) * 2 > this.mask + 1) this.grow();
    this.insert(parent + 1, key, child);
    this.count++;
  }

  private insert(tag: number, key: number, child: number): void {
    const table = this.table;
    let slot = this.hash(tag - 1, key) & this.mask;
    while (table[slot * SLOT_WORDS] !== 0) slot = (slot + 1) & this.mask;
    const at = slot * SLOT_WORDS;
    table[at] = tag;
    table[at + 1] = key;
    table[at + 2] = child;
  }

  private grow(): void {
    const old = this.table;
    this.table = new Int32Array(old.length * 2);
    this.mask = this.table.length / SLOT_WORDS - 1;
    for (let at = 0; at < old.length; at += SLOT_WORDS) {
      if (old[at] !== 0) this.insert(old[at]!, old[at + 1]!, old[at + 2]!);
    }
  }
}

function mixPair(parent: number, key: number): number {
  let h = Math.imul(parent, 0x9e3779b1) ^ Math.imul(key, 0x85ebca6b);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  return h ^ (h >>> 12);
}
