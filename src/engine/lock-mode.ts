/**
 * Lock modes and dependency types, as numbers for the hot path.
 * Mode numbers are the kernel's `read` values: 0 write (exclusive), 1 read (shared,
 * non-recursive, rwsem down_read), 2 recursive-read (rwlock read_lock, lock_map_acquire_read).
 * A dependency prev -> next has one of four types (docs/semantics.md, Dependencies): first letter E if prev was
 * held for write, else S; second letter R if next is taken recursive-read, else N. They are kept
 * as a 4-bit mask: bit index = (prev.read == 0) + 2 * (next.read != 2).
 */
import type { LockMode } from '../events/event.js';
import type { DepType } from './finding.js';

export const MODE_WRITE = 0;
export const MODE_READ = 1;
export const MODE_RECURSIVE_READ = 2;
export type ModeNumber = 0 | 1 | 2;

export function modeNumber(mode: LockMode | undefined): ModeNumber {
  if (mode === undefined || mode === 'write') return MODE_WRITE;
  return mode === 'read' ? MODE_READ : MODE_RECURSIVE_READ;
}

const MODE_NAMES: readonly LockMode[] = ['write', 'read', 'recursive-read'];
export function modeName(mode: number): LockMode {
  return MODE_NAMES[mode] ?? 'write';
}

export const DEP_SR = 1;
export const DEP_ER = 2;
export const DEP_SN = 4;
export const DEP_EN = 8;
export const DEP_S_ANY = DEP_SR | DEP_SN;
export const DEP_N_ANY = DEP_SN | DEP_EN;

/** Forward dependency bit of prev -> next (`calc_dep`). */
export function depBit(prevMode: number, nextMode: number): number {
  return 1 << ((prevMode === MODE_WRITE ? 1 : 0) + (nextMode !== MODE_RECURSIVE_READ ? 2 : 0));
}

/**
 * Backward dependency bit stored on next's list for prev -> next (`__calc_dep_bitb`): seen from
 * next, the "first letter" is whether next is non-recursive and the "second" whether prev is a
 * writer, so the same strong-path masking works when walking backwards.
 */
export function depBitBackward(prevMode: number, nextMode: number): number {
  return 1 << ((nextMode !== MODE_RECURSIVE_READ ? 1 : 0) + (prevMode === MODE_WRITE ? 2 : 0));
}

/** `strongStep`: the edge cannot extend a strong path. */
export const STEP_BLOCKED = -1;
/** `strongStep`: the next class is reached through a non-recursive (`-(xN)->`) dependency. */
export const STEP_NON_RECURSIVE = 0;
/** `strongStep`: the next class is reached only through recursive-read (`-(xR)->`) dependencies. */
export const STEP_ONLY_RECURSIVE = 1;

/**
 * One step of a strong path (lockdep's `only_xr` rule; docs/semantics.md, "Cycles and the strong-path rule"):
 * from a class reached only through `-(xR)->` edges (`onlyXr`), the edge's `-(Sx)->` bits are
 * masked off; the step is blocked when nothing remains, else the next class is reached only
 * through recursive-read edges when no `-(xN)->` bit remains. Every strong-path search (the
 * engine's BFS and the offline `graph` analyses) takes its steps here.
 */
export function strongStep(mask: number, onlyXr: boolean): number {
  const dep = onlyXr ? mask & ~DEP_S_ANY : mask;
  if (dep === 0) return STEP_BLOCKED;
  return (dep & DEP_N_ANY) === 0 ? STEP_ONLY_RECURSIVE : STEP_NON_RECURSIVE;
}

export function depTypes(mask: number): DepType[] {
  const types: DepType[] = [];
  if (mask & DEP_ER) types.push('ER');
  if (mask & DEP_EN) types.push('EN');
  if (mask & DEP_SR) types.push('SR');
  if (mask & DEP_SN) types.push('SN');
  return types;
}
