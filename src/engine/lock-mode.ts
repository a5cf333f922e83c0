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

export function depTypes(mask: number): DepType[] {
  const types: DepType[] = [];
  if (mask & DEP_ER) types.push('ER');
  if (mask & DEP_EN) types.push('EN');
  if (mask & DEP_SR) types.push('SR');
  if (mask & DEP_SN) types.push('SN');
  return types;
}
