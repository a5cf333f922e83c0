/**
 * Lock-type traits: what each `type` of the trace format means for validation, in one table
 * that the engine, the simulation, the rules, the importers and the graph reports read instead
 * of comparing type names. Invariant: exhaustive by type (`satisfies Record<LockType, ...>`), so
 * a new lock type that misses an entry fails to compile.
 */
import type { LockType } from './event.js';

export interface LockTypeTraits {
  /** May block the task (mutex, rwsem): taking one is a sleep point, an error in atomic context. */
  readonly sleeps: boolean;
  /** Spins instead of sleeping (spinlock, rwlock): holding one makes the task atomic. */
  readonly spins: boolean;
  /** Has a shared (read) side of its own (rwlock, rwsem). */
  readonly readerWriter: boolean;
  /**
   * When the kernel treats a read acquisition as recursive (`read_lock_is_recursive()`):
   * `always` (a lockdep_map's `lock_map_acquire_read`), `in-interrupt` (rwlock `read_lock` in irq
   * context or with bottom halves off), `never` (rwsem `down_read`).
   */
  readonly recursiveRead: 'always' | 'in-interrupt' | 'never';
}

export const LOCK_TYPE_TRAITS = {
  spinlock: { sleeps: false, spins: true, readerWriter: false, recursiveRead: 'never' },
  rwlock: { sleeps: false, spins: true, readerWriter: true, recursiveRead: 'in-interrupt' },
  mutex: { sleeps: true, spins: false, readerWriter: false, recursiveRead: 'never' },
  rwsem: { sleeps: true, spins: false, readerWriter: true, recursiveRead: 'never' },
  map: { sleeps: false, spins: false, readerWriter: false, recursiveRead: 'always' },
} as const satisfies Record<LockType, LockTypeTraits>;

/** The traits of `type` when it names a lock type (a saved graph or result may hold any string). */
export function lockTypeTraits(type: string | null): LockTypeTraits | undefined {
  return type !== null && Object.hasOwn(LOCK_TYPE_TRAITS, type) ? LOCK_TYPE_TRAITS[type as LockType] : undefined;
}
