/**
 * Graphviz DOT of the dependency graph over lock classes. Nodes are the class names (quoted,
 * escaped for DOT), shaped by lock type; edges of a reported deadlock cycle are red and bold,
 * edges on a cycle no finding reports (closed only by recursive reads, or joining traces checked
 * separately) are purple, edges named
 * by a rule violation are orange and dashed (red or purple and dashed when both); classes named
 * by a finding are filled.
 * Invariant: byte-stable output for the same input (nodes and edges sorted by name).
 * `renderDotForSvg` produces the same drawing with synthetic ids (`n0`, `e0`) and classes for
 * the HTML report, so no user text ever becomes an SVG id or class.
 */
import type { CheckResult } from '../engine/result.js';
import { lockTypeTraits, type LockTypeTraits } from '../events/lock-type.js';
import type { GraphSnapshot } from '../engine/snapshot.js';
import { buildReportGraph, type ReportEdge, type ReportGraph, type ReportNode } from './report-graph.js';

/**
 * A DOT double-quoted string: backslash, quote and line breaks escaped; the other C0 controls
 * and DEL become their Unicode control pictures (Graphviz cannot scan a NUL inside a string,
 * and XML, hence SVG, forbids the rest).
 */
export function dotString(text: string): string {
  const escaped = text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\r\n|\r|\n/g, '\\n');
  // eslint-disable-next-line no-control-regex -- finds the control characters DOT cannot carry
  return `"${escaped.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, (ch) => String.fromCharCode(ch === '\u007f' ? 0x2421 : 0x2400 + ch.charCodeAt(0)))}"`;
}

/** Spinning locks are boxes, sleeping ones (and unknown types) ellipses, pseudo-locks diamonds. */
function shapeOf(traits: LockTypeTraits | undefined): string {
  if (traits === undefined || traits.sleeps) return 'ellipse';
  return traits.spins ? 'box' : 'diamond';
}

function nodeAttributes(node: ReportNode): string[] {
  const traits = lockTypeTraits(node.type);
  const attributes = [`shape=${shapeOf(traits)}`];
  if (traits?.readerWriter === true) attributes.push('peripheries=2');
  if (node.deadlock) attributes.push('color="#c62828"', 'fontcolor="#c62828"');
  else if (node.cycle) attributes.push('color="#8e24aa"', 'fontcolor="#8e24aa"');
  if (node.flagged) attributes.push('style=filled', 'fillcolor="#fdecea"');
  const tip = [node.type, node.usage].filter((part): part is string => part !== null).join(' ');
  if (tip !== '') attributes.push(`tooltip=${dotString(`${node.name} (${tip})`)}`);
  return attributes;
}

function edgeAttributes(edge: ReportEdge): string[] {
  const attributes: string[] = [];
  if (edge.types.length > 0) attributes.push(`label=${dotString(edge.types.join(','))}`);
  if (edge.deadlock) attributes.push('color="#c62828"', 'penwidth=2.5');
  else if (edge.cycle) attributes.push('color="#8e24aa"', 'penwidth=1.5');
  if (edge.rules.length > 0) {
    if (!edge.cycle) attributes.push('color="#ef6c00"', 'penwidth=2');
    attributes.push('style=dashed');
  }
  const tip = [`${edge.from} -> ${edge.to}`];
  if (edge.rules.length > 0) tip.push(`violates ${edge.rules.join(', ')}`);
  if (edge.witness) tip.push(`first seen on task ${edge.witness.task}`);
  attributes.push(`tooltip=${dotString(tip.join('; '))}`);
  return attributes;
}

function header(graph: ReportGraph): string[] {
  const lines = ['digraph lockdep {', '  graph [rankdir=LR, fontname="Helvetica", fontsize=10];', '  node [fontname="Helvetica", fontsize=10];', '  edge [fontname="Helvetica", fontsize=8];'];
  if (graph.partial) lines.push(`  label=${dotString('partial graph: only the classes and edges named by findings (check with --save-graph for the full graph)')};`);
  return lines;
}

/** DOT with class names as node ids (for people and other tools). */
function renderDotGraph(graph: ReportGraph): string {
  const lines = header(graph);
  for (const node of graph.nodes) lines.push(`  ${dotString(node.name)} [${nodeAttributes(node).join(', ')}];`);
  for (const edge of graph.edges) lines.push(`  ${dotString(edge.from)} -> ${dotString(edge.to)} [${edgeAttributes(edge).join(', ')}];`);
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

/** DOT with synthetic ids and CSS classes, for rendering to an inline SVG. */
export function renderDotForSvg(graph: ReportGraph): string {
  const ids = new Map<string, string>();
  graph.nodes.forEach((node, index) => ids.set(node.name, `n${index}`));
  const lines = header(graph);
  graph.nodes.forEach((node, index) => {
    const classes = ['cls', node.deadlock ? 'deadlock' : '', node.cycle ? 'cycle' : '', node.flagged ? 'flagged' : ''].filter((c) => c !== '').join(' ');
    lines.push(`  n${index} [label=${dotString(node.name)}, id="node-${index}", class="${classes}", ${nodeAttributes(node).join(', ')}];`);
  });
  graph.edges.forEach((edge, index) => {
    const classes = ['dep', edge.deadlock ? 'deadlock' : '', edge.cycle ? 'cycle' : '', edge.rules.length > 0 ? 'rule' : '', ...edge.findings.map((f) => `f${f}`)].filter((c) => c !== '').join(' ');
    lines.push(`  ${ids.get(edge.from) as string} -> ${ids.get(edge.to) as string} [id="edge-${index}", class="${classes}", ${edgeAttributes(edge).join(', ')}];`);
  });
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

/** Renders the dependency graph of a result (full when a snapshot is given) as DOT. */
export function renderDot(result: CheckResult, snapshot?: GraphSnapshot | null): string {
  return renderDotGraph(buildReportGraph(result, snapshot));
}
