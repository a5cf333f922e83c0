/**
 * Runs one trace (header already stripped) through a fresh Validator and returns the findings
 * in the order they were created, plus helpers to read a committed case file back into its
 * header and events. Shared by the conformance test; no assertions here.
 * Invariant: every run starts from an empty graph (the selftest's reset_locks()).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Finding } from '../../src/engine/finding.js';
import { Validator } from '../../src/engine/validator.js';
import type { TraceEvent } from '../../src/events/event.js';

export interface CaseHeader {
  format: 'lockdep-trace';
  version: number;
  case: string;
  family: string;
  section: string;
  expect: 'F' | 'S';
  kind?: string;
  also?: string[];
  inits: number;
  segments: number[];
  permutable: boolean;
}

export interface CaseFile {
  header: CaseHeader;
  /** All events after the header, in file order. */
  events: TraceEvent[];
}

export function readCaseFile(root: string, rel: string): CaseFile {
  const lines = readFileSync(join(root, rel), 'utf8').split('\n').filter((line) => line.trim() !== '');
  const [first, ...rest] = lines;
  if (first === undefined) throw new Error(`${rel}: empty case file`);
  const header = JSON.parse(first) as CaseHeader;
  if ((header.format as string) !== 'lockdep-trace') throw new Error(`${rel}:1: missing trace header`);
  return { header, events: rest.map((line) => JSON.parse(line) as TraceEvent) };
}

/** Splits a case's events into its inits and its segments (sizes from the header). */
export function splitSegments(file: CaseFile): { inits: TraceEvent[]; segments: TraceEvent[][] } {
  const inits = file.events.slice(0, file.header.inits);
  const segments: TraceEvent[][] = [];
  let at = file.header.inits;
  for (const size of file.header.segments) {
    segments.push(file.events.slice(at, at + size));
    at += size;
  }
  if (at !== file.events.length) throw new Error(`${file.header.case}: segment sizes do not cover the events`);
  return { inits, segments };
}

/** Validates `events` (line numbers as in the file: the header is line 1). */
export function runTrace(events: readonly TraceEvent[], file = 'case.jsonl'): Finding[] {
  const created: Finding[] = [];
  const validator = new Validator({ file, onFinding: (finding) => created.push(finding) });
  events.forEach((event, index) => validator.process(event, { file, line: index + 2 }));
  validator.end();
  return created;
}

/** Every permutation of 0..n-1, in lexicographic order (n <= 8 here). */
export function permutations(n: number): number[][] {
  if (n === 0) return [[]];
  const result: number[][] = [];
  for (const rest of permutations(n - 1)) {
    for (let at = 0; at <= rest.length; at++) result.push([...rest.slice(0, at), n - 1, ...rest.slice(at)]);
  }
  return result.sort((a, b) => a.join(',').localeCompare(b.join(',')));
}

/** A trace as JSONL, for failure messages. */
export function traceText(events: readonly TraceEvent[]): string {
  return events.map((event) => JSON.stringify(event)).join('\n');
}
