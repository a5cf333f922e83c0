/**
 * Line splitting of a JSONL byte stream without decoding it. Each complete line goes to the fast
 * lane (jsonl-fast-lane.ts) when there is one, the header position is past and the line has a
 * fast shape; every other line is decoded as UTF-8 and handed to the TraceLineParser, which owns
 * the header, validation and every error message (it strips the `\r` itself).
 * Invariants: line numbers are those of `TraceLineParser.push` (every `\n` counts, a trailing
 * `\r` is stripped, a last line without `\n` is delivered); a line split across chunks is joined
 * once, so long lines cost linear time; splitting on the `\n` byte never cuts a UTF-8 character;
 * no chunk is kept after `push` returns (callers may reuse it).
 */
import type { JsonlFastLane } from './jsonl-fast-lane.js';
import type { TraceLineParser } from './jsonl-reader.js';

const NEWLINE = 10;
const CARRIAGE_RETURN = 13;

export class JsonlByteLines {
  private readonly pending: Buffer[] = [];
  private lineNo = 0;

  constructor(
    private readonly parser: TraceLineParser,
    private readonly fast: JsonlFastLane | undefined,
  ) {}

  push(chunk: Buffer): void {
    let start = 0;
    let newline = chunk.indexOf(NEWLINE);
    if (this.pending.length > 0) {
      if (newline === -1) {
        this.pending.push(Buffer.from(chunk));
        return;
      }
      this.pending.push(chunk.subarray(0, newline));
      const joined = Buffer.concat(this.pending);
      this.pending.length = 0;
      this.deliver(joined, 0, joined.length);
      start = newline + 1;
      newline = chunk.indexOf(NEWLINE, start);
    }
    while (newline !== -1) {
      this.deliver(chunk, start, newline);
      start = newline + 1;
      newline = chunk.indexOf(NEWLINE, start);
    }
    // Copies: the reader reuses its buffer for the next chunk.
    if (start < chunk.length) this.pending.push(Buffer.from(chunk.subarray(start)));
  }

  /** Delivers a last line that has no `\n`. */
  end(): void {
    if (this.pending.length === 0) return;
    const joined = Buffer.concat(this.pending);
    this.pending.length = 0;
    this.deliver(joined, 0, joined.length);
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
}
