/**
 * The tallies of the checker's new chains for `lockdep infer`, kept flat: per acquired class
 * (a tally: its chains, tasks, first sighting, the held sets of two classes or more) and per
 * pair "held class -> taken class" (its nestings, tasks, first sighting, and how the held class
 * was held at the taken class's chains), all in number arrays indexed by tally and pair
 * numbers, pairs found through one flat hash table (IntPairMap). These live to the end of the
 * run: as a few large arrays instead of a map and objects per tally, the collector does not copy
 * them object by object. The inference reads them through small accessors, and builds a
 * HeldTally view of an acquired class (short-lived) only to choose its lockset.
 * Invariants: tallies are numbered in the order their class was first taken, pairs in the order
 * first seen; `nestingOrder` lists pairs grouped by held class (those in the order first seen
 * held), each group in the order seen: the order of the maps this replaced, so the proposal is
 * the same. A pair's nesting count counts every held lock of the class (a class held twice
 * counts twice); its held counts count the class once per chain, at its innermost hold.
 */
import type { EventRef } from '../engine/finding.js';
import { IntPairMap } from '../engine/int-pair-map.js';
import type { NameTable } from './chain-log.js';
import { TaskSet, type HeldCount, type HeldSet, type HeldTally } from './tally.js';
import { startsOf, slotsOf, placed } from './compressed-adjacency.js';
import { countedSupport } from './support.js';
import type { Support } from './proposal.js';
import { TallyTasks } from './tally-tasks.js';

const NONE = -1;

/** The pairs grouped by held class (by its rank) and by taken class (by its number), as compressed adjacency. */
interface PairLists {
  byOuterStart: Int32Array;
  byOuter: Int32Array;
  byInnerStart: Int32Array;
  byInner: Int32Array;
}

export class ChainTallies {
  /** Class number -> its tally, or NONE. */
  private readonly tallyOf: number[] = [];
  /** Per tally, in the order first taken: the class, chains, first sighting, floor flag (1: a graph input has it). */
  readonly tallyClass: number[] = [];
  private readonly tallyCount: number[] = [];
  private readonly tallyAt: EventRef[] = [];
  private readonly tallyFloor: number[] = [];
  private readonly tallyTasks = new TallyTasks();
  /** Per tally: its held sets (key -> set number), undefined until one is seen. */
  private readonly tallySets: Array<Map<number | string, number> | undefined> = [];
  /** Per held set: chains with exactly it held; its classes `setClass[setStart(s) .. setEnd[s])`. */
  private readonly setCount: number[] = [];
  private readonly setEnd: number[] = [];
  private readonly setClass: number[] = [];

  /** (held class, taken class) -> pair number. */
  private readonly pairOf = new IntPairMap(1024);
  private readonly pairOuter: number[] = [];
  private readonly pairInner: number[] = [];
  private readonly pairCount: number[] = [];
  private readonly pairAt: EventRef[] = [];
  private readonly pairFloor: number[] = [];
  private readonly pairTasks = new TallyTasks();
  /** Per pair: the taken class's chains with the held class held (any mode, for write), and the sum of its depths. */
  private readonly heldAny: number[] = [];
  private readonly heldWrite: number[] = [];
  private readonly heldDepth: number[] = [];
  /** Class number -> its rank among held classes in the order first seen held, or NONE. */
  private readonly outerRank: number[] = [];
  private outers = 0;
  /** Pair lists built on first read, dropped when a chain is added. */
  private grouped: PairLists | undefined;

  constructor(
    readonly classes: NameTable,
    readonly tasks: NameTable,
  ) {}

  /**
   * One new chain: class `next` taken by `task` at `at` with `heldClass`/`heldWrite[from .. to)`
   * held (bottom first).
   */
  addChain(next: number, task: number, at: EventRef, heldClass: readonly number[], heldWrite: readonly number[], from: number, to: number): void {
    this.grouped = undefined;
    const tally = this.tallyFor(next, task, at);
    this.tallyCount[tally]!++;
    this.tallyTasks.add(tally, task);
    const pairs = scratchPairs;
    for (let index = from; index < to; index++) {
      const pair = this.pairFor(heldClass[index]!, next, task, at);
      this.pairCount[pair]!++;
      this.pairTasks.add(pair, task);
      pairs[index - from] = pair;
    }
    this.countHeld(tally, next, heldClass, heldWrite, from, to);
  }

  /** A held class counts once: at its innermost hold, written if any hold is; the taken class itself not. */
  private countHeld(tally: number, next: number, heldClass: readonly number[], heldWrite: readonly number[], from: number, to: number): void {
    const ids = scratchIds;
    ids.length = 0;
    for (let index = to - 1; index >= from; index--) {
      const id = heldClass[index]!;
      if (id === next || heldAbove(heldClass, index, to, id)) continue;
      const pair = scratchPairs[index - from]!;
      this.heldAny[pair]!++;
      if (heldForWrite(heldClass, heldWrite, from, index, id)) this.heldWrite[pair]!++;
      this.heldDepth[pair]! += to - 1 - index;
      ids.push(id);
    }
    if (ids.length >= 2) this.addSet(tally, ids, 1);
  }

  /** Adds `count` chains with exactly the classes `ids` held (two or more; sorted in place for the key). */
  private addSet(tally: number, ids: number[], count: number): void {
    const sets = (this.tallySets[tally] ??= new Map<number | string, number>());
    const key = setKey(ids);
    const known = sets.get(key);
    if (known !== undefined) {
      this.setCount[known]! += count;
      return;
    }
    sets.set(key, this.setCount.length);
    this.setCount.push(count);
    for (let index = 0; index < ids.length; index++) this.setClass.push(ids[index]!);
    this.setEnd.push(this.setClass.length);
  }

  private tallyFor(cls: number, task: number, at: EventRef): number {
    while (this.tallyOf.length <= cls) this.tallyOf.push(NONE);
    const known = this.tallyOf[cls]!;
    if (known !== NONE) return known;
    const tally = this.tallyTasks.open(task);
    this.tallyOf[cls] = tally;
    this.tallyClass.push(cls);
    this.tallyCount.push(0);
    this.tallyAt.push(at);
    this.tallyFloor.push(0);
    this.tallySets.push(undefined);
    return tally;
  }

  private pairFor(outer: number, inner: number, task: number, at: EventRef): number {
    const known = this.pairOf.get(outer, inner);
    if (known !== NONE) return known;
    const pair = this.pairTasks.open(task);
    this.pairOf.set(outer, inner, pair);
    this.pairOuter.push(outer);
    this.pairInner.push(inner);
    this.pairCount.push(0);
    this.pairAt.push(at);
    this.pairFloor.push(0);
    this.heldAny.push(0);
    this.heldWrite.push(0);
    this.heldDepth.push(0);
    while (this.outerRank.length <= outer) this.outerRank.push(NONE);
    if (this.outerRank[outer] === NONE) this.outerRank[outer] = this.outers++;
    return pair;
  }

  /** The tally of class `name`, or NONE. */
  tallyOfName(name: string): number {
    return this.tallyOfClass(this.classes.find(name));
  }

  /** The tally of class number `cls` (NONE: a class the chains never saw), or NONE. */
  tallyOfClass(cls: number): number {
    return cls === NONE ? NONE : (this.tallyOf[cls] ?? NONE);
  }

  /** The pair "class number `outer` held, `inner` taken" (NONE: a class the chains never saw), or NONE. */
  pairOfClasses(outer: number, inner: number): number {
    return outer === NONE || inner === NONE ? NONE : this.pairOf.get(outer, inner);
  }

  pairOuterClass(pair: number): number {
    return this.pairOuter[pair]!;
  }

  pairInnerClass(pair: number): number {
    return this.pairInner[pair]!;
  }

  /** The pair "`outer` held, `inner` taken", or NONE. */
  pairOfNames(outer: string, inner: string): number {
    return this.pairOfClasses(this.classes.find(outer), this.classes.find(inner));
  }

  /** Whether anything was taken while class number `cls` was held (NONE: a class the chains never saw). */
  isHeldAround(cls: number): boolean {
    return cls !== NONE && (this.outerRank[cls] ?? NONE) !== NONE;
  }

  tallyChains(tally: number): number {
    return this.tallyCount[tally]!;
  }

  tallySupport(tally: number): Support {
    return countedSupport(this.tallyCount[tally]!, this.tallyTasks.size(tally), this.tallyAt[tally]!, this.tallyFloor[tally] === 1);
  }

  pairSupport(pair: number): Support {
    return countedSupport(this.pairCount[pair]!, this.pairTasks.size(pair), this.pairAt[pair]!, this.pairFloor[pair] === 1);
  }

  pairCountOf(pair: number): number {
    return this.pairCount[pair]!;
  }

  pairTaskNames(pair: number): string[] {
    return this.pairTasks.list(pair).map((task) => this.tasks.names[task]!);
  }

  pairFirstAt(pair: number): EventRef {
    return this.pairAt[pair]!;
  }

  pairIsFloor(pair: number): boolean {
    return this.pairFloor[pair] === 1;
  }

  /** Marks what a graph input's dependency `from -> to` also saw: the pair, and the acquisitions of `to` (their counts are floors). */
  markFloor(from: string, to: string): void {
    const pair = this.pairOfNames(from, to);
    if (pair !== NONE) this.pairFloor[pair] = 1;
    const tally = this.tallyOfName(to);
    if (tally !== NONE) this.tallyFloor[tally] = 1;
  }

  /** Every pair, grouped by held class in the order first seen held, each group in the order seen. */
  nestingOrder(): Int32Array {
    return this.lists().byOuter;
  }

  /** The pairs held around class `name` in the order seen (empty: none). */
  pairsAround(name: string): Int32Array {
    const cls = this.classes.find(name);
    const rank = cls === NONE ? NONE : (this.outerRank[cls] ?? NONE);
    if (rank === NONE) return EMPTY;
    const { byOuterStart, byOuter } = this.lists();
    return byOuter.subarray(byOuterStart[rank], byOuterStart[rank + 1]);
  }

  private lists(): PairLists {
    if (this.grouped !== undefined) return this.grouped;
    const ranks = outerRanksOf(this.pairOuter, this.outerRank);
    const byOuterStart = startsOf(this.outers, ranks);
    const byOuter = placed(slotsOf(byOuterStart, ranks), undefined);
    const byInnerStart = startsOf(this.classes.names.length, this.pairInner);
    const byInner = placed(slotsOf(byInnerStart, this.pairInner), undefined);
    return (this.grouped = { byOuterStart, byOuter, byInnerStart, byInner });
  }

  /**
   * Whether some class alone was held at a share of at least `minConfidence` of the tally's chains
   * (compared as a quotient, as the chooser does): without one the chooser proposes nothing, so
   * the inference skips the tally without building its view.
   */
  someHeldAtLeast(tally: number, minConfidence: number): boolean {
    const cls = this.tallyClass[tally]!;
    const total = this.tallyCount[tally]!;
    const { byInnerStart, byInner } = this.lists();
    for (let slot = byInnerStart[cls]!; slot < byInnerStart[cls + 1]!; slot++) {
      const any = this.heldAny[byInner[slot]!]!;
      if (any > 0 && any / total >= minConfidence) return true;
    }
    return false;
  }

  /**
   * Tally `tally` as the lockset chooser reads it: its count, tasks, first sighting, each class
   * held at its chains and each held set. Built on each call (the caller drops it).
   */
  heldTally(tally: number): HeldTally {
    const cls = this.tallyClass[tally]!;
    const names = this.classes.names;
    const taskIds = this.tallyTasks.list(tally);
    const tasks = new TaskSet(this.tasks.names[taskIds[0]!]!);
    for (let index = 1; index < taskIds.length; index++) tasks.add(this.tasks.names[taskIds[index]!]!);
    const held = new Map<string, HeldCount>();
    const { byInnerStart, byInner } = this.lists();
    for (let slot = byInnerStart[cls]!; slot < byInnerStart[cls + 1]!; slot++) {
      const pair = byInner[slot]!;
      if (this.heldAny[pair] === 0) continue;
      const outer = this.pairOuter[pair]!;
      held.set(names[outer]!, { any: this.heldAny[pair]!, write: this.heldWrite[pair]!, depthSum: this.heldDepth[pair]!, id: outer });
    }
    let sets: Map<number | string, HeldSet> | undefined;
    const setNumbers = this.tallySets[tally];
    if (setNumbers !== undefined) {
      sets = new Map<number | string, HeldSet>();
      for (const [key, set] of setNumbers) sets.set(key, { classes: this.setClasses(set).map((id) => names[id]!), count: this.setCount[set]! });
    }
    const view: HeldTally = { count: this.tallyCount[tally]!, tasks, firstAt: this.tallyAt[tally]!, held, sets };
    if (this.tallyFloor[tally] === 1) view.atLeast = true;
    return view;
  }

  private setClasses(set: number): number[] {
    return this.setClass.slice(set === 0 ? 0 : this.setEnd[set - 1]!, this.setEnd[set]);
  }

  /** Adds the tallies of `other` (another input's), by class and task name, in its orders. */
  addAll(other: ChainTallies): void {
    this.grouped = undefined;
    const classOf = (id: number): number => this.classes.id(other.classes.names[id]!);
    const taskOf = (id: number): number => this.tasks.id(other.tasks.names[id]!);
    for (let theirs = 0; theirs < other.tallyClass.length; theirs++) {
      const taskIds = other.tallyTasks.list(theirs);
      const tally = this.tallyFor(classOf(other.tallyClass[theirs]!), taskOf(taskIds[0]!), other.tallyAt[theirs]!);
      this.tallyCount[tally]! += other.tallyCount[theirs]!;
      for (const task of taskIds) this.tallyTasks.add(tally, taskOf(task));
      for (const set of other.tallySets[theirs]?.values() ?? []) this.addSet(tally, other.setClasses(set).map(classOf), other.setCount[set]!);
    }
    const order = other.nestingOrder();
    for (let index = 0; index < order.length; index++) {
      const theirs = order[index]!;
      const taskIds = other.pairTasks.list(theirs);
      const pair = this.pairFor(classOf(other.pairOuter[theirs]!), classOf(other.pairInner[theirs]!), taskOf(taskIds[0]!), other.pairAt[theirs]!);
      this.pairCount[pair]! += other.pairCount[theirs]!;
      for (const task of taskIds) this.pairTasks.add(pair, taskOf(task));
      this.heldAny[pair]! += other.heldAny[theirs]!;
      this.heldWrite[pair]! += other.heldWrite[theirs]!;
      this.heldDepth[pair]! += other.heldDepth[theirs]!;
    }
  }
}

const EMPTY = new Int32Array(0);

/** Per pair, the rank of its held class. */
function outerRanksOf(pairOuter: readonly number[], outerRank: readonly number[]): Int32Array {
  const ranks = new Int32Array(pairOuter.length);
  for (let pair = 0; pair < ranks.length; pair++) ranks[pair] = outerRank[pairOuter[pair]!]!;
  return ranks;
}

/** The ids of one chain's held classes, reused. */
const scratchIds: number[] = [];
/** The pair of each of one chain's held locks (by position from the bottom), reused. */
const scratchPairs: number[] = [];

/** The key of a held set from its class ids (two or more; sorted in place): a small integer for a pair, else a string. */
export function setKey(ids: number[]): number | string {
  if (ids.length === 2) {
    // No destructuring: an array pattern runs the iterator protocol in code not yet optimized.
    const low = Math.min(ids[0]!, ids[1]!);
    const high = Math.max(ids[0]!, ids[1]!);
    if (high < PAIR_BASE) return low * PAIR_BASE + high;
  }
  sortSmall(ids);
  let key = String(ids[0]);
  for (let index = 1; index < ids.length; index++) key += `,${ids[index]!}`;
  return key;
}

/** Sorts a held set's few ids in place (insertion sort: no comparator called back per step). */
function sortSmall(ids: number[]): void {
  for (let index = 1; index < ids.length; index++) {
    const id = ids[index]!;
    let at = index - 1;
    while (at >= 0 && ids[at]! > id) {
      ids[at + 1] = ids[at]!;
      at--;
    }
    ids[at + 1] = id;
  }
}

/** Pair keys stay small integers (no allocation) below this many classes. */
const PAIR_BASE = 1 << 15;

/** Whether class `id` is held above position `index` (below `to`). */
export function heldAbove(heldClass: readonly number[], index: number, to: number, id: number): boolean {
  for (let above = index + 1; above < to; above++) if (heldClass[above] === id) return true;
  return false;
}

/** Whether a lock of class `id` at or below position `index` (from `from`) is held for write. */
export function heldForWrite(heldClass: readonly number[], heldWrite: readonly number[], from: number, index: number, id: number): boolean {
  for (let below = index; below >= from; below--) if (heldClass[below] === id && heldWrite[below] === 1) return true;
  return false;
}
