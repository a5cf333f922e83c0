/**
 * Snapshots and merge (slow path, once per run): the mergeable graph summary of a validator's
 * classes and dependencies (snapshot.ts), and the replay of another run's summary into it.
 * Preconditions: `mergeSnapshot` runs between events; `internClass` is the validator's, so merged
 * classes count against its limits and are seen by its hooks. A merged usage or edge runs the
 * same checks a live one would: cycles, irq safety and the hooks' dependency rules.
 */
import type { LockType } from '../events/event.js';
import { addDependency } from './chain-validation.js';
import type { EngineCore } from './engine-core.js';
import { usageRef } from './event-refs.js';
import { markUsage } from './irq-usage.js';
import type { LockClass } from './lock-class.js';
import { DEP_N_ANY, DEP_S_ANY, MODE_RECURSIVE_READ, MODE_WRITE, depTypes } from './lock-mode.js';
import { GRAPH_SNAPSHOT_VERSION, type GraphSnapshot, type SnapshotDependency } from './snapshot.js';
import { USAGE_BITS, USAGE_READ_MASK, usageChars } from './usage.js';

export function snapshotOf(core: EngineCore, sources: readonly string[]): GraphSnapshot {
  const { classes, deps } = core;
  const dependencies: SnapshotDependency[] = new Array<SnapshotDependency>(deps.size);
  for (let edge = 0; edge < dependencies.length; edge++) {
    dependencies[edge] = {
      from: classes.byId[deps.edgeFrom[edge]!]!.name,
      to: classes.byId[deps.edgeTo[edge]!]!.name,
      mask: deps.edgeMask[edge]!,
      maskBack: deps.edgeMaskBack[edge]!,
      types: depTypes(deps.edgeMask[edge]!),
      witness: deps.witness(edge),
    };
  }
  return {
    format: 'lockdep-graph',
    version: GRAPH_SNAPSHOT_VERSION,
    sources: [...sources],
    classes: classes.byId.map((cls) => ({
      name: cls.name,
      type: cls.type,
      percpu: cls.percpu,
      usage: usageChars(cls.usage),
      usageMask: cls.usage,
      usageAt: cls.usageAt.map((at) => (at === null ? null : usageRef(at))),
    })),
    dependencies,
  };
}

/** Adds another run's classes, usages and dependencies to `core`'s graph. */
export function mergeSnapshot(
  core: EngineCore,
  snapshot: GraphSnapshot,
  internClass: (name: string, type: LockType, percpu: boolean) => LockClass,
): void {
  for (const c of snapshot.classes) {
    const cls = internClass(c.name, c.type, c.percpu ?? false);
    for (let bit = 0; bit < USAGE_BITS; bit++) {
      if (!(c.usageMask & (1 << bit)) || cls.usage & (1 << bit)) continue;
      const at = c.usageAt[bit] ?? { task: '?' };
      const mode = bit & USAGE_READ_MASK ? MODE_RECURSIVE_READ : MODE_WRITE;
      markUsage(core, cls, bit, mode, at, at.task, undefined);
    }
  }
  for (const d of snapshot.dependencies) {
    const from = internClass(d.from, 'mutex', false);
    const to = internClass(d.to, 'mutex', false);
    for (let bit = 1; bit <= 8; bit <<= 1) {
      if (!(d.mask & bit)) continue;
      const existing = core.deps.find(from.id, to.id);
      if (existing >= 0 && core.deps.edgeMask[existing]! & bit) continue;
      // Reconstruct modes from the type: E -> write, S -> read; R -> recursive-read, N -> write.
      const prevMode = bit & DEP_S_ANY ? 1 : MODE_WRITE;
      const nextMode = bit & DEP_N_ANY ? MODE_WRITE : MODE_RECURSIVE_READ;
      const witness = d.witness;
      addDependency(core, from, prevMode, to, nextMode, undefined, () => ({
        ...witness,
        prev: { ...witness.prev },
        next: { ...witness.next },
      }));
    }
  }
}
