/**
 * The two graphs `lockdep infer` reads (src/infer/infer-graph.ts): one trace's engine columns
 * (engine/graph-columns.ts, no snapshot) and the index of a snapshot (several inputs, saved
 * graphs). Same classes, dependencies and witnesses in the same order, and the same proposal,
 * on the oracle's arbitrary programs with accesses.
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect, vi } from 'vitest';
import { inferFromInputs } from '../../src/cli/infer-input.js';
import { Validator } from '../../src/engine/validator.js';
import type { TraceEvent } from '../../src/events/event.js';
import { indexSnapshot } from '../../src/graph/indexed-graph.js';
import { inferGraphOfColumns, inferGraphOfIndex, type InferGraph } from '../../src/infer/infer-graph.js';
import { inferRules } from '../../src/infer/infer-rules.js';
import { Observations } from '../../src/infer/observations.js';
import { DEFAULT_MIN_CONFIDENCE, INFER_KINDS } from '../../src/infer/proposal.js';
import { programArbitrary, programText } from '../property/program.js';

const FILE = 'p.jsonl';

function checked(events: readonly TraceEvent[]): { validator: Validator; observations: Observations } {
  const observations = new Observations();
  const validator = new Validator({ file: FILE, hooks: [observations.hooks()] });
  events.forEach((event, index) => validator.process(event, { file: FILE, line: index + 1 }));
  validator.end();
  return { validator, observations };
}

/** Everything the inference can read of a graph, witnesses included. */
function contents(graph: InferGraph): unknown {
  const edges = Array.from({ length: graph.edgeFrom.length }, (_, edge) => [graph.edgeFrom[edge], graph.edgeTo[edge], graph.witness(edge)]);
  return { names: [...graph.names], types: [...graph.types], indexOf: [...graph.indexOf], edges };
}

describe('the inference graph of a trace', () => {
  test.prop([programArbitrary, fc.nat(5)], { numRuns: 100 })('engine columns and snapshot index: same graph, same proposal', (program, seed) => {
    const events: TraceEvent[] = [];
    program.events.forEach((event, index) => {
      events.push(event);
      if (event.op === 'acquire' && (index + seed) % 3 === 0) events.push({ op: 'access', task: event.task, var: `v${index % 2}`, write: index % 4 < 2 });
    });
    const fromColumns = checked(events);
    const fromSnapshot = checked(events);
    const columns = inferGraphOfColumns(fromColumns.validator.graphColumns());
    const index = inferGraphOfIndex(indexSnapshot(fromSnapshot.validator.snapshot()));
    expect(contents(columns), programText({ events })).toEqual(contents(index));
    const options = { minSupport: 1, minConfidence: 0.5, kinds: new Set(INFER_KINDS) };
    expect(inferRules(columns, fromColumns.observations, options, [FILE])).toEqual(inferRules(index, fromSnapshot.observations, options, [FILE]));
  });
});

describe('lockdep infer of one trace', () => {
  test('builds no snapshot (the witnesses are never built); two inputs are merged as snapshots, with the same proposal', async () => {
    const snapshot = vi.spyOn(Validator.prototype, 'snapshot');
    try {
      const options = { minSupport: 1, minConfidence: DEFAULT_MIN_CONFIDENCE, kinds: new Set(INFER_KINDS) };
      const one = await inferFromInputs(['examples/kvm/kvm-2021.jsonl'], options);
      expect(snapshot).not.toHaveBeenCalled();
      expect(one.rules.length).toBeGreaterThan(0);
      const twice = await inferFromInputs(['examples/kvm/kvm-2021.jsonl', 'examples/kvm/kvm-2021.jsonl'], options);
      expect(snapshot).toHaveBeenCalled();
      expect(twice.classes).toEqual(one.classes);
      expect(twice.rules.map((proposed) => proposed.rule)).toEqual(one.rules.map((proposed) => proposed.rule));
    } finally {
      snapshot.mockRestore();
    }
  });
});
