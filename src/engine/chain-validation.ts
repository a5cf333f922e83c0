/**
 * Chain validation (slow path, once per new chain): lockdep's `validate_chain` with
 * `check_deadlock` (same-class recursion), `check_prev_add` (`addDependency`: the cycle search,
 * the irq-safety search, then the edge) and the same-class cycle check. Reports
 * recursive-locking, circular-dependency and (through irq-usage.ts) irq-safe-to-unsafe, and
 * shows each new dependency to the hooks. Also the hooks' path query by class name (`classPath`).
 * Preconditions: `validateChain` runs for a chain the chain cache has not seen, never for a
 * trylock; `task.held[0..depth)` is the stack below `next`.
 */
import { liveWitness, type LiveAcquisition } from './edge-witnesses.js';
import type { EngineCore } from './engine-core.js';
import type { DependencyWitness } from './finding.js';
import { cycleFinding, recursiveLockingFinding } from './finding-builders.js';
import type { HeldLock, TaskState } from './held-lock.js';
import { checkIrqUsage } from './irq-usage.js';
import type { LockClass } from './lock-class.js';
import { MODE_RECURSIVE_READ, MODE_WRITE, depBit, depBitBackward, depTypes } from './lock-mode.js';

/**
 * `validate_chain` for a new chain: the same-class recursion check, then a dependency from
 * every predecessor in the same irq context. Predecessors are the nearest held lock that is
 * neither a trylock nor a recursive reader plus every lock above it; going past recursive
 * readers closes gap 2 of docs/semantics.md (their transitive path is weak; a direct edge is not).
 */
export function validateChain(core: EngineCore, task: TaskState, next: HeldLock, depth: number): void {
  const held = task.held;
  // check_deadlock: every held lock of the same class, in any irq context.
  let nestSeen = false;
  let serializedByNest = false;
  for (let i = 0; i < depth; i++) {
    const prev = held[i]!;
    if (next.nest !== undefined && prev.inst === next.nest) nestSeen = true;
    if (prev.cls !== next.cls) continue;
    if (next.mode === MODE_RECURSIVE_READ && prev.mode !== MODE_WRITE) continue;
    if (nestSeen) {
      serializedByNest = true;
      break;
    }
    core.findings.report(recursiveLockingFinding(core.classes, task, prev, next, null));
    return;
  }
  if (serializedByNest) return;
  for (let i = depth - 1; i >= 0; i--) {
    const prev = held[i]!;
    if (prev.irqContext !== next.irqContext) break;
    if (prev.cls === next.cls) {
      // Read-after-read of one class: no self edge, but a strong cycle through other classes
      // is still reported, as recursive locking (check_noncircular's same-class case).
      checkSameClassCycle(core, task, prev, next);
    } else {
      addDependency(core, prev.cls, prev.mode, next.cls, next.mode, { task, prev, next });
    }
    if (!prev.trylock && prev.mode !== MODE_RECURSIVE_READ) break;
  }
}

/**
 * `check_prev_add` for prev -> next: the cycle search, the irq-safety search, then the edge.
 * A known (edge, type) pair needs no search: it was checked when it was added, and every
 * later edge or usage change runs its own search. The edge is kept even when it closes a
 * cycle, so later findings still see it. The witness is the live acquisition's, or `merged`'s
 * for an edge from a saved graph.
 */
export function addDependency(
  core: EngineCore,
  prevCls: LockClass,
  prevMode: number,
  nextCls: LockClass,
  nextMode: number,
  live: LiveAcquisition | undefined,
  merged?: () => DependencyWitness,
): void {
  const deps = core.deps;
  const bit = depBit(prevMode, nextMode);
  const existing = deps.find(prevCls.id, nextCls.id);
  if (existing >= 0 && (deps.edgeMask[existing]! & bit) !== 0) {
    deps.edgeMaskBack[existing] = deps.edgeMaskBack[existing]! | depBitBackward(prevMode, nextMode);
    return;
  }
  // check_noncircular: from next, look for prev; a match closes a strong cycle.
  const hit = deps.search(nextCls.id, nextMode === MODE_RECURSIVE_READ, true, (cls, onlyXr) =>
    cls === prevCls.id && (prevMode === MODE_WRITE || !onlyXr),
  );
  if (hit !== null) {
    // The path walks next ->* prev; the closing edge is prev -> next. classes[0] is `next`.
    const closing = dependencyWitness(bit, live, merged);
    core.findings.report(cycleFinding(core.classes, deps.witnesses(hit.path), closing, live?.task));
  }
  if (core.usedInIrqClasses > 0) {
    const newWitness = (): DependencyWitness => dependencyWitness(bit, live, merged);
    checkIrqUsage(core, prevCls, prevMode, nextCls, nextMode, newWitness, live?.task);
  }
  // The graph keeps the live acquisition's fields and builds its witness only when asked for.
  const added = deps.add(prevCls.id, nextCls.id, bit, depBitBackward(prevMode, nextMode), live, merged);
  if (added.newBits && core.dependencyHooks.length > 0) {
    const w = deps.witness(added.edge);
    for (const hook of core.dependencyHooks) hook.onNewDependency!(w, core.query);
  }
}

/**
 * The witness of a new dependency (of type mask `bit`) as a finding shows it: the saved graph's
 * (`merged`) or the live acquisition's. Built only for a finding (the graph builds its own copy
 * when asked, edge-witnesses.ts).
 */
function dependencyWitness(bit: number, live: LiveAcquisition | undefined, merged: (() => DependencyWitness) | undefined): DependencyWitness {
  return merged !== undefined ? { ...merged(), types: depTypes(bit) } : liveWitness(live!, bit);
}

/** Read-after-read of one class: a strong path from the class back to itself is recursive locking. */
function checkSameClassCycle(core: EngineCore, task: TaskState, prev: HeldLock, next: HeldLock): void {
  const cls = next.cls;
  const hit = core.deps.search(cls.id, next.mode === MODE_RECURSIVE_READ, true, (c, onlyXr) =>
    c === cls.id && (prev.mode === MODE_WRITE || !onlyXr),
  );
  // The root matches itself trivially when the search starts not-only-xr; require a real path.
  if (hit === null || hit.path.length === 0) return;
  core.findings.report(recursiveLockingFinding(core.classes, task, prev, next, core.deps.witnesses(hit.path)));
}

/** The shortest dependency path from class `from` to class `to` by name, as hooks ask for it (null: none). */
export function classPath(core: EngineCore, from: string, to: string, fromRecursiveReader: boolean): DependencyWitness[] | null {
  const { classes, deps } = core;
  const a = classes.get(from);
  const b = classes.get(to);
  if (a === undefined || b === undefined) return null;
  const hit = deps.search(a.id, fromRecursiveReader, true, (c) => c === b.id);
  return hit === null ? null : deps.witnesses(hit.path);
}
