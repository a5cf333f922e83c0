/**
 * A graph view (graph-view.ts) as DOT, GraphML and GEXF. GEXF is written by graphology-gexf.
 * GraphML is written here: graphology-graphml (0.5) only parses, it has no writer; the tests
 * read our output back with its parser to check that it round-trips. Invariants: node ids are
 * the view's synthetic keys and every class name is an attribute (`label` in DOT and GEXF, the
 * `name` key in GraphML); every text passes the format's escaping, so any name gives a
 * well-formed file; GraphML keys are declared once per attribute, typed from its values.
 */
import { write as writeGexf } from 'graphology-gexf';
import { dotString } from '../report/dot.js';
import { escapeXml, escapeXmlAttribute, xmlCharacters } from '../report/escape.js';
import type { GraphView, ViewAttributes, ViewValue } from './graph-view.js';

const HIGHLIGHT = '#c62828';

export function viewToDot(view: GraphView): string {
  const lines = [`digraph ${dotString(view.getAttribute('name'))} {`, '  rankdir=LR;', '  node [shape=box, fontname="monospace"];'];
  view.forEachNode((key, attributes) => {
    const extra = describeAttributes(attributes, ['name', 'highlight']);
    const label = extra === '' ? attributes.name : `${String(attributes.name)}\n${extra}`;
    const style = attributes.highlight === true ? `, color="${HIGHLIGHT}", fontcolor="${HIGHLIGHT}"` : '';
    lines.push(`  ${key} [label=${dotString(String(label))}${style}];`);
  });
  // Classes with a `level` (graph hierarchy) share a rank, so the levels line up.
  const levels = new Map<number, string[]>();
  view.forEachNode((key, attributes) => {
    if (typeof attributes.level !== 'number') return;
    const keys = levels.get(attributes.level);
    if (keys === undefined) levels.set(attributes.level, [key]);
    else keys.push(key);
  });
  for (const keys of levels.values()) lines.push(`  { rank=same; ${keys.join('; ')}; }`);
  view.forEachEdge((_edge, attributes, source, target) => {
    const style = attributes.highlight === true ? `, color="${HIGHLIGHT}", penwidth=2` : '';
    const tip = attributes.next === undefined ? '' : `, tooltip=${dotString(`${String(attributes.prev)}\n${String(attributes.next)}`)}`;
    lines.push(`  ${source} -> ${target} [label=${dotString(String(attributes.types))}${style}${tip}];`);
  });
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

/** `key=value` pairs of the attributes not in `skip`, one per line. */
function describeAttributes(attributes: ViewAttributes, skip: readonly string[]): string {
  return Object.entries(attributes).filter(([name]) => !skip.includes(name)).map(([name, value]) => `${name}=${String(value)}`).join('\n');
}

type GraphmlType = 'boolean' | 'int' | 'double' | 'string';

function graphmlType(values: readonly ViewValue[]): GraphmlType {
  if (values.every((value) => typeof value === 'boolean')) return 'boolean';
  if (values.every((value) => typeof value === 'number' && Number.isInteger(value))) return 'int';
  if (values.every((value) => typeof value === 'number')) return 'double';
  return 'string';
}

function graphmlKeys(kind: 'node' | 'edge', all: readonly ViewAttributes[]): Map<string, { id: string; type: GraphmlType }> {
  const values = new Map<string, ViewValue[]>();
  for (const attributes of all) {
    for (const [name, value] of Object.entries(attributes)) {
      const list = values.get(name);
      if (list === undefined) values.set(name, [value]);
      else list.push(value);
    }
  }
  const keys = new Map<string, { id: string; type: GraphmlType }>();
  let index = 0;
  for (const [name, list] of values) keys.set(name, { id: `${kind[0]!}${index++}`, type: graphmlType(list) });
  return keys;
}

export function viewToGraphml(view: GraphView): string {
  const nodes: ViewAttributes[] = [];
  view.forEachNode((_key, attributes) => nodes.push(attributes));
  const edges: ViewAttributes[] = [];
  view.forEachEdge((_key, attributes) => edges.push(attributes));
  const nodeKeys = graphmlKeys('node', nodes);
  const edgeKeys = graphmlKeys('edge', edges);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">',
  ];
  for (const [kind, keys] of [['node', nodeKeys], ['edge', edgeKeys]] as const) {
    for (const [name, key] of keys) lines.push(`  <key id="${key.id}" for="${kind}" attr.name="${escapeXmlAttribute(name)}" attr.type="${key.type}"/>`);
  }
  lines.push(`  <graph id="${escapeXmlAttribute(view.getAttribute('name'))}" edgedefault="directed">`);
  const data = (keys: ReadonlyMap<string, { id: string }>, attributes: ViewAttributes): string =>
    Object.entries(attributes).map(([name, value]) => `<data key="${keys.get(name)!.id}">${escapeXml(String(value))}</data>`).join('');
  view.forEachNode((key, attributes) => lines.push(`    <node id="${key}">${data(nodeKeys, attributes)}</node>`));
  view.forEachEdge((key, attributes, source, target) => lines.push(`    <edge id="${key}" source="${source}" target="${target}">${data(edgeKeys, attributes)}</edge>`));
  lines.push('  </graph>', '</graphml>', '');
  return lines.join('\n');
}

export function viewToGexf(view: GraphView): string {
  const clean = (attributes: ViewAttributes): ViewAttributes =>
    Object.fromEntries(Object.entries(attributes).map(([name, value]) => [name, typeof value === 'string' ? xmlCharacters(value) : value]));
  return writeGexf(view, {
    formatNode: (_key, attributes) => ({ label: xmlCharacters(String(attributes.name)), attributes: clean(attributes) }),
    formatEdge: (_key, attributes) => ({ label: xmlCharacters(String(attributes.types)), attributes: clean(attributes) }),
  });
}
