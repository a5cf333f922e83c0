/**
 * The chain cache's keys: the chain cache maps (parent chain id, held-lock key) -> child chain id
 * in an IntPairMap (int-pair-map.ts). A chain id names a held-lock sequence in one irq context
 * (ids 0-3 are the empty chains of the four contexts), so the table is a trie without per-node
 * objects; keys are exact, so chains never collide. This file owns a held lock's key
 * (`hlockKeyOf`) and the chain a new held lock extends (`chainBase`).
 */
import type { HeldLock } from './held-lock.js';

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
