/**
 * The distinct tasks of many tallies at once, in flat number arrays (no object per tally): per
 * tally its first task and how many distinct tasks it has; further tasks on a short list per
 * tally, in shared node arrays; past LISTED_TASKS tasks, a Set for that tally only. These live
 * to the end of `lockdep infer`'s run, so they are kept as few, large objects that the
 * collector does not copy one by one.
 * Invariants: tasks are small non-negative numbers (a NameTable's ids); a tally's task count
 * is the number of distinct tasks added to it; a tally number never changes.
 */
import { LISTED_TASKS } from './tally.js';

const NONE = -1;

export class TallyTasks {
  private readonly first: number[] = [];
  private readonly count: number[] = [];
  /** Per tally: its first listed node (its second task), or NONE. */
  private readonly head: number[] = [];
  private readonly nodeTask: number[] = [];
  private readonly nodeNext: number[] = [];
  /** Tallies past LISTED_TASKS tasks: every task but the first. */
  private readonly many = new Map<number, Set<number>>();

  /** A new tally whose first task is `task`; its number. */
  open(task: number): number {
    this.first.push(task);
    this.count.push(1);
    this.head.push(NONE);
    return this.first.length - 1;
  }

  add(tally: number, task: number): void {
    if (this.first[tally] === task) return;
    if (this.count[tally]! > LISTED_TASKS) {
      const set = this.many.get(tally)!;
      if (!set.has(task)) {
        set.add(task);
        this.count[tally]!++;
      }
      return;
    }
    for (let node = this.head[tally]!; node !== NONE; node = this.nodeNext[node]!) if (this.nodeTask[node] === task) return;
    if (this.count[tally]! < LISTED_TASKS) {
      this.nodeTask.push(task);
      this.nodeNext.push(this.head[tally]!);
      this.head[tally] = this.nodeTask.length - 1;
    } else {
      const moved = new Set<number>([task]);
      for (let node = this.head[tally]!; node !== NONE; node = this.nodeNext[node]!) moved.add(this.nodeTask[node]!);
      this.many.set(tally, moved);
      this.head[tally] = NONE;
    }
    this.count[tally]!++;
  }

  size(tally: number): number {
    return this.count[tally]!;
  }

  /** The tally's tasks (the first one first; the others in no particular order). */
  list(tally: number): number[] {
    const tasks = [this.first[tally]!];
    const set = this.many.get(tally);
    if (set !== undefined) for (const task of set) tasks.push(task);
    else for (let node = this.head[tally]!; node !== NONE; node = this.nodeNext[node]!) tasks.push(this.nodeTask[node]!);
    return tasks;
  }
}
