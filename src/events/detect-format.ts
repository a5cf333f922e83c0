/**
 * Detects the format of a trace from its first non-blank lines: spec JSONL, kernel ftrace text
 * (trace file, trace-cmd report), `perf script` output or STD: the first importer of the registry
 * (importers.ts) whose `detect` accepts a line names its format. Owns the lines that carry no
 * evidence of a format (blank lines, comments, kernel tool noise). A kernel trace is recognised
 * by its line prefix, whatever event the line carries (a function-tracer call is as good as a
 * lock event).
 * Invariants: detection reads at most DETECT_BYTES from the start of the file and never
 * consumes the caller's stream; a file that matches no format is an InputError that names the
 * first line that did not fit and suggests `--input-format`.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { parseFtraceLine } from './ftrace-line.js';
import { InputError } from '../io/input-error.js';
import { traceReadError } from './trace-read-error.js';
import { IMPORTERS, importerOf, INPUT_FORMATS, type InputFormat } from './importers.js';
import { isPerfCallchainLine } from './perf-script-reader.js';

/** Bytes read from the start of a file for detection. */
export const DETECT_BYTES = 64 * 1024;
/** Non-blank, non-comment lines that must agree. */
const SAMPLE_LINES = 5;

/** The format one line looks like (the first importer whose `detect` accepts it), or null when it fits none. */
export function classifyLine(line: string): InputFormat | null {
  for (const importer of IMPORTERS) if (importer.detect(line)) return importer.name;
  return null;
}

/**
 * Lines that carry no evidence of one format: blank, comments, and what kernel trace tools print
 * between events (stack frames, lost-event notes, buffer headers, function_graph rows, perf
 * callchains and their indented detail once perf lines were seen; console log lines once ftrace
 * lines were seen: an `ftrace_dump` in a console capture). `kernel` when the line can only come from ftrace, `neutral` otherwise, null for an
 * event line of some format.
 */
function neutralKind(line: string, found: InputFormat | null): 'kernel' | 'neutral' | null {
  const kind = parseFtraceLine(line).kind;
  if (kind === 'frame' || kind === 'lost' || kind === 'graph') return 'kernel';
  if (kind === 'console') return found === 'ftrace' ? 'neutral' : null;
  if (kind === 'neutral' || isPerfCallchainLine(line)) return 'neutral';
  // Indented detail under a perf callchain frame (`-F +srcline`).
  return found === 'perf' && /^\s/.test(line) && classifyLine(line) === null ? 'neutral' : null;
}

/**
 * Detects the format of trace text (the start of a file): line by line, and when no format fits
 * the lines, by the importers that recognise a whole prefix (a console log).
 */
export function detectFormatOfText(text: string, file: string): InputFormat {
  try {
    return detectFormatOfLines(text, file);
  } catch (error) {
    const byText = error instanceof InputError ? IMPORTERS.find((importer) => importer.detectText?.(text) === true) : undefined;
    if (byText === undefined) throw error;
    return byText.name;
  }
}

function detectFormatOfLines(text: string, file: string): InputFormat {
  const lines = text.split('\n');
  // The last piece may be a line cut by the read limit; use it only if it is all there is.
  if (lines.length > 1 && !text.endsWith('\n')) lines.pop();
  let found: InputFormat | null = null;
  let seen = 0;
  let kernelText = false;
  for (let i = 0; i < lines.length && seen < SAMPLE_LINES; i++) {
    const line = (lines[i] ?? '').replace(/\r$/, '');
    const neutral = neutralKind(line, found);
    if (neutral === 'kernel') kernelText = true;
    if (neutral !== null) continue;
    const kind = classifyLine(line);
    if (kind === null || (found !== null && kind !== found)) {
      throw new InputError(
        `cannot tell the trace format: this line is not ${found === null ? ANY_FORMAT : describe(found)} (pass --input-format ${INPUT_FORMATS.join('|')})`,
        { file, line: i + 1 },
      );
    }
    found = kind;
    seen++;
  }
  // Only function_graph rows or stack frames: ftrace text without event lines. Otherwise an
  // empty trace is a valid (empty) JSONL trace.
  return found ?? (kernelText ? 'ftrace' : 'jsonl');
}

/** Detects the format of a file from its first DETECT_BYTES. */
export function detectFormatOfFile(path: string, file = path): InputFormat {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw traceReadError(error, file);
  }
  try {
    const buffer = Buffer.allocUnsafe(DETECT_BYTES);
    const read = readSync(fd, buffer, 0, DETECT_BYTES, 0);
    let end = read;
    if (read === DETECT_BYTES) {
      const lastNewline = buffer.lastIndexOf(10, read - 1);
      if (lastNewline >= 0) end = lastNewline + 1;
    }
    let text = buffer.toString('utf8', 0, end);
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    return detectFormatOfText(text, file);
  } finally {
    closeSync(fd);
  }
}

/** Every format in words: `spec JSONL, ftrace text, perf script output or STD`. */
const ANY_FORMAT = IMPORTERS.map((importer) => importer.description).join(', ').replace(/, ([^,]*)$/, ' or $1');

function describe(format: InputFormat): string {
  return `${importerOf(format).description} like the lines above`;
}
