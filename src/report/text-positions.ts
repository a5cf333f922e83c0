/**
 * Where an event happened, as the text report prints it: its call site (site, else innermost
 * stack frame, else trace position), its trace position (`trace.jsonl:12`, or `event #12` in a
 * run that was not recorded) and the stack frames below the site. Pure string helpers.
 */
import type { EventRef } from '../engine/finding.js';
import { isEventCounter } from './source-position.js';

/** `trace.jsonl:12`, `event #12` for an unrecorded run, the file alone without a line. */
export function traceLabel(ref: EventRef): string | undefined {
  if (ref.file === undefined) return undefined;
  if (ref.line === undefined) return ref.file;
  return isEventCounter(ref.file) ? `event #${ref.line}` : `${ref.file}:${ref.line}`;
}

/** The call site of an event: its `site`, else its innermost frame, else its trace position. */
export function siteOf(ref: EventRef): string {
  return ref.site ?? ref.stack?.[0] ?? traceLabel(ref) ?? '<unknown>';
}

/** ` [trace.jsonl:12]` when the site shown is not already the trace position. */
export function positionSuffix(ref: EventRef): string {
  const position = traceLabel(ref);
  if (position === undefined) return '';
  if (ref.site === undefined && ref.stack?.[0] === undefined) return '';
  return ` [${position}]`;
}

/** Stack frames below the one `siteOf` already printed. */
export function extraFrames(ref: EventRef): readonly string[] {
  const stack = ref.stack ?? [];
  if (ref.site === undefined || stack[0] === ref.site) return stack.slice(1);
  return stack;
}
