/**
 * The validator's hot state and its two shortest paths, taken by the byte lanes' calls
 * (`acquireAt`/`releaseAt` with cached handles) before the general code: the chain cache, the
 * per-class flag and usage arrays by class id, and the chain-cache hit count.
 *  - `acquire`: a plain acquisition (subclass 0, no nest, not a sync) whose class is not watched,
 *    needs no report (not sleep-in-atomic, depth below the limit), has every usage bit it would
 *    set, and extends a chain seen before: the held record is pushed, nothing else happens;
 *  - `release`: a release of the top held entry of the current irq context, not nest-merged.
 * Written for what V8's optimizing compiler makes of it (docs/performance.md, "The STD hot path,
 * fourth pass"): the class flags are literals checked against class-flags.ts by their types (an
 * imported constant costs a load and a hole check per use), and booleans read from objects are
 * compared with `=== true` (a bare truth test of a field is the general one, a dozen instructions).
 * Invariant: each either does exactly what the validator's general path would do for that call
 * (validator.ts `acquireInstance` / `releaseInstance`) and returns true, or changes nothing and
 * returns false (the general path then runs). Tested by the engine's lane-equivalence tests.
 */
/* eslint-disable @typescript-eslint/no-unnecessary-boolean-literal-compare -- `=== true` on purpose: V8 compiles a bare truth test of a field to the general one (see the header) */
import { chainBase, hlockKeyOf } from './chain-cache.js';
import type { FLAG_ATOMIC, FLAG_SLEEPS, FLAG_WATCHED } from './class-flags.js';
import { spareHeld, takeHeld, type LockInstance, type TaskState } from './held-lock.js';
import { IntPairMap } from './int-pair-map.js';
import type { MODE_WRITE } from './lock-mode.js';
import type { LOCK_USED, LOCK_USED_READ } from './usage.js';
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
    if ((flags & (4 satisfies typeof FLAG_WATCHED)) !== 0) return false;
    if ((flags & (1 satisfies typeof FLAG_SLEEPS)) !== 0 && trylock === false && task.atomic) return false;
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
    if ((flags & (2 satisfies typeof FLAG_ATOMIC)) !== 0) task.atomicHeld++;
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
    if ((this.classFlags[top.classId]! & (2 satisfies typeof FLAG_ATOMIC)) !== 0) task.atomicHeld--;
    spareHeld(task, top);
    if (task.depthReported === true && depth - 1 < this.maxDepth) task.depthReported = false;
    return true;
  }
}

/**
 * The usage bits an acquisition sets (`mark_usage`): checked inline on the hot path (and by the
 * validator's general path), set only when missing. From the task's settled irq state
 * (`TaskState.settleIrqState`); a read acquisition's bits are each one higher than a write's
 * (LOCK_USED_READ is LOCK_USED + 1, each irq usage's read variant its bit + 1).
 */
export function usageNeeded(task: TaskState, mode: number, trylock: boolean, sync: boolean): number {
  const needed = (1 << (8 satisfies typeof LOCK_USED)) | (trylock === true ? 0 : task.irqContextUsage) | (sync === true ? 0 : task.irqEnabledUsage);
  return mode !== (0 satisfies typeof MODE_WRITE) ? needed << ((9 satisfies typeof LOCK_USED_READ) - (8 satisfies typeof LOCK_USED)) : needed;
}
