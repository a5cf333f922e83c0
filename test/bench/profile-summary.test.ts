/**
 * bench/profile-summary.js and its rendering in docs/performance.md (scripts/update-bench-table.mjs):
 * a CPU profile's self time is added up per sampled node, grouped per area of the code and per
 * function (named by its src/ file), idle samples left out; the performance document shows each
 * profiled run's areas and top functions with their shares.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { areaOf, sourceOf, summarizeProfile } from '../../bench/profile-summary.js';
import { benchRecord, renderPerformanceTables } from '../../scripts/update-bench-table.mjs';

const DIST = 'file:///work/lockdep/dist';

/** A profile of `nodes` (id, name, url) whose samples are [node id, microseconds] in order. */
function profile(nodes: Array<[number, string, string]>, samples: Array<[number, number]>) {
  return {
    nodes: nodes.map(([id, functionName, url]) => ({ id, callFrame: { functionName, url, lineNumber: 0, columnNumber: 0, scriptId: '0' } })),
    samples: samples.map(([id]) => id),
    timeDeltas: samples.map(([, us]) => us),
  };
}

describe('profile summary', () => {
  test('adds self time per node, then per function and per area; idle is left out', () => {
    const summary = summarizeProfile(profile(
      [
        [1, '(root)', ''],
        [2, 'line', `${DIST}/events/std-fast-lane.js`],
        [3, 'acquireAt', `${DIST}/engine/validator.js`],
        [4, '(garbage collector)', ''],
        [5, '(idle)', ''],
        [6, 'line', `${DIST}/events/std-fast-lane.js`],
        [7, 'read', ''],
      ],
      [[2, 3000], [3, 1500], [6, 1000], [4, 500], [5, 9000], [7, 2000], [2, 1000]],
    ), 3);
    expect(summary.totalMs).toBe(9);
    expect(summary.areas).toEqual([
      { area: 'reading and parsing (src/events)', ms: 5 },
      { area: 'native (file reads, buffer search, compilation)', ms: 2 },
      { area: 'engine (src/engine)', ms: 2 },
      { area: 'garbage collector', ms: 1 },
    ]);
    // Two nodes of one function (two call paths) are one function.
    expect(summary.top).toEqual([
      { name: 'line', source: 'src/events/std-fast-lane.ts', ms: 5 },
      { name: 'read', source: '(native)', ms: 2 },
      { name: 'acquireAt', source: 'src/engine/validator.ts', ms: 2 },
    ]);
  });

  test('areas and sources of frames', () => {
    const frame = (functionName: string, url: string) => ({ functionName, url });
    expect(areaOf(frame('x', `${DIST}/cli/main.js`))).toBe('other lockdep code');
    expect(areaOf(frame('readFileSync', 'node:fs'))).toBe('Node built-ins (JavaScript)');
    expect(areaOf(frame('(program)', ''))).toBe('V8 and Node (not attributed)');
    expect(areaOf(frame('parse', 'file:///work/lockdep/node_modules/yaml/dist/index.js'))).toBe('packages and the bench worker');
    expect(sourceOf(`${DIST}/engine/chain-cache.js`)).toBe('src/engine/chain-cache.ts');
    expect(sourceOf('node:buffer')).toBe('node:buffer');
    expect(sourceOf('file:///work/lockdep/node_modules/yaml/dist/index.js')).toBe('index.js');
    expect(sourceOf('file:///work/lockdep/bench/worker.js')).toBe('worker.js');
  });

  test('docs/performance.md shows each profiled run: areas and top functions with shares, and the helper threads', () => {
    const saved = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', 'bench-results-quick.json'), 'utf8'));
    const run = {
      run: 'STD 10M', events: 10_000_000, mainThreadCpuMs: 1430, helperThreadsCpuMs: 110, totalMs: 1600,
      areas: [{ area: 'engine (src/engine)', ms: 1000 }, { area: 'garbage collector', ms: 600 }],
      top: [{ name: 'acquireAt', source: 'src/engine/validator.ts', ms: 400 }, { name: 'read', source: '(native)', ms: 300 }],
      readMs: 45,
    };
    const text = renderPerformanceTables(benchRecord({ ...saved, quick: false, profile: [run] }));
    expect(text).toContain("CPU profile of the main thread, STD 10M (1,600 ms sampled, self time; V8's helper threads, not in the profile: 110 ms; the file reads themselves, timed around each call: 45 ms (the profile puts 300 ms under `read`)):");
    expect(text).toContain('| engine (src/engine) | 1,000 | 62.5% |');
    expect(text).toContain('| garbage collector | 600 | 37.5% |');
    expect(text).toContain('| `acquireAt` | src/engine/validator.ts | 400 | 25.0% |');
    // Without profiles (an older record) nothing is added.
    expect(renderPerformanceTables(benchRecord({ ...saved, quick: false }))).not.toContain('CPU profile');
  });
});
