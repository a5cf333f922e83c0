/**
 * `leaf` candidates: classes that were taken but never held while anything (itself included)
 * was taken, in the same irq context, which is what a `leaf` rule checks. One rule lists them
 * all, each with its support. From a saved graph alone: classes with dependencies into them and
 * none out.
 */
import type { IndexedGraph } from '../graph/indexed-graph.js';
import type { ClassRelation } from './class-relation.js';
import type { Observations } from './observations.js';
import type { Evidence, ProposedRule, Support } from './proposal.js';
import { tallySupport, witnessSupport } from './support.js';

export function inferLeaf(graph: IndexedGraph, relation: ClassRelation, observations: Observations, minSupport: number): ProposedRule[] {
  const firstEdgeInto = new Map<number, number>();
  for (let edge = graph.edgeFrom.length - 1; edge >= 0; edge--) firstEdgeInto.set(graph.edgeTo[edge]!, edge);
  const leaves: string[] = [];
  const evidence: Evidence[] = [];
  relation.names.forEach((name, node) => {
    if (relation.start[node + 1]! > relation.start[node]! || observations.nesting.has(name)) return;
    const tally = observations.acquired.get(name);
    const edge = firstEdgeInto.get(node);
    const support: Support | undefined = tally !== undefined ? tallySupport(tally) : edge !== undefined ? witnessSupport(graph.witnesses[edge]!) : undefined;
    if (support === undefined || support.witnesses < minSupport) return;
    leaves.push(name);
    evidence.push({ about: name, support });
  });
  if (leaves.length === 0) return [];
  return [{
    kind: 'leaf',
    rule: { id: 'inferred-leaf-1', kind: 'leaf', lock: leaves, description: `observed: nothing is taken while ${leaves.join(', ')} ${leaves.length === 1 ? 'is' : 'are'} held` },
    evidence,
  }];
}
