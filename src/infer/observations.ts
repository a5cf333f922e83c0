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
 * are first read, after the run, into flat arrays (chain-tallies.ts); an access is tallied at
 * once (one tally per variable; its tasks on a short list, a Set past eight).
 */
import type { EventRef } from '../engine/finding.js';
import type { EngineHooks } from '../engine/hooks.js';
import { ChainLog, type NameTable } from './chain-log.js';
import { ChainTallies, heldAbove, heldForWrite, setKey } from './chain-tallies.js';
import { TaskSet, type HeldCount, type HeldSet, type HeldTally } from './tally.js';

/** The accesses of one variable for one kind (write or read). */
export type AccessTally = HeldTally & { var: string; write: boolean };

export class Observations {
  /** `var\0w` or `var\0r` -> its accesses, with every held class. */
  readonly accesses = new Map<string, AccessTally>();
  /** New chains not yet tallied (and the numbers of every class and task). */
  private readonly log = new ChainLog();
  private readonly tallies = new ChainTallies(this.log.classes, this.log.tasks);

  /** The chains' tallies: per acquired class and per pair "held class -> taken class" (same irq context). */
  get chains(): ChainTallies {
    // The inference reads these often: only the first read has chains to tally (settle then
    // runs once, and V8 does not compile it again for being called often).
    this.tallyLoggedChains();
    return this.tallies;
  }

  /** Tallies the chains logged so far now (reading `chains` does it otherwise). */
  tallyLoggedChains(): void {
    if (this.log.length > 0) this.settle();
  }

  /** New chains logged and not yet tallied. */
  get loggedChains(): number {
    return this.log.length;
  }

  /** The tallies of several inputs added up (each input was checked from an empty graph). */
  static combine(list: readonly Observations[]): Observations {
    if (list.length === 1) return list[0]!;
    const total = new Observations();
    for (const part of list) {
      total.tallies.addAll(part.chains);
      for (const [key, tally] of part.accesses) {
        const sum = addHeldTally(total.accesses.get(key), tally, total.log.classes);
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
    const chains = this.chains;
    for (const { from, to } of dependencies) chains.markFloor(from, to);
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
        countHeld(tally, ctx.task, this.log, from, this.log.heldClass.length);
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
    const tallies = this.tallies;
    for (let chain = 0; chain < log.length; chain++) {
      tallies.addChain(log.next[chain]!, log.task[chain]!, log.at[chain]!, log.heldClass, log.heldWrite, log.heldStart(chain), log.heldEnd[chain]!);
    }
  }
}

function addHeldTally(sum: HeldTally | undefined, tally: HeldTally, classes: NameTable): HeldTally {
  const into = sum ?? { count: 0, tasks: tally.tasks.copy(), firstAt: tally.firstAt, held: new Map<string, HeldCount>(), sets: undefined };
  if (sum !== undefined) into.tasks.addAll(tally.tasks);
  into.count += tally.count;
  for (const [name, count] of tally.held) {
    const mine = into.held.get(name);
    if (mine === undefined) into.held.set(name, { ...count, id: classes.id(name) });
    else {
      mine.any += count.any;
      mine.write += count.write;
      mine.depthSum += count.depthSum;
    }
  }
  if (tally.sets === undefined) return into;
  const sets = (into.sets ??= new Map<number | string, HeldSet>());
  for (const set of tally.sets.values()) {
    const key = setKey(set.classes.map((name) => classes.id(name)));
    const known = sets.get(key);
    if (known !== undefined) known.count += set.count;
    else sets.set(key, { classes: set.classes, count: set.count });
  }
  return into;
}

function emptyHeldTally(task: string, at: EventRef): HeldTally {
  return { count: 0, tasks: new TaskSet(task), firstAt: at, held: new Map(), sets: undefined };
}

/** One access by `task` with the log's held locks `[from, to)` held. */
function countHeld(tally: HeldTally, task: string, log: ChainLog, from: number, to: number): void {
  tally.count++;
  tally.tasks.add(task);
  const { heldClass, heldWrite } = log;
  const ids = scratchIds;
  ids.length = 0;
  // A class held twice (two instances) counts once: at its innermost hold, written if any hold is.
  // Held stacks are short: a scan beats building a set per occurrence.
  for (let index = to - 1; index >= from; index--) {
    const id = heldClass[index]!;
    if (heldAbove(heldClass, index, to, id)) continue;
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

/** The ids of one access's held classes, reused (the hooks allocate little). */
const scratchIds: number[] = [];
