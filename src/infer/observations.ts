/**
 * What `lockdep infer` learns while the checker runs, through engine hooks (no second read of a
 * trace): per new held-lock chain (lockdep's chain cache: a held sequence repeated a million
 * times is seen once), which class was taken while which was held, and how; per `access` event,
 * which locks were held. The inference reads these tallies after the run, beside the graph.
 * Invariants: the counts are exactly what the rule kinds check (onNewChain's held locks of the
 * same irq context for `order`, `leaf`, `must-hold` and `forbid-inside`; every held lock for
 * `guarded-by`), so a rule that holds in every tally gives no finding on the same input; one
 * observer may watch several inputs (their tallies add up).
 */
import type { EventRef } from '../engine/finding.js';
import type { EngineHooks, LockView } from '../engine/hooks.js';

/** How often something was seen: distinct chains (or accesses), the tasks, and the first sighting. */
export interface Tally {
  count: number;
  tasks: Set<string>;
  firstAt: EventRef;
}

/** Occurrences of something (an acquisition, an access) with the classes held around it. */
export interface HeldTally extends Tally {
  /** Per held class: occurrences with it held (any mode). */
  heldAny: Map<string, number>;
  /** Per held class: occurrences with it held for write. */
  heldWrite: Map<string, number>;
  /** Per held class: the sum of its distances from the innermost held lock (0: innermost). */
  depthSum: Map<string, number>;
}

export class Observations {
  /** Outer class -> inner class -> chains that took inner while outer was held (same irq context). */
  readonly nesting = new Map<string, Map<string, Tally>>();
  /** Class -> its new chains, with the classes held (same irq context). */
  readonly acquired = new Map<string, HeldTally>();
  /** `var\0w` or `var\0r` -> its accesses, with every held class. */
  readonly accesses = new Map<string, HeldTally & { var: string; write: boolean }>();

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
      for (const [name, tally] of part.acquired) total.acquired.set(name, addHeldTally(total.acquired.get(name), tally));
      for (const [key, tally] of part.accesses) {
        const sum = addHeldTally(total.accesses.get(key), tally);
        total.accesses.set(key, { ...sum, var: tally.var, write: tally.write });
      }
    }
    return total;
  }

  /** The hooks that fill these tallies; give them to every validator of the run. */
  hooks(): EngineHooks {
    return {
      onNewChain: (ctx) => {
        const next = ctx.next.class;
        const tally = this.acquired.get(next) ?? newHeldTally(this.acquired, next, ctx.next.at);
        countHeld(tally, ctx.task, ctx.held, next);
        for (const held of ctx.held) {
          let inner = this.nesting.get(held.class);
          if (inner === undefined) this.nesting.set(held.class, (inner = new Map<string, Tally>()));
          const pair = inner.get(next);
          if (pair === undefined) inner.set(next, { count: 1, tasks: new Set([ctx.task]), firstAt: ctx.next.at });
          else {
            pair.count++;
            pair.tasks.add(ctx.task);
          }
        }
      },
      onAccess: (ctx) => {
        const key = `${ctx.var}\u0000${ctx.write ? 'w' : 'r'}`;
        let tally = this.accesses.get(key);
        if (tally === undefined) {
          tally = { ...emptyHeldTally(ctx.at), var: ctx.var, write: ctx.write };
          this.accesses.set(key, tally);
        }
        countHeld(tally, ctx.task, ctx.held, undefined);
      },
    };
  }
}

function addTally(sum: Tally | undefined, tally: Tally): Tally {
  if (sum === undefined) return { count: tally.count, tasks: new Set(tally.tasks), firstAt: tally.firstAt };
  sum.count += tally.count;
  for (const task of tally.tasks) sum.tasks.add(task);
  return sum;
}

function addHeldTally(sum: HeldTally | undefined, tally: HeldTally): HeldTally {
  const into = sum ?? emptyHeldTally(tally.firstAt);
  addTally(into, tally);
  for (const key of ['heldAny', 'heldWrite', 'depthSum'] as const) {
    for (const [name, count] of tally[key]) into[key].set(name, (into[key].get(name) ?? 0) + count);
  }
  return into;
}

function emptyHeldTally(at: EventRef): HeldTally {
  return { count: 0, tasks: new Set(), firstAt: at, heldAny: new Map(), heldWrite: new Map(), depthSum: new Map() };
}

function newHeldTally(map: Map<string, HeldTally>, key: string, at: EventRef): HeldTally {
  const tally = emptyHeldTally(at);
  map.set(key, tally);
  return tally;
}

/** One occurrence by `task` with `held` held; a held lock of class `except` (the one taken) is not counted. */
function countHeld(tally: HeldTally, task: string, held: readonly LockView[], except: string | undefined): void {
  tally.count++;
  tally.tasks.add(task);
  // A class held twice (two instances) counts once: at its innermost hold, written if any hold is.
  const depthOf = new Map<string, number>();
  const written = new Set<string>();
  for (let index = held.length - 1; index >= 0; index--) {
    const view = held[index]!;
    if (view.class === except) continue;
    if (!depthOf.has(view.class)) depthOf.set(view.class, held.length - 1 - index);
    if (view.mode === 'write') written.add(view.class);
  }
  for (const [name, depth] of depthOf) {
    tally.heldAny.set(name, (tally.heldAny.get(name) ?? 0) + 1);
    if (written.has(name)) tally.heldWrite.set(name, (tally.heldWrite.get(name) ?? 0) + 1);
    tally.depthSum.set(name, (tally.depthSum.get(name) ?? 0) + depth);
  }
}
