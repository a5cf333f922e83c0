/**
 * The transitive reduction of a condensation (src/infer/transitive-reduction.ts): its ways (a
 * search within a budget, bitsets, bitsets after a search past its budget, the search without a
 * budget used when bitsets would not fit) agree with a brute-force reduction on random graphs
 * with cycles: small ones, ones whose bitset rows span several words, and wide fan-outs.
 */
import { fc, test } from '@fast-check/vitest';
import { expect } from 'vitest';
import { stronglyConnectedComponents } from '../../src/graph/strongly-connected.js';
import { reducedComponentEdges } from '../../src/infer/transitive-reduction.js';

function adjacency(nodes: number, edges: ReadonlyArray<readonly [number, number]>): { start: Int32Array; next: Int32Array } {
  const start = new Int32Array(nodes + 1);
  for (const [from] of edges) start[from + 1]!++;
  for (let node = 0; node < nodes; node++) start[node + 1]! += start[node]!;
  const fill = start.slice(0, nodes);
  const next = new Int32Array(edges.length);
  for (const [from, to] of edges) next[fill[from]!++] = to;
  return { start, next };
}

/** Component pairs c -> d with no path c -> x ->+ d through another component x. */
function bruteForce(edges: ReadonlyArray<readonly [number, number]>, component: Int32Array, count: number): Set<number> {
  const direct = new Set<number>();
  for (const [from, to] of edges) if (component[from] !== component[to]) direct.add(component[from]! * count + component[to]!);
  const reaches = (from: number, to: number): boolean => {
    const seen = new Set([from]);
    const queue = [from];
    while (queue.length > 0) {
      const c = queue.shift()!;
      for (const pair of direct) {
        if (Math.floor(pair / count) !== c) continue;
        const d = pair % count;
        if (d === to) return true;
        if (!seen.has(d)) {
          seen.add(d);
          queue.push(d);
        }
      }
    }
    return false;
  };
  const kept = new Set<number>();
  for (const pair of direct) {
    const c = Math.floor(pair / count);
    const d = pair % count;
    const others = [...direct].filter((other) => Math.floor(other / count) === c && other !== pair).map((other) => other % count);
    if (!others.some((x) => reaches(x, d))) kept.add(pair);
  }
  return kept;
}

/**
 * Every way gives the brute-force reduction of the graph: the default (a budgeted search, then
 * bitsets), bitsets at once (no budget), bitsets after a search stopped part way, and (with
 * `alsoSearches`) the search without a budget that runs when bitsets would not fit.
 */
function expectBruteForceReduction(nodes: number, edges: ReadonlyArray<readonly [number, number]>, alsoSearches: boolean): void {
  const { start, next } = adjacency(nodes, edges);
  const components = stronglyConnectedComponents({ nodeCount: nodes, start, next });
  const expected = [...bruteForce(edges, components.component, components.count)].sort((a, b) => a - b);
  const sorted = (kept: Set<number>): number[] => [...kept].sort((a, b) => a - b);
  expect(sorted(reducedComponentEdges(start, next, components))).toEqual(expected);
  expect(sorted(reducedComponentEdges(start, next, components, undefined, 0))).toEqual(expected);
  expect(sorted(reducedComponentEdges(start, next, components, undefined, 3))).toEqual(expected);
  if (alsoSearches) expect(sorted(reducedComponentEdges(start, next, components, 0))).toEqual(expected);
}

const graphArbitrary = (minNodes: number, maxNodes: number, minEdges: number, maxEdges: number): fc.Arbitrary<[number, Array<[number, number]>]> =>
  fc.integer({ min: minNodes, max: maxNodes }).chain((nodes) =>
    fc.tuple(fc.constant(nodes), fc.array(fc.tuple(fc.nat(nodes - 1), fc.nat(nodes - 1)), { minLength: minEdges, maxLength: maxEdges })));

test.prop([graphArbitrary(1, 14, 0, 40)], { numRuns: 200 })('bitsets and searches give the brute-force reduction', ([nodes, edges]) => {
  expectBruteForceReduction(nodes, edges, true);
});

test.prop([graphArbitrary(33, 90, 20, 120)], { numRuns: 60 })('bitsets spanning several words give the brute-force reduction', ([nodes, edges]) => {
  expectBruteForceReduction(nodes, edges, false);
});

test.prop([fc.integer({ min: 17, max: 40 }), fc.array(fc.tuple(fc.nat(39), fc.nat(39)), { maxLength: 30 })], { numRuns: 40 })(
  'a class with more successors than the insertion sort takes gives the brute-force reduction',
  (fanOut, extra) => {
    const nodes = 41;
    const star: Array<[number, number]> = Array.from({ length: fanOut }, (_, index) => [0, index + 1]);
    expectBruteForceReduction(nodes, [...star, ...extra.map(([from, to]): [number, number] => [from + 1, to + 1])], true);
  },
);
