/**
 * What an importer is: a trace format's name, how format detection recognises its event lines,
 * how it reads one trace (blocks of whole lines in, TraceEvents out), and its optional byte lane
 * (lock-op-sink.ts). Each importer module defines its entry with `defineImporter`; the registry
 * (importers.ts) lists them.
 * Invariants: an importer reads only what line-block-source.ts gives it (files and streams alike,
 * so a stream gives the findings its file gives); it delivers events in line order with their
 * `file:line` origin; every problem with the input is an InputError naming file:line; the byte
 * lane exists only when the caller gave the engine's fast entrance, and every line it takes has
 * the effect the event path would have given it.
 */
import type { EventOrigin, EventSink, LockType } from './event.js';
import type { KernelSplat } from './kernel-splat.js';
import { traceReadError } from './trace-read-error.js';
import { readLineBlocks, type LineBlockReadOptions, type TraceByteSource } from './line-block-source.js';
import type { BlockCallback } from './line-blocks.js';
import type { LockOpSink } from './lock-op-sink.js';
import type { GraphInputFacts, Notice } from './input-notice.js';

/** What an importer is given for one trace. */
export interface ImportContext {
  /** The trace's display name, for origins and errors. */
  readonly file: string;
  /** Lock type per class name, for formats whose lines carry none. */
  readonly classTypes?: ReadonlyMap<string, LockType>;
  /** Input conditions that do not stop reading (skipped lines, lost events). */
  readonly onWarning?: (message: string, origin: EventOrigin) => void;
  /** The read chunk size the caller asked for (`ReadTraceOptions.chunkSize`), for importers that take one. */
  readonly chunkBytes?: number;
  /** Lockdep reports found in a kernel console log (the dmesg importer), one call per report. */
  readonly onSplat?: (splat: KernelSplat) => void;
}

/** Lines and events of one trace, once read. */
export interface ImportCounts {
  events: number;
  lines: number;
  /** What the input says about itself (kernel statistics, recording stopped), for the result's `notices`. */
  notices?: Notice[];
  /** Set by importers of a dependency graph (not single acquisitions): what the check must weaken. */
  graph?: GraphInputFacts;
}

/** One importer reading one trace. */
export interface TraceImport {
  /** Blocks of whole lines (line-block-source.ts); the buffer is not kept. */
  readonly onBlock: BlockCallback;
  /** Lines taken so far (to number a line too long). */
  readonly linesSoFar: () => number;
  /** Bytes per read this importer wants; the block reader's default when absent. */
  readonly chunkBytes?: number;
  /** End of input, after the last block: delivers what is held back and says what was read. */
  end(): ImportCounts;
}

/** An importer as its module writes it; `Lane` is the type its byte lane factory returns. */
export interface ImporterDefinition<Name extends string, Lane> {
  /** The `--input-format` value. */
  readonly name: Name;
  /** What the format is, in words, for detection errors (`spec JSONL`, `ftrace text`...). */
  readonly description: string;
  /** Whether `line` (no terminator) is an event line of this format; detection asks the importers in registry order. */
  readonly detect: (line: string) => boolean;
  /**
   * For a format no single line tells (a console log is mostly free text): whether the start of
   * a file is this format. Detection asks it when the line-by-line test fits no format.
   */
  readonly detectText?: (text: string) => boolean;
  /** The reader of one trace; `lane` is this importer's byte lane when the caller gave the engine's fast entrance. */
  readonly create: (context: ImportContext, sink: EventSink, lane: Lane | undefined) => TraceImport;
  /** The byte lane over the engine's fast entrance (lock-op-sink.ts), for importers that have one. */
  readonly byteLane?: (fast: LockOpSink, file: string) => Lane;
}

/** A registered importer: its byte lane, if any, is wired into `open`. */
export interface TraceImporter<Name extends string = string> {
  readonly name: Name;
  readonly description: string;
  readonly detect: (line: string) => boolean;
  readonly detectText?: (text: string) => boolean;
  /** Whether the importer hands lines to the engine's fast entrance when given one. */
  readonly hasByteLane: boolean;
  /** The reader of one trace; `fast` (the engine's fast entrance) feeds the byte lane, when there is one. */
  open(context: ImportContext, sink: EventSink, fast: LockOpSink | undefined): TraceImport;
}

/** The registry entry of an importer module. */
export function defineImporter<const Name extends string, Lane = never>(definition: ImporterDefinition<Name, Lane>): TraceImporter<Name> {
  const { name, description, detect, detectText, create, byteLane } = definition;
  return {
    name,
    description,
    detect,
    ...(detectText === undefined ? {} : { detectText }),
    hasByteLane: byteLane !== undefined,
    open: (context, sink, fast) => create(context, sink, fast === undefined || byteLane === undefined ? undefined : byteLane(fast, context.file)),
  };
}

/**
 * Reads `source` into `run` by the one reading path (line-block-source.ts) and ends it. A read
 * failure is an InputError naming `file`; an InputError or a bug passes through unchanged.
 */
export async function readIntoImport(source: TraceByteSource, run: TraceImport, file: string, onBytes?: (bytes: number) => void): Promise<ImportCounts> {
  const read: LineBlockReadOptions = { linesSoFar: run.linesSoFar };
  if (run.chunkBytes !== undefined) read.chunkBytes = run.chunkBytes;
  if (onBytes !== undefined) read.onBytes = onBytes;
  try {
    await readLineBlocks(source, run.onBlock, read);
  } catch (error) {
    throw traceReadError(error, file);
  }
  return run.end();
}

/** A parser that takes blocks of whole lines and counts what it read (the STD and ftrace parsers). */
export interface BlockLineParser {
  readonly stats: { readonly lines: number; readonly events: number };
  block(bytes: Buffer, end: number): void;
  /** End of input: delivers what the parser holds back. */
  end(): void;
}

/** The import of one trace by a block parser. */
export function blockParserImport(parser: BlockLineParser): TraceImport {
  return {
    onBlock: (bytes, end) => {
      parser.block(bytes, end);
    },
    linesSoFar: () => parser.stats.lines,
    end: () => {
      parser.end();
      return { events: parser.stats.events, lines: parser.stats.lines };
    },
  };
}
