/**
 * The dependency graph as the graph formats (dot, graphml, html) draw it: classes as nodes,
 * dependencies as edges, with the edges of reported deadlocks, the edges on any cycle and the
 * edges a rule violation names marked.
 * Built from the engine's GraphSnapshot when the run saved one, else from the findings alone
 * (then `partial` is true and only the classes and chain edges of findings appear).
 * Invariants: nodes sorted by name, edges by (from, to), so output is byte-stable; an edge is
 * `deadlock` when it is on the chain of a circular-dependency finding, and `cycle` when it lies
 * in a strongly connected component (found by an iterative Tarjan: no recursion, any depth) or
 * is a deadlock edge; a cycle no finding reports (only recursive reads close it, as lockdep's
 * strong-path rule allows, or its edges come from traces checked separately) is therefore
 * `cycle` but not `deadlock`; all names are kept
 * verbatim (formats escape them).
 */
import type { DependencyWitness, Finding } from '../engine/finding.js';
import type { CheckResult } from '../engine/result.js';
import type { GraphSnapshot } from '../engine/snapshot.js';

export interface ReportNode {
  name: string;
  type: string | null;
  usage: string | null;
  /** On some cycle of the graph. */
  cycle: boolean;
  /** On a reported lock-order cycle (circular-dependency finding). */
  deadlock: boolean;
  /** Involved in some (non-baselined) finding. */
  flagged: boolean;
}

export interface ReportEdge {
  from: string;
  to: string;
  types: string[];
  witness: DependencyWitness | null;
  cycle: boolean;
  /** On the chain of a circular-dependency finding. */
  deadlock: boolean;
  /** Ids of the rules whose violations name this edge, sorted. */
  rules: string[];
  /** Indexes (into result.violations) of the findings that name this edge. */
  findings: number[];
}

export interface ReportGraph {
  nodes: ReportNode[];
  edges: ReportEdge[];
  /** True when no snapshot was available and the graph was reconstructed from findings. */
  partial: boolean;
  sources: string[];
}

const EDGE_KEY_SEPARATOR = '\u0000';
/** The map key of the edge `from -> to`. */
export const edgeKey = (from: string, to: string): string => `${from}${EDGE_KEY_SEPARATOR}${to}`;
const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The class pairs a finding names as edges: its chain, else consecutive classes (closing back for cycles). */
export function findingEdges(finding: Finding): Array<[string, string]> {
  if (finding.chain && finding.chain.length > 0) return finding.chain.map((edge) => [edge.from, edge.to]);
  const pairs: Array<[string, string]> = [];
  const classes = finding.classes;
  for (let i = 0; i + 1 < classes.length; i++) pairs.push([classes[i] as string, classes[i + 1] as string]);
  if (finding.kind === 'circular-dependency' && classes.length > 1) pairs.push([classes[classes.length - 1] as string, classes[0] as string]);
  if (finding.kind === 'circular-dependency' && classes.length === 1) pairs.push([classes[0] as string, classes[0] as string]);
  return pairs;
}

/** Iterative Tarjan: the strongly connected component index of every node. */
function componentsOf(nodes: readonly string[], successors: ReadonlyMap<string, readonly string[]>): Map<string, number> {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const component = new Map<string, number>();
  let counter = 0;
  let components = 0;
  for (const root of nodes) {
    if (index.has(root)) continue;
    const work: Array<{ node: string; next: number }> = [{ node: root, next: 0 }];
    index.set(root, counter); low.set(root, counter); counter++;
    stack.push(root); onStack.add(root);
    while (work.length > 0) {
      const frame = work[work.length - 1] as { node: string; next: number };
      const succ = successors.get(frame.node) ?? [];
      if (frame.next < succ.length) {
        const child = succ[frame.next++] as string;
        if (!index.has(child)) {
          index.set(child, counter); low.set(child, counter); counter++;
          stack.push(child); onStack.add(child);
          work.push({ node: child, next: 0 });
        } else if (onStack.has(child)) {
          low.set(frame.node, Math.min(low.get(frame.node) as number, index.get(child) as number));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.node, Math.min(low.get(parent.node) as number, low.get(frame.node) as number));
      if (low.get(frame.node) === index.get(frame.node)) {
        let member: string;
        do {
          member = stack.pop() as string;
          onStack.delete(member);
          component.set(member, components);
        } while (member !== frame.node);
        components++;
      }
    }
  }
  return component;
}

/** Builds the report graph from a snapshot (complete) or from the findings (partial). */
export function buildReportGraph(result: CheckResult, snapshot?: GraphSnapshot | null): ReportGraph {
  const nodes = new Map<string, ReportNode>();
  const edges = new Map<string, ReportEdge>();
  const addNode = (name: string, type: string | null = null, usage: string | null = null): ReportNode => {
    let node = nodes.get(name);
    if (!node) {
      node = { name, type, usage, cycle: false, deadlock: false, flagged: false };
      nodes.set(name, node);
    }
    return node;
  };
  const addEdge = (from: string, to: string, types: string[], witness: DependencyWitness | null): ReportEdge => {
    addNode(from); addNode(to);
    const key = edgeKey(from, to);
    let edge = edges.get(key);
    if (!edge) {
      edge = { from, to, types: [...types].sort(byString), witness, cycle: false, deadlock: false, rules: [], findings: [] };
      edges.set(key, edge);
    }
    return edge;
  };

  if (snapshot) {
    for (const cls of snapshot.classes) addNode(cls.name, cls.type, cls.usage);
    for (const dep of snapshot.dependencies) addEdge(dep.from, dep.to, [...dep.types], dep.witness);
  } else {
    for (const finding of result.violations) {
      for (const lock of finding.locks ?? []) addNode(lock.class, lock.type, lock.usage);
      for (const name of finding.classes) addNode(name);
      for (const edge of finding.chain ?? []) addEdge(edge.from, edge.to, [...edge.types], edge);
    }
  }
  // Types of classes only known from findings' lock info.
  for (const finding of result.violations) {
    for (const lock of finding.locks ?? []) {
      const node = nodes.get(lock.class);
      if (node && node.type === null) { node.type = lock.type; node.usage = lock.usage; }
    }
  }

  result.violations.forEach((finding, findingIndex) => {
    const active = finding.baselined !== true;
    if (active) for (const name of finding.classes) { const node = nodes.get(name); if (node) node.flagged = true; }
    for (const [from, to] of findingEdges(finding)) {
      const edge = edges.get(edgeKey(from, to));
      if (!edge) continue;
      edge.findings.push(findingIndex);
      if (finding.kind === 'circular-dependency') { edge.cycle = true; edge.deadlock = true; }
      if (finding.kind === 'rule-violation') {
        const id = finding.rule ?? finding.ruleDetail?.id ?? 'unnamed';
        if (!edge.rules.includes(id)) edge.rules.push(id);
      }
    }
  });

  const names = [...nodes.keys()].sort(byString);
  const successors = new Map<string, string[]>();
  for (const edge of edges.values()) {
    const list = successors.get(edge.from);
    if (list) list.push(edge.to); else successors.set(edge.from, [edge.to]);
  }
  for (const list of successors.values()) list.sort(byString);
  const component = componentsOf(names, successors);
  const componentSize = new Map<number, number>();
  for (const id of component.values()) componentSize.set(id, (componentSize.get(id) ?? 0) + 1);
  for (const edge of edges.values()) {
    const c = component.get(edge.from);
    const selfLoop = edge.from === edge.to;
    if (selfLoop || (c !== undefined && c === component.get(edge.to) && (componentSize.get(c) ?? 0) > 1)) edge.cycle = true;
    const ends = [nodes.get(edge.from) as ReportNode, nodes.get(edge.to) as ReportNode];
    for (const node of ends) {
      if (edge.cycle) node.cycle = true;
      if (edge.deadlock) node.deadlock = true;
    }
    edge.rules.sort(byString);
  }

  return {
    nodes: names.map((name) => nodes.get(name) as ReportNode),
    edges: [...edges.values()].sort((a, b) => byString(a.from, b.from) || byString(a.to, b.to)),
    partial: !snapshot,
    sources: snapshot ? [...snapshot.sources] : [],
  };
}
