/**
 * The shapes through which LockdepRuntime is configured and called: its constructor options
 * (with the reaction to findings), the options every acquiring primitive accepts, and what the
 * runtime knows of a lock instance. Types only; LockdepRuntime (runtime.ts) applies them and
 * re-exports them, so callers import them from either.
 */
import type { Finding } from '../engine/finding.js';
import type { EngineHooks } from '../engine/hooks.js';
import type { LockType } from '../events/event.js';
import type { DeadlockReaction } from './deadlock-detector.js';
import type { RuleInput } from './rule-source.js';

export type FindingReaction = 'collect' | 'warn' | 'throw';

export interface LockdepRuntimeOptions {
  /** Rule files (paths), or hooks made by `createRuleHooks`. */
  rules?: RuleInput;
  /** Extra engine hooks. */
  hooks?: EngineHooks[];
  /** What to do when a new finding is raised. Default `collect`. */
  onFinding?: FindingReaction | ((finding: Finding) => void);
  /** Capture the user's `file:line` (site) and stack for every acquisition. Default off. */
  stacks?: boolean | { depth: number };
  /**
   * Write every event to this file as a spec JSONL trace, while the program runs; the file is
   * complete at `end()` and holds every event so far if the process exits first (any way).
   */
  recordTo?: string;
  /**
   * A real deadlock (a wait-for cycle) is checked for the moment a task blocks and is always a
   * `deadlock` finding. `'report'` (default): the tasks stay blocked; `'throw'`: the acquisition
   * that closed the cycle rejects with a DeadlockError and the other tasks go on.
   */
  onDeadlock?: DeadlockReaction;
  /** Feed events to the validator. Default true; false makes the primitives plain locks. */
  validate?: boolean;
  /** Held-lock depth limit (default 48, as the kernel). */
  maxDepth?: number;
  /** Name used as `file` of findings' event references when not recording. Default `<simulation>`. */
  name?: string;
  /**
   * `lockdep.config.yaml` to apply: `true` finds the nearest one from the working directory (as
   * the CLI does), a string names the file. Adds its rules (with `strictOrder`) and `maxDepth`.
   */
  config?: string | boolean;
}

/** Options every acquiring operation accepts. */
export interface AcquireOptions {
  /** Nesting subclass 0-7 (`mutex_lock_nested`): a distinct class in the graph. */
  subclass?: number;
  /** A held lock that serializes same-class acquisitions (`mutex_lock_nest_lock`). */
  nest?: { readonly id: string };
  /** Call-site label for this acquisition (e.g. a kernel function name). */
  site?: string;
  /**
   * Cancels the acquisition while it waits (`mutex_lock_killable`): the waiter leaves the queue,
   * the recorded acquisition is undone with a release, and the promise rejects with the
   * signal's reason. An already aborted signal rejects before anything is recorded; a lock
   * granted at once ignores the signal.
   */
  signal?: AbortSignal;
}

/** What the runtime knows about a lock instance. */
export interface LockIdentity {
  readonly id: string;
  readonly className: string;
  readonly type: LockType;
}
