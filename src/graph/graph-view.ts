/**
 * The graph an answer draws (`-f dot`, `graphml`, `gexf`): a small graphology DirectedGraph with
 * the classes and dependencies the answer is about, each carrying the answer's own attributes
 * (a path step, a cycle number, a level, a diff status...). Node keys are synthetic (`n0`...,
 * in insertion order) so that any class name, `__proto__` included, is safe in every format;
 * the name is the `name` attribute. Edge attributes always hold `types` (`ER,EN`...) and, when
 * known, the witness as `task`, `prev` and `next` (one line per acquisition). A `highlight`
 * attribute set to true marks what the answer points at (drawn in red in DOT).
 * Invariants: at most one edge per class pair; attribute values are strings, numbers or booleans.
 */
import { DirectedGraph } from 'graphology';
import type { DepType, DependencyWitness } from '../engine/finding.js';
import { describeEvent } from '../report/witnesses.js';
import type { IndexedGraph } from './indexed-graph.js';

export type ViewValue = string | number | boolean;
export type ViewAttributes = Record<string, ViewValue>;
export type GraphView = DirectedGraph<ViewAttributes, ViewAttributes, { name: string }>;

export class GraphViewBuilder {
  readonly view: GraphView;
  private readonly keys = new Map<string, string>();

  constructor(name: string) {
    this.view = new DirectedGraph<ViewAttributes, ViewAttributes, { name: string }>();
    this.view.setAttribute('name', name);
  }

  /** Adds the class (once) and merges `attributes` into it. */
  node(name: string, attributes: ViewAttributes = {}): string {
    let key = this.keys.get(name);
    if (key === undefined) {
      key = `n${this.keys.size}`;
      this.keys.set(name, key);
      this.view.addNode(key, { name });
    }
    this.view.mergeNodeAttributes(key, attributes);
    return key;
  }

  /** Adds the dependency (once, with its witness) and merges `attributes` into it. */
  edge(from: string, to: string, types: readonly DepType[], witness: DependencyWitness | null, attributes: ViewAttributes = {}): void {
    const source = this.node(from);
    const target = this.node(to);
    const existing = this.view.edge(source, target);
    if (existing !== undefined) {
      this.view.mergeEdgeAttributes(existing, attributes);
      return;
    }
    const base: ViewAttributes = { types: types.join(',') };
    if (witness !== null) Object.assign(base, { task: witness.task, prev: describeEvent(witness.prev), next: describeEvent(witness.next) });
    this.view.addEdgeWithKey(`e${this.view.size}`, source, target, { ...base, ...attributes });
  }
}

/** Adds every dependency of the class graph, in graph order. */
export function addEveryDependency(builder: GraphViewBuilder, graph: IndexedGraph): void {
  for (let edge = 0; edge < graph.edgeFrom.length; edge++) {
    const witness = graph.witnesses[edge]!;
    builder.edge(graph.names[graph.edgeFrom[edge]!]!, graph.names[graph.edgeTo[edge]!]!, witness.types, witness);
  }
}
