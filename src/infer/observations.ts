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
 * observer watches one input, and `combine` adds inputs up. The hooks run inside the check, so
 * they do little there: a new chain is only logged (chain-log.ts) and tallied when the tallies
 * are first read, after the run; an access is tallied at once (one tally per variable; a task
 * set only once a second task shows up).
 */
import type { EventRef } from '../engine/finding.js';
import type { EngineHooks } from '../engine/hooks.js';
import { ChainLog } from './chain-log.js';

/** Up to this many tasks a tally lists them in an array (a scan), past it in a Set. */
const LISTED_TASKS = 8;

/**
 * The distinct tasks of a tally, in the order seen: the first one; then a short array of them
 * all; past LISTED_TASKS, a Set (most tallies have one task or a few: an array is a fraction of
 * a Set's memory, and these all live to the end of the run).
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
  /** `var\0w` or `var\0r` -> its accesses, with every held class. */
  readonly accesses = new Map<string, HeldTally & { var: string; write: boolean }>();
  /** Class ids of held sets added up from several inputs (combine). */
  private readonly classIds = new ClassIds();
  private readonly nestingTallies = new Map<string, Map<string, Tally>>();
  private readonly acquiredTallies = new Map<string, HeldTally>();
  /** New chains not yet tallied (and the class numbers of every held lock). */
  private readonly log = new ChainLog();

  /** Outer class -> inner class -> chains that took inner while outer was held (same irq context). */
  get nesting(): Map<string, Map<string, Tally>> {
    // The inference reads these per class: only the first read has chains to tally (settle then
    // runs once, and V8 does not compile it again for being called often).
    if (this.log.length > 0) this.settle();
    return this.nestingTallies;
  }

  /** Class -> its new chains, with the classes held (same irq context). */
  get acquired(): Map<string, HeldTally> {
    if (this.log.length > 0) this.settle();
    return this.acquiredTallies;
  }

  /** The tallies of several inputs added up (each input was checked from an empty graph). */
  static combine(list: readonly Observations[]): Observations {
    if (list.length === 1) return list[0]!;
    const total = new Observations();
    for (const part of list) {
      for (const [outer, inners] of part.nesting) {
        let into = total.nestingTallies.get(outer);
        if (into === undefined) total.nestingTallies.set(outer, (into = new Map<string, Tally>()));
        for (const [inner, tally] of inners) into.set(inner, addTally(into.get(inner), tally));
      }
      for (const [name, tally] of part.acquired) total.acquiredTallies.set(name, addHeldTally(total.acquiredTallies.get(name), tally, total.classIds));
      for (const [key, tally] of part.accesses) {
        const sum = addHeldTally(total.accesses.get(key), tally, total.classIds);
        total.accesses.set(key, { ...sum, var: tally.var, write: tally.write });
      }
    }
    return total;
  }

  /**
   * Marks the tallies that graph inputs also hold (their counts are floors): a nesting `from -> to` that is
   * one of their dependencies, an acquisition of a class one of their dependencies leads to.
   */
  markFloors(dependencies: Iterable<{ from: string; to: string }>): void {
    const nesting = this.nesting;
    const acquired = this.acquired;
    for (const { from, to } of dependencies) {
      const pair = nesting.get(from)?.get(to);
      if (pair !== undefined) pair.atLeast = true;
      const taken = acquired.get(to);
      if (taken !== undefined) taken.atLeast = true;
    }
  }

  /** The hooks that fill these tallies. */
  hooks(): EngineHooks {
    return {
      onNewChain: (ctx) => this.log.record(ctx),
      onAccess: (ctx) => {
        const key = `${ctx.var}\u0000${ctx.write ? 'w' : 'r'}`;
        let tally = this.accesses.get(key);
        if (tally === undefined) this.accesses.set(key, (tally = { ...emptyHeldTally(ctx.task, ctx.at), var: ctx.var, write: ctx.write }));
        const from = this.log.heldClass.length;
        this.log.recordHeld(ctx.held);
        countHeld(tally, ctx.task, this.log, from, this.log.heldClass.length, -1);
        this.log.dropHeldFrom(from);
      },
    };
  }

  /** Tallies the logged chains, in the order seen, and forgets them. */
  private settle(): void {
    this.tallyChains(this.log);
    this.log.clear();
  }

  /** The loop of `settle` alone (V8 compiles it while it runs; nothing follows it in the same function). */
  private tallyChains(log: ChainLog): void {
    const names = log.classes.names;
    for (let chain = 0; chain < log.length; chain++) {
      const nextId = log.next[chain]!;
      const next = names[nextId]!;
      const task = log.tasks.names[log.task[chain]!]!;
      const at = log.at[chain]!;
      let tally = this.acquiredTallies.get(next);
      if (tally === undefined) this.acquiredTallies.set(next, (tally = emptyHeldTally(task, at)));
      const from = log.heldStart(chain);
      const to = log.heldEnd[chain]!;
      countHeld(tally, task, log, from, to, nextId);
      for (let index = from; index < to; index++) {
        const held = names[log.heldClass[index]!]!;
        let inner = this.nestingTallies.get(held);
        if (inner === undefined) this.nestingTallies.set(held, (inner = new Map<string, Tally>()));
        const pair = inner.get(next);
        if (pair === undefined) inner.set(next, { count: 1, tasks: new TaskSet(task), firstAt: at });
        else {
          pair.count++;
          pair.tasks.add(task);
        }
      }
    }
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

/**
 * One occurrence by `task` with the log's held locks `[from, to)` held; a held lock of class
 * number `except` (the one taken) is not counted.
 */
function countHeld(tally: HeldTally, task: string, log: ChainLog, from: number, to: number, except: number): void {
  tally.count++;
  tally.tasks.add(task);
  const { heldClass, heldWrite } = log;
  const ids = scratchIds;
  ids.length = 0;
  // A class held twice (two instances) counts once: at its innermost hold, written if any hold is.
  // Held stacks are short: a scan beats building a set per occurrence.
  for (let index = to - 1; index >= from; index--) {
    const id = heldClass[index]!;
    if (id === except || heldAbove(heldClass, index, to, id)) continue;
    const write = heldForWrite(heldClass, heldWrite, from, index, id) ? 1 : 0;
    const depth = to - 1 - index;
    const name = log.classes.names[id]!;
    const count = tally.held.get(name);
    ids.push(id);
    if (count === undefined) tally.held.set(name, { any: 1, write, depthSum: depth, id });
    else {
      count.any++;
      count.write += write;
      count.depthSum += depth;
    }
  }
  // A set of fewer than two classes holds no lockset of two or more: the per-class counts say it all.
  if (ids.length < 2) return;
  const key = setKey(ids);
  const sets = (tally.sets ??= new Map<number | string, HeldSet>());
  const known = sets.get(key);
  if (known !== undefined) known.count++;
  else sets.set(key, { classes: ids.map((held) => log.classes.names[held]!), count: 1 });
}

/** The ids of one occurrence's held classes, reused (the hooks allocate little). */
const scratchIds: number[] = [];


/** Whether class `id` is held above position `index` (below `to`). */
function heldAbove(heldClass: readonly number[], index: number, to: number, id: number): boolean {
  for (let above = index + 1; above < to; above++) if (heldClass[above] === id) return true;
  return false;
}

/** Whether a lock of class `id` at or below position `index` (from `from`) is held for write. */
function heldForWrite(heldClass: readonly number[], heldWrite: readonly number[], from: number, index: number, id: number): boolean {
  for (let below = index; below >= from; below--) if (heldClass[below] === id && heldWrite[below] === 1) return true;
  return false;
}
