/**
 * The chain cache: (parent chain id, held-lock key) -> child chain id, one flat open-addressing
 * hash table in typed arrays. A chain id names a held-lock sequence in one irq context (ids 0-3
 * are the empty chains of the four contexts), so the table is a trie without per-node objects:
 * a lookup is one hash and, usually, one cache line. Exact keys, so chains never collide.
 * Invariant: entries are never removed; the table doubles at half load.
 */

export class ChainCache {
  /** parent + 1 (0 marks an empty slot). */
  private parents = new Int32Array(1 << 12);
  private keys = new Int32Array(1 << 12);
  private values = new Int32Array(1 << 12);
  private mask = (1 << 12) - 1;
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** The child chain, or -1. */
  get(parent: number, key: number): number {
    const parents = this.parents;
    const tag = parent + 1;
    let slot = hash(parent, key) & this.mask;
    for (;;) {
      const p = parents[slot]!;
      if (p === 0) return -1;
      if (p === tag && this.keys[slot] === key) return this.values[slot]!;
      slot = (slot + 1) & this.mask;
    }
  }

  set(parent: number, key: number, child: number): void {
    if ((this.count + 1) * 2 > this.mask + 1) this.grow();
    this.insert(parent + 1, key, child);
    this.count++;
  }

  private insert(tag: number, key: number, child: number): void {
    let slot = hash(tag - 1, key) & this.mask;
    while (this.parents[slot] !== 0) slot = (slot + 1) & this.mask;
    this.parents[slot] = tag;
    this.keys[slot] = key;
    this.values[slot] = child;
  }

  private grow(): void {
    const { parents, keys, values } = this;
    const size = parents.length * 2;
    this.parents = new Int32Array(size);
    this.keys = new Int32Array(size);
    this.values = new Int32Array(size);
    this.mask = size - 1;
    for (let i = 0; i < parents.length; i++) {
      if (parents[i] !== 0) this.insert(parents[i]!, keys[i]!, values[i]!);
    }
  }
}

function hash(parent: number, key: number): number {
  let h = Math.imul(parent, 0x9e3779b1) ^ Math.imul(key, 0x85ebca6b);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  return h ^ (h >>> 12);
}
