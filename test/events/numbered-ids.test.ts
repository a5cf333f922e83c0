/**
 * NumberedIds in front of a ByteIdCache (`indexOfId`): the same index as the cache alone for
 * every id (numbered or not: other prefixes, leading zeros, too many digits, non-digit tails),
 * across the cache's start-overs; and which ids count as numbered.
 */
import { describe, expect, test as vitest } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { ByteIdCache } from '../../src/events/byte-id-cache.js';
import { NumberedIds, indexOfId } from '../../src/events/numbered-ids.js';

function bytesOf(id: string): Buffer {
  return Buffer.from(`|${id}|`, 'latin1');
}

/** Ids near the numbered shape: a few prefixes, digits with and without leading zeros, odd tails. */
const nearlyNumbered = fc
  .tuple(
    fc.constantFrom('L', 't', 'T', 'LL', 'abc', 'abcd', '', 'x_'),
    fc.constantFrom('0', '00', '01', '7', '42', '999999', '1000000', '123456789', ''),
    fc.constantFrom('', '', '', 'a', '.1', '0'),
  )
  .map(([prefix, digits, tail]) => prefix + digits + tail)
  .filter((id) => id.length > 0);

/** Mostly numbered ids of one prefix, a few of them, so that they repeat across the cache's start-overs. */
const mostlyNumbered = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 0, max: 5 }).map((n) => `L${n}`) },
  { weight: 1, arbitrary: nearlyNumbered },
);

describe('NumberedIds', () => {
  test.prop([fc.array(fc.oneof(nearlyNumbered, mostlyNumbered), { maxLength: 400 }), fc.constantFrom(2, 3, 17, 1 << 16)])(
    'gives the index the cache alone gives, through the cache starting over',
    (ids, capacity) => {
      const alone = new ByteIdCache(capacity);
      const fronted = new ByteIdCache(capacity);
      const numbered = new NumberedIds();
      for (const id of ids) {
        const bytes = bytesOf(id);
        const expected = alone.index(bytes, 1, bytes.length - 1);
        expect(indexOfId(fronted, numbered, bytes, 1, bytes.length - 1)).toBe(expected);
        expect(fronted.ids[expected]).toBe(id);
      }
    },
  );

  test.prop([nearlyNumbered, fc.array(nearlyNumbered, { maxLength: 3 }), fc.constantFrom('|', ')'), fc.constantFrom('', 'x', '|', '7')])(
    'scanTo delimits and numbers an id as the scan to its terminator and numberOf do',
    (id, learnt, terminator, rest) => {
      const numbered = new NumberedIds();
      const reference = new NumberedIds();
      for (const earlier of learnt) {
        const bytes = bytesOf(earlier);
        numbered.numberOf(bytes, 1, bytes.length - 1);
        reference.numberOf(bytes, 1, bytes.length - 1);
      }
      const expected = reference.numberOf(bytesOf(id), 1, id.length + 1);
      const line = Buffer.from(id + terminator + rest, 'latin1');
      const number = numbered.scanTo(line, 0, line.length, terminator.charCodeAt(0));
      // scanTo only knows a prefix learnt earlier; numberOf learns one on first sight.
      const learntBefore = learnt.some((earlier) => new NumberedIds().numberOf(bytesOf(earlier), 1, earlier.length + 1) >= 0);
      expect(number).toBe(learntBefore ? expected : -1);
      if (number >= 0) expect(numbered.end).toBe(id.length);
    },
  );

  vitest('numbers only a 1-3 byte prefix (the first one seen) and 1-6 digits without a leading zero', () => {
    const numbered = new NumberedIds();
    const numberOf = (id: string): number => numbered.numberOf(bytesOf(id), 1, id.length + 1);
    expect(numberOf('L4122')).toBe(4122);
    expect(numberOf('L0')).toBe(0);
    expect(numberOf('L999999')).toBe(999999);
    for (const id of ['L01', 'L1000000', '42', 'L', 'L4a', 'abcd1', 't4', 'LL4']) expect(numberOf(id)).toBe(-1);
  });
});
