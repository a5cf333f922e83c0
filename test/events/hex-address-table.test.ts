/**
 * HexAddressTable (events/hex-address-table.ts): addresses keyed by their digits and digit count,
 * 16-digit addresses found by their bytes read as words, the record and name kept per address, and the
 * bounded memory (the table starts over at its capacity).
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { HexAddressTable, NAME_BYTES } from '../../src/events/hex-address-table.js';

function indexOf(table: HexAddressTable, hex: string): number {
  const bytes = Buffer.from(`  ${hex}  `, 'latin1');
  return table.index(bytes, 2, 2 + hex.length);
}

/** `find16` of `hex` at an odd offset of a buffer (the lane reads unaligned words). */
function find16(table: HexAddressTable, hex: string): number {
  const bytes = Buffer.from(`x${hex} `, 'latin1');
  return table.find16(viewOf(bytes), 1);
}

function viewOf(bytes: Buffer): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

describe('HexAddressTable', () => {
  it('gives one index per address, telling leading zeros and the high word apart', () => {
    const table = new HexAddressTable();
    const addresses = ['0000000084e3738a', '84e3738a', '1000000084e3738a', 'ffffffff84e3738a', '00000000f5b22878', 'abcd'];
    const indexes = addresses.map((hex) => indexOf(table, hex));
    expect(new Set(indexes).size).toBe(addresses.length);
    expect(addresses.map((hex) => indexOf(table, hex))).toEqual(indexes);
    expect(indexes.map((index) => table.ids[index])).toEqual(addresses);
  });

  it('finds a 16-digit address it holds by its bytes, and nothing else', () => {
    const table = new HexAddressTable();
    expect(find16(table, '0000000084e3738a')).toBe(-1);
    const index = indexOf(table, '0000000084e3738a');
    indexOf(table, '84e3738a');
    expect(find16(table, '0000000084e3738a')).toBe(index);
    expect(find16(table, '0000000084e3738b')).toBe(-1);
    expect(find16(table, '1000000084e3738a')).toBe(-1);
    // The 8 digits '84e3738a' followed by 8 more bytes are not the 8-digit address.
    expect(find16(table, '84e3738a        ')).toBe(-1);
  });

  it('keeps a name and its tag per address (of the last one looked up): its length and first NAME_BYTES bytes', () => {
    const table = new HexAddressTable();
    const name = Buffer.from('x&mm->mmap_lock', 'latin1');
    indexOf(table, '0000000084e3738a');
    expect(table.hasName(viewOf(name), 1, name.length)).toBe(false);
    expect(table.nameLength()).toBe(0);
    table.setName(name, 1, name.length, 7);
    expect(table.nameLength()).toBe(name.length - 1);
    expect(table.hasName(viewOf(name), 1, name.length)).toBe(true);
    expect(table.nameTag()).toBe(7);
    expect(table.hasName(viewOf(name), 1, name.length - 1)).toBe(false);
    const other = Buffer.from('&mm->mmap_locK', 'latin1');
    expect(table.hasName(viewOf(other), 0, other.length)).toBe(false);
    indexOf(table, '00000000f5b22878');
    expect(table.hasName(viewOf(name), 1, name.length)).toBe(false);
    // A longer name: its length and its first NAME_BYTES bytes are compared, not the rest (the caller's).
    const long = Buffer.from(`${'n'.repeat(NAME_BYTES)}pq`, 'latin1');
    table.setName(long, 0, long.length, 3);
    expect(table.nameLength()).toBe(NAME_BYTES + 2);
    expect(table.hasName(viewOf(long), 0, long.length)).toBe(true);
    expect(table.hasName(viewOf(Buffer.from(`${'n'.repeat(NAME_BYTES)}xy`, 'latin1')), 0, long.length)).toBe(true);
    expect(table.hasName(viewOf(Buffer.from(`${'n'.repeat(NAME_BYTES - 1)}xpq`, 'latin1')), 0, long.length)).toBe(false);
    expect(table.hasName(viewOf(long), 0, long.length - 1)).toBe(false);
    expect(table.nameTag()).toBe(3);
    const longest = Buffer.from('m'.repeat(NAME_BYTES), 'latin1');
    table.setName(longest, 0, longest.length, 4);
    expect(table.hasName(viewOf(longest), 0, longest.length)).toBe(true);
    expect(table.nameTag()).toBe(4);
    indexOf(table, '0000000084e3738a');
    expect(table.hasName(viewOf(name), 1, name.length)).toBe(true);
    expect(table.nameTag()).toBe(7);
  });

  const hexDigits = (min: number, max: number) => fc.array(fc.constantFrom('0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'), { minLength: min, maxLength: max }).map((digits) => digits.join(''));
  test.prop([fc.array(hexDigits(4, 16), { maxLength: 60 }), fc.array(hexDigits(16, 16), { maxLength: 20 })], { numRuns: 200 })(
    'find16 finds exactly the 16-digit addresses added, with the index `index` gave',
    (added, probes) => {
      const table = new HexAddressTable();
      const indexes = new Map<string, number>();
      for (const hex of added) indexes.set(hex, indexOf(table, hex));
      for (const hex of [...added, ...probes]) {
        // A shorter address is followed by other bytes where the lane reads 16: never found.
        const sixteen = hex.length === 16 ? hex : `${hex} `.padEnd(16, '0');
        expect(find16(table, sixteen)).toBe(hex.length === 16 ? (indexes.get(hex) ?? -1) : -1);
      }
    },
  );

  it('keeps a record per address (of the last one found), -1 until set', () => {
    const table = new HexAddressTable();
    indexOf(table, '0000000084e3738a');
    expect(table.record()).toBe(-1);
    table.setRecord(41);
    indexOf(table, '84e3738a');
    expect(table.record()).toBe(-1);
    table.setRecord(7);
    expect(find16(table, '0000000084e3738a')).toBe(0);
    expect(table.record()).toBe(41);
    indexOf(table, '84e3738a');
    expect(table.record()).toBe(7);
  });

  it('keeps names and ids while it grows, and starts over at its capacity', () => {
    const table = new HexAddressTable(3000);
    const name = Buffer.from('&L->lock', 'latin1');
    const hexes = Array.from({ length: 2999 }, (_, i) => (0x10000000 + i * 0x1f3a5).toString(16).padStart(16, '0'));
    hexes.forEach((hex, i) => {
      indexOf(table, hex);
      table.setName(name, 0, name.length, i);
      table.setRecord(i * 2);
    });
    expect(hexes.every((hex, i) => indexOf(table, hex) === i && table.hasName(viewOf(name), 0, name.length) && table.nameTag() === i && table.record() === i * 2)).toBe(true);
    indexOf(table, 'ffff');
    indexOf(table, 'fffe');
    expect(indexOf(table, hexes[0]!)).toBe(1);
    expect(table.hasName(viewOf(name), 0, name.length)).toBe(false);
    expect(table.record()).toBe(-1);
    expect(table.ids).toEqual(['fffe', hexes[0]]);
  });
});
