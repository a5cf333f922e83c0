/**
 * Line splitting of a JSONL byte stream without decoding it. Blocks of whole lines come from the
 * one reading path of files and streams (line-block-source.ts); each line goes
 * to the fast lane (jsonl-fast-lane.ts) when there is one, the header position is past and the
 * line has a fast shape (the lane then calls the engine's lane entrance itself, or gives back the
 * line's event, which the host delivers); every other line is decoded as UTF-8 and handed to the
 * line parser (its host: jsonl-reader.ts's TraceLineParser), which owns the header, validation
 * and every error message (it strips the `\r` itself).
 * Invariants: line numbers are those of `TraceLineParser.push` (every `\n` counts, a trailing
 * `\r` is stripped, a last line without `\n` is delivered); no block is kept.
 */
import type { TraceEvent } from './event.js';
import type { JsonlFastLane } from './jsonl-fast-lane.js';
import { lineEnd, withoutCarriageReturn } from './line-blocks.js';

/** What the line splitter needs from the JSONL line parser. */
export interface JsonlLineHost {
  /** True until the first non-blank line (which may be the header) has been read: no lane before it. */
  readonly beforeContent: boolean;
  /** Line `lineNo` was an event that the byte lane delivered. */
  countFastEvent(lineNo: number): void;
  /** Line `lineNo` is `event`, read by the byte lane: deliver it as the line parser would. */
  laneEvent(event: TraceEvent, lineNo: number): void;
  /** Parses line `lineNo` (decoded, without its `\n`). */
  line(text: string, lineNo: number): void;
}

export class JsonlByteLines {
  private lineNo = 0;
  /** The lines taken so far (to number a line too long). */
  readonly linesSoFar = (): number => this.lineNo;
  /** Blocks of whole lines from line-block-source.ts (a bound function, passed as the callback). */
  readonly onBlock = (bytes: Buffer, end: number): void => this.deliverLines(bytes, end);

  constructor(
    private readonly parser: JsonlLineHost,
    private readonly fast: JsonlFastLane | undefined,
  ) {}

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
    if (this.fast !== undefined && !this.parser.beforeContent) {
      const contentEnd = withoutCarriageReturn(bytes, start, end);
      if (this.fast.plainLine(bytes, start, contentEnd, lineNo)) {
        this.parser.countFastEvent(lineNo);
        return;
      }
      const taken = this.fast.scannedLine(bytes, start, contentEnd, lineNo);
      if (taken === true) {
        this.parser.countFastEvent(lineNo);
        return;
      }
      if (taken !== false) {
        this.parser.laneEvent(taken, lineNo);
        return;
      }
    }
    this.parser.line(bytes.toString('utf8', start, end), lineNo);
  }
}
