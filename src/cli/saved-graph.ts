/**
 * The file `lockdep check --save-graph FILE` writes and `lockdep merge` / `lockdep report` read:
 * the engine's GraphSnapshot (`format: "lockdep-graph"`) with the run's result added under
 * `result`, so a merge knows which findings each run already reported. Also reads a saved
 * result (`--format json`) for `lockdep report`. Invariants: reading validates the shape (and
 * that dependencies name listed classes, each pair once) and names `file[:line]` on errors;
 * several snapshots are combined by replaying them into one Validator (the engine's own
 * merge), never by hand.
 */
import { z } from 'zod';
import { FINDING_KINDS, SEVERITIES } from '../engine/finding.js';
import { LOCK_TYPES } from '../events/event.js';
import type { CheckResult } from '../engine/result.js';
import type { GraphSnapshot } from '../engine/snapshot.js';
import { Validator } from '../engine/validator.js';
import { InputError } from '../io/input-error.js';
import { readJsonFile, validateJson } from '../io/json-input.js';

export interface SavedGraph extends GraphSnapshot {
  result?: CheckResult;
}

/** An event a finding cites; its line, when present, a whole number (1e999 would print as Infinity). */
const eventRefSchema = z.looseObject({ task: z.string(), line: z.int().min(0).optional() });

const findingSchema = z.looseObject({
  kind: z.enum(FINDING_KINDS),
  rule: z.string().nullable(),
  severity: z.enum(SEVERITIES),
  fingerprint: z.string(),
  message: z.string(),
  classes: z.array(z.string()),
  events: z.array(eventRefSchema),
});

/** Counts and bit masks: non-negative integers (a hand-edited file could say otherwise). */
const count = z.int().min(0);

const summarySchema = z.looseObject({
  events: count,
  tasks: count,
  classes: count,
  dependencies: count,
  violations: count,
});

export const resultSchema = z.looseObject({
  version: z.literal(1),
  violations: z.array(findingSchema),
  summary: summarySchema,
});

const witnessSchema = z.looseObject({
  from: z.string(),
  to: z.string(),
  types: z.array(z.string()),
  task: z.string(),
  prev: eventRefSchema,
  next: eventRefSchema,
});

const snapshotSchema = z.looseObject({
  format: z.literal('lockdep-graph'),
  version: z.literal(1),
  sources: z.array(z.string()),
  classes: z.array(z.looseObject({ name: z.string(), type: z.enum(LOCK_TYPES), usage: z.string(), usageMask: count, usageAt: z.array(z.unknown()) })),
  dependencies: z.array(z.looseObject({ from: z.string(), to: z.string(), mask: count, types: z.array(z.string()), witness: witnessSchema })),
  result: resultSchema.optional(),
});

/** Serializes a snapshot with the run's result (compact JSON: graphs can be large). */
export function serializeSavedGraph(snapshot: GraphSnapshot, result: CheckResult): string {
  const saved: SavedGraph = { ...snapshot, result };
  return `${JSON.stringify(saved)}\n`;
}

/**
 * The saved graph, refused when it names a class twice, a dependency on a class it does not
 * have, or one class pair twice (a hand-edited file; what check writes never does).
 */
function consistentGraph(snapshot: GraphSnapshot, file: string): GraphSnapshot {
  const fix = '(write the graph again with lockdep check --save-graph)';
  const names = new Set<string>();
  snapshot.classes.forEach((cls, index) => {
    if (names.has(cls.name)) throw new InputError(`not a consistent lockdep graph: classes.${index}: class '${cls.name}' is listed twice ${fix}`, { file });
    names.add(cls.name);
  });
  const pairs = new Set<string>();
  snapshot.dependencies.forEach((dep, index) => {
    const missing = [dep.from, dep.to].find((name) => !names.has(name));
    if (missing !== undefined) throw new InputError(`not a consistent lockdep graph: dependencies.${index}: class '${missing}' is not in classes ${fix}`, { file });
    const pair = JSON.stringify([dep.from, dep.to]);
    if (pairs.has(pair)) throw new InputError(`not a consistent lockdep graph: dependencies.${index}: ${dep.from} -> ${dep.to} is listed twice ${fix}`, { file });
    pairs.add(pair);
  });
  return snapshot;
}

/**
 * A parsed JSON value validated as a saved graph (`what` names it in errors), consistent as
 * `consistentGraph` checks; `result` is null for a bare snapshot.
 */
function parseSavedGraph(value: unknown, text: string, file: string, what: string): { snapshot: GraphSnapshot; result: CheckResult | null } {
  const { result, ...snapshot } = validateJson(snapshotSchema, value, text, file, what) as unknown as SavedGraph;
  return { snapshot: consistentGraph(snapshot, file), result: result ?? null };
}

/** Reads a saved graph; `result` is null when the file is a bare snapshot. */
export async function readSavedGraph(file: string): Promise<{ snapshot: GraphSnapshot; result: CheckResult | null }> {
  const { value, text } = await readJsonFile(file);
  return parseSavedGraph(value, text, file, 'lockdep graph (write one with lockdep check --save-graph FILE)');
}

/** Reads a saved result (`--format json`) or a saved graph, for `lockdep report`. */
export async function readResultOrGraph(file: string): Promise<{ result: CheckResult; snapshot: GraphSnapshot | null }> {
  const { value, text } = await readJsonFile(file);
  if (value !== null && typeof value === 'object' && (value as { format?: unknown }).format === 'lockdep-graph') {
    const { snapshot, result } = parseSavedGraph(value, text, file, 'lockdep graph');
    const empty = (): CheckResult => ({ version: 1, violations: [], summary: { events: 0, tasks: 0, classes: snapshot.classes.length, dependencies: snapshot.dependencies.length, violations: 0 } });
    return { result: result ?? empty(), snapshot };
  }
  const result = validateJson(resultSchema, value, text, file, 'lockdep result (write one with lockdep check --format json)') as unknown as CheckResult;
  return { result, snapshot: null };
}

/** One snapshot covering several runs, built by replaying them into a fresh Validator. */
export function combineSnapshots(snapshots: readonly GraphSnapshot[]): GraphSnapshot | null {
  if (snapshots.length === 0) return null;
  if (snapshots.length === 1) return snapshots[0] as GraphSnapshot;
  const validator = new Validator();
  const sources: string[] = [];
  for (const snapshot of snapshots) {
    validator.mergeSnapshot(snapshot);
    for (const source of snapshot.sources) if (!sources.includes(source)) sources.push(source);
  }
  return validator.snapshot(sources);
}
