/**
 * `leaf` candidates: classes that were taken but never held while anything (itself included)
 * was taken, in the same irq context, which is what a `leaf` rule checks. One rule lists them
 * all, each with its support. From a graph alone (saved, or /proc/lockdep): classes with
 * dependencies into them and none out, supported by those dependencies.
 */
import type { InferGraph } from './infer-graph.js';
import type { ClassRelation } from './class-relation.js';
import type { Observations } from './observations.js';
import type { Evidence, ProposedRule, Support } from './proposal.js';
import { evidenceOf, proposedRule, supportOf, witnessSupport } from './support.js';

/** Dependencies into a class: one witness each, their tasks, the first one's place. */
function graphSupport(graph: InferGraph, edges: readonly number[]): Support {
  const tasks = new Set(edges.map((edge) => graph.witness(edge).task));
  return supportOf(edges.length, tasks.size, witnessSupport(graph.witness(edges[0]!)).firstSeen, true);
}

/** Per class, the dependencies into it (a saved graph's or /proc/lockdep's support). */
function dependenciesInto(graph: InferGraph): Map<number, number[]> {
  const edgesInto = new Map<number, number[]>();
  for (let edge = 0; edge < graph.edgeFrom.length; edge++) {
    const list = edgesInto.get(graph.edgeTo[edge]!);
    if (list === undefined) edgesInto.set(graph.edgeTo[edge]!, [edge]);
    else list.push(edge);
  }
  return edgesInto;
}

export function inferLeaf(graph: InferGraph, relation: ClassRelation, observations: Observations, minSupport: number): ProposedRule[] {
  /** Built only when a candidate has no tally (a graph input). */
  let edgesInto: Map<number, number[]> | undefined;
  const leaves: string[] = [];
  const evidence: Evidence[] = [];
  const chains = observations.chains;
  for (let node = 0; node < relation.names.length; node++) {
    const name = relation.names[node]!;
    if (relation.start[node + 1]! > relation.start[node]! || chains.isHeldAround(relation.chainClass[node]!)) continue;
    const tally = chains.tallyOfClass(relation.chainClass[node]!);
    let support: Support | undefined;
    if (tally !== -1) support = chains.tallySupport(tally);
    else {
      const edges = (edgesInto ??= dependenciesInto(graph)).get(node);
      if (edges !== undefined) support = graphSupport(graph, edges);
    }
    if (support === undefined || support.witnesses < minSupport) continue;
    leaves.push(name);
    evidence.push(evidenceOf(name, support));
  }
  if (leaves.length === 0) return [];
  const description = `observed: nothing is taken while ${leaves.join(', ')} ${leaves.length === 1 ? 'is' : 'are'} held`;
  return [proposedRule('leaf', { id: 'inferred-leaf-1', kind: 'leaf', lock: leaves, description }, evidence)];
}
