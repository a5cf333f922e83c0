/**
 * The graphology view of the dependency graph: never built while events are checked, built on
 * demand (`Validator.toGraph()`) with exactly the engine's classes and dependencies, hostile
 * class names included.
 */
import { describe, expect, test, vi } from 'vitest';

const graphology = vi.hoisted(() => ({ graphsBuilt: 0 }));

vi.mock('graphology', async (importOriginal) => {
  const actual = await importOriginal<typeof import('graphology')>();
  class CountingDirectedGraph extends actual.DirectedGraph {
    constructor(...args: ConstructorParameters<typeof actual.DirectedGraph>) {
      super(...args);
      graphology.graphsBuilt++;
    }
  }
  return { ...actual, DirectedGraph: CountingDirectedGraph };
});

const { Validator } = await import('../../src/engine/validator.js');
const { graphNodeKey } = await import('../../src/engine/class-graph.js');
const { acq, init, irq, lu2, rel } = await import('./trace-builder.js');

function validatorAfter(events: ReturnType<typeof acq>[]): InstanceType<typeof Validator> {
  const v = new Validator({ file: 'test.jsonl' });
  events.forEach((e, i) => v.process(e, { file: 'test.jsonl', line: i + 1 }));
  return v;
}

describe('graphology built on demand', () => {
  test('checking events builds no graphology graph; toGraph builds one each time it is asked', () => {
    graphology.graphsBuilt = 0;
    const trace = [];
    for (let i = 0; i < 50; i++) trace.push(...lu2(`t${i}`, `L${i}`, `L${i + 1}`));
    const v = validatorAfter([...trace, ...lu2('back', 'L50', 'L0')]);
    v.end();
    expect(v.findings.map((f) => f.kind)).toEqual(['circular-dependency']);
    expect(graphology.graphsBuilt).toBe(0);
    const graph = v.toGraph();
    expect(graphology.graphsBuilt).toBe(1);
    expect(graph.order).toBe(51);
    expect(graph.size).toBe(51);
    expect(v.toGraph()).not.toBe(graph);
    expect(graphology.graphsBuilt).toBe(2);
  });

  test('nodes and edges carry the snapshot: names, types, usage, dependency types and witness', () => {
    const v = validatorAfter([
      init('s', 'spinlock', 'sched'),
      init('m', 'mutex', '__proto__'),
      acq('t', 'm'),
      acq('t', 's'),
      rel('t', 's'),
      rel('t', 'm'),
      irq('t', 'hardirq', 'enter'),
      acq('t', 's'),
      rel('t', 's'),
      irq('t', 'hardirq', 'exit'),
    ]);
    const graph = v.toGraph();
    const snapshot = v.snapshot();
    const protoKey = graphNodeKey('__proto__');
    expect(protoKey).toBe('\u0000__proto__');
    expect(graph.nodes()).toEqual([protoKey, 'sched']);
    expect(graph.getNodeAttributes(protoKey)).toMatchObject({ name: '__proto__', type: 'mutex' });
    const sched = snapshot.classes.find((c) => c.name === 'sched')!;
    expect(graph.getNodeAttributes('sched')).toMatchObject({ name: 'sched', type: 'spinlock', usage: sched.usage, usageMask: sched.usageMask });
    expect(sched.usage).not.toBe(snapshot.classes.find((c) => c.name === '__proto__')!.usage);
    const edge = graph.edge(protoKey, 'sched');
    expect(edge).toBeDefined();
    expect(graph.getEdgeAttributes(edge!)).toMatchObject({ types: ['EN'], witness: { from: '__proto__', to: 'sched', task: 't' } });
    expect(graph.hasEdge('sched', protoKey)).toBe(false);
  });

  test('a graph built earlier is a copy: later events show only in a graph built later', () => {
    const v = validatorAfter(lu2('t', 'A', 'B'));
    const before = v.toGraph();
    v.process(acq('t', 'B'), { file: 'test.jsonl', line: 5 });
    v.process(acq('t', 'C'), { file: 'test.jsonl', line: 6 });
    expect(before.hasNode('C')).toBe(false);
    expect(v.toGraph().hasEdge('B', 'C')).toBe(true);
  });
});
