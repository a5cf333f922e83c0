/**
 * The dependency graph's per-class edge lists (src/engine/adjacency-lists.ts): each list keeps
 * its edges in the order appended (the searches' order), across growth of the typed arrays.
 */
import { expect, test } from 'vitest';
import { AdjacencyLists } from '../../src/engine/adjacency-lists.js';

function listOf(lists: AdjacencyLists, cls: number): number[] {
  const edges: number[] = [];
  for (let edge = lists.first(cls); edge >= 0; edge = lists.after(edge)) edges.push(edge);
  return edges;
}

test('lists keep their append order, interleaved and past the initial room', () => {
  const lists = new AdjacencyLists();
  const classes = 3000;
  for (let id = 0; id < classes; id++) lists.addClass(id);
  const expected = new Map<number, number[]>();
  // Edge e goes into class (e * 7) % 5 for the first 4,000 edges, then into the high classes.
  for (let edge = 0; edge < 6000; edge++) {
    const cls = edge < 4000 ? (edge * 7) % 5 : classes - 1 - (edge % 3);
    lists.append(cls, edge);
    expected.set(cls, [...(expected.get(cls) ?? []), edge]);
  }
  for (const [cls, edges] of expected) expect(listOf(lists, cls)).toEqual(edges);
  expect(listOf(lists, 100)).toEqual([]);
  expect(lists.first(classes + 5000)).toBe(-1); // a class with no room yet has no edges
});
