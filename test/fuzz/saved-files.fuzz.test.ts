/**
 * Fuzzes the JSON files lockdep reads back: baselines (src/baseline/baseline-file.ts, applied
 * by apply-baseline.ts), saved graphs (`--save-graph`, read by src/cli/saved-graph.ts and merged
 * by `lockdep merge`) and saved results (`--format json`, re-rendered by `lockdep report`).
 * Seeds are real outputs of the engine; mutations damage the text, and a structural fuzzer
 * replaces values deep in the JSON tree with hostile ones (so the schema, not JSON.parse, is
 * what rejects them, or the merge and the renderers have to cope).
 * Properties: a clean InputError naming the file, or a baseline / merge / report whose result
 * is valid and renders in every synchronous format; nothing touches Object.prototype.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { applyBaseline, pruneBaseline } from '../../src/baseline/apply-baseline.js';
import { readBaseline, serializeBaseline } from '../../src/baseline/baseline-file.js';
import { mergeGraphs } from '../../src/check/merge-graphs.js';
import { readResultOrGraph, readSavedGraph } from '../../src/cli/saved-graph.js';
import { Validator } from '../../src/engine/validator.js';
import { renderAll } from './check-pipeline.js';
import { FuzzTally, expectCleanError, expectNoPrototypePollution, expectValidResult, fuzzRuns, fuzzTimeout, inputText, junk } from './fuzz-support.js';
import { BASELINE_SEEDS, GRAPH_SEEDS, RESULT_SEEDS } from './seeds.js';

const tally = new FuzzTally();
const dir = mkdtempSync(join(tmpdir(), 'lockdep-fuzz-saved-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  console.info(tally.report());
});

let fileCount = 0;
function tempFile(text: string, extension: string): string {
  const path = join(dir, `f${fileCount++}.${extension}`);
  writeFileSync(path, text);
  return path;
}

/** Replaces one value somewhere in a JSON tree (by a path of fractions) with `value`. */
function replaceDeep(tree: unknown, path: readonly number[], value: unknown, deleteIt: boolean): unknown {
  if (path.length === 0 || tree === null || typeof tree !== 'object') return value;
  const [step = 0, ...rest] = path;
  if (Array.isArray(tree)) {
    if (tree.length === 0) return deleteIt ? tree : [value];
    const index = Math.floor(step * tree.length) % tree.length;
    const copy = tree.slice();
    if (deleteIt && rest.length === 0) copy.splice(index, 1);
    else copy[index] = replaceDeep(copy[index], rest, value, deleteIt);
    return copy;
  }
  const keys = Object.keys(tree);
  if (keys.length === 0) return value;
  const key = keys[Math.floor(step * keys.length) % keys.length] as string;
  const copy: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(tree)) Object.defineProperty(copy, k, { value: v, enumerable: true, writable: true, configurable: true });
  if (deleteIt && rest.length === 0) delete copy[key];
  else Object.defineProperty(copy, key, { value: replaceDeep(copy[key], rest, value, deleteIt), enumerable: true, writable: true, configurable: true });
  return copy;
}

const hostileValue = fc.oneof(
  junk,
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom<unknown>(null, [], {}, -1, 0, 1e300, 'error', 'warning', 'circular-dependency', 'rule-violation', { task: '__proto__' }, { __proto__: null }),
);

/** Seed JSON with 1 to 4 values replaced or removed at random depths, pretty or compact. */
function structural(seeds: readonly string[]): fc.Arbitrary<string> {
  const trees = seeds.map((seed) => JSON.parse(seed) as unknown);
  const edit = fc.tuple(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 7 }), hostileValue, fc.boolean());
  return fc.tuple(fc.constantFrom(...trees), fc.array(edit, { minLength: 1, maxLength: 4 }), fc.boolean()).map(([tree, edits, pretty]) => {
    const edited = edits.reduce<unknown>((t, [path, value, deleteIt]) => replaceDeep(t, path, value, deleteIt), tree);
    return `${JSON.stringify(edited, null, pretty ? 2 : undefined)}\n`;
  });
}

/**
 * Seed JSON whose leaves keep their types but take hostile values: strings become hostile
 * names, numbers become other numbers (negative, huge, fractional). The schema accepts these,
 * so the merge and the renderers must cope.
 */
function typePreserving(seeds: readonly string[]): fc.Arbitrary<string> {
  const trees = seeds.map((seed) => JSON.parse(seed) as unknown);
  const replacements = fc.record({
    strings: fc.array(junk, { minLength: 1, maxLength: 8 }),
    numbers: fc.array(fc.oneof({ weight: 4, arbitrary: fc.nat(1 << 30) }, { weight: 1, arbitrary: fc.integer({ min: -5, max: 5 }) }, { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) }), { minLength: 1, maxLength: 8 }),
    every: fc.integer({ min: 1, max: 6 }),
  });
  return fc.tuple(fc.constantFrom(...trees), replacements).map(([tree, { strings, numbers, every }]) => {
    let leaf = 0;
    const walk = (value: unknown, key: string | undefined): unknown => {
      if (Array.isArray(value)) return value.map((item) => walk(item, undefined));
      if (value !== null && typeof value === 'object') {
        const copy: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(value)) Object.defineProperty(copy, k, { value: walk(v, k), enumerable: true, writable: true, configurable: true });
        return copy;
      }
      // Keep the discriminating fields, so the schema still recognises the file.
      if (key === 'format' || key === 'version' || key === 'kind' || key === 'severity' || key === 'type') return value;
      leaf++;
      if (leaf % every !== 0) return value;
      if (typeof value === 'string') return strings[leaf % strings.length];
      if (typeof value === 'number') return numbers[leaf % numbers.length];
      return value;
    };
    return `${JSON.stringify(walk(tree, undefined))}\n`;
  });
}

function jsonInput(seeds: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 1, arbitrary: inputText(seeds) },
    { weight: 2, arbitrary: structural(seeds) },
    { weight: 2, arbitrary: typePreserving(seeds) },
  );
}

const seedResult = JSON.parse(RESULT_SEEDS[0] ?? '{}') as Parameters<typeof applyBaseline>[0];
const seedGraphFile = tempFile(GRAPH_SEEDS[0] ?? '', 'json');

describe('saved file fuzzing', () => {
  it('baselines: clean error naming the file or a baseline that applies', async () => {
    await fc.assert(
      fc.asyncProperty(jsonInput(BASELINE_SEEDS), async (text) => {
        const file = tempFile(text, 'json');
        try {
          const { baseline } = await readBaseline(file);
          const outcome = applyBaseline(structuredClone(seedResult), baseline);
          expectValidResult(outcome.result);
          renderAll(outcome.result);
          const pruned = pruneBaseline(baseline, outcome.stale);
          expect(serializeBaseline(pruned)).toBe(serializeBaseline(pruneBaseline(pruned, [])));
          tally.note('baseline', 'result');
        } catch (error) {
          expectCleanError(error, file);
          tally.note('baseline', 'error');
        }
        expectNoPrototypePollution();
      }),
      { numRuns: fuzzRuns() },
    );
  }, fuzzTimeout());

  it('saved graphs: clean error naming the file or a merge with a valid result', async () => {
    await fc.assert(
      fc.asyncProperty(jsonInput(GRAPH_SEEDS), async (text) => {
        const file = tempFile(text, 'json');
        try {
          const inputs = [
            { file: seedGraphFile, ...(await readSavedGraph(seedGraphFile)) },
            { file, ...(await readSavedGraph(file)) },
          ];
          const { result, snapshot } = mergeGraphs(inputs, new Validator({ file: '<merge>' }));
          expectValidResult(result);
          renderAll(result, snapshot);
          tally.note('saved-graph', 'result');
        } catch (error) {
          expectCleanError(error, file);
          tally.note('saved-graph', 'error');
        }
        expectNoPrototypePollution();
      }),
      { numRuns: fuzzRuns() },
    );
  }, fuzzTimeout());

  it('saved results and graphs for lockdep report: clean error naming the file or every format renders', async () => {
    await fc.assert(
      fc.asyncProperty(jsonInput([...RESULT_SEEDS, ...GRAPH_SEEDS]), async (text) => {
        const file = tempFile(text, 'json');
        try {
          const { result, snapshot } = await readResultOrGraph(file);
          renderAll(result, snapshot);
          tally.note('saved-result', 'result');
        } catch (error) {
          expectCleanError(error, file);
          tally.note('saved-result', 'error');
        }
        expectNoPrototypePollution();
      }),
      { numRuns: fuzzRuns() },
    );
  }, fuzzTimeout());

  it('every seed is valid on its own', async () => {
    for (const seed of BASELINE_SEEDS) expect((await readBaseline(tempFile(seed, 'json'))).baseline.findings.length).toBeGreaterThan(0);
    for (const seed of GRAPH_SEEDS) expect((await readSavedGraph(tempFile(seed, 'json'))).snapshot.dependencies.length).toBeGreaterThan(0);
    for (const seed of RESULT_SEEDS) expect((await readResultOrGraph(tempFile(seed, 'json'))).result.violations.length).toBeGreaterThan(0);
  });
});
