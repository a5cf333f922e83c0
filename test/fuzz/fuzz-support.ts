/**
 * Shared machinery of the fuzzers: the run count (`LOCKDEP_FUZZ_RUNS`, default 200 per
 * property in `npm test`, 20000 under `npm run fuzz`) and the seed (`LOCKDEP_FUZZ_SEED`, else
 * a random one, one per fuzz file), text mutators that turn a valid seed into damaged input
 * (with a dictionary of fragments that exhaust resources: deep nesting, huge numbers, long
 * strings), the "clean error" check, the "valid result" check, and the tally of inputs tried
 * that each fuzz file prints at the end with its seed and run count.
 * Invariants: every generator is deterministic for a fast-check seed (failures replay); a clean
 * error is an InputError whose `toString()` is one line starting with the file name (with a
 * 1-based line number when the parser is line-oriented) and carries no stack trace; anything
 * else thrown is a crash and fails the property.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import { FINDING_KINDS, SEVERITIES } from '../../src/engine/finding.js';
import type { CheckResult } from '../../src/engine/result.js';
import { InputError } from '../../src/io/input-error.js';

const DEFAULT_RUNS = 200;

/**
 * The seed of this fuzz file's run: `LOCKDEP_FUZZ_SEED=N` replays a run (fast-check also prints
 * the seed of a failure); otherwise a random one, set globally so the tally can print it.
 */
export const FUZZ_SEED = fuzzSeed(process.env['LOCKDEP_FUZZ_SEED']);
fc.configureGlobal({ seed: FUZZ_SEED });

function fuzzSeed(text: string | undefined): number {
  if (text === undefined || text === '') return (Math.random() * 0x7fffffff) | 0;
  const seed = Number(text);
  if (!Number.isInteger(seed)) throw new Error(`LOCKDEP_FUZZ_SEED must be an integer, got ${text}`);
  return seed;
}

/** Cases per property: `LOCKDEP_FUZZ_RUNS` (npm run fuzz sets 20000), else 200. */
export function fuzzRuns(scale = 1): number {
  const raw = process.env['LOCKDEP_FUZZ_RUNS'];
  const runs = raw === undefined || raw === '' ? DEFAULT_RUNS : Number(raw);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`LOCKDEP_FUZZ_RUNS must be a positive integer, got ${raw}`);
  return Math.max(1, Math.round(runs * scale));
}

/**
 * Vitest time-out for a fuzz test of `scale` × runs: generous, so only a hang trips it (about
 * 25 ms per case, at least a minute). Not a performance assertion.
 */
export function fuzzTimeout(scale = 1): number {
  return Math.max(60_000, fuzzRuns(scale) * 25);
}

/** Per-fuzzer tallies: inputs tried, of which clean errors and valid results. */
export class FuzzTally {
  readonly counts = new Map<string, { tried: number; errors: number; results: number }>();

  note(name: string, outcome: 'error' | 'result'): void {
    let entry = this.counts.get(name);
    if (entry === undefined) {
      entry = { tried: 0, errors: 0, results: 0 };
      this.counts.set(name, entry);
    }
    entry.tried++;
    if (outcome === 'error') entry.errors++;
    else entry.results++;
  }

  /**
   * A line with the seed and the run count per property, then one line per fuzzer, printed after
   * the file's tests (a crash fails the test itself, so it is not counted here).
   */
  report(): string {
    const lines = [`fuzz seed ${FUZZ_SEED} (replay: LOCKDEP_FUZZ_SEED=${FUZZ_SEED}), ${fuzzRuns()} runs per property (LOCKDEP_FUZZ_RUNS)`];
    for (const [name, c] of this.counts) {
      lines.push(`fuzz ${name}: ${c.tried} inputs, ${c.errors} clean errors, ${c.results} valid results`);
    }
    return lines.join('\n');
  }
}

// ─── mutators ─────────────────────────────────────────────────────────────────────────────

/** Fragments that tend to break parsers and renderers. */
export const HOSTILE_FRAGMENTS: readonly string[] = [
  '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf',
  '<img src=x onerror=alert(1)>', '</script>', '&amp;', ']]>', '"', "'", '\\', '`',
  '\u001b[31m', '\u001b]8;;http://x\u0007', '\u0000', '\u0007', '\b', '\r', '\n', '\r\n', '\t', '\u2028', '\u2029',
  '\ud800', '\udfff', '\ufeff', '\u202e', '%0A', '::', '%', '$', '${x}', '{{x}}',
  '{', '}', '[', ']', ',', ':', '|', '(', ')', '#', '-', ': ', '- ', '&a', '*a', '!!js/function', '<<',
  'null', 'true', 'false', '[]', '{}', '""', '0', '-1', '-0', '1e400', '-1e400', 'NaN', 'Infinity',
  '9007199254740993', '0x10', '1.5', '99999999999999999999', '1e-400',
];

/**
 * Fragments that exhaust a parser's resources on one line: nesting beyond the JSON limit (1,000)
 * and the YAML parser's stack (about 1,500), open or closed, numbers beyond a double, and a
 * string longer than a read chunk. Each must give a clean `file:line` error.
 */
export const RESOURCE_FRAGMENTS: readonly string[] = [
  '['.repeat(3000),
  '{"a":'.repeat(3000),
  `${'['.repeat(3000)}${']'.repeat(3000)}`,
  `${'{"a":'.repeat(3000)}1${'}'.repeat(3000)}`,
  '- '.repeat(3000),
  '9'.repeat(400),
  `-${'9'.repeat(400)}.5e99999`,
  `"${'x'.repeat(70_000)}"`,
];

const hostileFragment = fc.constantFrom(...HOSTILE_FRAGMENTS);
const resourceFragment = fc.constantFrom(...RESOURCE_FRAGMENTS);

/** A short random string: hostile fragments, printable text, unicode and control characters. */
export const junk: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: hostileFragment },
  { weight: 1, arbitrary: resourceFragment },
  { weight: 2, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 8 }) },
  { weight: 1, arbitrary: fc.string({ unit: fc.integer({ min: 0, max: 31 }).map((c) => String.fromCharCode(c)), maxLength: 4 }) },
);

type Mutation = (text: string) => string;

/** Positions are fractions of the text length, so a mutation applies to any text. */
const position = fc.double({ min: 0, max: 1, noNaN: true });
function at(text: string, fraction: number): number {
  return Math.min(text.length, Math.floor(fraction * (text.length + 1)));
}
function span(text: string, a: number, b: number): [number, number] {
  const x = at(text, a);
  const y = at(text, b);
  return x <= y ? [x, y] : [y, x];
}

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  // insert a fragment
  fc.tuple(position, junk).map(([p, s]): Mutation => (t) => t.slice(0, at(t, p)) + s + t.slice(at(t, p))),
  // replace a short range by a fragment
  fc.tuple(position, fc.integer({ min: 1, max: 8 }), junk).map(([p, n, s]): Mutation => (t) => {
    const i = at(t, p);
    return t.slice(0, i) + s + t.slice(i + n);
  }),
  // delete a range
  fc.tuple(position, position).map(([a, b]): Mutation => (t) => {
    const [x, y] = span(t, a, b);
    return t.slice(0, x) + t.slice(y);
  }),
  // duplicate a range
  fc.tuple(position, position).map(([a, b]): Mutation => (t) => {
    const [x, y] = span(t, a, b);
    return t.slice(0, y) + t.slice(x, y) + t.slice(y);
  }),
  // truncate
  position.map((p): Mutation => (t) => t.slice(0, at(t, p))),
  // flip one character's code
  fc.tuple(position, fc.integer({ min: 0, max: 0xffff })).map(([p, c]): Mutation => (t) => {
    const i = Math.min(at(t, p), Math.max(0, t.length - 1));
    return t.slice(0, i) + String.fromCharCode(c) + t.slice(i + 1);
  }),
  // swap two lines
  fc.tuple(fc.nat(), fc.nat()).map(([a, b]): Mutation => (t) => {
    const lines = t.split('\n');
    const i = a % lines.length;
    const j = b % lines.length;
    [lines[i], lines[j]] = [lines[j] ?? '', lines[i] ?? ''];
    return lines.join('\n');
  }),
  // repeat one line many times
  fc.tuple(fc.nat(), fc.integer({ min: 2, max: 60 })).map(([a, n]): Mutation => (t) => {
    const lines = t.split('\n');
    const i = a % lines.length;
    lines.splice(i, 0, ...Array.from({ length: n }, () => lines[i] ?? ''));
    return lines.join('\n');
  }),
);

/** A seed text damaged by 1 to `max` mutations. */
export function mutated(seeds: readonly string[], max = 6): fc.Arbitrary<string> {
  return fc
    .tuple(fc.constantFrom(...seeds), fc.array(mutation, { minLength: 1, maxLength: max }))
    .map(([seed, steps]) => steps.reduce((text, step) => step(text), seed));
}

/** Lines drawn from the seeds' own lines, shuffled and recombined with junk lines. */
export function recombined(seeds: readonly string[], maxLines = 30): fc.Arbitrary<string> {
  const pool = [...new Set(seeds.flatMap((s) => s.split('\n')))];
  const line = fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...pool) }, { weight: 1, arbitrary: junk });
  return fc.array(line, { maxLength: maxLines }).map((lines) => lines.join('\n'));
}

/** Either a mutated seed, a recombination of seed lines, or plain random text. */
export function inputText(seeds: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 5, arbitrary: mutated(seeds) },
    { weight: 3, arbitrary: recombined(seeds) },
    { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
  );
}

// ─── outcome checks ───────────────────────────────────────────────────────────────────────

/** Characters a terminal would act on: C0 controls other than tab, DEL, C1 controls. */
// eslint-disable-next-line no-control-regex -- finds the control characters a terminal acts on
export const TERMINAL_CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/;

export interface CleanErrorExpectation {
  /** The error must name a line (line-oriented parsers always know it). */
  line?: boolean;
}

/** Asserts that `error` is the clean error of the contract; rethrows anything else (a crash). */
export function expectCleanError(error: unknown, file: string, expectation: CleanErrorExpectation = {}): InputError {
  if (!(error instanceof InputError)) throw error;
  const text = error.toString();
  expect(text.startsWith(file), text).toBe(true);
  if (expectation.line === true) {
    expect(error.line, text).toBeTypeOf('number');
    expect(Number.isInteger(error.line) && (error.line ?? 0) >= 1, text).toBe(true);
    expect(text.startsWith(`${file}:${error.line}`), text).toBe(true);
  }
  if (error.col !== undefined) expect(Number.isInteger(error.col) && error.col >= 1, text).toBe(true);
  expect(error.message.trim().length, text).toBeGreaterThan(0);
  // The CLI prints it on one line (newlines folded); it must not carry a stack trace.
  expect(text, 'no stack trace in the message').not.toMatch(/\n\s+at /);
  return error;
}

const KIND_SET = new Set<string>(FINDING_KINDS);
const SEVERITY_SET = new Set<string>(SEVERITIES);

/** Asserts that a CheckResult is well formed (spec "Machine-readable result") and JSON-safe. */
export function expectValidResult(result: CheckResult): void {
  expect(result.version).toBe(1);
  expect(Array.isArray(result.violations)).toBe(true);
  for (const finding of result.violations) {
    expect(KIND_SET.has(finding.kind), finding.kind).toBe(true);
    expect(SEVERITY_SET.has(finding.severity), finding.severity).toBe(true);
    expect(typeof finding.fingerprint === 'string' && finding.fingerprint.length > 0).toBe(true);
    expect(typeof finding.message).toBe('string');
    expect(Array.isArray(finding.classes)).toBe(true);
    for (const name of finding.classes) expect(typeof name).toBe('string');
    expect(Array.isArray(finding.events)).toBe(true);
    if (finding.kind === 'rule-violation') expect(typeof finding.rule).toBe('string');
  }
  const s = result.summary;
  for (const key of ['events', 'tasks', 'classes', 'dependencies', 'violations'] as const) {
    expect(Number.isInteger(s[key]) && s[key] >= 0, key).toBe(true);
  }
  expect(s.violations).toBe(result.violations.length);
  const fingerprints = new Set(result.violations.map((f) => f.fingerprint));
  expect(fingerprints.size, 'findings are deduped by fingerprint').toBe(result.violations.length);
  // Round-trips through JSON without loss: no undefined-valued keys, no non-JSON values, no cycles.
  expect(JSON.parse(JSON.stringify(result))).toStrictEqual(result);
}

/** Asserts nothing polluted Object.prototype (every fuzz case ends with this). */
export function expectNoPrototypePollution(): void {
  const probe: Record<string, unknown> = {};
  expect(probe['polluted']).toBeUndefined();
  expect(Object.keys(Object.prototype)).toEqual([]);
  expect(Object.getPrototypeOf(probe)).toBe(Object.prototype);
  expect(typeof ({} as { toString: unknown }).toString).toBe('function');
}
