/**
 * `graph diff BEFORE AFTER`: the classes and dependencies a change added and removed, the CI
 * question "what lock order does this change add?". A dependency is a class pair; a pair in both
 * graphs whose dependency types grew (say a read-side edge that became a write-side one) is
 * `widened`. New and widened dependencies carry the AFTER graph's witness; removed ones the
 * BEFORE graph's. Invariants: every list is in the graph order of the graph it comes from;
 * `failing` holds the added or widened dependencies matched by a `--fail-on-new` pattern.
 */
import type { DepType, DependencyWitness } from '../engine/finding.js';
import type { GraphSnapshot, SnapshotDependency } from '../engine/snapshot.js';
import { depTypes } from '../engine/lock-mode.js';
import { matchesDependency, type DependencyPattern } from './dependency-pattern.js';

export interface ChangedDependency {
  from: string;
  to: string;
  /** For `widened`: the types the AFTER graph added; otherwise all the dependency's types. */
  types: DepType[];
  witness: DependencyWitness;
}

export interface GraphDiff {
  before: string[];
  after: string[];
  classes: { added: string[]; removed: string[] };
  dependencies: { added: ChangedDependency[]; removed: ChangedDependency[]; widened: ChangedDependency[] };
  /** Added or widened dependencies that match a `--fail-on-new` pattern (the gate fails when any). */
  failing: ChangedDependency[];
}

const pairKey = (dep: SnapshotDependency): string => `${dep.from}\u0000${dep.to}`;

export function diffGraphs(before: GraphSnapshot, after: GraphSnapshot, failOnNew: readonly DependencyPattern[] = []): GraphDiff {
  const beforeClasses = new Set(before.classes.map((cls) => cls.name));
  const afterClasses = new Set(after.classes.map((cls) => cls.name));
  const beforeDeps = new Map(before.dependencies.map((dep) => [pairKey(dep), dep]));
  const afterDeps = new Set(after.dependencies.map(pairKey));
  const added: ChangedDependency[] = [];
  const widened: ChangedDependency[] = [];
  for (const dep of after.dependencies) {
    const old = beforeDeps.get(pairKey(dep));
    if (old === undefined) added.push(changed(dep, dep.mask));
    else if ((dep.mask & ~old.mask) !== 0) widened.push(changed(dep, dep.mask & ~old.mask));
  }
  const removed = before.dependencies.filter((dep) => !afterDeps.has(pairKey(dep))).map((dep) => changed(dep, dep.mask));
  const failing = failOnNew.length === 0 ? [] : [...added, ...widened].filter((dep) => failOnNew.some((pattern) => matchesDependency(pattern, dep.from, dep.to)));
  return {
    before: [...before.sources],
    after: [...after.sources],
    classes: {
      added: after.classes.filter((cls) => !beforeClasses.has(cls.name)).map((cls) => cls.name),
      removed: before.classes.filter((cls) => !afterClasses.has(cls.name)).map((cls) => cls.name),
    },
    dependencies: { added, removed, widened },
    failing,
  };
}

function changed(dep: SnapshotDependency, mask: number): ChangedDependency {
  return { from: dep.from, to: dep.to, types: depTypes(mask), witness: dep.witness };
}
