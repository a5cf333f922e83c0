/**
 * The mergeable graph summary (`lockdep check --save-graph`): classes with their irq usage and
 * where each usage was first seen, and dependencies with their type masks and first witness.
 * Plain JSON; `Validator.mergeSnapshot` replays it into another validator.
 */
import type { LockType } from '../events/event.js';
import type { DepType, DependencyWitness, EventRef } from './finding.js';

export const GRAPH_SNAPSHOT_VERSION = 1;

export interface SnapshotClass {
  name: string;
  type: LockType;
  percpu?: boolean;
  /** Usage characters, `+.+.` (reports add the braces). */
  usage: string;
  usageMask: number;
  /** Per usage bit, the event that first set it. */
  usageAt: (EventRef | null)[];
}

export interface SnapshotDependency {
  from: string;
  to: string;
  /** Forward dependency-type mask (bit0 SR, bit1 ER, bit2 SN, bit3 EN). */
  mask: number;
  /** Backward mask, as lockdep keeps it on the `locks_before` side. */
  maskBack?: number;
  types: DepType[];
  witness: DependencyWitness;
}

export interface GraphSnapshot {
  format: 'lockdep-graph';
  version: number;
  /** The trace files this graph was built from. */
  sources: string[];
  classes: SnapshotClass[];
  dependencies: SnapshotDependency[];
}
