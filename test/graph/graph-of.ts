/** Test helper: the indexed class graph (src/graph) of an event list run through a fresh Validator. */
import { toGraphology } from '../../src/engine/class-graph.js';
import type { GraphSnapshot } from '../../src/engine/snapshot.js';
import { Validator } from '../../src/engine/validator.js';
import type { TraceEvent } from '../../src/events/event.js';
import { indexGraph, type IndexedGraph } from '../../src/graph/indexed-graph.js';

export function snapshotOf(events: readonly TraceEvent[], file = 'test.jsonl'): GraphSnapshot {
  const validator = new Validator({ file });
  events.forEach((event, index) => validator.process(event, { file, line: index + 1 }));
  validator.end();
  return validator.snapshot([file]);
}

export function graphOf(events: readonly TraceEvent[]): IndexedGraph {
  return indexGraph(toGraphology(snapshotOf(events)));
}
