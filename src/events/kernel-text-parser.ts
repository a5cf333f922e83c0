/**
 * What the line parsers of the kernel text formats (ftrace-reader.ts, perf-script-reader.ts)
 * share: one KernelLockTracker, its stats and end-of-input notes, the errors for a line of
 * no known shape, and how an importer reads a trace with one (`kernelTextImport`: decoded lines,
 * no byte lane).
 * Invariants: text before the first event line (tool headers) is skipped; after it, a line of no
 * known shape is an InputError naming file:line; a line that names a lock tracepoint without the
 * format's prefix is always one.
 */
import type { EventSink } from './event.js';
import type { ImportContext, TraceImport } from './importer.js';
import { InputError } from '../io/input-error.js';
import { KernelLockTracker } from './kernel-lock-tracker.js';
import type { KernelTraceOptions, KernelTraceStats } from './kernel-lock-tracker.js';
import { DEFAULT_CHUNK_BYTES, LineDecoder } from './text-line-reader.js';

/** How a kernel text format names its lines in errors. */
export interface KernelTextShape {
  /** A lock tracepoint where the line has no event prefix: a damaged lock line. */
  bareLockEvent: RegExp;
  /** The expected shape of a lock line, for the error. */
  lockLine: string;
  /** `not an ftrace event line: expected ...` */
  notALine: string;
}

/** What every kernel-text line parser shares: one tracker, its stats, its end, its errors. */
export abstract class KernelTextParser {
  protected readonly tracker: KernelLockTracker;
  /** Text before the first event line (tool headers) is skipped; after it, unknown lines are errors. */
  protected sawEvent = false;

  constructor(options: KernelTraceOptions, sink: EventSink, private readonly shape: KernelTextShape) {
    this.tracker = new KernelLockTracker(options, sink);
  }

  get stats(): KernelTraceStats {
    return this.tracker.stats;
  }

  abstract line(text: string, lineNo: number): void;

  /** End of input: delivers the held-back event and says what was skipped. */
  end(): void {
    this.tracker.end();
  }

  /** A line of no known shape: an InputError once events have started or when it names a lock event. */
  protected unknownLine(text: string, lineNo: number): void {
    const trimmed = text.trim();
    const origin = { file: this.tracker.file, line: lineNo };
    if (this.shape.bareLockEvent.test(trimmed)) {
      throw new InputError(`malformed lock event line: expected "${this.shape.lockLine}", got "${clip(trimmed)}"`, origin);
    }
    if (!this.sawEvent) return;
    throw new InputError(`${this.shape.notALine}, got "${clip(trimmed)}"`, origin);
  }
}

/** The parser's options for one trace of an importer's context. */
export function kernelTraceOptions(context: ImportContext): KernelTraceOptions {
  const options: KernelTraceOptions = { file: context.file };
  if (context.classTypes !== undefined) options.classTypes = context.classTypes;
  if (context.onWarning !== undefined) options.onWarning = context.onWarning;
  return options;
}

/**
 * A kernel text trace read with `parser`: blocks are decoded in small chunks (see
 * text-line-reader.ts) and split into lines for it.
 */
export function kernelTextImport(parser: KernelTextParser): TraceImport {
  const decoder = new LineDecoder((text, lineNo) => parser.line(text, lineNo));
  return {
    onBlock: decoder.onBlock,
    linesSoFar: () => decoder.lines,
    chunkBytes: DEFAULT_CHUNK_BYTES,
    end: () => {
      parser.end();
      return { events: parser.stats.events, lines: decoder.lines };
    },
  };
}

function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
