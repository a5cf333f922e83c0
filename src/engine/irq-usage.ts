/**
 * Irq state and usage (slow path): a task's irq context and enable state (`applyIrqAction`),
 * lockdep's `mark_usage`, `mark_held_locks`, `mark_lock_irq` with
 * `valid_state`, and `check_irq_usage` for a new dependency. Sets the usage bits of classes and
 * reports the inconsistent-lock-state, irq-lock-inversion and irq-safe-to-unsafe findings.
 * Preconditions: `applyIrqAction` runs for every irq event (it only marks usage when irqs get
 * enabled with locks held); otherwise the validator calls in only when a class lacks a usage bit
 * it needs (`usageNeeded` in hot-path.ts, tested inline on the hot path) or when a new dependency is added;
 * every `at` is the reference of the event being processed.
 */
import type { IrqAction, IrqEvent, IrqKind, TraceEvent } from '../events/event.js';
import type { LockOpSite } from '../events/lock-op-sink.js';
import type { EngineCore } from './engine-core.js';
import { eventRef, irqEventOf, usageRef, type UsageAt } from './event-refs.js';
import type { DependencyWitness } from './finding.js';
import { inconsistentStateFinding, irqInversionFinding, irqSafeToUnsafeFinding } from './finding-builders.js';
import type { TaskState } from './held-lock.js';
import type { LockClass } from './lock-class.js';
import { MODE_RECURSIVE_READ, MODE_WRITE } from './lock-mode.js';
import {
  ENABLED_HARDIRQ,
  ENABLED_SOFTIRQ,
  LOCKF_ENABLED_IRQ_ALL,
  LOCKF_IRQ,
  LOCKF_USED_IN_IRQ_ALL,
  LOCK_USED,
  USAGE_DIR_MASK,
  USAGE_READ_MASK,
  USED_IN_HARDIRQ,
  USED_IN_SOFTIRQ,
  exclusiveBit,
  exclusiveMask,
  originalMask,
} from './usage.js';

/**
 * An irq event of `task` at `file:line`: its irq context and enable state change (settled for the
 * hot path at once: `TaskState.settleIrqState`); enabling irqs with locks held marks their usage. `event` is null for a plain line of a byte-level reader
 * (rebuilt from `site` when a usage record needs it).
 */
export function applyIrqAction(
core: EngineCore,
task: TaskState,
kind: IrqKind,
action: IrqAction,
event: IrqEvent | null,
site: LockOpSite,
file: string,
line: number,
): void {
  const hard = kind === 'hardirq';
  switch (action) {
    case 'enter':
      if (hard) {
        task.savedHardirqsEnabled.push(task.hardirqsEnabled);
        task.hardirqDepth++;
        task.hardirqsEnabled = false;
      } else {
        task.savedSoftirqsEnabled.push(task.softirqsEnabled);
        task.softirqDepth++;
        task.softirqsEnabled = false;
      }
      task.settleIrqState();
      break;
    case 'exit':
      if (hard) {
        if (task.hardirqDepth === 0) return;
        task.hardirqDepth--;
        task.hardirqsEnabled = task.savedHardirqsEnabled.pop() ?? true;
      } else {
        if (task.softirqDepth === 0) return;
        task.softirqDepth--;
        task.softirqsEnabled = task.savedSoftirqsEnabled.pop() ?? true;
      }
      task.settleIrqState();
      break;
    case 'disable':
      if (hard) task.hardirqsEnabled = false;
      else task.softirqsEnabled = false;
      task.settleIrqState();
      break;
    case 'enable':
      // The event (rebuilt for a plain line) only when a held lock still lacks the usage: bits
      // are never cleared, so a lock that has them now has them after the first pass too.
      if (hard) {
        if (task.hardirqsEnabled) return;
        task.hardirqsEnabled = true;
        task.settleIrqState();
        // Marking the hardirq bits leaves the softirq bits as they were, so both walks can come first.
        const hardFrom = firstLackingUsage(task, ENABLED_HARDIRQ);
        const softFrom = task.softirqsEnabled ? firstLackingUsage(task, ENABLED_SOFTIRQ) : -1;
        if (hardFrom < 0 && softFrom < 0) return;
        const enabling = irqEventOf(event, task, kind, action, site);
        if (hardFrom >= 0) markHeldLocks(core, task, ENABLED_HARDIRQ, hardFrom, enabling, file, line);
        if (softFrom >= 0) markHeldLocks(core, task, ENABLED_SOFTIRQ, softFrom, enabling, file, line);
      } else {
        if (task.softirqsEnabled) return;
        task.softirqsEnabled = true;
        task.settleIrqState();
        const softFrom = task.hardirqsEnabled ? firstLackingUsage(task, ENABLED_SOFTIRQ) : -1;
        if (softFrom >= 0) markHeldLocks(core, task, ENABLED_SOFTIRQ, softFrom, irqEventOf(event, task, kind, action, site), file, line);
      }
      break;
  }
}

/** `mark_usage` at acquisition, for the `needed` usage bits the class lacks; `at` is the acquisition. */
export function markAcquireUsage(core: EngineCore, task: TaskState, cls: LockClass, mode: number, needed: number, at: UsageAt): void {
  const read = mode !== MODE_WRITE ? 1 : 0;
  // Kernel order: USED_IN, then ENABLED, then USED (LOCK_USED_READ is LOCK_USED + 1).
  for (let i = 0; i < ACQUIRE_USAGE_ORDER.length; i++) {
    const bit = ACQUIRE_USAGE_ORDER[i]! + read;
    if (needed & (1 << bit) && !(cls.usage & (1 << bit))) markUsage(core, cls, bit, mode, at, task.name, task);
  }
}

/** The non-read usage bits `mark_usage` sets, in the kernel's order (a read acquisition's are each + 1). */
const ACQUIRE_USAGE_ORDER: readonly number[] = [USED_IN_HARDIRQ, USED_IN_SOFTIRQ, ENABLED_HARDIRQ, ENABLED_SOFTIRQ, LOCK_USED];

/**
 * The place of the first lock `task` holds that lacks the usage `baseBit` (its read variant for a
 * read hold), which `markHeldLocks` would set; -1: none does. `markHeldLocks` starts there, so the
 * held stack is walked once.
 */
function firstLackingUsage(task: TaskState, baseBit: number): number {
  const held = task.held;
  for (let i = 0; i < held.length; i++) {
    const h = held[i]!;
    if ((h.cls.usage & (1 << (baseBit + (h.mode !== MODE_WRITE ? 1 : 0)))) === 0) return i;
  }
  return -1;
}

/**
 * `mark_held_locks`: irqs (or bottom halves) were just enabled by `event` (at `file:line`) with
 * locks held; the held locks below `from` already have the usage (`firstLackingUsage`).
 */
function markHeldLocks(core: EngineCore, task: TaskState, baseBit: number, from: number, event: TraceEvent, file: string, line: number): void {
  const held = task.held;
  for (let i = from; i < held.length; i++) {
    const h = held[i]!;
    const bit = baseBit + (h.mode !== MODE_WRITE ? 1 : 0);
    if (h.cls.usage & (1 << bit)) continue;
    markUsage(core, h.cls, bit, h.mode, eventRef(event, task.id, file, line), task.name, task);
  }
}

/** `mark_lock` + `mark_lock_irq`: set a usage bit and check it against the class and the graph. */
export function markUsage(core: EngineCore, cls: LockClass, bit: number, mode: number, at: UsageAt, taskName: string, task: TaskState | undefined): void {
  if ((cls.usage & LOCKF_USED_IN_IRQ_ALL) === 0 && ((1 << bit) & LOCKF_USED_IN_IRQ_ALL) !== 0) core.usedInIrqClasses++;
  cls.usage |= 1 << bit;
  core.hotClasses.classUsage[cls.id] = cls.usage;
  cls.usageAt[bit] = at;
  if (bit >= LOCK_USED) return;
  const excl = exclusiveBit(bit);
  const read = bit & USAGE_READ_MASK;
  if (conflictingState(core, cls, bit, excl, at, taskName, task)) return;
  if (!read && conflictingState(core, cls, bit, excl + USAGE_READ_MASK, at, taskName, task)) return;
  const enabled = (bit & USAGE_DIR_MASK) !== 0;
  // An ENABLED usage can only conflict with a USED_IN usage somewhere behind it.
  if (enabled && core.usedInIrqClasses === 0) return;
  const byId = core.classes.byId;
  const mask = (1 << excl) | (1 << (excl + USAGE_READ_MASK));
  const skip = (c: number): boolean => byId[c]!.percpu;
  // Setting ENABLED looks backwards for USED_IN; setting USED_IN looks forwards for ENABLED.
  const rootOnlyXr = enabled ? mode !== MODE_WRITE : mode === MODE_RECURSIVE_READ;
  const hit = core.deps.search(cls.id, rootOnlyXr, !enabled, (c, onlyXr) => usageMatch(byId[c]!.usage, onlyXr, mask), skip);
  if (hit === null) return;
  const other = byId[hit.target]!;
  const otherBit = other.usage & (1 << excl) ? excl : excl + USAGE_READ_MASK;
  const path = core.deps.witnesses(hit.path);
  const chain = enabled ? path.reverse() : path;
  const pair = enabled
    ? { safe: other, safeBit: otherBit, unsafe: cls, unsafeBit: bit }
    : { safe: cls, safeBit: bit, unsafe: other, unsafeBit: otherBit };
  core.findings.report(irqInversionFinding(core.classes, cls, bit, other, pair, enabled, chain, usageRef(at), taskName, task));
}

/** `valid_state`: the class already has the usage that `newBit` conflicts with (reported). */
function conflictingState(core: EngineCore, cls: LockClass, newBit: number, badBit: number, at: UsageAt, taskName: string, task: TaskState | undefined): boolean {
  if (!(cls.usage & (1 << badBit))) return false;
  core.findings.report(inconsistentStateFinding(core.classes, cls, newBit, badBit, usageRef(at), taskName, task));
  return true;
}

/**
 * `check_irq_usage` for a new prev -> next: accumulate USED_IN usage backwards from prev,
 * look forwards from next for a conflicting ENABLED usage, then find the concrete safe lock.
 * Precondition: some class has a USED_IN usage (`core.usedInIrqClasses > 0`; the caller tests
 * it before building the witness closure), else there is nothing to find.
 */
export function checkIrqUsage(
  core: EngineCore,
  prevCls: LockClass,
  prevMode: number,
  nextCls: LockClass,
  nextMode: number,
  witness: () => DependencyWitness,
  liveTask: TaskState | undefined,
): void {
  const deps = core.deps;
  const byId = core.classes.byId;
  const skip = (c: number): boolean => byId[c]!.percpu;
  let accumulated = 0;
  deps.search(prevCls.id, prevMode !== MODE_WRITE, false, (c, onlyXr) => {
    const usage = byId[c]!.usage;
    accumulated |= onlyXr ? usage & LOCKF_IRQ : usage;
    return false;
  }, skip);
  accumulated &= LOCKF_USED_IN_IRQ_ALL;
  if (!accumulated) return;
  const forwardMask = exclusiveMask(accumulated);
  const forward = deps.search(nextCls.id, nextMode === MODE_RECURSIVE_READ, true, (c, onlyXr) => usageMatch(byId[c]!.usage, onlyXr, forwardMask), skip);
  if (forward === null) return;
  const unsafe = byId[forward.target]!;
  const backwardMask = originalMask(unsafe.usage & LOCKF_ENABLED_IRQ_ALL);
  const backward = deps.search(prevCls.id, prevMode !== MODE_WRITE, false, (c, onlyXr) => usageMatch(byId[c]!.usage, onlyXr, backwardMask), skip);
  if (backward === null) return;
  const safe = byId[backward.target]!;
  const bits = exclusiveMatch(safe.usage, unsafe.usage);
  if (bits === null) return;
  const [safeBit, unsafeBit] = bits;
  const newEdge = witness();
  const chain = [...deps.witnesses(backward.path).reverse(), newEdge, ...deps.witnesses(forward.path)];
  core.findings.report(irqSafeToUnsafeFinding(core.classes, prevCls, nextCls, { safe, safeBit, unsafe, unsafeBit }, chain, newEdge, liveTask));
}

/** `usage_match`: a node reached only through recursive-read edges matches only non-read usage. */
function usageMatch(usage: number, onlyXr: boolean, mask: number): boolean {
  return ((onlyXr ? usage & LOCKF_IRQ : usage) & mask) !== 0;
}

/** `find_exclusive_match`: the first (safe bit, unsafe bit) pair that conflicts. */
function exclusiveMatch(safeUsage: number, unsafeUsage: number): [number, number] | null {
  for (let bit = 0; bit < LOCK_USED; bit++) {
    if (!(safeUsage & (1 << bit))) continue;
    if (bit & USAGE_DIR_MASK) continue;
    const excl = exclusiveBit(bit);
    if (unsafeUsage & (1 << excl)) return [bit, excl];
    if (unsafeUsage & (1 << (excl | USAGE_READ_MASK))) return [bit, excl | USAGE_READ_MASK];
  }
  return null;
}
