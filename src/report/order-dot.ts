/**
 * Graphviz DOT of the documented lock order (`lockdep rules lint`): the pairs the order rules
 * write, each edge labelled with its rule id and the inner class's mode when the rule names one;
 * a rule with severity `off` is a dashed edge. Invariant: nodes and edges in the order the rules
 * wrote them; every name is quoted and escaped like the dependency graph's (dot.ts).
 */
import type { OrderRelation } from '../rules/order-relation.js';
import { dotString } from './dot.js';

export function renderOrderDot(order: OrderRelation, name = 'lock-order'): string {
  const lines = [`digraph ${dotString(name)} {`, '  rankdir=TB;', '  node [shape=box, fontname="monospace"];'];
  const nodes = new Set<string>();
  for (const edge of order.edges) {
    nodes.add(edge.outer);
    nodes.add(edge.inner);
  }
  for (const node of nodes) lines.push(`  ${dotString(node)};`);
  for (const edge of order.edges) {
    const label = edge.innerMode === 'any' ? edge.rule.id : `${edge.rule.id} (${edge.innerMode})`;
    const style = edge.rule.severity === 'off' ? ', style=dashed' : '';
    lines.push(`  ${dotString(edge.outer)} -> ${dotString(edge.inner)} [label=${dotString(label)}${style}];`);
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
