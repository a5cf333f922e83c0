/**
 * The iterative SCC (src/graph/strongly-connected.ts): exact components on random graphs (against
 * mutual reachability), the reverse-topological numbering the hierarchy and stats rely on, and
 * no stack overflow on a path far longer than the ~7,000 classes where a recursive SCC fails.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { stronglyConnectedComponents, type Adjacency } from '../../src/graph/strongly-connected.js';

function adjacency(nodeCount: number, edges: ReadonlyArray<readonly [number, number]>): Adjacency {
  const lists: number[][] = Array.from({ length: nodeCount }, () => []);
  for (const [from, to] of edges) lists[from]!.push(to);
  const start = new Int32Array(nodeCount + 1);
  lists.forEach((list, node) => { start[node + 1] = start[node]! + list.length; });
  return { nodeCount, start, next: Int32Array.from(lists.flat()) };
}

/** reach[a][b]: b is reachable from a (Floyd-Warshall closure). */
function reachability(nodeCount: number, edges: ReadonlyArray<readonly [number, number]>): boolean[][] {
  const reach = Array.from({ length: nodeCount }, (_, a) => Array.from({ length: nodeCount }, (_, b) => a === b));
  for (const [from, to] of edges) reach[from]![to] = true;
  for (let k = 0; k < nodeCount; k++) for (let a = 0; a < nodeCount; a++) for (let b = 0; b < nodeCount; b++) if (reach[a]![k] && reach[k]![b]) reach[a]![b] = true;
  return reach;
}

const graphs = fc.integer({ min: 1, max: 12 }).chain((nodeCount) =>
  fc.tuple(fc.constant(nodeCount), fc.array(fc.tuple(fc.nat(nodeCount - 1), fc.nat(nodeCount - 1)), { maxLength: 40 })));

describe('stronglyConnectedComponents', () => {
  test('two nodes share a component exactly when each reaches the other', () => {
    fc.assert(fc.property(graphs, ([nodeCount, edges]) => {
      const { component } = stronglyConnectedComponents(adjacency(nodeCount, edges));
      const reach = reachability(nodeCount, edges);
      for (let a = 0; a < nodeCount; a++) {
        for (let b = 0; b < nodeCount; b++) expect(component[a] === component[b]).toBe(reach[a]![b]! && reach[b]![a]!);
      }
    }), { numRuns: 300 });
  });

  test('components are numbered in reverse topological order of the condensation', () => {
    fc.assert(fc.property(graphs, ([nodeCount, edges]) => {
      const { component } = stronglyConnectedComponents(adjacency(nodeCount, edges));
      for (const [from, to] of edges) expect(component[from]!).toBeGreaterThanOrEqual(component[to]!);
    }), { numRuns: 300 });
  });

  test('a path of 200,000 nodes and a cycle through all of them need no recursion', () => {
    const size = 200_000;
    const path = Array.from({ length: size - 1 }, (_, node) => [node, node + 1] as const);
    expect(stronglyConnectedComponents(adjacency(size, path)).count).toBe(size);
    expect(stronglyConnectedComponents(adjacency(size, [...path, [size - 1, 0]])).count).toBe(1);
  });
});
