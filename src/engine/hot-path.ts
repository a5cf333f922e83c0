/**
 * The validator's hot state and its two shortest paths, taken by the byte lanes' calls
 * (`acquireAt`/`releaseAt` with cached handles) before the general code: the chain cache, the
 * per-class flag and usage arrays by class id, and the chain-cache hit count.
 *  - `acquire`: a plain acquisition (subclass 0, no nest, not a sync) whose class is not watched,
 *    needs no report (not sleep-in-atomic, depth below the limit), has every usage bit it would
 *    set, and extends a chain seen before: the held record is pushed, nothing else happens;
 *  - `release`: a release of the top held entry of the current irq context, not nest-merged.
 * Invariant: each either does exactly what the validator's general path would do for that call
 * (validator.ts `acquireInstance` / `releaseInstance`) and returns true, or changes nothing and
 * returns false (the general path then runs). Tested by the engine's lane-equivalence tests.
 */
import { chainBase, hlockKeyOf } from './chain-cache.js';
import { FLAG_ATOMIC, FLAG_SLEEPS, FLAG_WATCHED } from './class-flags.js';
import { spareHeld, takeHeld, type LockInstance, type TaskState } from './held-lock.js';
import { usageNeeded } from './irq-usage.js';
import { IntPairMap } from './int-pair-map.js';
import type { LockOpSite } from '../events/lock-op-sink.js';

export class HotPath {
  /** (parent chain, held-lock key) -> chain (chain-cache.ts); room for 16,384 chains before it grows. */
  readonly chainCache = new IntPairMap(1 << 15);
  /** Usage mask per class id (the slow paths mirror every change here). */
  classUsage = new Int32Array(1024);
  /** class-flags.ts flags per class id, set at class creation. */
  classFlags = new Uint8Array(1024);
  chainHits = 0;

  constructor(readonly maxDepth: number) {}

  /** See the header: true when done, false (nothing changed) when the general path must run. */
  acquire(task: TaskState, inst: LockInstance, mode: number, trylock: boolean, site: LockOpSite, file: string, line: number): boolean {
    const classId = inst.class0Id;
    if (classId < 0) return false;
    const flags = this.classFlags[classId]!;
    if ((flags & FLAG_WATCHED) !== 0) return false;
    if ((flags & FLAG_SLEEPS) !== 0 && !trylock && task.atomic) return false;
    const held = task.held;
    if (held.length >= this.maxDepth) return false;
    const needed = usageNeeded(task, mode, trylock, false);
    if ((this.classUsage[classId]! & needed) !== needed) return false;
    const irqContext = task.irqContext;
    const chain = this.chainCache.get(chainBase(held, irqContext), hlockKeyOf(classId, mode, trylock, false));
    if (chain < 0) return false;
    this.chainHits++;
    held.push(takeHeld(task, inst, inst.class0!, classId, mode, trylock, irqContext, chain, undefined, null, site, file, line));
    inst.holders++;
    if ((flags & FLAG_ATOMIC) !== 0) task.atomicHeld++;
    return true;
  }

  /** See the header: true when done, false (nothing changed) when the general path must run. */
  release(task: TaskState, inst: LockInstance): boolean {
    const held = task.held;
    const depth = held.length;
    if (depth === 0) return false;
    const top = held[depth - 1]!;
    if (top.inst !== inst || top.references !== 0 || top.irqContext !== task.irqContext) return false;
    held.pop();
    inst.holders--;
    if ((this.classFlags[top.classId]! & FLAG_ATOMIC) !== 0) task.atomicHeld--;
    spareHeld(task, top);
    if (task.depthReported && depth - 1 < this.maxDepth) task.depthReported = false;
    return true;
  }
}
