/**
 * The oracle's prediction for a trace, computed independently of the engine from the semantics
 * in docs/semantics.md: it replays the trace on the plain held-lock model (held-model.ts) and
 * records
 * - dependencies: for every validated acquisition of class C (a chain not seen before, not a
 *   trylock, not reported as recursion, not serialized by a held `nest` lock), an edge from EVERY
 *   lock the task holds in the same irq context to C, typed E/S by the held lock's mode and R/N by
 *   C's (the engine links fewer and relies on transitivity; cycles must agree);
 * - same-class recursion: a validated acquisition of a class the task holds (any irq context),
 *   unless it is a recursive read after a read or a held `nest` lock comes first; and a recursive
 *   read after a read that closes a strong cycle through other classes;
 * - irq usage per class (used in hardirq/softirq, taken with them enabled; read or write);
 * - held locks freed or initialised again, tasks exiting with locks held, `nest` locks not held.
 * From these it answers: is there a strong cycle (oracle.ts), is there an irq conflict (a class
 * used in an irq reaching, along a strong path, a class taken with that irq enabled: the cycle the
 * interrupt would close), and which classes each finding may name.
 */
import type { DepType } from '../../src/engine/finding.js';
import type { LockMode, TraceEvent } from '../../src/events/event.js';
import { HeldModel, type HeldEntry } from './held-model.js';
import { closesStrongly, judge, OracleGraph, typeBit, type OracleVerdict, type TypeMask } from './oracle.js';

export type IrqState = 'HARDIRQ' | 'SOFTIRQ';
const STATES: readonly IrqState[] = ['HARDIRQ', 'SOFTIRQ'];

/** Usage of one class in one irq state: used in that irq, or taken with it enabled; W or R. */
interface StateUsage {
  usedIn: Set<'W' | 'R'>;
  enabled: Set<'W' | 'R'>;
}

export interface Prediction {
  graph: OracleGraph;
  verdict: OracleVerdict;
  /** Classes reported as recursive locking. */
  recursive: Set<string>;
  /** Whether any class pair (or class) has conflicting irq usage. */
  irqConflict: boolean;
  /** Class names a held-lock-freed finding may name. */
  freed: Set<string>;
  /** Classes held at some exit. */
  heldAtExit: Set<string>;
  /** Classes acquired with a `nest` lock that was not held. */
  nestNotHeld: Set<string>;
  /** Whether `cls` itself has conflicting usage in `state` (inconsistent lock state). */
  selfConflict(state: IrqState, cls: string): boolean;
  /** Whether irq-safe `safe` reaches irq-unsafe `unsafe` in `state` along a strong path. */
  pairConflict(state: IrqState, safe: string, unsafe: string): boolean;
  /** Whether `cls` was taken in an irq (any state), or with an irq enabled. */
  irqSafe(cls: string): boolean;
  irqUnsafe(cls: string): boolean;
  /** Whether `to` is `from` or reachable from it in the dependency graph. */
  reaches(from: string, to: string): boolean;
  /** What the program exercised (for the generator's coverage report). */
  exercised: { nestMerged: boolean; nestSerialized: boolean; subclass: boolean; reacquired: boolean; irqContext: boolean };
}

const modeLetter = (mode: LockMode): 'W' | 'R' => (mode === 'write' ? 'W' : 'R');

function depType(prev: HeldEntry, next: HeldEntry): DepType {
  return `${prev.mode === 'write' ? 'E' : 'S'}${next.mode === 'recursive-read' ? 'R' : 'N'}` as DepType;
}

/** The engine's chain: the irq context and the (class, mode, trylock) held in it, then `entry`. */
function chainKey(entry: HeldEntry, below: readonly HeldEntry[]): string {
  const segment: string[] = [];
  for (let i = below.length - 1; i >= 0 && below[i]!.ctx === entry.ctx; i--) {
    const h = below[i]!;
    segment.unshift(`${h.cls},${h.mode},${h.trylock}`);
  }
  return `${entry.ctx}|${segment.join(';')}|${entry.cls},${entry.mode},${entry.trylock}`;
}

export function predict(events: readonly TraceEvent[]): Prediction {
  const graph = new OracleGraph();
  const usage = new Map<string, Map<IrqState, StateUsage>>();
  const recursive = new Set<string>();
  const freed = new Set<string>();
  const heldAtExit = new Set<string>();
  const nestNotHeld = new Set<string>();
  /** Chains seen, and whether their acquisition was linked. */
  const chains = new Map<string, boolean>();
  const exercised = { nestMerged: false, nestSerialized: false, subclass: false, reacquired: false, irqContext: false };

  const usageOf = (cls: string, state: IrqState): StateUsage => {
    let byState = usage.get(cls);
    if (byState === undefined) usage.set(cls, (byState = new Map()));
    let u = byState.get(state);
    if (u === undefined) byState.set(state, (u = { usedIn: new Set(), enabled: new Set() }));
    return u;
  };

  /**
   * validate_chain for `next` on top of `below`, only for a chain not seen before (a chain seen
   * before gives the same dependencies, so the first validation's outcome stands).
   */
  const validate = (next: HeldEntry, below: readonly HeldEntry[]): void => {
    const key = chainKey(next, below);
    const seen = chains.get(key);
    if (seen !== undefined) {
      next.linked = seen;
      return;
    }
    next.linked = next.trylock || linkChain(next, below);
    chains.set(key, next.linked);
  };

  /** Recursion check and dependencies of a validated acquisition; false when it adds none. */
  const linkChain = (next: HeldEntry, below: readonly HeldEntry[]): boolean => {
    let nestSeen = false;
    for (const prev of below) {
      if (next.nestObj !== undefined && prev.obj === next.nestObj) nestSeen = true;
      if (prev.cls !== next.cls) continue;
      if (next.mode === 'recursive-read' && prev.mode !== 'write') continue;
      if (nestSeen) {
        exercised.nestSerialized = true;
        return false;
      }
      recursive.add(next.cls);
      return false;
    }
    // Edges from every held lock of the same irq context, down to a blocking one (neither a
    // trylock nor a recursive reader) whose own acquisition was not linked: the engine stops
    // there and relies on transitivity, which that acquisition did not provide. The same-class cycle check applies to the
    // same-class locks the engine walks to: those above the nearest held lock that is neither a
    // trylock nor a recursive reader, and that lock itself.
    let walked = true;
    for (let i = below.length - 1; i >= 0 && below[i]!.ctx === next.ctx; i--) {
      const prev = below[i]!;
      if (prev.cls === next.cls) {
        if (walked && closesStrongly(graph, next.cls, next.cls, typeBit('SR'), 1)) recursive.add(next.cls);
      } else {
        graph.add(prev.cls, next.cls, depType(prev, next));
      }
      const blocking = !prev.trylock && prev.mode !== 'recursive-read';
      if (blocking) walked = false;
      if (blocking && !prev.linked) break;
    }
    return true;
  };

  const model = new HeldModel({
    acquired(task, entry, below) {
      if (entry.cls.includes('/')) exercised.subclass = true;
      if (entry.ctx !== 0) exercised.irqContext = true;
      const letter = modeLetter(entry.mode);
      if (!entry.trylock) {
        if (task.hardirqDepth > 0) usageOf(entry.cls, 'HARDIRQ').usedIn.add(letter);
        if (task.softirqDepth > 0) usageOf(entry.cls, 'SOFTIRQ').usedIn.add(letter);
      }
      if (task.hardirqsEnabled) {
        usageOf(entry.cls, 'HARDIRQ').enabled.add(letter);
        if (task.softirqsEnabled) usageOf(entry.cls, 'SOFTIRQ').enabled.add(letter);
      }
      validate(entry, below);
    },
    reacquired(_task, entry, below) {
      exercised.reacquired = true;
      validate(entry, below);
    },
    enabled(task, hard) {
      const states: IrqState[] = hard ? (task.softirqsEnabled ? ['HARDIRQ', 'SOFTIRQ'] : ['HARDIRQ']) : task.hardirqsEnabled ? ['SOFTIRQ'] : [];
      for (const h of task.held) for (const state of states) usageOf(h.cls, state).enabled.add(modeLetter(h.mode));
    },
    heldFreed(names) {
      for (const name of names) freed.add(name);
    },
    exitedHolding(classes) {
      for (const cls of classes) heldAtExit.add(cls);
    },
    nestNotHeld(cls) {
      nestNotHeld.add(cls);
    },
  });
  const merges = (): number => [...model.tasks.values()].reduce((n, t) => n + t.held.filter((h) => h.references > 0).length, 0);
  for (const event of events) {
    model.apply(event);
    if (merges() > 0) exercised.nestMerged = true;
  }

  /** The virtual edge an interrupt adds from irq-unsafe `unsafe` to irq-safe `safe`. */
  const virtualMask = (state: IrqState, safe: string, unsafe: string): TypeMask => {
    const used = usage.get(safe)?.get(state)?.usedIn ?? new Set();
    const enabled = usage.get(unsafe)?.get(state)?.enabled ?? new Set();
    let mask = 0;
    for (const e of enabled) for (const u of used) mask |= typeBit(`${e === 'W' ? 'E' : 'S'}${u === 'R' ? 'R' : 'N'}` as DepType);
    return mask;
  };
  // A class alone: read in an irq and read with it enabled is the one allowed pair (SR).
  const selfConflict = (state: IrqState, cls: string): boolean => (virtualMask(state, cls, cls) & ~typeBit('SR')) !== 0;
  const pairConflict = (state: IrqState, safe: string, unsafe: string): boolean => closesStrongly(graph, safe, unsafe, virtualMask(state, safe, unsafe), 0);
  const classes = [...usage.keys()];
  const irqConflict = STATES.some((state) => classes.some((safe) => classes.some((unsafe) => pairConflict(state, safe, unsafe))));

  const irqSafe = (cls: string): boolean => STATES.some((state) => (usage.get(cls)?.get(state)?.usedIn.size ?? 0) > 0);
  const irqUnsafe = (cls: string): boolean => STATES.some((state) => (usage.get(cls)?.get(state)?.enabled.size ?? 0) > 0);
  const reaches = (from: string, to: string): boolean => {
    const seen = new Set([from]);
    const stack = [from];
    while (stack.length > 0) {
      for (const next of graph.successors(stack.pop()!)) {
        if (seen.has(next)) continue;
        seen.add(next);
        stack.push(next);
      }
    }
    return seen.has(to);
  };
  return { graph, verdict: judge(graph), recursive, irqConflict, freed, heldAtExit, nestNotHeld, selfConflict, pairConflict, irqSafe, irqUnsafe, reaches, exercised };
}
