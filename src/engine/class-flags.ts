/**
 * The validator's hot per-class table: a flag byte per class id (what the fast path asks of a
 * class without touching the class object) beside the usage masks, in typed arrays that grow
 * by doubling. Invariant: a class's flags are set once, when the class is created (its lock
 * type and whether a hook watches it do not change).
 */
import type { LockClass } from './lock-class.js';

/** A sleeping lock type (mutex, rwsem). */
export const FLAG_SLEEPS = 1;
/** A spinning lock type (spinlock, rwlock): holding one makes the task atomic. */
export const FLAG_ATOMIC = 2;
/** A hook sees every acquisition of the class. */
export const FLAG_WATCHED = 4;

function classFlagsOf(cls: LockClass): number {
  return (cls.sleeps ? FLAG_SLEEPS : 0) | (cls.atomic ? FLAG_ATOMIC : 0) | (cls.watched ? FLAG_WATCHED : 0);
}

/** The hot per-class arrays by class id (hot-path.ts's HotPath holds them); they grow by doubling. */
export interface HotClassTables {
  classUsage: Int32Array;
  classFlags: Uint8Array;
}

/**
 * Room for the new class `cls` in `tables`, and its flags. A plain function on the tables rather
 * than a callback per validator: one call target for every validator of a thread (a second
 * validator's closure deoptimized the caller).
 */
export function addClassTo(tables: HotClassTables, cls: LockClass): void {
  tables.classUsage = withRoomFor(tables.classUsage, cls.id);
  tables.classFlags = withRoomFor(tables.classFlags, cls.id);
  tables.classFlags[cls.id] = classFlagsOf(cls);
}

/** `table` if it has an entry for `id`, else a copy doubled in length until it has. */
export function withRoomFor<T extends Int32Array | Uint8Array>(table: T, id: number): T {
  if (id < table.length) return table;
  let length = table.length * 2;
  while (length <= id) length *= 2;
  const grown = new (table.constructor as new (length: number) => T)(length);
  grown.set(table);
  return grown;
}
