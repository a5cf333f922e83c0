// LineBlockBuffer's stream side: chunks gathered into blocks of whole lines, the same lines in
// the same order whatever the chunk sizes, and no more blocks than the gathering size allows;
// its synchronous reads (readThrough) mixed with pushed chunks give the same lines, and a read
// that finds nothing (negative) leaves the carried line as it was.
import { describe, expect, it } from 'vitest';
import { LineBlockBuffer } from '../../src/events/line-blocks.js';

/** Lines of varied lengths ("line 0 xxx...", ...), joined with `\n`, optionally with no final newline. */
function text(lines: number, finalNewline: boolean): string {
  const body = Array.from({ length: lines }, (_, i) => `line ${i} ${'x'.repeat((i * 37) % 300)}`).join('\n');
  return finalNewline ? `${body}\n` : body;
}

/** Feeds `input` in chunks of the given sizes (cycled); returns each block's text. */
function blocksOf(input: Buffer, chunkSizes: number[], minBlockBytes: number): string[] {
  const blocks: string[] = [];
  const buffer = new LineBlockBuffer(1024);
  const onBlock = (bytes: Buffer, end: number): void => void blocks.push(bytes.toString('latin1', 0, end));
  for (let at = 0, i = 0; at < input.length; i++) {
    const size = chunkSizes[i % chunkSizes.length]!;
    buffer.push(input.subarray(at, at + size), onBlock, minBlockBytes);
    at += size;
  }
  buffer.finish(onBlock);
  return blocks;
}

describe('LineBlockBuffer.push', () => {
  for (const finalNewline of [true, false]) {
    it(`gives the same lines in order for any chunking (final newline: ${finalNewline})`, () => {
      const input = Buffer.from(text(2_000, finalNewline), 'latin1');
      for (const [chunks, minBlock] of [[[1], 0], [[7, 300, 4096], 0], [[64], 4096], [[5000, 3], 65_536]] as const) {
        const blocks = blocksOf(input, [...chunks], minBlock);
        expect(blocks.join('')).toBe(input.toString('latin1'));
        for (const block of blocks.slice(0, -1)) expect(block.endsWith('\n')).toBe(true);
      }
    });
  }

  it('gathers small chunks into blocks of at least the minimum (the last one may be shorter)', () => {
    const input = Buffer.from(text(20_000, true), 'latin1');
    const blocks = blocksOf(input, [4096], 65_536);
    expect(input.length).toBeGreaterThan(10 * 65_536);
    for (const block of blocks.slice(0, -1)) expect(block.length).toBeGreaterThanOrEqual(65_536 - 400);
    expect(blocks.length).toBeLessThanOrEqual(Math.ceil(input.length / (65_536 - 400)) + 1);
    // Without gathering, every 4 KiB chunk that ends a line is a block of its own.
    expect(blocksOf(input, [4096], 0).length).toBeGreaterThan(10 * blocks.length);
  });
});

describe('LineBlockBuffer.readThrough', () => {
  it('reads straight into the buffer after the carried bytes, mixed with pushed chunks; a read that finds nothing changes nothing', () => {
    const input = Buffer.from(text(3_000, false), 'latin1');
    const blocks: string[] = [];
    const onBlock = (bytes: Buffer, end: number): void => void blocks.push(bytes.toString('latin1', 0, end));
    const buffer = new LineBlockBuffer(1024);
    let at = 0;
    let turn = 0;
    let nothing = 0;
    const readInput = (target: Buffer, offset: number, length: number): number => {
      if (turn % 3 === 2) {
        nothing++;
        return -1;
      }
      const count = Math.min(length, 777, input.length - at);
      input.copy(target, offset, at, at + count);
      at += count;
      return count;
    };
    for (; at < input.length; turn++) {
      if (turn % 3 === 1) {
        const size = Math.min(500, input.length - at);
        buffer.push(input.subarray(at, at + size), onBlock, 0);
        at += size;
      } else {
        const before = at;
        const read = buffer.readThrough(readInput, onBlock);
        expect(read).toBe(turn % 3 === 2 ? -1 : at - before);
      }
    }
    turn = 0;
    expect(buffer.readThrough(readInput, onBlock)).toBe(0);
    buffer.finish(onBlock);
    expect(nothing).toBeGreaterThan(10);
    expect(blocks.join('')).toBe(input.toString('latin1'));
    for (const block of blocks.slice(0, -1)) expect(block.endsWith('\n')).toBe(true);
  });
});
