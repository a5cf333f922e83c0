/**
 * The dependency graph as a graphology `DirectedGraph`, built on demand from a graph snapshot
 * (the engine's own store is the integer arrays of dependency-graph.ts; nothing is written to
 * graphology while events are checked). One node per class (attributes: `name`, `type`,
 * `percpu`, `usage` characters, `usageMask`) and one edge per dependency (attributes: `types`,
 * `mask`, `maskBack`, `witness`), in the engine's order (class ids, then edge creation).
 * Invariant: node keys are `graphNodeKey(name)`, one-to-one with class names.
 */
import { DirectedGraph } from 'graphology';
import type { GraphSnapshot } from './snapshot.js';

export type ClassGraph = DirectedGraph;

/**
 * The graphology node key of a class. graphology indexes adjacency in plain objects, so a class
 * named like an Object.prototype member (`__proto__`, `constructor`, `toString`...) would be
 * mistaken for an existing edge; such names (and names starting with NUL, to keep the mapping
 * one-to-one) get a NUL prefix. Every node also carries its real `name` attribute.
 */
export function graphNodeKey(name: string): string {
  return OBJECT_PROTOTYPE_NAMES.has(name) || name.charCodeAt(0) === 0 ? `\u0000${name}` : name;
}

/** What `name in Object.prototype` tests (its own names; it has no prototype), without the slow `in`. */
const OBJECT_PROTOTYPE_NAMES: ReadonlySet<string> = new Set(Object.getOwnPropertyNames(Object.prototype));

/** A graphology graph with exactly the snapshot's classes and dependencies. */
export function toGraphology(snapshot: GraphSnapshot): ClassGraph {
  const graph: ClassGraph = new DirectedGraph();
  for (const cls of snapshot.classes) {
    graph.addNode(graphNodeKey(cls.name), { type: cls.type, percpu: cls.percpu ?? false, name: cls.name, usage: cls.usage, usageMask: cls.usageMask });
  }
  for (const dep of snapshot.dependencies) {
    graph.addEdge(graphNodeKey(dep.from), graphNodeKey(dep.to), {
      types: dep.types,
      mask: dep.mask,
      maskBack: dep.maskBack ?? 0,
      witness: dep.witness,
    });
  }
  return graph;
}
