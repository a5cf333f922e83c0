/**
 * What the validator's slow paths share (chain validation, irq usage, snapshots and merge): the
 * class registry, the dependency graph, the finding collector and the irq-usage counter. The
 * validator owns one and keeps it private; the hot path (a chain-cache hit) never touches it.
 * Invariants: `usedInIrqClasses` counts the classes with some USED_IN usage; every usage change
 * goes through irq-usage.ts `markUsage`, which mirrors it into the hot usage array (`hotClasses`).
 */
import type { HotClassTables } from './class-flags.js';
import { DependencyGraph } from './dependency-graph.js';
import { FindingCollector } from './finding-collector.js';
import type { Finding } from './finding.js';
import type { EngineHooks, EngineQuery } from './hooks.js';
import { ClassRegistry } from './lock-class.js';

export class EngineCore {
  readonly classes = new ClassRegistry();
  readonly deps = new DependencyGraph();
  readonly findings: FindingCollector;
  /** Classes with some USED_IN usage: while none has, no new dependency can be irq-unsafe. */
  usedInIrqClasses = 0;

  constructor(
    onFinding: ((finding: Finding) => void) | undefined,
    /** The hooks that see each new dependency. */
    readonly dependencyHooks: readonly EngineHooks[],
    /** What hooks may ask (the validator's). */
    readonly query: EngineQuery,
    /** The validator's hot per-class arrays: every usage change is mirrored there, every new class gets room. */
    readonly hotClasses: HotClassTables,
  ) {
    this.findings = new FindingCollector(onFinding);
  }
}
