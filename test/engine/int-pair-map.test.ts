/**
 * IntPairMap, the table of the chain cache and of the dependency graph's edge index: exact keys
 * whatever the hash does (a hash that sends every pair to one slot, or to a few, gives the same
 * answers as a Map), through growth.
 */
import { describe, expect } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { IntPairMap, type PairHash } from '../../src/engine/int-pair-map.js';

const hashes: Record<string, PairHash | undefined> = {
  default: undefined,
  'every pair collides': () => 0,
  'four slots': (parent, key) => (parent ^ key) & 3,
};

const pair = fc.tuple(fc.integer({ min: 0, max: 40 }), fc.oneof(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 0x7ffffffe })));

describe('IntPairMap', () => {
  test.prop([fc.array(pair, { maxLength: 3000 }), fc.constantFrom(...Object.keys(hashes)), fc.constantFrom(1, 2, 64, 1 << 12)])(
    'answers like a Map of pairs, however the hash collides',
    (pairs, hashName, initialSlots) => {
      const hash = hashes[hashName];
      const map = new IntPairMap(initialSlots, hash);
      const oracle = new Map<string, number>();
      for (const [parent, key] of pairs) {
        const name = `${parent},${key}`;
        expect(map.get(parent, key)).toBe(oracle.get(name) ?? -1);
        if (!oracle.has(name)) {
          oracle.set(name, oracle.size);
          map.set(parent, key, oracle.size - 1);
        }
      }
      for (const [name, value] of oracle) {
        const [parent, key] = name.split(',').map(Number) as [number, number];
        expect(map.get(parent, key)).toBe(value);
      }
    },
  );
});
