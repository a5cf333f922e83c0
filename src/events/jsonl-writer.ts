/**
 * Writer of JSONL traces (docs/trace-format.md, version 1).
 * Owns: serializing `TraceEvent`s one per line, header line first.
 * Invariants: output always starts with `{"format":"lockdep-trace","version":1,...}`; a trace
 * written to a file appears atomically (written to a temp file in the same directory, then
 * renamed), so a reader never sees half a trace; what this writes, the reader reads back to the
 * same events.
 */
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { TRACE_FORMAT_VERSION } from './event.js';
import type { TraceEvent, TraceHeader } from './event.js';
import { settleTemporary, tempPathFor } from '../io/temp-files.js';

/** Extra header metadata (`source`, `command`, `started`...). */
export type TraceMetadata = Readonly<Record<string, unknown>>;

export function traceHeader(metadata: TraceMetadata = {}): TraceHeader {
  return { ...metadata, format: 'lockdep-trace', version: TRACE_FORMAT_VERSION };
}

/** One event as one JSONL line, without the newline. */
export function serializeEvent(event: TraceEvent): string {
  return JSON.stringify(event);
}

/** The whole trace as text (header, then one line per event, each ending in `\n`). */
export function formatTrace(events: Iterable<TraceEvent>, metadata: TraceMetadata = {}): string {
  const lines = [JSON.stringify(traceHeader(metadata))];
  for (const event of events) lines.push(serializeEvent(event));
  return `${lines.join('\n')}\n`;
}

const FLUSH_THRESHOLD = 1 << 20;

/**
 * Streaming trace writer for recording: `write()` is synchronous and cheap (lines are buffered
 * and flushed in ~1 MiB blocks); `close()` finishes the trace. For a file path the trace goes to
 * a temp file that `close()` renames into place and `abort()` deletes.
 */
export class JsonlTraceWriter {
  private buffer: string[] = [];
  private bufferedChars = 0;
  private fd: number | null = null;
  private readonly tempPath: string | null = null;
  private closed = false;
  /** Events written so far. */
  events = 0;

  constructor(
    private readonly target: string | Writable,
    metadata: TraceMetadata = {},
  ) {
    if (typeof target === 'string') {
      this.tempPath = tempPathFor(target);
      this.fd = openSync(this.tempPath, 'w');
    }
    this.pushLine(JSON.stringify(traceHeader(metadata)));
  }

  write(event: TraceEvent): void {
    if (this.closed) throw new Error('JsonlTraceWriter: write after close');
    this.events++;
    this.pushLine(serializeEvent(event));
  }

  /** Writes buffered lines out (to the temp file or the stream). */
  flush(): void {
    if (this.buffer.length === 0) return;
    const text = this.buffer.join('');
    this.buffer = [];
    this.bufferedChars = 0;
    if (this.fd !== null) writeSync(this.fd, text);
    else (this.target as Writable).write(text);
  }

  /** Flushes and finishes: renames the temp file into place, or waits for the stream to drain. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    if (this.fd !== null && this.tempPath !== null) {
      try {
        fsyncSync(this.fd);
        closeSync(this.fd);
        this.fd = null;
        renameSync(this.tempPath, this.target as string);
        settleTemporary(this.tempPath);
      } catch (error) {
        this.removeTemp();
        throw error;
      }
      return;
    }
    const stream = this.target as Writable;
    if (stream.writableNeedDrain) {
      await new Promise<void>((resolve) => stream.once('drain', () => resolve()));
    }
  }

  /** Discards a file trace (the temp file is removed; the target is untouched). */
  abort(): void {
    this.closed = true;
    this.buffer = [];
    this.removeTemp();
  }

  private removeTemp(): void {
    if (this.fd !== null) {
      try {
        closeSync(this.fd);
      } catch {
        // already closed
      }
      this.fd = null;
    }
    if (this.tempPath !== null) {
      try {
        unlinkSync(this.tempPath);
      } catch {
        // already renamed or never created
      }
      settleTemporary(this.tempPath);
    }
  }

  private pushLine(line: string): void {
    this.buffer.push(line, '\n');
    this.bufferedChars += line.length + 1;
    if (this.bufferedChars >= FLUSH_THRESHOLD) this.flush();
  }
}

/** Writes a whole trace to `path` atomically. */
export async function writeTraceFile(
  path: string,
  events: Iterable<TraceEvent>,
  metadata: TraceMetadata = {},
): Promise<void> {
  const writer = new JsonlTraceWriter(path, metadata);
  try {
    for (const event of events) writer.write(event);
  } catch (error) {
    writer.abort();
    throw error;
  }
  await writer.close();
}
