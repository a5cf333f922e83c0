/**
 * Irq usage bits of a lock class (docs/semantics.md, Irq safety), with the kernel's bit layout:
 * bit0 read, bit1 direction (0 used-in-irq, 1 irq-enabled), bits 2+ state (0 HARDIRQ, 1 SOFTIRQ);
 * then USED (8) and USED_READ (9). Also the masks used by the irq searches and the `{+.+.}`
 * usage characters of reports.
 */

export const STATE_HARDIRQ = 0;
export const STATE_SOFTIRQ = 1;

export const USED_IN_HARDIRQ = 0;
export const USED_IN_HARDIRQ_READ = 1;
export const ENABLED_HARDIRQ = 2;
/** @public (the kernel's bit table, kept whole) */
export const ENABLED_HARDIRQ_READ = 3;
export const USED_IN_SOFTIRQ = 4;
export const USED_IN_SOFTIRQ_READ = 5;
export const ENABLED_SOFTIRQ = 6;
/** @public (the kernel's bit table, kept whole) */
export const ENABLED_SOFTIRQ_READ = 7;
export const LOCK_USED = 8;
export const LOCK_USED_READ = 9;
export const USAGE_BITS = 10;

export const USAGE_READ_MASK = 1;
export const USAGE_DIR_MASK = 2;

/** Non-read irq bits (LOCKF_IRQ) and read irq bits (LOCKF_IRQ_READ). */
export const LOCKF_IRQ = (1 << USED_IN_HARDIRQ) | (1 << ENABLED_HARDIRQ) | (1 << USED_IN_SOFTIRQ) | (1 << ENABLED_SOFTIRQ);
export const LOCKF_IRQ_READ = LOCKF_IRQ << 1;
export const LOCKF_USED_IN_IRQ_ALL =
  (1 << USED_IN_HARDIRQ) | (1 << USED_IN_HARDIRQ_READ) | (1 << USED_IN_SOFTIRQ) | (1 << USED_IN_SOFTIRQ_READ);
export const LOCKF_ENABLED_IRQ_ALL = LOCKF_USED_IN_IRQ_ALL << 2;

export function usageBit(state: number, enabled: boolean, read: boolean): number {
  return state * 4 + (enabled ? 2 : 0) + (read ? 1 : 0);
}

/** keep state, flip direction, strip read (`exclusive_bit`). */
export function exclusiveBit(bit: number): number {
  return (bit & ~3) | ((bit & USAGE_DIR_MASK) ^ USAGE_DIR_MASK);
}

function invertDirMask(mask: number): number {
  return ((mask & LOCKF_ENABLED_IRQ_ALL) >> 2) | ((mask & LOCKF_USED_IN_IRQ_ALL) << 2);
}

/** Usages that conflict with any usage in `mask` (`exclusive_mask`: read and non-read both). */
export function exclusiveMask(mask: number): number {
  let excl = invertDirMask(mask);
  excl |= (excl & LOCKF_IRQ_READ) >> 1;
  excl |= (excl & LOCKF_IRQ) << 1;
  return excl;
}

/**
 * The possible original usages that `mask` is exclusive to (`original_mask`): the same mapping
 * as `exclusive_mask`, named apart as in the kernel.
 */
export function originalMask(mask: number): number {
  return exclusiveMask(mask);
}

const USAGE_NAMES = [
  'IN-HARDIRQ-W', 'IN-HARDIRQ-R', 'HARDIRQ-ON-W', 'HARDIRQ-ON-R',
  'IN-SOFTIRQ-W', 'IN-SOFTIRQ-R', 'SOFTIRQ-ON-W', 'SOFTIRQ-ON-R',
  'INITIAL USE', 'INITIAL READ USE',
];

export function usageName(bit: number): string {
  return USAGE_NAMES[bit] ?? `usage-${bit}`;
}

export function stateOf(bit: number): 'HARDIRQ' | 'SOFTIRQ' {
  return (bit >> 2) === STATE_HARDIRQ ? 'HARDIRQ' : 'SOFTIRQ';
}

/** usageChars of each mask, made on first use (a snapshot asks once per class). */
const USAGE_CHARS: Array<string | undefined> = new Array<string | undefined>(1 << USAGE_BITS).fill(undefined);

/**
 * The four usage characters: hardirq-W, hardirq-R, softirq-W, softirq-R. Each is `.` (never
 * used in irq, never with irqs on), `-` (used in irq), `+` (irqs on), `?` (both).
 */
export function usageChars(mask: number): string {
  return mask >= 0 && mask < USAGE_CHARS.length ? (USAGE_CHARS[mask] ??= spellUsage(mask)) : spellUsage(mask);
}

function spellUsage(mask: number): string {
  let out = '';
  for (const state of [STATE_HARDIRQ, STATE_SOFTIRQ]) {
    for (const read of [false, true]) {
      const usedIn = mask & (1 << usageBit(state, false, read));
      const enabled = mask & (1 << usageBit(state, true, read));
      out += usedIn && enabled ? '?' : usedIn ? '-' : enabled ? '+' : '.';
    }
  }
  return out;
}
