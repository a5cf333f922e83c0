/**
 * What `lockdep infer` learns while the checker runs, through engine hooks (no second read of a
 * trace): per new held-lock chain (lockdep's chain cache: a held sequence repeated a million
 * times is seen once), which class was taken while which was held, and how; per `access` event,
 * which locks were held (per class, and per distinct set of held classes: LockDoc's lock
 * combinations, from which must-hold and guarded-by build their lockset hypotheses). The
 * inference reads these tallies after the run, beside the graph.
 * Invariants: the counts are exactly what the rule kinds check (onNewChain's held locks of the
 * same irq context for `order`, `leaf`, `must-hold` and `forbid-inside`; every held lock for
 * `guarded-by`), so a rule that holds in every tally gives no finding on the same input; one
 * observer watches one input, and `combine` adds inputs up. The hooks allocate little (one
 * tally per class, pair or variable; a task set only once a second task shows up): they run
 * inside the check.
 */
import type { EventRef } from '../engine/finding.js';
import type { EngineHooks, LockView } from '../engine/hooks.js';

/** The distinct tasks of a tally: the first one, and a set once there are more. */
export class TaskSet {
  private first: string;
  private more: Set<string> | undefined;

  constructor(first: string) {
    this.first = first;
  }

  add(task: string): void {
    if (task === this.first || this.more?.has(task) === true) return;
    (this.more ??= new Set([this.first])).add(task);
  }

  copy(): TaskSet {
    const copy = new TaskSet(this.first);
    if (this.more !== undefined) copy.more = new Set(this.more);
    return copy;
  }

  addAll(other: TaskSet): void {
    for (const task of other.names()) this.add(task);
  }

  get size(): number {
    return this.more === undefined ? 1 : this.more.size;
  }

  names(): Iterable<string> {
    return this.more ?? [this.first];
  }
}

/** How often something was seen: distinct chains (or accesses), the tasks, and the first sighting. */
export interface Tally {
  count: number;
  tasks: TaskSet;
  firstAt: EventRef;
}

/** How often one class was held around an occurrence. */
export interface HeldCount {
  /** Occurrences with it held (any mode). */
  any: number;
  /** Occurrences with it held for write. */
  write: number;
  /** The sum of its distances from the innermost held lock (0: innermost). */
  depthSum: number;
  /** The class's id among the observer's classes (the keys of held sets). */
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

/** Small ids for class names: the keys of held sets. */
class ClassIds {
  private readonly ids = new Map<string, number>();

  of(name: string): number {
    let id = this.ids.get(name);
    if (id === undefined) this.ids.set(name, (id = this.ids.size));
    return id;
  }
}

export class Observations {
  /** Outer class -> inner class -> chains that took inner while outer was held (same irq context). */
  readonly nesting = new Map<string, Map<string, Tally>>();
  /** Class -> its new chains, with the classes held (same irq context). */
  readonly acquired = new Map<string, HeldTally>();
  /** `var\0w` or `var\0r` -> its accesses, with every held class. */
  readonly accesses = new Map<string, HeldTally & { var: string; write: boolean }>();
  private readonly classIds = new ClassIds();

  /** The tallies of several inputs added up (each input was checked from an empty graph). */
  static combine(list: readonly Observations[]): Observations {
    if (list.length === 1) return list[0]!;
    const total = new Observations();
    for (const part of list) {
      for (const [outer, inners] of part.nesting) {
        let into = total.nesting.get(outer);
        if (into === undefined) total.nesting.set(outer, (into = new Map<string, Tally>()));
        for (const [inner, tally] of inners) into.set(inner, addTally(into.get(inner), tally));
      }
      for (const [name, tally] of part.acquired) total.acquired.set(name, addHeldTally(total.acquired.get(name), tally, total.classIds));
      for (const [key, tally] of part.accesses) {
        const sum = addHeldTally(total.accesses.get(key), tally, total.classIds);
        total.accesses.set(key, { ...sum, var: tally.var, write: tally.write });
      }
    }
    return total;
  }

  /** The hooks that fill these tallies. */
  hooks(): EngineHooks {
    return {
      onNewChain: (ctx) => {
        const next = ctx.next.class;
        let tally = this.acquired.get(next);
        if (tally === undefined) this.acquired.set(next, (tally = emptyHeldTally(ctx.task, ctx.next.at)));
        countHeld(tally, ctx.task, ctx.held, next, this.classIds);
        for (const held of ctx.held) {
          let inner = this.nesting.get(held.class);
          if (inner === undefined) this.nesting.set(held.class, (inner = new Map<string, Tally>()));
          const pair = inner.get(next);
          if (pair === undefined) inner.set(next, { count: 1, tasks: new TaskSet(ctx.task), firstAt: ctx.next.at });
          else {
            pair.count++;
            pair.tasks.add(ctx.task);
          }
        }
      },
      onAccess: (ctx) => {
        const key = `${ctx.var}\u0000${ctx.write ? 'w' : 'r'}`;
        let tally = this.accesses.get(key);
        if (tally === undefined) this.accesses.set(key, (tally = { ...emptyHeldTally(ctx.task, ctx.at), var: ctx.var, write: ctx.write }));
        countHeld(tally, ctx.task, ctx.held, undefined, this.classIds);
      },
    };
  }
}

function addTally(sum: Tally | undefined, tally: Tally): Tally {
  if (sum === undefined) return { count: tally.count, tasks: tally.tasks.copy(), firstAt: tally.firstAt };
  sum.count += tally.count;
  sum.tasks.addAll(tally.tasks);
  return sum;
}

function addHeldTally(sum: HeldTally | undefined, tally: HeldTally, classIds: ClassIds): HeldTally {
  const into = sum ?? { count: 0, tasks: tally.tasks.copy(), firstAt: tally.firstAt, held: new Map<string, HeldCount>(), sets: undefined };
  if (sum !== undefined) into.tasks.addAll(tally.tasks);
  into.count += tally.count;
  for (const [name, count] of tally.held) {
    const mine = into.held.get(name);
    if (mine === undefined) into.held.set(name, { ...count, id: classIds.of(name) });
    else {
      mine.any += count.any;
      mine.write += count.write;
      mine.depthSum += count.depthSum;
    }
  }
  if (tally.sets === undefined) return into;
  const sets = (into.sets ??= new Map<number | string, HeldSet>());
  for (const set of tally.sets.values()) {
    const key = setKey(set.classes.map((name) => classIds.of(name)));
    const known = sets.get(key);
    if (known !== undefined) known.count += set.count;
    else sets.set(key, { classes: set.classes, count: set.count });
  }
  return into;
}

/** The key of a held set from its class ids (two or more; sorted in place): a small integer for a pair, else a string. */
function setKey(ids: number[]): number | string {
  if (ids.length === 2) {
    const [a, b] = ids[0]! < ids[1]! ? [ids[0]!, ids[1]!] : [ids[1]!, ids[0]!];
    if (b < PAIR_BASE) return a * PAIR_BASE + b;
  }
  return ids.sort(byNumber).join(',');
}

/** Pair keys stay small integers (no allocation) below this many classes. */
const PAIR_BASE = 1 << 15;
const byNumber = (a: number, b: number): number => a - b;

function emptyHeldTally(task: string, at: EventRef): HeldTally {
  return { count: 0, tasks: new TaskSet(task), firstAt: at, held: new Map(), sets: undefined };
}

/** One occurrence by `task` with `held` held; a held lock of class `except` (the one taken) is not counted. */
function countHeld(tally: HeldTally, task: string, held: readonly LockView[], except: string | undefined, classIds: ClassIds): void {
  tally.count++;
  tally.tasks.add(task);
  const ids = scratchIds;
  ids.length = 0;
  // A class held twice (two instances) counts once: at its innermost hold, written if any hold is.
  // Held stacks are short: a scan beats building a set per occurrence.
  for (let index = held.length - 1; index >= 0; index--) {
    const name = held[index]!.class;
    if (name === except || heldAbove(held, index, name)) continue;
    const write = heldForWrite(held, index, name) ? 1 : 0;
    const depth = held.length - 1 - index;
    const count = tally.held.get(name);
    if (count === undefined) {
      const id = classIds.of(name);
      tally.held.set(name, { any: 1, write, depthSum: depth, id });
      ids.push(id);
    } else {
      count.any++;
      count.write += write;
      count.depthSum += depth;
      ids.push(count.id);
    }
  }
  // A set of fewer than two classes holds no lockset of two or more: the per-class counts say it all.
  if (ids.length < 2) return;
  const key = setKey(ids);
  const sets = (tally.sets ??= new Map<number | string, HeldSet>());
  const known = sets.get(key);
  if (known !== undefined) known.count++;
  else sets.set(key, { classes: heldClasses(held, except), count: 1 });
}

/** The ids of one occurrence's held classes, reused (the hooks allocate little). */
const scratchIds: number[] = [];

/** The classes of `held` each once, without `except`, as countHeld counts them. */
function heldClasses(held: readonly LockView[], except: string | undefined): string[] {
  const classes: string[] = [];
  for (let index = held.length - 1; index >= 0; index--) {
    const name = held[index]!.class;
    if (name !== except && !heldAbove(held, index, name)) classes.push(name);
  }
  return classes;
}

/** Whether a lock of class `name` is held above position `index`. */
function heldAbove(held: readonly LockView[], index: number, name: string): boolean {
  for (let above = index + 1; above < held.length; above++) if (held[above]!.class === name) return true;
  return false;
}

/** Whether a lock of class `name` at or below position `index` is held for write. */
function heldForWrite(held: readonly LockView[], index: number, name: string): boolean {
  for (let below = index; below >= 0; below--) if (held[below]!.class === name && held[below]!.mode === 'write') return true;
  return false;
}
