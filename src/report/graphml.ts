/**
 * GraphML of the dependency graph over lock classes (readable by yEd, Gephi, networkx,
 * graphology-graphml). Node data: lock type, usage, whether the class is on a cycle and on a
 * reported deadlock cycle, whether a finding names it. Edge data: dependency types, cycle,
 * deadlock, the rules it violates, and its first
 * witness (both acquisitions). Invariants: well-formed XML for any name (escapeXml); node ids
 * are synthetic (`n0`...) with the class name in a data field; byte-stable order.
 */
import type { CheckResult } from '../engine/result.js';
import type { GraphSnapshot } from '../engine/snapshot.js';
import { escapeXml } from './escape.js';
import { buildReportGraph, type ReportGraph } from './report-graph.js';
import { describeEvent } from './witnesses.js';

const KEYS = [
  '<key id="name" for="node" attr.name="name" attr.type="string"/>',
  '<key id="type" for="node" attr.name="type" attr.type="string"/>',
  '<key id="usage" for="node" attr.name="usage" attr.type="string"/>',
  '<key id="node_cycle" for="node" attr.name="cycle" attr.type="boolean"><default>false</default></key>',
  '<key id="node_deadlock" for="node" attr.name="deadlock" attr.type="boolean"><default>false</default></key>',
  '<key id="flagged" for="node" attr.name="flagged" attr.type="boolean"><default>false</default></key>',
  '<key id="types" for="edge" attr.name="types" attr.type="string"/>',
  '<key id="edge_cycle" for="edge" attr.name="cycle" attr.type="boolean"><default>false</default></key>',
  '<key id="edge_deadlock" for="edge" attr.name="deadlock" attr.type="boolean"><default>false</default></key>',
  '<key id="rules" for="edge" attr.name="rules" attr.type="string"/>',
  '<key id="prev" for="edge" attr.name="prev" attr.type="string"/>',
  '<key id="next" for="edge" attr.name="next" attr.type="string"/>',
  '<key id="task" for="edge" attr.name="task" attr.type="string"/>',
];

const data = (key: string, value: string): string => `<data key="${key}">${escapeXml(value)}</data>`;

/** GraphML for a report graph. */
function renderGraphmlGraph(graph: ReportGraph): string {
  const ids = new Map<string, string>();
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">',
    ...KEYS.map((key) => `  ${key}`),
    `  <graph id="lockdep" edgedefault="directed">`,
  ];
  if (graph.partial) lines.push('    <desc>partial graph: only the classes and edges named by findings</desc>');
  graph.nodes.forEach((node, index) => {
    const id = `n${index}`;
    ids.set(node.name, id);
    const fields = [data('name', node.name)];
    if (node.type !== null) fields.push(data('type', node.type));
    if (node.usage !== null) fields.push(data('usage', node.usage));
    if (node.cycle) fields.push(data('node_cycle', 'true'));
    if (node.deadlock) fields.push(data('node_deadlock', 'true'));
    if (node.flagged) fields.push(data('flagged', 'true'));
    lines.push(`    <node id="${id}">${fields.join('')}</node>`);
  });
  graph.edges.forEach((edge, index) => {
    const fields = [data('types', edge.types.join(','))];
    if (edge.cycle) fields.push(data('edge_cycle', 'true'));
    if (edge.deadlock) fields.push(data('edge_deadlock', 'true'));
    if (edge.rules.length > 0) fields.push(data('rules', edge.rules.join(',')));
    if (edge.witness) {
      fields.push(data('prev', describeEvent(edge.witness.prev)), data('next', describeEvent(edge.witness.next)), data('task', edge.witness.task));
    }
    lines.push(`    <edge id="e${index}" source="${ids.get(edge.from) as string}" target="${ids.get(edge.to) as string}">${fields.join('')}</edge>`);
  });
  lines.push('  </graph>', '</graphml>', '');
  return lines.join('\n');
}

/** Renders the dependency graph of a result (full when a snapshot is given) as GraphML. */
export function renderGraphml(result: CheckResult, snapshot?: GraphSnapshot | null): string {
  return renderGraphmlGraph(buildReportGraph(result, snapshot));
}
