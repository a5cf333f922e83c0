/**
 * The two ways to index the class graph agree: straight from a snapshot (`lockdep infer`) and
 * through the graphology graph (`lockdep graph`), on random lock programs and on a class named
 * like an Object.prototype member (graphology's node key differs from the name there).
 */
import { test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { toGraphology } from '../../src/engine/class-graph.js';
import { indexGraph, indexSnapshot } from '../../src/graph/indexed-graph.js';
import { lu2 } from '../engine/trace-builder.js';
import { programArbitrary } from '../property/program.js';
import { snapshotOf } from './graph-of.js';

describe('indexSnapshot', () => {
  test.prop([programArbitrary], { numRuns: 100 })('gives the index of the graphology graph built from the same snapshot', (program) => {
    const snapshot = snapshotOf(program.events);
    expect(indexSnapshot(snapshot)).toEqual(indexGraph(toGraphology(snapshot)));
  });

  test('numbers classes and edges in snapshot order, __proto__ included', () => {
    const snapshot = snapshotOf([...lu2('t1', '__proto__', 'B'), ...lu2('t1', 'B', 'C'), ...lu2('t2', '__proto__', 'C')]);
    const index = indexSnapshot(snapshot);
    expect(index.names).toEqual(['__proto__', 'B', 'C']);
    expect([...index.edgeFrom]).toEqual([0, 1, 0]);
    expect([...index.edgeTo]).toEqual([1, 2, 2]);
    expect([...index.outStart]).toEqual([0, 2, 3, 3]);
    expect([...index.outEdges]).toEqual([0, 2, 1]);
    expect(index).toEqual(indexGraph(toGraphology(snapshot)));
  });
});
