/**
 * The chain cache: (parent chain id, held-lock key) -> child chain id, one flat open-addressing
 * hash table in one typed array. A chain id names a held-lock sequence in one irq context (ids
 * 0-3 are the empty chains of the four contexts), so the table is a trie without per-node
 * objects: a lookup is one hash and, usually, one cache line (a slot's three words sit together).
 * Exact keys, so chains never collide. Also the keys: a held lock's key (`hlockKeyOf`) and the
 * chain a new held lock extends (`chainBase`).
 * Invariant: entries are never removed; the table doubles at half load.
 */
import type { HeldLock } from './held-lock.js';

/** Slot layout: [parent + 1 (0: empty), key, child]. */
const SLOT_WORDS = 3;
const INITIAL_SLOTS = 1 << 12;

export class ChainCache {
  private table = new Int32Array(INITIAL_SLOTS * SLOT_WORDS);
  private mask = INITIAL_SLOTS - 1;
  private count = 0;


  /** The child chain, or -1. */
  get(parent: number, key: number): number {
    const table = this.table;
    const tag = parent + 1;
    let slot = hash(parent, key) & this.mask;
    for (;;) {
      const at = slot * SLOT_WORDS;
      const p = table[at]!;
      if (p === 0) return -1;
      if (p === tag && table[at + 1] === key) return table[at + 2]!;
      slot = (slot + 1) & this.mask;
    }
  }

  set(parent: number, key: number, child: number): void {
    if ((this.count + 1) * 2 > this.mask + 1) this.grow();
    this.insert(parent + 1, key, child);
    this.count++;
  }

  private insert(tag: number, key: number, child: number): void {
    const table = this.table;
    let slot = hash(tag - 1, key) & this.mask;
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

function hash(parent: number, key: number): number {
  let h = Math.imul(parent, 0x9e3779b1) ^ Math.imul(key, 0x85ebca6b);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  return h ^ (h >>> 12);
}

/** Chain-cache key of one held lock: class * 16 + mode * 4 + try * 2 + sync (a small integer). */
export const HLOCK_BITS = 16;

/** The chain a new held lock extends: the top entry's, or the empty chain of its irq context. */
export function chainBase(held: readonly HeldLock[], irqContext: number): number {
  // Not `held[held.length - 1]` on an empty stack: a negative index is a named-property lookup
  // in V8, off the fast path (it cost 15 ns per event).
  const depth = held.length;
  if (depth === 0) return irqContext;
  const top = held[depth - 1]!;
  return top.irqContext === irqContext ? top.chain : irqContext;
}

export function hlockKeyOf(classId: number, mode: number, trylock: boolean, sync: boolean): number {
  return classId * HLOCK_BITS + mode * 4 + (trylock ? 2 : 0) + (sync ? 1 : 0);
}
