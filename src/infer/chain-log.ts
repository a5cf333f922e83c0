/**
 * The new held-lock chains `lockdep infer` sees during a check, recorded compactly: class and
 * task names numbered as they first show up, each chain's held locks in flat arrays. The hook on
 * the checker's slow path then does a few lookups and array pushes per chain (no tally objects,
 * no maps built mid-check); observations.ts replays the log into its flat tallies
 * (chain-tallies.ts) after the run, in the order the chains were seen, so every count, task set
 * and first sighting is what tallying at once would give.
 * Invariants: chain i's held locks are `heldClass`/`heldWrite[heldStart(i) .. heldEnd[i])`,
 * bottom (oldest) first, as the hook saw them; a class or task number never changes.
 */
import type { EventRef } from '../engine/finding.js';
import type { AcquireContext, LockView } from '../engine/hooks.js';

/** Names numbered in the order they first show up. */
export class NameTable {
  readonly names: string[] = [];
  private readonly ids = new Map<string, number>();

  id(name: string): number {
    let id = this.ids.get(name);
    if (id === undefined) {
      id = this.names.length;
      this.ids.set(name, id);
      this.names.push(name);
    }
    return id;
  }

  /** The number of `name`, or -1 when it never showed up. */
  find(name: string): number {
    return this.ids.get(name) ?? -1;
  }
}

export class ChainLog {
  readonly classes = new NameTable();
  readonly tasks = new NameTable();
  /** Per chain: the class taken, the task, and where. */
  readonly next: number[] = [];
  readonly task: number[] = [];
  readonly at: EventRef[] = [];
  /** Per chain: the end of its held locks in `heldClass`/`heldWrite`. */
  readonly heldEnd: number[] = [];
  readonly heldClass: number[] = [];
  /** 1 for a lock held for write, 0 otherwise. */
  readonly heldWrite: number[] = [];

  get length(): number {
    return this.next.length;
  }

  heldStart(chain: number): number {
    return chain === 0 ? 0 : this.heldEnd[chain - 1]!;
  }

  record(ctx: AcquireContext): void {
    this.next.push(this.classes.id(ctx.next.class));
    this.task.push(this.tasks.id(ctx.task));
    this.at.push(ctx.next.at);
    this.recordHeld(ctx.held);
    this.heldEnd.push(this.heldClass.length);
  }

  /** Appends `held` to the held arrays (an access's held locks go here too, then `dropHeldFrom` drops them). */
  recordHeld(held: readonly LockView[]): void {
    for (let index = 0; index < held.length; index++) {
      const view = held[index]!;
      this.heldClass.push(this.classes.id(view.class));
      this.heldWrite.push(view.mode === 'write' ? 1 : 0);
    }
  }

  /** Drops the held locks from position `from` on (an access's, once tallied). */
  dropHeldFrom(from: number): void {
    this.heldClass.length = from;
    this.heldWrite.length = from;
  }

  /** Forgets the chains (once replayed); the name numbers stay. */
  clear(): void {
    this.next.length = 0;
    this.task.length = 0;
    this.at.length = 0;
    this.heldEnd.length = 0;
    this.heldClass.length = 0;
    this.heldWrite.length = 0;
  }
}
