/**
 * Fuzzes the JSONL trace reader (src/events/jsonl-reader.ts, event-validate.ts,
 * jsonl-fast-parse.ts) and the engine behind it: mutated seed traces, recombined seed lines,
 * random text, and structurally mutated events (fields swapped for hostile values).
 * Properties: the answer is a clean InputError at `file:line`, or a valid result that every
 * synchronous format renders; the result does not depend on how the text is cut into chunks;
 * nothing touches Object.prototype.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/io/input-error.js';
import { TraceLineParser, parseTraceText } from '../../src/events/jsonl-reader.js';
import type { TraceRecord } from '../../src/events/jsonl-reader.js';
import { renderAll, runPipeline } from './check-pipeline.js';
import { FuzzTally, expectCleanError, expectNoPrototypePollution, fuzzRuns, fuzzTimeout, inputText, junk } from './fuzz-support.js';
import { JSONL_ALL_OPS, JSONL_SEEDS } from './seeds.js';

const FILE = 'fuzz.jsonl';
const tally = new FuzzTally();
afterAll(() => console.info(tally.report()));

/** Parse, check and render one text; returns what happened. */
function checkText(text: string, name: string): 'error' | 'result' {
  let records: TraceRecord[];
  try {
    records = parseTraceText(text, FILE).records;
  } catch (error) {
    expectCleanError(error, FILE, { line: true });
    tally.note(name, 'error');
    return 'error';
  }
  const outcome = runPipeline(FILE, (sink) => {
    for (const { event, origin } of records) sink(event, origin);
  });
  if (outcome instanceof InputError) {
    expectCleanError(outcome, FILE, { line: true });
    tally.note(name, 'error');
    return 'error';
  }
  renderAll(outcome);
  tally.note(name, 'result');
  return 'result';
}

/** A hostile or wrongly typed value for an event field. */
const fieldValue = fc.oneof(
  junk,
  fc.jsonValue({ maxDepth: 2 }),
  fc.integer(),
  fc.double(),
  fc.constantFrom('acquire', 'release', 'init', 'exit', 'write', 'read', 'recursive-read', 'hardirq', 'enter', 'any', 'map'),
);
const fieldName = fc.constantFrom(
  'op', 'task', 'lock', 'class', 'type', 'mode', 'try', 'subclass', 'nest', 'site', 'stack', 'ts',
  'kind', 'action', 'held', 'var', 'write', 'format', 'version', '__proto__', 'constructor', 'percpu',
);

const seedEvents: Record<string, unknown>[] = JSONL_ALL_OPS.split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as Record<string, unknown>);

/** Seed events with fields set to random values or removed, re-serialized line by line. */
const structurallyMutated = fc
  .array(
    fc.tuple(fc.nat(seedEvents.length - 1), fc.array(fc.tuple(fieldName, fc.option(fieldValue)), { maxLength: 3 })),
    { minLength: 1, maxLength: 40 },
  )
  .map((lines) =>
    lines
      .map(([index, edits]) => {
        const event: Record<string, unknown> = { ...seedEvents[index] };
        for (const [name, value] of edits) {
          if (value === null) delete event[name];
          else Object.defineProperty(event, name, { value, enumerable: true, writable: true, configurable: true });
        }
        return JSON.stringify(event);
      })
      .join('\n'),
  );

/** Cuts text into random chunks and feeds them to a line parser. */
function parseInChunks(text: string, cuts: number[]): { records: TraceRecord[] } | { error: string } {
  const records: TraceRecord[] = [];
  const parser = new TraceLineParser(FILE, (event, origin) => records.push({ event, origin }));
  const points = [...new Set(cuts.map((c) => Math.floor(c * text.length)))].sort((a, b) => a - b);
  try {
    let start = 0;
    for (const point of points) {
      parser.push(text.slice(start, point));
      start = point;
    }
    parser.push(text.slice(start));
    parser.end();
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    return { error: error.toString() };
  }
  return { records };
}

function parseWhole(text: string): { records: TraceRecord[] } | { error: string } {
  try {
    return { records: parseTraceText(text, FILE).records };
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    return { error: error.toString() };
  }
}

/** Identity fields renamed consistently (an injective map) in the all-ops seed. */
const RENAMED_FIELDS = ['task', 'lock', 'class', 'nest', 'var'] as const;
const seedNames = [...new Set(seedEvents.flatMap((event) => RENAMED_FIELDS.map((field) => event[field]).filter((v) => v !== undefined).map(String)))];

/** A name with no `/` (that would collide with lockdep's `name/subclass` class names). */
const hostileName = fc.oneof(junk, fc.string({ unit: 'binary', minLength: 1, maxLength: 6 })).filter((name) => name.length > 0 && !name.includes('/'));

const renamedSeed = fc.uniqueArray(hostileName, { minLength: seedNames.length, maxLength: seedNames.length }).map((names) => {
  const rename = new Map(seedNames.map((name, index) => [name, names[index] as string]));
  const text = seedEvents
    .map((event) => {
      const copy: Record<string, unknown> = { ...event };
      for (const field of RENAMED_FIELDS) if (copy[field] !== undefined) copy[field] = rename.get(String(copy[field]));
      return JSON.stringify(copy);
    })
    .join('\n');
  return { text, rename };
});

/** kind and classes of each finding, with classes mapped through `back` (`name/N` keeps N). */
function shapeOf(result: { violations: readonly { kind: string; classes: readonly string[] }[] }, back: (name: string) => string): string[] {
  return result.violations.map((f) => `${f.kind}|${f.classes.map(back).join(',')}`).sort();
}

describe('JSONL fuzzing', () => {
  it('hostile names (renamed consistently) give the same findings as the original names', () => {
    const original = runPipeline(FILE, (sink) => {
      for (const { event, origin } of parseTraceText(JSONL_ALL_OPS, FILE).records) sink(event, origin);
    }, { rules: false });
    if (original instanceof InputError) throw original;
    const originalShape = shapeOf(original, (name) => name);
    fc.assert(
      fc.property(renamedSeed, ({ text, rename }) => {
        const inverse = new Map([...rename].map(([from, to]) => [to, from]));
        const back = (name: string): string => {
          const sub = /^(.*)\/(\d)$/s.exec(name);
          return sub !== null && inverse.has(sub[1] ?? '') ? `${inverse.get(sub[1] ?? '')}/${sub[2]}` : (inverse.get(name) ?? `?${name}`);
        };
        const renamed = runPipeline(FILE, (sink) => {
          for (const { event, origin } of parseTraceText(text, FILE).records) sink(event, origin);
        }, { rules: false });
        if (renamed instanceof InputError) throw renamed;
        expect(shapeOf(renamed, back)).toEqual(originalShape);
        expect(renamed.summary).toEqual(original.summary);
        renderAll(renamed);
        tally.note('jsonl-hostile-names', 'result');
        expectNoPrototypePollution();
      }),
      { numRuns: fuzzRuns(0.5) },
    );
  }, fuzzTimeout(0.5));

  it('mutated, recombined and random text: clean error at file:line or a valid result', () => {
    fc.assert(
      fc.property(inputText(JSONL_SEEDS), (text) => {
        checkText(text, 'jsonl-text');
        expectNoPrototypePollution();
      }),
      { numRuns: fuzzRuns() },
    );
  }, fuzzTimeout());

  it('structurally mutated events: clean error at file:line or a valid result', () => {
    fc.assert(
      fc.property(structurallyMutated, (text) => {
        checkText(text, 'jsonl-events');
        expectNoPrototypePollution();
      }),
      { numRuns: fuzzRuns() },
    );
  }, fuzzTimeout());

  it('the outcome does not depend on where the chunks are cut', () => {
    fc.assert(
      fc.property(
        fc.oneof(inputText(JSONL_SEEDS), structurallyMutated),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 12 }),
        (text, cuts) => {
          const whole = parseWhole(text);
          const chunked = parseInChunks(text, cuts);
          expect(chunked).toEqual(whole);
          tally.note('jsonl-chunking', 'error' in whole ? 'error' : 'result');
        },
      ),
      { numRuns: fuzzRuns(0.5) },
    );
  }, fuzzTimeout(0.5));

  it('every seed is valid on its own', () => {
    for (const seed of JSONL_SEEDS) expect(checkText(seed, 'jsonl-seeds')).toBe('result');
  });
});
