/**
 * The first witness of each dependency edge (dependency-graph.ts). An edge seen in a live
 * acquisition keeps the fields of its two held locks (one object), and its DependencyWitness
 * (two event references, each from an event rebuilt for a plain line, and the dependency types)
 * is built the first time something asks for it: a finding's chain, a dependency hook, a
 * snapshot. Most edges are never asked for: a new dependency then allocates one object instead
 * of six, and runs no reference-building code that V8 would compile during warm-up. An edge
 * from a saved graph keeps the witness it came with.
 * Invariants: one entry per edge, in edge order; a built witness is kept and returned every time
 * after, its `types` those of the edge's current mask; building it late gives what building it
 * when the edge was added gave (a held record is reused by later holds, so its fields are copied
 * here, never the record itself; the rest, classes, events and sites, does not change). A live
 * edge keeps its task's id and name and its locks' ids, never the TaskState or LockInstance: a
 * witness must not keep a task that ended (or a freed lock) alive until the run ends.
 */
import type { LockId, TaskId, TraceEvent } from '../events/event.js';
import type { LockOpSite } from '../events/lock-op-sink.js';
import { acquisitionRef } from './event-refs.js';
import type { DependencyWitness } from './finding.js';
import type { HeldLock, TaskState } from './held-lock.js';
import type { LockClass } from './lock-class.js';
import { depTypes } from './lock-mode.js';

/** The live acquisition a dependency comes from: `next` taken by `task` while holding `prev`. */
export interface LiveAcquisition {
  task: TaskState;
  prev: HeldLock;
  next: HeldLock;
}

/**
 * A live edge's acquisitions: the fields of its two held locks, copied (the records are reused),
 * in one object of one shape: one allocation per edge, less work than a column each while the
 * code is still cold. Ids and names only: no TaskState or LockInstance.
 */
class LiveEdge {
  constructor(
    readonly taskId: TaskId,
    readonly taskName: string,
    readonly prevLock: LockId,
    readonly prevCls: LockClass,
    /** mode * 2 + trylock. */
    readonly prevModeTry: number,
    readonly prevEvent: TraceEvent | null,
    readonly prevSite: LockOpSite,
    readonly prevFile: string,
    readonly prevLine: number,
    readonly nextLock: LockId,
    readonly nextCls: LockClass,
    readonly nextModeTry: number,
    readonly nextEvent: TraceEvent | null,
    readonly nextSite: LockOpSite,
    readonly nextFile: string,
    readonly nextLine: number,
  ) {}
}

export class EdgeWitnesses {
  /** Per edge: the witness once built (a saved graph's from the start), else the live edge's fields. */
  private readonly entries: (DependencyWitness | LiveEdge)[] = [];

  /** The witness of the next edge is `live`'s, built when first asked for. */
  addLive(live: LiveAcquisition): void {
    this.entries.push(liveEdgeOf(live));
  }

  /** The witness of the next edge is `witness` (its types are set here). */
  addBuilt(witness: DependencyWitness, mask: number): void {
    witness.types = depTypes(mask);
    this.entries.push(witness);
  }

  /** The witness of `edge`, whose dependency-type mask is `mask`. */
  witness(edge: number, mask: number): DependencyWitness {
    const entry = this.entries[edge]!;
    if (!(entry instanceof LiveEdge)) return entry;
    const witness = witnessOf(entry, mask);
    this.entries[edge] = witness;
    return witness;
  }

  /** `edge`'s mask grew to `mask`: a witness already built shows its new types. */
  maskWidened(edge: number, mask: number): void {
    const entry = this.entries[edge]!;
    if (!(entry instanceof LiveEdge)) entry.types = depTypes(mask);
  }
}

/** The witness of a dependency of type mask `mask` from `live`, built now (a finding's, while the records are current). */
export function liveWitness(live: LiveAcquisition, mask: number): DependencyWitness {
  return witnessOf(liveEdgeOf(live), mask);
}

function liveEdgeOf(live: LiveAcquisition): LiveEdge {
  const { task, prev, next } = live;
  return new LiveEdge(
    task.id, task.name,
    prev.inst.id, prev.cls, prev.mode * 2 + (prev.trylock ? 1 : 0), prev.event, prev.site, prev.file, prev.line,
    next.inst.id, next.cls, next.mode * 2 + (next.trylock ? 1 : 0), next.event, next.site, next.file, next.line,
  );
}

function witnessOf(entry: LiveEdge, mask: number): DependencyWitness {
  const task = entry.taskId;
  return {
    from: entry.prevCls.name,
    to: entry.nextCls.name,
    types: depTypes(mask),
    task: entry.taskName,
    prev: acquisitionRef(task, entry.prevLock, entry.prevCls, entry.prevModeTry >> 1, (entry.prevModeTry & 1) === 1, entry.prevEvent, entry.prevSite, entry.prevFile, entry.prevLine),
    next: acquisitionRef(task, entry.nextLock, entry.nextCls, entry.nextModeTry >> 1, (entry.nextModeTry & 1) === 1, entry.nextEvent, entry.nextSite, entry.nextFile, entry.nextLine),
  };
}
