/**
 * The interface between the validator and checkers that live outside it (the rule engine).
 * Hooks cost nothing on the acquisitions of classes they do not watch: those stay one
 * chain-cache lookup. They run on new chains and dependencies (slow-path work the validator does
 * anyway) and, per event, on what they ask to see (watched classes, watched variables):
 *  - onNewChain: the first time a (held chain, next lock+mode) combination is seen in an irq
 *    context (every acquisition kind, trylocks and `sync` included);
 *  - onWatchedAcquire: every acquisition of a class for which `watchClass` returned true;
 *  - onAccess: every `access` event whose var the hook watches (`watchVar`; all vars without it);
 *  - onNewDependency: every new edge (or new dependency type on an existing edge) of the graph;
 *  - onEnd: once, at the end of the trace.
 */
import type { LockMode, LockType } from '../events/event.js';
import type { DependencyWitness, EventRef, Finding, HeldLockRef } from './finding.js';

/** A lock as the hooks see it. */
export interface LockView {
  class: string;
  lock: string;
  type: LockType;
  mode: LockMode;
  try: boolean;
  /** The acquire event. */
  at: EventRef;
}

export interface AcquireContext {
  task: string;
  /** Locks held in the same irq context, bottom (oldest) first. */
  held: readonly LockView[];
  /** The lock being acquired (for `sync`, the lock being synchronised with). */
  next: LockView;
  sync: boolean;
}

export interface AccessContext {
  task: string;
  var: string;
  write: boolean;
  /** Every lock the task holds, bottom first. */
  held: readonly LockView[];
  at: EventRef;
}

/** What a hook may ask of the validator. */
export interface EngineQuery {
  /**
   * Shortest strong dependency path `from` ->* `to` over recorded edges, or null. Classes by name.
   * `fromRecursiveReader`: `from` was itself reached as a recursive reader (by `-(*R)->` edges
   * only), so the path may not go on with an edge whose first lock is held for read.
   */
  findPath(from: string, to: string, fromRecursiveReader?: boolean): DependencyWitness[] | null;
  /** True when the class has been seen. */
  hasClass(name: string): boolean;
  /** The locks `task` holds now, oldest first (empty for a task never seen). */
  heldLocks(task: string): HeldLockRef[];
  /**
   * Report a finding; `fingerprint` is computed when omitted, from the kind, rule, classes and
   * `extra` (words that tell findings over the same classes apart). Duplicates are merged.
   */
  report(finding: Omit<Finding, 'fingerprint'> & { fingerprint?: string; extra?: string[] }): void;
}

export interface EngineHooks {
  watchClass?(className: string): boolean;
  /** Which vars `onAccess` wants to see; asked once per var name. Without it, every var. */
  watchVar?(varName: string): boolean;
  onNewChain?(ctx: AcquireContext, q: EngineQuery): void;
  onWatchedAcquire?(ctx: AcquireContext, q: EngineQuery): void;
  onAccess?(ctx: AccessContext, q: EngineQuery): void;
  onNewDependency?(dep: DependencyWitness, q: EngineQuery): void;
  onEnd?(q: EngineQuery): void;
}
