/**
 * Streaming reader of JSONL traces (docs/trace-format.md, version 1).
 * Owns: turning a byte stream into validated `TraceEvent`s with their `file:line` origin.
 * Invariants: memory is bounded by the chunk size plus the longest line (the file is never read
 * whole); line numbers are 1-based and count every `\n`, blank lines included; `\r\n` is
 * accepted; blank lines are skipped; an optional header is accepted on the first non-blank line
 * only; every malformed line is an `InputError` at `file:line` (JSON syntax errors add the
 * column). `jsonlImporter` (the registry entry, what `lockdep check` uses) and `forEachTraceEvent`
 * read files and streams alike (line-block-source.ts), split lines as bytes (jsonl-byte-lines.ts),
 * hand the lines of plain shape to the byte lane when the engine's fast entrance is given
 * (jsonl-fast-lane.ts, the entry's byte lane: it calls that entrance, or builds the line's event
 * from its bytes for `laneEvent` to deliver) and decode the rest; the record iterator splits
 * decoded text chunks.
 * Decoded event lines are parsed by jsonl-fast-parse.ts, with `JSON.parse` as the fallback that
 * owns the error messages (the first non-blank line, which may be the header, always takes
 * `JSON.parse`). Path `-` reads standard input.
 */
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import type { EventOrigin, EventSink, TraceEvent, TraceHeader } from './event.js';
import { isHeaderLike, validateEvent, validateHeader } from './event-validate.js';
import { defineImporter, readIntoImport, type ImportContext, type TraceImport } from './importer.js';
import { InputError } from '../io/input-error.js';
import { traceReadError } from './trace-read-error.js';
import { findNestingOverflow, nestingMessage } from '../io/json-limits.js';
import { findJsonSyntaxError } from '../io/json-syntax.js';
import { fastParseEvent } from './jsonl-fast-parse.js';
import { JsonlByteLines, type JsonlLineHost } from './jsonl-byte-lines.js';
import { JsonlFastLane } from './jsonl-fast-lane.js';
import { DEFAULT_BLOCK_CHUNK_BYTES } from './line-block-source.js';
import { LineTooLongError, MAX_LINE_BYTES } from './line-blocks.js';

/** One event and where it came from. */
export interface TraceRecord {
  event: TraceEvent;
  origin: EventOrigin;
}

export interface ReadTraceOptions {
  /** Name used in origins and error messages; default: the path (`<stdin>` for `-`). */
  displayName?: string;
  /** Read from this stream instead of opening `path` (`path` is then only a name). */
  input?: Readable;
  /** Chunk size in bytes for file reads; default 256 KiB (`forEachTraceEvent`) or 32 KiB (`readTrace`). */
  chunkSize?: number;
  /** Called as the trace is read with the bytes read so far (progress), whatever the format. */
  onBytes?: (bytes: number) => void;
}

export interface TraceReadStats {
  /** The header line, or null when the trace has none. */
  header: TraceHeader | null;
  /** Events delivered. */
  events: number;
  /** Lines read (including blank lines and the header). */
  lines: number;
}

export const STDIN_PATH = '-';
export const STDIN_NAME = '<stdin>';
// Text chunks (the record iterator): 32 KiB, so each decoded chunk stays a young-generation
// string. 1 MiB chunks decode to large-object-space strings that only a full GC frees, and peak
// RSS then grew with trace length (130 MB at 1M events, 186 MB at 10M; 101 MB and 103 MB with
// 32 KiB, same speed).
const TEXT_CHUNK_SIZE = 32 * 1024;
// Byte chunks (forEachTraceEvent): one reused buffer, nothing decoded per chunk, so a larger
// chunk only means fewer reads.
const BYTE_CHUNK_SIZE = DEFAULT_BLOCK_CHUNK_BYTES;
const BYTE_ORDER_MARK = 0xfeff;
const CARRIAGE_RETURN = 13;

/** The name a trace path is reported under. */
export function traceDisplayName(path: string, options: ReadTraceOptions = {}): string {
  return options.displayName ?? (path === STDIN_PATH ? STDIN_NAME : path);
}

function isBlank(text: string): boolean {
  return text.trim().length === 0;
}

/**
 * A line `JSON.parse` rejected, as a one-line InputError at `file:line:col` (1-based column of the
 * first character that cannot continue the JSON, as json-syntax.ts finds it). Only a failure the
 * grammar scanner does not see (nesting too deep for `JSON.parse`) keeps V8's message, without a column.
 */
function jsonSyntaxError(text: string, error: unknown, file: string, line: number): InputError {
  const problem = findJsonSyntaxError(text);
  if (problem === null) {
    const reason = (error instanceof Error ? error.message : String(error)).replace(/\s+/g, ' ').slice(0, 120);
    return new InputError(`invalid JSON: ${reason} (each line must be one JSON object)`, { file, line });
  }
  return new InputError(`invalid JSON: ${problem.message} (each line must be one JSON object)`, { file, line, col: problem.offset + 1 });
}

/**
 * Incremental line splitter and parser. Feed it decoded text chunks; it calls `onEvent` for
 * every event, synchronously, in order.
 */
export class TraceLineParser implements JsonlLineHost {
  header: TraceHeader | null = null;
  events = 0;
  lines = 0;
  private readonly pendingParts: string[] = [];
  /** Length of the unfinished line held in `pendingParts` (at most MAX_LINE_BYTES). */
  private pendingLength = 0;
  private sawContent = false;

  constructor(
    readonly file: string,
    private readonly onEvent: (event: TraceEvent, origin: EventOrigin) => void,
  ) {}

  push(chunk: string): void {
    let newline = chunk.indexOf('\n');
    if (newline === -1) {
      if (chunk.length > 0) this.pend(chunk);
      return;
    }
    let start = 0;
    if (this.pendingParts.length > 0) {
      this.pend(chunk.slice(0, newline));
      const first = this.pendingParts.join('');
      this.pendingParts.length = 0;
      this.pendingLength = 0;
      this.lineEnded(first, 0, first.length);
      start = newline + 1;
      newline = chunk.indexOf('\n', start);
    }
    while (newline !== -1) {
      this.lineEnded(chunk, start, newline);
      start = newline + 1;
      newline = chunk.indexOf('\n', start);
    }
    if (start < chunk.length) this.pend(chunk.slice(start));
  }

  /** Keeps part of an unfinished line; a line longer than MAX_LINE_BYTES characters is refused. */
  private pend(part: string): void {
    this.pendingLength += part.length;
    if (this.pendingLength > MAX_LINE_BYTES) throw new LineTooLongError(MAX_LINE_BYTES, this.lines + 1);
    this.pendingParts.push(part);
  }

  /** Flushes a last line without a trailing newline. */
  end(): void {
    if (this.pendingParts.length === 0) return;
    const last = this.pendingParts.join('');
    this.pendingParts.length = 0;
    this.pendingLength = 0;
    this.lineEnded(last, 0, last.length);
  }

  /** True until the first non-blank line (which may be the header) has been read. */
  get beforeContent(): boolean {
    return !this.sawContent;
  }

  /** Line `lineNo` (no terminator, `\r` stripped) was an event that a fast lane delivered. */
  countFastEvent(lineNo: number): void {
    this.lines = lineNo;
    this.events++;
  }

  /** Line `lineNo` is `event`, read from its bytes by a fast lane: delivered as a parsed line is. */
  laneEvent(event: TraceEvent, lineNo: number): void {
    this.lines = lineNo;
    this.events++;
    this.onEvent(event, { file: this.file, line: lineNo });
  }

  /** Parses line `lineNo` (without its `\n`), for callers that split lines themselves. */
  line(text: string, lineNo: number): void {
    this.lines = lineNo - 1;
    this.lineEnded(text, 0, text.length);
  }

  private lineEnded(text: string, start: number, end: number): void {
    this.lines++;
    if (end > start && text.charCodeAt(end - 1) === CARRIAGE_RETURN) end--;
    if (end === start) return;
    let line = text.slice(start, end);
    if (this.lines === 1 && line.charCodeAt(0) === BYTE_ORDER_MARK) line = line.slice(1);
    if (this.sawContent) {
      // Common-shape lines parse and validate in one pass; anything else (and every error)
      // takes the JSON.parse + validateEvent path below (src/events/jsonl-fast-parse.ts).
      const fast = fastParseEvent(line);
      if (fast !== undefined) {
        this.events++;
        this.onEvent(fast, { file: this.file, line: this.lines });
        return;
      }
    }
    const tooDeep = findNestingOverflow(line);
    if (tooDeep >= 0) throw new InputError(nestingMessage(), { file: this.file, line: this.lines, col: tooDeep + 1 });
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      if (isBlank(line)) return;
      throw jsonSyntaxError(line, error, this.file, this.lines);
    }
    const origin: EventOrigin = { file: this.file, line: this.lines };
    if (!this.sawContent) {
      this.sawContent = true;
      if (isHeaderLike(value)) {
        this.header = validateHeader(value, origin);
        return;
      }
    }
    const event = validateEvent(value, origin);
    this.events++;
    this.onEvent(event, origin);
  }
}

function openTextStream(path: string, options: ReadTraceOptions): Readable {
  const stream =
    options.input ??
    (path === STDIN_PATH
      ? process.stdin
      : createReadStream(path, { highWaterMark: options.chunkSize ?? TEXT_CHUNK_SIZE }));
  stream.setEncoding('utf8');
  return stream;
}

/** A JSONL trace read as blocks of whole lines: the byte lane first (when given), the line parser for the rest. */
interface JsonlImport extends TraceImport {
  readonly parser: TraceLineParser;
}

function openJsonl(context: ImportContext, onEvent: EventSink, lane: JsonlFastLane | undefined): JsonlImport {
  const parser = new TraceLineParser(context.file, onEvent);
  const lines = new JsonlByteLines(parser, lane);
  return {
    parser,
    onBlock: lines.onBlock,
    linesSoFar: lines.linesSoFar,
    chunkBytes: context.chunkBytes ?? BYTE_CHUNK_SIZE,
    end: () => ({ events: parser.events, lines: parser.lines }),
  };
}

/** The registry entry of spec JSONL: a line that starts with `{`; its byte lane is jsonl-fast-lane.ts. */
export const jsonlImporter = defineImporter({
  name: 'jsonl',
  description: 'spec JSONL',
  detect: (line) => line.trim().startsWith('{'),
  byteLane: (fast, file) => new JsonlFastLane(fast, file),
  create: openJsonl,
});

/**
 * Reads the whole trace, calling `onEvent` synchronously for each event (every event as a
 * TraceEvent: no byte lane). Resolves with the header and counts; rejects with an InputError
 * on the first bad line (or with whatever `onEvent` throws).
 */
export async function forEachTraceEvent(
  path: string,
  onEvent: (event: TraceEvent, origin: EventOrigin) => void,
  options: ReadTraceOptions = {},
): Promise<TraceReadStats> {
  const file = traceDisplayName(path, options);
  const run = openJsonl(options.chunkSize === undefined ? { file } : { file, chunkBytes: options.chunkSize }, onEvent, undefined);
  // Standard input, a caller's stream and a regular file take the same path (line-block-source.ts).
  const counts = await readIntoImport(options.input ?? (path === STDIN_PATH ? process.stdin : path), run, file, options.onBytes);
  return { header: run.parser.header, ...counts };
}

/**
 * Reads a trace as an async iterable of records (`for await (const {event, origin} of
 * readTrace(path))`). `header` is set once the first line has been read.
 */
export class JsonlTraceReader implements AsyncIterable<TraceRecord> {
  header: TraceHeader | null = null;
  readonly file: string;

  constructor(
    readonly path: string,
    private readonly options: ReadTraceOptions = {},
  ) {
    this.file = traceDisplayName(path, options);
  }

  /** Records in batches of one chunk each (fewer promises per event than per-record iteration). */
  async *batches(): AsyncGenerator<TraceRecord[], TraceReadStats> {
    let batch: TraceRecord[] = [];
    const parser = new TraceLineParser(this.file, (event, origin) => {
      batch.push({ event, origin });
    });
    const stream = openTextStream(this.path, this.options);
    try {
      for await (const chunk of stream) {
        parser.push(chunk as string);
        this.header = parser.header;
        if (batch.length > 0) {
          const ready = batch;
          batch = [];
          yield ready;
        }
      }
    } catch (error) {
      if (error instanceof InputError) throw error;
      throw traceReadError(error, this.file);
    }
    parser.end();
    this.header = parser.header;
    if (batch.length > 0) yield batch;
    return { header: parser.header, events: parser.events, lines: parser.lines };
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<TraceRecord, void> {
    for await (const batch of this.batches()) yield* batch;
  }
}

export function readTrace(path: string, options: ReadTraceOptions = {}): JsonlTraceReader {
  return new JsonlTraceReader(path, options);
}

/** Parses trace text held in memory (tests, small inputs); same rules as the file reader. */
export function parseTraceText(text: string, file = '<text>'): { header: TraceHeader | null; records: TraceRecord[] } {
  const records: TraceRecord[] = [];
  const parser = new TraceLineParser(file, (event, origin) => records.push({ event, origin }));
  parser.push(text);
  parser.end();
  return { header: parser.header, records };
}
