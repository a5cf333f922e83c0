/**
 * ByteIdCache: one index per distinct key (short keys packed in the slot, however they are read,
 * long ones hashed with their bytes kept), growth keeps every key, a full table starts over instead of growing, and
 * keys past MAX_KEY_BYTES (or the owner's maximum) are not kept, and long keys' bytes stay within a budget.
 */
import { describe, expect, test as vitest } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { ByteIdCache, MAX_KEY_BYTES } from '../../src/events/byte-id-cache.js';

/** The key at the very end of its buffer (keys of 1-7 bytes are then packed byte by byte). */
function indexOf(cache: ByteIdCache, key: string): number {
  const bytes = Buffer.from(`<${key}`, 'latin1');
  return cache.index(bytes, 1, bytes.length);
}

/** The key inside a longer buffer (short keys are then packed from two word reads). */
function indexInside(cache: ByteIdCache, key: string): number {
  const bytes = Buffer.from(`<${key}ooooooooo`, 'latin1'); // 'o' = 0x6f: low bits set, so a wrong mask shows
  return cache.index(bytes, 1, key.length + 1);
}

const printable = fc.string({ unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 20 });

describe('ByteIdCache', () => {
  vitest('a reader\'s words in widened slots follow their key as the table grows, zero in a new slot and after starting over', () => {
    const words = 16;
    const cache = new ByteIdCache(3000);
    const keys = Array.from({ length: 2500 }, (_, n) => (n % 2 === 0 ? `k${n}` : `a-long-key-of-more-than-eight-bytes-${n}`));
    for (const key of keys.slice(0, 100)) indexOf(cache, key);
    cache.widen(words);
    expect(cache.slotWords).toBe(words);
    for (const [n, key] of keys.entries()) {
      expect(indexInside(cache, key), key).toBe(n);
      const at = cache.lastSlot;
      expect(cache.table[at + 3], key).toBe(n + 1);
      expect(cache.table.subarray(at + 4, at + words).every((word) => word === 0), key).toBe(true);
      for (let w = 4; w < words; w++) cache.table[at + w] = n * 100 + w;
    }
    // Grown from 1,024 slots to 8,192 since: every key's words are still in its slot.
    expect(cache.table.length).toBeGreaterThan(4096 * words);
    for (const [n, key] of keys.entries()) {
      expect(indexInside(cache, key)).toBe(n);
      const at = cache.lastSlot;
      expect(cache.table[at + 3], key).toBe(n + 1);
      expect([...cache.table.subarray(at + 4, at + words)], key).toEqual(Array.from({ length: words - 4 }, (_, w) => n * 100 + w + 4));
    }
    // Past its capacity the table starts over: a key seen before gets a fresh, zeroed slot.
    for (let n = 2500; n <= 3000; n++) indexOf(cache, `k${n}`);
    expect(indexOf(cache, 'k0')).toBe(1);
    expect(cache.table.subarray(cache.lastSlot + 4, cache.lastSlot + words).every((word) => word === 0)).toBe(true);
  });

  test.prop([fc.array(printable, { maxLength: 300 })])('maps equal keys to one index and different keys to different ones', (keys) => {
    const cache = new ByteIdCache();
    const seen = new Map<string, number>();
    for (const key of keys) {
      const index = indexOf(cache, key);
      expect(cache.ids[index]).toBe(key);
      if (seen.has(key)) expect(index).toBe(seen.get(key));
      else expect([...seen.values()]).not.toContain(index);
      seen.set(key, index);
    }
    expect(cache.size).toBe(seen.size);
  });

  test.prop([fc.array(printable, { maxLength: 100 })])('a key gets the same index wherever it sits in the buffer', (keys) => {
    const cache = new ByteIdCache();
    for (const key of keys) expect(indexInside(cache, key)).toBe(indexOf(cache, key));
  });

  vitest('keys that share their first eight bytes or differ only in length stay apart', () => {
    const cache = new ByteIdCache();
    const keys = ['abcdefgh', 'abcdefghi', 'abcdefghj', 'abc', 'abcd', 'a'];
    const indexes = keys.map((k) => indexOf(cache, k));
    expect(new Set(indexes).size).toBe(keys.length);
    expect(keys.map((k) => indexOf(cache, k))).toEqual(indexes);
  });

  vitest('growing the table keeps every key at its index', () => {
    const cache = new ByteIdCache();
    const keys = Array.from({ length: 3000 }, (_, i) => (i % 2 === 0 ? `k${i}` : `a-longer-key-${i}`));
    const indexes = keys.map((key) => indexOf(cache, key));
    expect(new Set(indexes).size).toBe(keys.length);
    expect(keys.map((key) => indexOf(cache, key))).toEqual(indexes);
    expect(keys.map((key) => indexInside(cache, key))).toEqual(indexes);
    expect(cache.size).toBe(keys.length);
  });

  vitest('long keys with the same length and hash are told apart by their bytes', () => {
    // Both have the FNV-1a hash 469837184 (found by search), so only the byte comparison separates them.
    const cache = new ByteIdCache();
    const first = indexOf(cache, 'lock-00412299');
    const second = indexOf(cache, 'lock-01522232');
    expect(second).not.toBe(first);
    expect(cache.ids[first]).toBe('lock-00412299');
    expect(cache.ids[second]).toBe('lock-01522232');
    expect(indexOf(cache, 'lock-01522232')).toBe(second);
  });

  vitest('a full table starts over rather than growing', () => {
    const cache = new ByteIdCache(4);
    for (const key of ['a', 'b', 'c', 'd']) indexOf(cache, key);
    expect(cache.size).toBe(4);
    const e = indexOf(cache, 'e');
    expect(cache.size).toBe(1);
    expect(e).toBe(0);
    expect(cache.ids).toEqual(['e']);
    expect(indexOf(cache, 'a')).toBe(1);
  });

  vitest('long keys start the table over when their bytes would pass the slab budget; values go with it', () => {
    const cache = new ByteIdCache<never, never, string>(1000, 1000, 100);
    const first = indexOf(cache, 'k'.repeat(60));
    cache.values[first] = 'sixty';
    indexOf(cache, 'short'); // packed in its slot: no slab bytes
    expect(cache.size).toBe(2);
    const second = indexOf(cache, 'm'.repeat(60)); // 120 bytes would pass 100
    expect(cache.size).toBe(1);
    expect(second).toBe(0);
    expect(cache.values).toEqual([undefined]);
    expect(cache.ids).toEqual(['m'.repeat(60)]);
    expect(indexOf(cache, 'short')).toBe(1); // packed keys take no slab bytes
    expect(indexOf(cache, 'm'.repeat(60))).toBe(0);
    expect(indexOf(cache, 'k'.repeat(60))).toBe(0); // 120 bytes again: over once more
    expect(cache.size).toBe(1);
  });

  vitest('a key longer than its maximum is not kept (MAX_KEY_BYTES unless the owner asks for more)', () => {
    const longer = new ByteIdCache(16, 1024);
    expect(indexOf(longer, 'x'.repeat(1024))).toBe(0);
    expect(indexOf(longer, 'x'.repeat(1025))).toBe(-1);
  });

  vitest('a key longer than MAX_KEY_BYTES is not kept', () => {
    const cache = new ByteIdCache();
    expect(indexOf(cache, 'x'.repeat(MAX_KEY_BYTES))).toBe(0);
    expect(indexOf(cache, 'x'.repeat(MAX_KEY_BYTES + 1))).toBe(-1);
    expect(cache.size).toBe(1);
  });
});
