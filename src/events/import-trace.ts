/**
 * One reading path for every trace format: picks the importer of the registry (importers.ts)
 * named by the choice, or detected from the content when the choice is `auto`, and streams the file's
 * spec TraceEvents to a sink (and, for an importer with a byte lane, its plain lines to the
 * engine's fast entrance when the caller gives one).
 * Invariants: the sink sees events in file order with their `file:line` origin; every input
 * problem is an InputError; memory stays bounded (every importer streams); files and streams are
 * read by one path (line-block-source.ts), so the byte lanes serve both and a stream gives the
 * findings its file gives; `-` reads stdin, and a caller-supplied stream (`read.input`) is read
 * instead of the path, detection then using the file itself when it is one, or the stream's
 * first bytes otherwise; a named pipe's format is detected on its first bytes, which its reading
 * gives again; `read.onBytes` reports progress for any source.
 */
import { statSync } from 'node:fs';
import type { Readable } from 'node:stream';
import type { EventOrigin, EventSink, LockType } from './event.js';
import type { KernelSplat } from './kernel-splat.js';
import type { LockOpSink } from './lock-op-sink.js';
import { detectFormatOfFile, detectFormatOfText, DETECT_BYTES } from './detect-format.js';
import { readIntoImport, type ImportContext, type ImportCounts } from './importer.js';
import { importerOf, type InputFormat, type InputFormatChoice } from './importers.js';
import { traceReadError } from './trace-read-error.js';
import { STDIN_PATH, traceDisplayName } from './jsonl-reader.js';
import type { ReadTraceOptions } from './jsonl-reader.js';
import type { TraceByteSource } from './line-block-source.js';
import { DescriptorSource } from './descriptor-source.js';

export type { InputFormat, InputFormatChoice } from './importers.js';

export interface ImportOptions {
  /** `auto` (default) detects the format from the first lines. */
  format?: InputFormatChoice;
  /** Lock type per class name, for the ftrace and STD importers (spec JSONL carries types). */
  classTypes?: ReadonlyMap<string, LockType>;
  /** Warnings about the input that do not stop reading (ftrace lost events, skipped lines per kind). */
  onWarning?: (message: string, origin: EventOrigin) => void;
  /** How to read the trace: display name, stdin stream, progress (and the chunk size, for JSONL). */
  read?: ReadTraceOptions;
  /**
   * The engine's fast entrance (events/lock-op-sink.ts): an importer with a byte lane (JSONL, STD)
   * delivers its plain lines to it directly, every other event to the sink. Omit it to get every
   * event as a TraceEvent.
   */
  fast?: LockOpSink;
  /** Lockdep reports found in a kernel console log (`dmesg`), one call per report. */
  onSplat?: (splat: KernelSplat) => void;
}

export interface ImportStats extends ImportCounts {
  format: InputFormat;
}

/** Streams the events of `path` in any supported format to `sink`. */
export async function importTrace(path: string, sink: EventSink, options: ImportOptions = {}): Promise<ImportStats> {
  const file = traceDisplayName(path, options.read);
  const isStdin = path === STDIN_PATH;
  const stream: Readable | undefined = options.read?.input;
  let format = options.format ?? 'auto';
  // Standard input, and a named pipe whose format is detected (`<(producer)` can be read only
  // once), are read through their descriptor (descriptor-source.ts), unless a caller gave a stream.
  const pipe = !isStdin && stream === undefined && format === 'auto' && isNamedPipe(path) ? await openPipe(path, file) : undefined;
  try {
    const descriptor = pipe ?? (isStdin && stream === undefined ? new DescriptorSource() : undefined);
    let chunks: AsyncIterator<Buffer | string> | undefined;
    let prefix: (Buffer | string)[] = [];
    if (format === 'auto') {
      if (descriptor !== undefined) {
        prefix = [await readDescriptorPrefix(descriptor, file)];
        format = detectFormatOfText(prefixText(prefix), file);
      } else if (!isStdin) {
        try {
          format = detectFormatOfFile(path, file);
        } catch (error) {
          throw traceReadError(error, file);
        }
      } else {
        chunks = (stream as Readable)[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
        prefix = await readPrefix(chunks, file);
        format = detectFormatOfText(prefixText(prefix), file);
      }
    }
    const context: ImportContext = definedOnly({
      file,
      classTypes: options.classTypes,
      onWarning: options.onWarning,
      chunkBytes: options.read?.chunkSize,
      onSplat: options.onSplat,
    });
    const run = importerOf(format).open(context, sink, options.fast);
    // Files and streams take the same path (line-block-source.ts).
    const source: TraceByteSource = descriptor ?? (chunks !== undefined ? replay(prefix, chunks) : stream ?? path);
    const counts = await readIntoImport(source, run, file, options.read?.onBytes);
    return { format, ...counts };
  } finally {
    pipe?.close();
  }
}

function isNamedPipe(path: string): boolean {
  try {
    return statSync(path).isFIFO();
  } catch {
    return false; // reading the path reports why it cannot be read
  }
}

/** Opens a named pipe (asynchronously: opening one waits for its writer). */
async function openPipe(path: string, file: string): Promise<DescriptorSource> {
  try {
    return await DescriptorSource.open(path);
  } catch (error) {
    throw traceReadError(error, file);
  }
}

/** The first DETECT_BYTES of a descriptor's input (fewer if it ends first), which its reading gives again. */
async function readDescriptorPrefix(descriptor: DescriptorSource, file: string): Promise<Buffer> {
  try {
    return await descriptor.readAhead(DETECT_BYTES);
  } catch (error) {
    throw traceReadError(error, file);
  }
}

/** Reads chunks until DETECT_BYTES are in hand or the stream ends. */
async function readPrefix(chunks: AsyncIterator<Buffer | string>, file: string): Promise<(Buffer | string)[]> {
  const prefix: (Buffer | string)[] = [];
  let size = 0;
  try {
    while (size < DETECT_BYTES) {
      const next = await chunks.next();
      if (next.done === true) break;
      prefix.push(next.value);
      size += next.value.length;
    }
  } catch (error) {
    throw traceReadError(error, file);
  }
  return prefix;
}

function prefixText(prefix: readonly (Buffer | string)[]): string {
  const text = prefix.map((chunk) => (typeof chunk === 'string' ? chunk : chunk.toString('utf8'))).join('');
  if (text.length <= DETECT_BYTES) return text;
  const cut = text.lastIndexOf('\n', DETECT_BYTES);
  return cut < 0 ? text : text.slice(0, cut + 1);
}

async function* replay(prefix: readonly (Buffer | string)[], rest: AsyncIterator<Buffer | string>): AsyncGenerator<Buffer | string> {
  yield* prefix;
  for (;;) {
    const next = await rest.next();
    if (next.done === true) return;
    yield next.value;
  }
}

/** Drops undefined values so optional properties stay absent (exactOptionalPropertyTypes). */
function definedOnly<T extends object>(value: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) if (field !== undefined) out[key] = field;
  return out as { [K in keyof T]: Exclude<T[K], undefined> };
}
