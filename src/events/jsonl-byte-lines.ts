/**
 * Line splitting of a JSONL byte stream without decoding it. Bytes gather into blocks of whole
 * lines (line-blocks.ts; a regular file is read straight into the block buffer); each line goes
 * to the fast lane (jsonl-fast-lane.ts) when there is one, the header position is past and the
 * line has a fast shape; every other line is decoded as UTF-8 and handed to the TraceLineParser,
 * which owns the header, validation and every error message (it strips the `\r` itself).
 * Invariants: line numbers are those of `TraceLineParser.push` (every `\n` counts, a trailing
 * `\r` is stripped, a last line without `\n` is delivered); no chunk given to `push` is kept.
 */
import { closeSync, openSync } from 'node:fs';
import type { JsonlFastLane } from './jsonl-fast-lane.js';
import type { TraceLineParser } from './jsonl-reader.js';
import { LineBlockBuffer, lineEnd, withoutCarriageReturn } from './line-blocks.js';

export class JsonlByteLines {
  private readonly blocks: LineBlockBuffer;
  private lineNo = 0;
  private readonly onBlock = (bytes: Buffer, end: number): void => this.deliverLines(bytes, end);

  constructor(
    private readonly parser: TraceLineParser,
    private readonly fast: JsonlFastLane | undefined,
    chunkSize: number,
  ) {
    this.blocks = new LineBlockBuffer(chunkSize, { linesSoFar: () => this.lineNo });
  }

  /**
   * Reads the regular file at `path`. Reads are synchronous (a thread-pool round trip per chunk
   * cost more wall time than the parsing it waited for; a regular file never makes them wait),
   * and the event loop gets a turn after each chunk, so signals and timers still run.
   */
  async readFile(path: string): Promise<void> {
    const fd = openSync(path, 'r');
    try {
      while (this.blocks.readFrom(fd, this.onBlock)) await new Promise<void>((resolve) => setImmediate(resolve));
    } finally {
      closeSync(fd);
    }
    this.end();
  }

  /** Takes a chunk of a stream (copied; the caller may reuse it). */
  push(chunk: Buffer): void {
    this.blocks.push(chunk, this.onBlock);
  }

  /** Delivers a last line that has no `\n`. */
  end(): void {
    this.blocks.finish(this.onBlock);
  }

  /** The lines of `bytes[0, end)`: whole lines, the last one possibly without its `\n`. */
  private deliverLines(bytes: Buffer, end: number): void {
    let start = 0;
    while (start < end) {
      const newline = lineEnd(bytes, start, end);
      this.deliver(bytes, start, newline);
      start = newline + 1;
    }
  }

  private deliver(bytes: Buffer, start: number, end: number): void {
    const lineNo = ++this.lineNo;
    if (this.fast !== undefined && !this.parser.beforeContent && this.fast.line(bytes, start, withoutCarriageReturn(bytes, start, end), lineNo)) {
      this.parser.countFastEvent(lineNo);
      return;
    }
    this.parser.line(bytes.toString('utf8', start, end), lineNo);
  }
}
