/**
 * Line splitting of a JSONL byte stream without decoding it. Bytes gather in one working buffer
 * (a file is read straight into it); each complete line goes to the fast lane
 * (jsonl-fast-lane.ts) when there is one, the header position is past and the line has a fast
 * shape; every other line is decoded as UTF-8 and handed to the TraceLineParser, which owns the
 * header, validation and every error message (it strips the `\r` itself).
 * Invariants: line numbers are those of `TraceLineParser.push` (every `\n` counts, a trailing
 * `\r` is stripped, a last line without `\n` is delivered); a line never spans two buffers (the
 * unfinished tail moves to the front of the working buffer, which doubles for a line longer than
 * itself), so long lines cost linear time; splitting on the `\n` byte never cuts a UTF-8
 * character; no chunk given to `push` is kept.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import type { JsonlFastLane } from './jsonl-fast-lane.js';
import type { TraceLineParser } from './jsonl-reader.js';

const NEWLINE = 10;
const CARRIAGE_RETURN = 13;

export class JsonlByteLines {
  private work: Buffer;
  /** Bytes of an unfinished line at the start of `work`. */
  private carry = 0;
  private lineNo = 0;

  constructor(
    private readonly parser: TraceLineParser,
    private readonly fast: JsonlFastLane | undefined,
    chunkSize: number,
  ) {
    this.work = Buffer.allocUnsafe(chunkSize);
  }

  /**
   * Reads the file at `path` through the working buffer. Reads are synchronous (a thread-pool
   * round trip per chunk cost more wall time than the parsing it waited for); the event loop gets
   * a turn after each chunk, so signals and timers still run.
   */
  async readFile(path: string): Promise<void> {
    const fd = openSync(path, 'r');
    try {
      for (;;) {
        if (this.carry === this.work.length) this.grow(this.work.length * 2);
        const read = readSync(fd, this.work, this.carry, this.work.length - this.carry, null);
        if (read === 0) break;
        this.filled(this.carry + read);
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    } finally {
      closeSync(fd);
    }
    this.end();
  }

  /** Takes a chunk of a stream (copied; the caller may reuse it). */
  push(chunk: Buffer): void {
    if (this.carry + chunk.length > this.work.length) this.grow(Math.max(this.work.length * 2, this.carry + chunk.length));
    chunk.copy(this.work, this.carry);
    this.filled(this.carry + chunk.length);
  }

  /** Delivers a last line that has no `\n`. */
  end(): void {
    if (this.carry === 0) return;
    const end = this.carry;
    this.carry = 0;
    this.deliverLines(end, end);
  }

  /** `work[0, end)` holds data: deliver its whole lines and keep the rest at the front. */
  private filled(end: number): void {
    const lastNewline = this.work.lastIndexOf(NEWLINE, end - 1);
    if (lastNewline < 0) {
      this.carry = end;
      return;
    }
    this.deliverLines(lastNewline + 1, end);
    this.carry = end - lastNewline - 1;
    if (this.carry > 0) this.work.copy(this.work, 0, lastNewline + 1, end);
  }

  /** Delivers the lines of `work[0, end)` (`end` is after a `\n`, or the end of the data). */
  private deliverLines(end: number, dataEnd: number): void {
    const bytes = this.work;
    let start = 0;
    while (start < end) {
      let newline = bytes.indexOf(NEWLINE, start);
      if (newline < 0 || newline >= dataEnd) newline = end;
      this.deliver(bytes, start, newline);
      start = newline + 1;
    }
  }

  private deliver(bytes: Buffer, start: number, end: number): void {
    const lineNo = ++this.lineNo;
    const fastEnd = end > start && bytes[end - 1] === CARRIAGE_RETURN ? end - 1 : end;
    if (this.fast !== undefined && !this.parser.beforeContent && this.fast.line(bytes, start, fastEnd, lineNo)) {
      this.parser.countFastEvent(lineNo);
      return;
    }
    this.parser.line(bytes.toString('utf8', start, end), lineNo);
  }

  private grow(size: number): void {
    const bigger = Buffer.allocUnsafe(size);
    this.work.copy(bigger, 0, 0, this.carry);
    this.work = bigger;
  }
}
