/**
 * Detects the format of a trace from its first non-blank lines: spec JSONL, kernel ftrace text
 * or STD. Owns the `InputFormat` names used by `--input-format`.
 * Invariants: detection reads at most DETECT_BYTES from the start of the file and never
 * consumes the caller's stream; a file that matches no format is an InputError that names the
 * first line that did not fit and suggests `--input-format`.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { InputError, traceReadError } from './input-error.js';

export const INPUT_FORMATS = ['jsonl', 'ftrace', 'std'] as const;
export type InputFormat = (typeof INPUT_FORMATS)[number];
export type InputFormatChoice = InputFormat | 'auto';
export const INPUT_FORMAT_CHOICES: readonly InputFormatChoice[] = ['auto', ...INPUT_FORMATS];

/** Bytes read from the start of a file for detection. */
export const DETECT_BYTES = 64 * 1024;
/** Non-blank, non-comment lines that must agree. */
const SAMPLE_LINES = 5;

const FTRACE_LINE = /^\s*\S.*-\d+\s+(?:\(\s*(?:\d+|-+)\)\s+)?\[\d+\]\s+(?:\S{4,5}\s+)?\d+(?:\.\d+)?:\s+(?:\S[^:]*:|<stack trace)/;
const STD_LINE = /^[^|\s][^|]*\|\s*[A-Za-z_][\w]*\s*(?:\(.*\))?\s*(?:\|.*)?$/;

/** The format one line looks like, or null when it fits none. */
export function classifyLine(line: string): InputFormat | null {
  const text = line.trim();
  if (text.startsWith('{')) return 'jsonl';
  if (FTRACE_LINE.test(line)) return 'ftrace';
  if (STD_LINE.test(text)) return 'std';
  return null;
}

/** Lines that carry no evidence: blank, comments, and the header lines ftrace tools print. */
function isNeutral(line: string): boolean {
  const text = line.trim();
  return (
    text === '' ||
    text.startsWith('#') ||
    text.startsWith('=>') ||
    /^cpus=\d+$/.test(text) ||
    /^CPU\s*\d+ is empty$/.test(text) ||
    /^CPU:\s*\d+\s+\[LOST \d+ EVENTS\]/.test(text) ||
    /^version = \d+/.test(text)
  );
}

/** Detects the format of trace text (the start of a file). */
export function detectFormatOfText(text: string, file: string): InputFormat {
  const lines = text.split('\n');
  // The last piece may be a line cut by the read limit; use it only if it is all there is.
  if (lines.length > 1 && !text.endsWith('\n')) lines.pop();
  let found: InputFormat | null = null;
  let seen = 0;
  for (let i = 0; i < lines.length && seen < SAMPLE_LINES; i++) {
    const line = (lines[i] ?? '').replace(/\r$/, '');
    if (isNeutral(line)) continue;
    const kind = classifyLine(line);
    if (kind === null || (found !== null && kind !== found)) {
      throw new InputError(
        `cannot tell the trace format: this line is not ${found === null ? 'spec JSONL, ftrace text or STD' : describe(found)} (pass --input-format ${INPUT_FORMATS.join('|')})`,
        { file, line: i + 1 },
      );
    }
    found = kind;
    seen++;
  }
  // An empty trace is a valid (empty) JSONL trace.
  return found ?? 'jsonl';
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

function describe(format: InputFormat): string {
  return format === 'jsonl' ? 'spec JSONL like the lines above' : format === 'ftrace' ? 'ftrace text like the lines above' : 'STD like the lines above';
}
