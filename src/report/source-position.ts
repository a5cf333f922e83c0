/**
 * Finding source positions for the location-aware formats (SARIF, GitHub annotations).
 * A witness has a position when its call site (or a stack frame) names `file:line[:col]`, as in
 * `src/kvm.ts:88` or `at f (src/kvm.ts:88:5)`; otherwise the trace position (`file` + `line`
 * of the EventRef) is used. Kernel sites like `install_new_memslots+0x5a/0x120` have none.
 */
import type { EventRef, Finding } from '../engine/finding.js';
import { STDIN_NAME } from '../events/jsonl-reader.js';

export interface SourcePosition {
  file: string;
  line: number;
  column?: number;
}

const POSITION = /(?:^|[\s(])((?:file:\/\/)?[^\s()]+?):(\d+)(?::(\d+))?\)?\s*$/;

/** Parses the trailing `file:line[:col]` of a site or stack frame; null when there is none. */
export function parseSourcePosition(text: string): SourcePosition | null {
  const match = POSITION.exec(text.trim());
  if (!match) return null;
  let file = match[1] ?? '';
  if (file.startsWith('file://')) file = file.slice('file://'.length);
  if (file === '' || file.startsWith('node:') || /^[a-z]+:\/\//i.test(file)) return null;
  const line = Number(match[2]);
  if (!Number.isSafeInteger(line) || line < 1) return null;
  const position: SourcePosition = { file, line };
  if (match[3] !== undefined) {
    const column = Number(match[3]);
    if (Number.isSafeInteger(column) && column >= 1) position.column = column;
  }
  return position;
}

/** The source position of a witness's code (site first, then stack frames innermost first). */
export function codePosition(ref: EventRef): SourcePosition | null {
  if (ref.site !== undefined) {
    const fromSite = parseSourcePosition(ref.site);
    if (fromSite) return fromSite;
  }
  for (const frame of ref.stack ?? []) {
    const fromFrame = parseSourcePosition(frame);
    if (fromFrame) return fromFrame;
  }
  return null;
}

/**
 * True for a pseudo file name in angle brackets (`<simulation>`, `<sim.mjs>`): a run that was not
 * recorded. Its "line" is the event's number in the run, not a line of any file. `<stdin>` is
 * not one: a trace read from standard input has real lines.
 */
export function isEventCounter(file: string): boolean {
  return file.startsWith('<') && file.endsWith('>') && file !== STDIN_NAME;
}

/** The position of the witness in its trace file, when known (never for an unrecorded run). */
export function tracePosition(ref: EventRef): SourcePosition | null {
  if (ref.file === undefined || ref.line === undefined || isEventCounter(ref.file)) return null;
  return { file: ref.file, line: ref.line };
}

/** Where a witness points: its code position when it has one, else its trace position. */
export function witnessPosition(ref: EventRef): SourcePosition | null {
  return codePosition(ref) ?? tracePosition(ref);
}

/** The witness a finding is reported at: its trigger, else its first event, else its first chain edge. */
export function primaryWitness(finding: Finding): EventRef | null {
  return finding.trigger ?? finding.events[0] ?? finding.chain?.[0]?.next ?? null;
}

/** `file:line[:col]`. */
export function formatPosition(position: SourcePosition): string {
  return position.column === undefined
    ? `${position.file}:${position.line}`
    : `${position.file}:${position.line}:${position.column}`;
}
