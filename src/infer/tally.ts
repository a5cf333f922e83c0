/**
 * A tally as the inference reads it: how often something was seen (distinct chains, or
 * accesses), by how many distinct tasks, first where, and for an acquisition or an access the
 * classes held around it, one by one and as sets (LockDoc's lock combinations). Accesses are
 * tallied as these objects (observations.ts); chains are kept flat (chain-tallies.ts), which
 * builds this shape of one acquired class only for the lockset chooser.
 */
import type { EventRef } from '../engine/finding.js';

/** Up to this many tasks a tally lists them in an array (a scan), past it in a Set. */
export const LISTED_TASKS = 8;

/**
 * The distinct tasks of a tally, in the order seen: the first one; then a short array of them
 * all; past LISTED_TASKS, a Set (most tallies have one task or a few: an array is a fraction of
 * a Set's memory).
 */
export class TaskSet {
  private readonly first: string;
  private listed: string[] | undefined = undefined;
  private more: Set<string> | undefined = undefined;

  constructor(first: string) {
    this.first = first;
  }

  add(task: string): void {
    if (task === this.first) return;
    if (this.more !== undefined) {
      this.more.add(task);
      return;
    }
    const listed = this.listed;
    if (listed === undefined) this.listed = [this.first, task];
    else if (listed.includes(task)) return;
    else if (listed.length < LISTED_TASKS) listed.push(task);
    else {
      this.more = new Set(listed).add(task);
      this.listed = undefined;
    }
  }

  copy(): TaskSet {
    const copy = new TaskSet(this.first);
    if (this.listed !== undefined) copy.listed = [...this.listed];
    if (this.more !== undefined) copy.more = new Set(this.more);
    return copy;
  }

  addAll(other: TaskSet): void {
    for (const task of other.names()) this.add(task);
  }

  get size(): number {
    return this.more?.size ?? this.listed?.length ?? 1;
  }

  names(): Iterable<string> {
    return this.more ?? this.listed ?? [this.first];
  }
}

/** How often something was seen: distinct chains (or accesses), the tasks, and the first sighting. */
export interface Tally {
  count: number;
  tasks: TaskSet;
  firstAt: EventRef;
  /**
   * Set when a graph input (a saved graph, /proc/lockdep) also has this nesting or acquisition:
   * the input saw occurrences it cannot count, so `count` and `tasks` are floors.
   */
  atLeast?: true;
}

/** How often one class was held around an occurrence. */
export interface HeldCount {
  /** Occurrences with it held (any mode). */
  any: number;
  /** Occurrences with it held for write. */
  write: number;
  /** The sum of its distances from the innermost held lock (0: innermost). */
  depthSum: number;
  /** The class's number among the observer's classes (the keys of held sets). */
  id: number;
}

/** Occurrences with exactly this set of classes held (LockDoc's "lock combination"). */
export interface HeldSet {
  /** The classes, each once. */
  classes: readonly string[];
  count: number;
}

/** Occurrences of something (an acquisition, an access) with the classes held around it. */
export interface HeldTally extends Tally {
  held: Map<string, HeldCount>;
  /**
   * Key (from the classes' ids) -> occurrences with exactly those classes held; only sets of two
   * classes or more (undefined until one is seen: most tallies never have one).
   */
  sets: Map<number | string, HeldSet> | undefined;
}
