/**
 * The first witness of each dependency edge (dependency-graph.ts). An edge seen in a live
 * acquisition keeps the fields of its two held locks in columns (parallel arrays), and its
 * DependencyWitness (two event references and the dependency types) is built the first time
 * something asks for it: a finding's chain, a dependency hook, a snapshot. Most edges are never
 * asked for, and a new dependency then allocates nothing that the scavenges would copy and
 * runs no reference-building code that V8 would have to compile during warm-up. An edge from a
 * saved graph keeps the witness it came with.
 * Invariants: one entry per edge, in edge order; a built witness is kept and returned every time
 * after, its `types` those of the edge's current mask; building it late gives what building it
 * when the edge was added gave (a held record is reused by later holds, so its fields are copied
 * here, never the record itself; the rest, tasks, instances, classes, events and sites, does not
 * change).
 */
import type { TraceEvent } from '../events/event.js';
import type { LockOpSite } from '../events/lock-op-sink.js';
import { acquisitionRef } from './event-refs.js';
import type { DependencyWitness, EventRef } from './finding.js';
import type { HeldLock, LockInstance, TaskState } from './held-lock.js';
import type { LockClass } from './lock-class.js';
import { depTypes } from './lock-mode.js';

/** The live acquisition a dependency comes from: `next` taken by `task` while holding `prev`. */
export interface LiveAcquisition {
  task: TaskState;
  prev: HeldLock;
  next: HeldLock;
  sync: boolean;
}

/** One end (prev or next) of every live edge: the held lock's fields, a column each. */
class HeldColumns {
  private readonly inst: LockInstance[] = [];
  private readonly cls: LockClass[] = [];
  /** mode * 2 + trylock. */
  private readonly modeTry: number[] = [];
  private readonly event: (TraceEvent | null)[] = [];
  private readonly site: LockOpSite[] = [];
  private readonly file: string[] = [];
  private readonly line: number[] = [];

  push(h: HeldLock): void {
    this.inst.push(h.inst);
    this.cls.push(h.cls);
    this.modeTry.push(h.mode * 2 + (h.trylock ? 1 : 0));
    this.event.push(h.event);
    this.site.push(h.site);
    this.file.push(h.file);
    this.line.push(h.line);
  }

  className(slot: number): string {
    return this.cls[slot]!.name;
  }

  /** The reference `heldRef` gives for the held lock kept in `slot`. */
  ref(slot: number, task: TaskState): EventRef {
    const modeTry = this.modeTry[slot]!;
    return acquisitionRef(task, this.inst[slot]!, this.cls[slot]!, modeTry >> 1, (modeTry & 1) === 1, this.event[slot]!, this.site[slot], this.file[slot]!, this.line[slot]!);
  }
}

export class EdgeWitnesses {
  /** Per edge: the witness once built (a saved graph's from the start), else undefined. */
  private readonly built: (DependencyWitness | undefined)[] = [];
  /** Per edge: its slot in the live columns, or -1 for an edge from a saved graph. */
  private readonly liveSlot: number[] = [];
  private readonly task: TaskState[] = [];
  private readonly prev = new HeldColumns();
  private readonly next = new HeldColumns();

  /** The witness of the next edge is `live`'s, built when first asked for. */
  addLive(live: LiveAcquisition): void {
    this.built.push(undefined);
    this.liveSlot.push(this.task.length);
    this.task.push(live.task);
    this.prev.push(live.prev);
    this.next.push(live.next);
  }

  /** The witness of the next edge is `witness` (its types are set here). */
  addBuilt(witness: DependencyWitness, mask: number): void {
    witness.types = depTypes(mask);
    this.built.push(witness);
    this.liveSlot.push(-1);
  }

  /** The witness of `edge`, whose dependency-type mask is `mask`. */
  witness(edge: number, mask: number): DependencyWitness {
    const built = this.built[edge];
    if (built !== undefined) return built;
    const slot = this.liveSlot[edge]!;
    const task = this.task[slot]!;
    const witness: DependencyWitness = {
      from: this.prev.className(slot),
      to: this.next.className(slot),
      types: depTypes(mask),
      task: task.name,
      prev: this.prev.ref(slot, task),
      next: this.next.ref(slot, task),
    };
    this.built[edge] = witness;
    return witness;
  }

  /** `edge`'s mask grew to `mask`: a witness already built shows its new types. */
  maskWidened(edge: number, mask: number): void {
    const built = this.built[edge];
    if (built !== undefined) built.types = depTypes(mask);
  }
}
