/**
 * The observed lock hierarchy as a rules file that `lockdep rules lint` and `check --rules`
 * accept: the classes it names under `classes:` with their lock types, and one `order` rule per
 * class that other classes were taken inside of (`outer` taken outside every `inner`), each
 * with a comment saying where every pair was first seen. The dependencies inside a cycle get
 * no rule (they have no place in an order); the cycles are listed in the header. Invariants: rule ids are
 * `observed-order-N`, in the order of the answer; names are written as YAML double-quoted
 * scalars (JSON string syntax, which YAML reads back unchanged), so any name survives.
 */
import type { HierarchyAnswer } from './hierarchy.js';
import type { IndexedGraph } from './indexed-graph.js';

const quote = (text: string): string => JSON.stringify(text);

/** A YAML comment line: line breaks in names would end the comment early. */
const comment = (text: string): string => `# ${text.replace(/[\r\n\u2028\u2029]/g, ' ')}`;

export function hierarchyRulesYaml(answer: HierarchyAnswer, graph: IndexedGraph): string {
  const lines = [
    comment(`Lock order observed by lockdep graph hierarchy (${graph.names.length} classes, ${graph.edgeFrom.length} dependencies).`),
    comment('Each rule says a class was taken outside the listed classes; check it with lockdep rules lint.'),
  ];
  if (answer.cycles.length > 0) {
    lines.push(comment('Dependencies inside these cycles have no place in an order and get no rule:'));
    for (const group of answer.cycles) lines.push(comment(`  ${group.join(', ')}`));
  }
  lines.push('version: 1');
  const named = new Set<string>();
  for (const order of answer.order) {
    named.add(order.outer);
    for (const inner of order.inner) named.add(inner);
  }
  if (named.size > 0) {
    lines.push('classes:');
    graph.names.forEach((name, index) => {
      if (named.has(name)) lines.push(`  ${quote(name)}: ${graph.types[index]!}`);
    });
  }
  lines.push(answer.order.length === 0 ? 'rules: []' : 'rules:');
  answer.order.forEach((order, index) => {
    lines.push(`  - id: observed-order-${index + 1}`, '    kind: order', `    outer: ${quote(order.outer)}`, '    inner:');
    order.inner.forEach((inner, at) => {
      const seen = order.seenAt[at];
      lines.push(seen === undefined || seen === '' ? `      - ${quote(inner)}` : `      - ${quote(inner)} ${comment(`first seen at ${seen}`)}`);
    });
    lines.push(`    description: ${quote(`observed: ${order.outer} is taken outside ${order.inner.join(', ')}`)}`);
  });
  return `${lines.join('\n')}\n`;
}
