/**
 * The baseline file (`lockdep baseline`, `--baseline FILE`): the known findings, by fingerprint.
 * Format: `{"format":"lockdep-baseline","version":1,"findings":[{fingerprint,kind,rule,classes}]}`.
 * Invariants: entries are unique by fingerprint and sorted by it, keys are written in a fixed
 * order, and nothing line-dependent is stored, so the same findings always give a byte-identical
 * file (reviewable diffs); reading validates the shape and names `file:line` on errors.
 */
import { z } from 'zod';
import { FINDING_KINDS, type Finding, type FindingKind } from '../engine/finding.js';
import type { CheckResult } from '../engine/result.js';
import { lineColumnAt, readJsonFile, validateJson } from '../io/json-input.js';

export const BASELINE_FORMAT = 'lockdep-baseline';
export const BASELINE_VERSION = 1;
export const DEFAULT_BASELINE_FILE = 'lockdep-baseline.json';

export interface BaselineEntry {
  fingerprint: string;
  kind: FindingKind;
  rule: string | null;
  classes: string[];
}

export interface Baseline {
  format: typeof BASELINE_FORMAT;
  version: typeof BASELINE_VERSION;
  findings: BaselineEntry[];
}

const entrySchema = z.object({
  fingerprint: z.string().min(1),
  kind: z.enum(FINDING_KINDS),
  rule: z.string().nullable(),
  classes: z.array(z.string()),
});

const baselineSchema = z.object({
  format: z.literal(BASELINE_FORMAT),
  version: z.literal(BASELINE_VERSION),
  findings: z.array(entrySchema),
});

const byFingerprint = (a: BaselineEntry, b: BaselineEntry): number =>
  a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : 0;

function entryOf(finding: Finding): BaselineEntry {
  return { fingerprint: finding.fingerprint, kind: finding.kind, rule: finding.rule, classes: [...finding.classes] };
}

/** Normalizes entries: one per fingerprint (first wins), sorted. */
export function normalizeEntries(entries: readonly BaselineEntry[]): BaselineEntry[] {
  const unique = new Map<string, BaselineEntry>();
  for (const entry of entries) if (!unique.has(entry.fingerprint)) unique.set(entry.fingerprint, entry);
  return [...unique.values()].sort(byFingerprint);
}

/** The baseline of every finding of a result, of every severity. */
export function createBaseline(result: CheckResult): Baseline {
  return { format: BASELINE_FORMAT, version: BASELINE_VERSION, findings: normalizeEntries(result.violations.map(entryOf)) };
}

/** Serializes a baseline: fixed key order, sorted entries, trailing newline. */
export function serializeBaseline(baseline: Baseline): string {
  const findings = normalizeEntries(baseline.findings).map((entry) => ({
    fingerprint: entry.fingerprint,
    kind: entry.kind,
    rule: entry.rule,
    classes: entry.classes,
  }));
  return `${JSON.stringify({ format: BASELINE_FORMAT, version: BASELINE_VERSION, findings }, null, 2)}\n`;
}

/** Parses baseline text. */
export function parseBaseline(text: string, value: unknown, file: string): Baseline {
  const parsed = validateJson(baselineSchema, value, text, file, 'lockdep baseline (write one with `lockdep baseline`)');
  return { format: BASELINE_FORMAT, version: BASELINE_VERSION, findings: parsed.findings.map((entry) => ({ ...entry, classes: [...entry.classes] })) };
}

/** Reads and validates a baseline file; also returns its text (for entry line numbers). */
export async function readBaseline(file: string): Promise<{ baseline: Baseline; text: string }> {
  const { value, text } = await readJsonFile(file);
  return { baseline: parseBaseline(text, value, file), text };
}

/** The 1-based line of an entry in the baseline file text, when it can be found. */
export function entryLine(text: string, entry: BaselineEntry): number | undefined {
  const index = text.indexOf(JSON.stringify(entry.fingerprint));
  return index < 0 ? undefined : lineColumnAt(text, index).line;
}
