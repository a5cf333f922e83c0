/**
 * Takes a lockdep report read from a kernel console log into a check: the report becomes a
 * finding of the validator (deduplicated by fingerprint with every other finding, so baselines,
 * `--max-warnings`, every report format and `merge` treat it like a trace's finding), and the
 * edges of a circular report join the validator's graph (`--save-graph`, `merge`, rules).
 * Invariant: the engine finding a report's own cycle again in the report's edges does not count
 * as a second occurrence; a cycle that only the union of several reports closes is a new finding.
 */
import type { Validator } from '../engine/validator.js';
import { splatFinding, splatGraph } from '../engine/splat-finding.js';
import type { KernelSplat } from '../events/kernel-splat.js';

export function takeSplat(validator: Validator, splat: KernelSplat, file: string): void {
  const finding = splatFinding(splat, file);
  validator.query.report(finding);
  const graph = splatGraph(splat, file);
  if (graph === null) return;
  const recorded = validator.findings.find((known) => known.fingerprint === finding.fingerprint);
  const occurrences = recorded?.occurrences;
  validator.mergeSnapshot(graph);
  if (recorded !== undefined && occurrences !== undefined) recorded.occurrences = occurrences;
}
