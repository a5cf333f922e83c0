/**
 * Merging the graphs saved by several checks (one per CI job, machine or run) into one
 * Validator with `mergeSnapshot`, keeping the findings that exist only because of the merge:
 * cycles, irq inversions and rule violations whose halves were seen in different runs. Each
 * kept finding names the graph file (and trace position) of every edge it is made of.
 * Invariants: a finding one input already reported (same fingerprint in its saved result), or
 * whose evidence all comes from one input (its edges and, for an irq finding, its classes'
 * usage), is not kept; inputs are merged in the order given and witnesses keep the first input
 * that has them. Reading the files and the verdict belong to the caller (`lockdep merge`).
 */
import { countUnbaselined } from '../engine/finding.js';
import type { Finding } from '../engine/finding.js';
import { FINDING_KIND_INFO } from '../engine/finding-kinds.js';
import type { CheckResult } from '../engine/result.js';
import type { GraphSnapshot } from '../engine/snapshot.js';
import type { Validator } from '../engine/validator.js';
import { TOOL_NAME, TOOL_VERSION } from '../io/package-info.js';
import { edgeKey, findingEdges } from '../report/report-graph.js';
import { traceLocation } from '../report/witnesses.js';

export interface MergeInput {
  file: string;
  snapshot: GraphSnapshot;
  result: CheckResult | null;
}

/** The graph files each edge appears in, in input order. */
function edgeOrigins(inputs: readonly MergeInput[]): Map<string, string[]> {
  const origins = new Map<string, string[]>();
  for (const input of inputs) {
    for (const dep of input.snapshot.dependencies) {
      const key = edgeKey(dep.from, dep.to);
      const list = origins.get(key);
      if (!list) origins.set(key, [input.file]);
      else if (!list.includes(input.file)) list.push(input.file);
    }
  }
  return origins;
}

/**
 * True when no single input holds all the evidence of the finding: every edge and, for an irq
 * finding, all the merged usage of its classes (the irq-safe half may come from one run and the
 * path from another).
 */
function spansRuns(finding: Finding, origins: ReadonlyMap<string, readonly string[]>, inputs: readonly MergeInput[], mergedUsage: ReadonlyMap<string, number>): boolean {
  const edges = findingEdges(finding).filter(([from, to]) => origins.has(edgeKey(from, to)));
  const usage = FINDING_KIND_INFO[finding.kind].restsOnIrqUsage;
  if (edges.length === 0 && !usage) return true;
  return !inputs.some((input) => {
    if (!edges.every(([from, to]) => origins.get(edgeKey(from, to))?.includes(input.file))) return false;
    if (!usage) return true;
    const seen = new Map(input.snapshot.classes.map((cls) => [cls.name, cls.usageMask]));
    return finding.classes.every((name) => {
      const all = mergedUsage.get(name) ?? 0;
      return ((seen.get(name) ?? 0) & all) === all;
    });
  });
}

/** The finding with the origin of each of its edges named in its message. */
function withOrigins(finding: Finding, origins: ReadonlyMap<string, readonly string[]>): Finding {
  const parts: string[] = [];
  const witnesses = new Map((finding.chain ?? []).map((edge) => [edgeKey(edge.from, edge.to), edge]));
  for (const [from, to] of findingEdges(finding)) {
    const files = origins.get(edgeKey(from, to));
    if (!files) continue;
    const witness = witnesses.get(edgeKey(from, to));
    const at = witness ? traceLocation(witness.next) : '';
    parts.push(`${from} -> ${to} from ${files[0] as string}${at !== '' ? ` (${at})` : ''}`);
  }
  if (parts.length === 0) return finding;
  return { ...finding, message: `${finding.message}; merged from: ${parts.join('; ')}` };
}

/** Merges the inputs and returns the cross-run findings as a result, plus the merged graph. */
export function mergeGraphs(inputs: readonly MergeInput[], validator: Validator): { result: CheckResult; snapshot: GraphSnapshot } {
  const known = new Set<string>();
  for (const input of inputs) for (const finding of input.result?.violations ?? []) known.add(finding.fingerprint);
  const sources: string[] = [];
  for (const input of inputs) {
    validator.mergeSnapshot(input.snapshot);
    for (const source of input.snapshot.sources) if (!sources.includes(source)) sources.push(source);
  }
  validator.end();
  const merged = validator.result();
  const origins = edgeOrigins(inputs);
  const snapshot = validator.snapshot(sources);
  const mergedUsage = new Map(snapshot.classes.map((cls) => [cls.name, cls.usageMask]));
  const violations = merged.violations
    .filter((finding) => !known.has(finding.fingerprint) && spansRuns(finding, origins, inputs, mergedUsage))
    .map((finding) => withOrigins(finding, origins));
  const summary = { ...merged.summary, violations: violations.length };
  // Events and tasks were counted by the runs, not by the merge: report their sums.
  summary.events = inputs.reduce((sum, input) => sum + (input.result?.summary.events ?? 0), 0);
  summary.tasks = inputs.reduce((sum, input) => sum + (input.result?.summary.tasks ?? 0), 0);
  summary.errors = countUnbaselined(violations, 'error');
  summary.warnings = countUnbaselined(violations, 'warning');
  const result: CheckResult = {
    version: 1,
    violations,
    summary,
    traces: inputs.map((input) => ({
      file: input.file,
      summary: input.result?.summary ?? { events: 0, tasks: 0, classes: input.snapshot.classes.length, dependencies: input.snapshot.dependencies.length, violations: 0 },
    })),
    tool: { name: TOOL_NAME, version: TOOL_VERSION },
  };
  return { result, snapshot };
}
