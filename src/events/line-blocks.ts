/**
 * A growable byte buffer that turns reads or stream chunks into blocks of whole lines, for the
 * line readers: after each read, `onBlock(bytes, end)` gets `bytes[0, end)` holding whole lines
 * (each ending in `\n`), and `finish` gives a last line that has none.
 * Invariants: a line never spans two blocks; the unfinished tail moves to the front of the
 * buffer, which doubles only for a line longer than itself, so memory is one chunk plus the
 * longest line and long lines cost linear time (`lineEnd` and `withoutCarriageReturn` split a
 * block into lines for its readers); a block ends after a `\n` byte, which is always
 * a UTF-8 character boundary; the buffer is reused, so `onBlock` must not keep it. A line
 * longer than `maxLineBytes` stops the reading with a LineTooLongError before the buffer grows
 * past it, numbered by the reader's `linesSoFar` (the lines it has taken from earlier blocks);
 * `traceReadError` turns it into an input error at `file:line`.
 */
import { readSync } from 'node:fs';

/**
 * The longest line read: 256 MiB, half of V8's longest string (about 512 MiB), so that a line
 * that ends inside the next chunk still decodes to one string.
 */
export const MAX_LINE_BYTES = 256 * 1024 * 1024;

/** A line longer than the limit, at 1-based `line` when the reader counts lines. */
export class LineTooLongError extends Error {
  constructor(
    readonly limit: number,
    readonly line: number | undefined,
  ) {
    super(`line longer than ${limit} bytes`);
    this.name = 'LineTooLongError';
  }

  /** What an input error says about it, completing "`file:line`: ". */
  get inputMessage(): string {
    return `line longer than ${this.limit.toLocaleString('en-US')} bytes, the longest lockdep reads (is this a trace file?)`;
  }
}

const NEWLINE = 10;
const CARRIAGE_RETURN = 13;

export type BlockCallback = (bytes: Buffer, end: number) => void;

/** Reads into `buffer[offset, offset + length)`: the bytes read, 0 at the end, negative for none without waiting. */
export type SynchronousRead = (buffer: Buffer, offset: number, length: number) => number;

export interface LineLimitOptions {
  /** The longest line accepted (default MAX_LINE_BYTES). */
  maxLineBytes?: number;
  /** How many lines the reader has taken from the blocks so far, to number a line too long. */
  linesSoFar?: () => number;
}

export class LineBlockBuffer {
  private buffer: Buffer;
  /** Bytes of an unfinished line at the start of `buffer`. */
  private carry = 0;
  /** Stream bytes after the carried ones, appended but not yet cut into a block. */
  private pending = 0;

  private readonly maxLineBytes: number;
  private readonly linesSoFar: (() => number) | undefined;

  constructor(chunkBytes: number, limits: LineLimitOptions = {}) {
    this.buffer = Buffer.allocUnsafe(Math.max(1, chunkBytes));
    this.maxLineBytes = limits.maxLineBytes ?? MAX_LINE_BYTES;
    this.linesSoFar = limits.linesSoFar;
  }

  /** Reads once from `fd` (synchronously) after the carried bytes; returns the bytes read (0 at the end of the file). */
  readFrom(fd: number, onBlock: BlockCallback): number {
    return this.readThrough((buffer, offset, length) => readSync(fd, buffer, offset, length, null), onBlock);
  }

  /**
   * Reads once through `read`, synchronously, straight into the buffer after the carried bytes
   * (no copy), first giving the readers any gathered chunk still pending; returns what `read`
   * returned: the bytes read, 0 at the end of the input, or a negative number when nothing could
   * be read without waiting (nothing was read into the buffer).
   */
  readThrough(read: SynchronousRead, onBlock: BlockCallback): number {
    this.flushPending(onBlock);
    if (this.carry === this.buffer.length) this.grow(this.buffer.length * 2);
    const count = read(this.buffer, this.carry, this.buffer.length - this.carry);
    if (count > 0) this.filled(this.carry, this.carry + count, onBlock);
    return count;
  }

  /**
   * Appends a chunk of a stream (copied: the caller may reuse it). Chunks are gathered until
   * `minBlockBytes` are waiting, so that a stream's small chunks (64 KiB from a pipe) reach the
   * readers in blocks as large as a file's reads.
   */
  push(chunk: Buffer, onBlock: BlockCallback, minBlockBytes = 0): void {
    const at = this.carry + this.pending;
    if (at + chunk.length > this.buffer.length) this.grow(Math.max(this.buffer.length * 2, at + chunk.length));
    chunk.copy(this.buffer, at);
    this.pending += chunk.length;
    if (this.pending >= minBlockBytes) this.flushPending(onBlock);
  }

  /** Gives the last line, which has no `\n` (nothing when the data ended with one). */
  finish(onBlock: BlockCallback): void {
    this.flushPending(onBlock);
    if (this.carry === 0) return;
    const end = this.carry;
    this.carry = 0;
    onBlock(this.buffer, end);
  }

  /** Cuts the gathered stream bytes into a block. */
  private flushPending(onBlock: BlockCallback): void {
    if (this.pending === 0) return;
    const from = this.carry;
    const end = from + this.pending;
    this.pending = 0;
    this.filled(from, end, onBlock);
  }

  /** New bytes are at `[from, end)`; the carried bytes before them hold no `\n`, so only the new ones are searched. */
  private filled(from: number, end: number, onBlock: BlockCallback): void {
    const newline = this.buffer.subarray(from, end).lastIndexOf(NEWLINE);
    const lastNewline = newline < 0 ? -1 : from + newline;
    if (lastNewline < 0) {
      this.carry = end;
      this.checkCarry();
      return;
    }
    onBlock(this.buffer, lastNewline + 1);
    this.carry = end - lastNewline - 1;
    if (this.carry > 0) this.buffer.copy(this.buffer, 0, lastNewline + 1, end);
    this.checkCarry();
  }

  /** The unfinished line may not grow past the limit (checked before the buffer grows for it). */
  private checkCarry(): void {
    if (this.carry <= this.maxLineBytes) return;
    const before = this.linesSoFar?.();
    throw new LineTooLongError(this.maxLineBytes, before === undefined ? undefined : before + 1);
  }

  private grow(size: number): void {
    const bigger = Buffer.allocUnsafe(size);
    this.buffer.copy(bigger, 0, 0, this.carry + this.pending);
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
