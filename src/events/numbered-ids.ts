/**
 * A front index for ids that are a short prefix and a decimal number (`t12`, `L4122`: the usual
 * shape of generated and converted STD traces), in front of a byte-level lane's ByteIdCache:
 * the number indexes an Int32Array directly, so a repeated id costs no hashing, no probing and
 * one read of a small dense array instead of a slot of a large hash table (which, at 10,000
 * locks, is out of the nearer CPU caches).
 * What it maps to is whatever the cache gave for those bytes (`indexOfId`): it only remembers
 * answers, so a lane that uses it interns exactly as without it.
 * Invariants: an id is numbered only when its bytes are 1-3 non-digit bytes, then 1-6 digits
 * without a leading zero (so prefix and number give back the exact bytes), and its prefix is
 * the first prefix this index saw (other ids go to the cache alone); memory stays bounded (at
 * most 10^6 entries); when the cache starts over (its indexes renumbered), so does this (the
 * cache's capacity is at least 2, so that a start-over shows as a smaller size).
 */
import type { ByteIdCache } from './byte-id-cache.js';
import type { LiveHandle } from './lock-op-sink.js';

const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;
const MAX_PREFIX_BYTES = 3;
const MAX_DIGITS = 6;
const INITIAL_ENTRIES = 256;

export class NumberedIds {
  /** The prefix bytes packed big-endian (non-zero bytes, so the packing is exact); -1: none yet. */
  private prefix = -1;
  /** How many bytes the prefix has (0: none yet). */
  private prefixLength = 0;
  /** Where the last `scanTo` that found a number stopped: its terminator's position. */
  end = 0;
  /** Per number: the cache index + 1 (0: not known). */
  private byNumber = new Int32Array(INITIAL_ENTRIES);

  /** The number of the id `bytes[start, end)` if it is numbered (see the header), else -1. */
  numberOf(bytes: Uint8Array, start: number, end: number): number {
    // Small integer arithmetic only (shifts, at most 3 prefix bytes, at most 6 digits), so the
    // optimizing compiler keeps every value a 32-bit integer.
    let at = start;
    let packed = 0;
    for (;;) {
      if (at === end) return -1;
      const c = bytes[at]!;
      if (c >= DIGIT_0 && c <= DIGIT_9) break;
      if (at - start === MAX_PREFIX_BYTES) return -1;
      packed = (packed << 8) | c;
      at++;
    }
    const digitsStart = at;
    const digits = end - at;
    // `digits > 1` before the byte test: a test that runs only after a rare one has no type
    // feedback when the first id with a leading zero comes, which threw the optimized code away.
    if (at === start || digits > MAX_DIGITS || (digits > 1 && bytes[at] === DIGIT_0)) return -1;
    let number = 0;
    for (; at < end; at++) {
      const digit = bytes[at]! - DIGIT_0;
      if (digit < 0 || digit > 9) return -1;
      number = number * 10 + digit;
    }
    if (packed !== this.prefix) {
      if (this.prefix !== -1) return -1;
      this.prefix = packed;
      this.prefixLength = digitsStart - start;
    }
    return number;
  }

  /**
   * Scanning and numbering in one pass, for a lane that has not delimited the id yet: the
   * number of the id at `start` when its bytes are this index's prefix and a number (as
   * `numberOf` requires) followed by `terminator` (before `limit`), `end` then being the
   * terminator's position; else -1, and the caller scans the id its own way. Only right when the
   * prefix was learnt from an id the caller accepts whole (a byte of the prefix is not checked
   * again) and `terminator` is no digit.
   */
  scanTo(bytes: Uint8Array, start: number, limit: number, terminator: number): number {
    const digitsStart = start + this.prefixLength;
    if (this.prefixLength === 0 || digitsStart >= limit) return -1;
    let packed = 0;
    for (let at = start; at < digitsStart; at++) packed = (packed << 8) | bytes[at]!;
    if (packed !== this.prefix) return -1;
    const first = bytes[digitsStart]! - DIGIT_0;
    if (first < 0 || first > 9) return -1;
    let number = first;
    let at = digitsStart + 1;
    const digitsLimit = limit < digitsStart + MAX_DIGITS ? limit : digitsStart + MAX_DIGITS; // Math.min compiles to float ops
    for (; at < digitsLimit; at++) {
      const digit = bytes[at]! - DIGIT_0;
      if (digit < 0 || digit > 9) break;
      number = number * 10 + digit;
    }
    // The length test first, for the same reason as in `numberOf`: every call runs it.
    if (at === limit || bytes[at] !== terminator || (at - digitsStart > 1 && first === 0)) return -1;
    this.end = at;
    return number;
  }

  /** The cache index remembered for `number`, or -1. */
  get(number: number): number {
    return number < this.byNumber.length ? this.byNumber[number]! - 1 : -1;
  }

  set(number: number, index: number): void {
    if (number >= this.byNumber.length) {
      let length = this.byNumber.length * 2;
      while (length <= number) length *= 2;
      const grown = new Int32Array(length);
      grown.set(this.byNumber);
      this.byNumber = grown;
    }
    this.byNumber[number] = index + 1;
  }

  /** Forgets every number (the cache's indexes were renumbered). */
  clear(): void {
    this.byNumber = new Int32Array(INITIAL_ENTRIES);
  }
}

/**
 * `cache.index(bytes, start, end)`, answered by `numbered` when it knows the id: the same index
 * either way (-1 for an id too long to keep).
 */
export function indexOfId<H extends LiveHandle, R extends LiveHandle>(
  cache: ByteIdCache<H, R>,
  numbered: NumberedIds,
  bytes: Buffer,
  start: number,
  end: number,
): number {
  const number = numbered.numberOf(bytes, start, end);
  if (number >= 0) {
    const known = numbered.get(number);
    if (known >= 0) return known;
  }
  const sizeBefore = cache.size;
  const index = cache.index(bytes, start, end);
  if (cache.size < sizeBefore) numbered.clear(); // the cache started over: its indexes were renumbered
  if (number >= 0 && index >= 0) numbered.set(number, index);
  return index;
}
