/**
 * Serializes the conformance catalog: one JSONL trace per case under cases/<family>/<name>.jsonl
 * and manifest.json. Each trace starts with a header line (docs/trace-format.md allows extra
 * header fields) that carries the expectation and the segment sizes, so a trace file is
 * self-describing and `lockdep check` can run it as is.
 * Invariant: pure and deterministic; paths are relative to test/conformance/ with `/` separators.
 */
import type { FindingKind } from '../../src/engine/finding.js';
import { TRACE_FORMAT_VERSION } from '../../src/events/event.js';
import { buildCatalog, caseEvents, type ConformanceCase, type Verdict } from './catalog.js';

export interface ManifestEntry {
  name: string;
  family: string;
  section: string;
  file: string;
  expect: Verdict;
  kind?: FindingKind;
  also?: FindingKind[];
  cycle?: string[];
  permutable: boolean;
  segments: number;
  why: string;
}

export function caseFile(c: ConformanceCase): string {
  return `cases/${c.family}/${c.name}.jsonl`;
}

export function manifestEntry(c: ConformanceCase): ManifestEntry {
  return {
    name: c.name,
    family: c.family,
    section: c.section,
    file: caseFile(c),
    expect: c.expect,
    ...(c.kind === undefined ? {} : { kind: c.kind }),
    ...(c.also === undefined ? {} : { also: c.also }),
    ...(c.cycle === undefined ? {} : { cycle: c.cycle }),
    permutable: c.permutable,
    segments: c.segments.length,
    why: c.why,
  };
}

/** The JSONL text of one case: header, inits, segments in the case's order. */
export function renderCase(c: ConformanceCase): string {
  const header: Record<string, unknown> = {
    format: 'lockdep-trace',
    version: TRACE_FORMAT_VERSION,
    case: c.name,
    family: c.family,
    section: c.section,
    expect: c.expect,
  };
  if (c.kind !== undefined) header.kind = c.kind;
  if (c.also !== undefined) header.also = c.also;
  if (c.cycle !== undefined) header.cycle = c.cycle;
  header.inits = c.locks.length;
  header.segments = c.segments.map((s) => s.length);
  header.permutable = c.permutable;
  const lines = [JSON.stringify(header), ...caseEvents(c).map((e) => JSON.stringify(e))];
  return `${lines.join('\n')}\n`;
}

/** Every generated file: relative path -> content (manifest.json included). */
export function renderAll(catalog: readonly ConformanceCase[] = buildCatalog()): Map<string, string> {
  const files = new Map<string, string>();
  for (const c of catalog) files.set(caseFile(c), renderCase(c));
  files.set('manifest.json', `${JSON.stringify(catalog.map(manifestEntry), null, 2)}\n`);
  return files;
}
