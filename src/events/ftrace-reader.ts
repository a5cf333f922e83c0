/**
 * Importer for Linux ftrace text with the lockdep tracepoints, as the kernel's `trace` file,
 * `trace_pipe`, `ftrace_dump` on the console and `trace-cmd report` (any of its layouts) print them:
 *   `<comm>-<pid> [cpu] <irq-flags> <timestamp>: lock_acquire: <addr> [try ][read ]<class>`
 * Owns reading lines: ftrace-line.ts tells each line's shape, kernel-lock-tracker.ts turns the
 * events into spec TraceEvents. Every line with the event prefix is accepted whatever its event
 * printed (function tracer, function_graph, syscalls in both shapes, trace_marker, stack traces,
 * any tracepoint); only `lock_acquire:` / `lock_release:` payloads are parsed strictly.
 * Invariants: a malformed lock line, or a line of no ftrace shape once events have started, is an
 * InputError naming file:line; header lines before the first event are skipped.
 * `ftraceImporter` is the registry entry: a line with the ftrace event prefix is ftrace. Given
 * the engine's fast entrance, it reads blocks of bytes: the lock lines of the trace file's layout
 * take the byte lane (ftrace-fast-lane.ts), every other line is decoded and goes to `line`.
 */
import type { EventSink } from './event.js';
import { graphRowHasLockEvent, namedEvent, parseFtraceLine, stackHeaderOf } from './ftrace-line.js';
import type { FtraceEventLine } from './ftrace-line.js';
import { FtraceFastLane } from './ftrace-fast-lane.js';
import { taskKey } from './kernel-lock-tracker.js';
import { blockParserImport, defineImporter } from './importer.js';
import { lineEnd, withoutCarriageReturn } from './line-blocks.js';
import type { LockOpSink } from './lock-op-sink.js';
import { KernelTextParser, kernelTextImport, kernelTraceOptions } from './kernel-text-parser.js';
import type { KernelTraceOptions, KernelTraceStats } from './kernel-lock-tracker.js';
import { forEachLine } from './text-line-reader.js';

export type FtraceReaderOptions = KernelTraceOptions;
export type FtraceReadStats = KernelTraceStats;

const FTRACE_SHAPE = {
  bareLockEvent: /\block_(?:acquire|release):/,
  lockLine: 'comm-pid [cpu] flags timestamp: lock_...: ...',
  notALine: 'not an ftrace event line: expected "comm-pid [cpu] flags timestamp: event: ..."',
};

/** Streaming ftrace parser: feed it lines, it calls the sink with spec events. */
export class FtraceParser extends KernelTextParser {
  /** The byte lane, when the options give the engine's fast entrance. */
  private readonly lane: FtraceFastLane | undefined;

  constructor(options: FtraceReaderOptions, sink: EventSink) {
    super(options, sink, FTRACE_SHAPE);
    this.lane = options.fast === undefined ? undefined : new FtraceFastLane(this.tracker);
  }

  /**
   * Whole lines as bytes, `bytes[0, end)` (each ending in `\n`, but for a file's last line): lock
   * lines of the trace file's layout take the byte lane, every other line is decoded and goes
   * to `line`.
   */
  block(bytes: Buffer, end: number): void {
    const lane = this.lane;
    const stats = this.tracker.stats;
    let at = 0;
    while (at < end) {
      if (lane !== undefined) {
        const next = lane.line(bytes, at, end, stats.lines + 1);
        if (next >= 0) {
          stats.lines++;
          this.sawEvent = true;
          at = next;
          continue;
        }
      }
      const newline = lineEnd(bytes, at, end);
      this.line(bytes.toString('utf8', at, withoutCarriageReturn(bytes, at, newline)), stats.lines + 1);
      at = newline + 1;
    }
  }

  line(text: string, lineNo: number): void {
    this.tracker.stats.lines++;
    const shape = parseFtraceLine(text);
    switch (shape.kind) {
      case 'event':
        this.sawEvent = true;
        this.eventLine(shape, lineNo);
        return;
      case 'frame':
        this.tracker.frame(shape.frame);
        return;
      case 'lost':
        this.tracker.lost(shape.cpu, shape.count, lineNo);
        return;
      case 'graph':
        if (graphRowHasLockEvent(shape.body)) this.tracker.skipped('graphLockEvents', lineNo);
        return;
      case 'neutral':
      case 'console':
        return;
      case 'unknown':
        this.unknownLine(text, lineNo);
        return;
    }
  }

  private eventLine(line: FtraceEventLine, lineNo: number): void {
    const stack = stackHeaderOf(line.body);
    if (stack === 'kernel') {
      this.tracker.stackStarts(taskKey(line.pid, line.cpu));
      return;
    }
    if (stack === 'user') {
      this.tracker.stackEnds();
      return;
    }
    const named = namedEvent(line.body);
    this.tracker.event(
      {
        comm: line.comm,
        pid: line.pid,
        cpu: line.cpu,
        irqsOff: line.irqsOff,
        hardSoft: line.hardSoft,
        ts: Number(line.ts),
        name: named?.name ?? '',
        payload: named?.payload ?? '',
      },
      lineNo,
    );
  }
}

/** The registry entry of ftrace text; its byte lane is ftrace-fast-lane.ts, over the engine's fast entrance. */
export const ftraceImporter = defineImporter({
  name: 'ftrace',
  description: 'ftrace text',
  detect: (line) => parseFtraceLine(line).kind === 'event',
  byteLane: (fast: LockOpSink): LockOpSink => fast,
  create: (context, sink, fast) =>
    fast === undefined
      ? kernelTextImport(new FtraceParser(kernelTraceOptions(context), sink))
      : blockParserImport(new FtraceParser({ ...kernelTraceOptions(context), fast }, sink)),
});

/** Reads an ftrace text file from disk, streaming, and returns what was read. */
export function readFtraceFile(path: string, options: FtraceReaderOptions, sink: EventSink): FtraceReadStats {
  const parser = new FtraceParser(options, sink);
  forEachLine(path, (text, lineNo) => parser.line(text, lineNo));
  parser.end();
  return parser.stats;
}
