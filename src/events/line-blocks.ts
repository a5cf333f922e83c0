/**
 * A growable byte buffer that turns reads or stream chunks into blocks of whole lines, for the
 * line readers: after each read, `onBlock(bytes, end)` gets `bytes[0, end)` holding whole lines
 * (each ending in `\n`), and `finish` gives a last line that has none.
 * Invariants: a line never spans two blocks; the unfinished tail moves to the front of the
 * buffer, which doubles only for a line longer than itself, so memory is one chunk plus the
 * longest line and long lines cost linear time (`lineEnd` and `withoutCarriageReturn` split a
 * block into lines for its readers); a block ends after a `\n` byte, which is always
 * a UTF-8 character boundary; the buffer is reused, so `onBlock` must not keep it.
 */
import { readSync } from 'node:fs';

const NEWLINE = 10;
const CARRIAGE_RETURN = 13;

export type BlockCallback = (bytes: Buffer, end: number) => void;

export class LineBlockBuffer {
  private buffer: Buffer;
  /** Bytes of an unfinished line at the start of `buffer`. */
  private carry = 0;

  constructor(chunkBytes: number) {
    this.buffer = Buffer.allocUnsafe(Math.max(1, chunkBytes));
  }

  /** Reads once from `fd` (synchronously) after the carried bytes; returns the bytes read (0 at the end of the file). */
  readFrom(fd: number, onBlock: BlockCallback): number {
    if (this.carry === this.buffer.length) this.grow(this.buffer.length * 2);
    const read = readSync(fd, this.buffer, this.carry, this.buffer.length - this.carry, null);
    if (read > 0) this.filled(this.carry, this.carry + read, onBlock);
    return read;
  }

  /** Appends a chunk of a stream (copied: the caller may reuse it). */
  push(chunk: Buffer, onBlock: BlockCallback): void {
    if (this.carry + chunk.length > this.buffer.length) this.grow(Math.max(this.buffer.length * 2, this.carry + chunk.length));
    chunk.copy(this.buffer, this.carry);
    this.filled(this.carry, this.carry + chunk.length, onBlock);
  }

  /** Gives the last line, which has no `\n` (nothing when the data ended with one). */
  finish(onBlock: BlockCallback): void {
    if (this.carry === 0) return;
    const end = this.carry;
    this.carry = 0;
    onBlock(this.buffer, end);
  }

  /** New bytes are at `[from, end)`; the carried bytes before them hold no `\n`, so only the new ones are searched. */
  private filled(from: number, end: number, onBlock: BlockCallback): void {
    const newline = this.buffer.subarray(from, end).lastIndexOf(NEWLINE);
    const lastNewline = newline < 0 ? -1 : from + newline;
    if (lastNewline < 0) {
      this.carry = end;
      return;
    }
    onBlock(this.buffer, lastNewline + 1);
    this.carry = end - lastNewline - 1;
    if (this.carry > 0) this.buffer.copy(this.buffer, 0, lastNewline + 1, end);
  }

  private grow(size: number): void {
    const bigger = Buffer.allocUnsafe(size);
    this.buffer.copy(bigger, 0, 0, this.carry);
    this.buffer = bigger;
  }
}

/** Where the line starting at `start` in a block `bytes[0, end)` ends: its `\n`, or `end` for a last line without one. */
export function lineEnd(bytes: Buffer, start: number, end: number): number {
  const newline = bytes.indexOf(NEWLINE, start);
  return newline < 0 || newline >= end ? end : newline;
}

/** The end of `bytes[start, end)` without a trailing `\r` (CRLF lines). */
export function withoutCarriageReturn(bytes: Buffer, start: number, end: number): number {
  return end > start && bytes[end - 1] === CARRIAGE_RETURN ? end - 1 : end;
}
