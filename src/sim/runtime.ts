/**
 * LockdepRuntime: one validator instance wrapped for live use by the simulation primitives.
 * Owns: the engine's Validator (the single source of findings), the optional trace recorder,
 * the reaction to findings (collect, warn, throw, or a callback), site/stack decoration of
 * events, task and lock-instance naming, the deadlock detector (`waitFor`, deadlock-detector.ts)
 * and the outcome findings of a run (`deadlock`, `task-error`), which it stores only in the
 * validator, like every other finding.
 * Invariants:
 *  - every primitive operation becomes spec TraceEvents fed to `validator.process` in program
 *    order, and (when recording) written to the trace in the same order, so `lockdep check` on
 *    the recording sees exactly what the live validator saw (the origin passed to the validator
 *    is the event's line in the recording);
 *  - an acquisition is emitted before the primitive blocks, so a finding is raised at the
 *    acquisition that creates it, before any real deadlock;
 *  - with `onFinding: 'throw'`, the operation that raised a finding throws after the validator's
 *    state matches reality: a throwing acquisition emits a compensating `release` (the lock was
 *    not taken), a release/other operation throws after its effect is done;
 *  - a task that starts to wait is checked for a wait-for cycle at once; a cycle is a `deadlock`
 *    finding in the validator like any other, but its reaction is `onDeadlock`, never the
 *    `throw` of `onFinding`; a Simulation task that throws is a `task-error` finding, never
 *    thrown again by `onFinding: 'throw'` either;
 *  - a recording is written while the program runs (live-recording.ts) and is complete at `end()`;
 *  - the hot path (stacks off, not recording) is one event object and one `process` call.
 */
import { Validator } from '../engine/validator.js';
import type { EngineHooks } from '../engine/hooks.js';
import { findingLine, type Finding } from '../engine/finding.js';
import type { CheckResult, Summary } from '../engine/result.js';
import type { GraphSnapshot } from '../engine/snapshot.js';
import type {
  AcquireEvent,
  AssertKind,
  EventOrigin,
  IrqAction,
  IrqKind,
  LockMode,
  LockType,
  TraceEvent,
} from '../events/event.js';
import { LOCK_TYPE_TRAITS } from '../events/lock-type.js';
import { AsyncTaskContext } from './async-context.js';
import { DeadlockDetector, type DeadlockReaction } from './deadlock-detector.js';
import { LiveRecording } from './live-recording.js';
import { LockdepFindingError, SimulationUsageError } from './errors.js';
import { configFileOf, configuredRuleHooks } from './runtime-config.js';
import type { RuleInput } from './rule-source.js';
import { attachLazyStack } from './stack-capture.js';
import { Task } from './task.js';
import { taskErrorFinding } from './task-error-finding.js';

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

const DEFAULT_STACK_DEPTH = 12;

export class LockdepRuntime {
  /** True when primitives must emit events (validating or recording). */
  readonly active: boolean;
  readonly stacks: boolean;
  readonly validator: Validator | null;
  readonly recordTo: string | null;
  /** The deadlock detector: the tasks waiting now, and the wait-for check run when a task blocks. */
  readonly waitFor: DeadlockDetector;
  private readonly stackDepth: number;
  private readonly recorder: LiveRecording | null;
  private reportingOutcome = false;
  private readonly reaction: FindingReaction | ((finding: Finding) => void);
  private pendingFinding: Finding | null = null;
  private readonly taskIds = new Set<string>();
  private readonly lockIds = new Set<string>();
  private readonly instancesPerClass = new Map<string, number>();
  private readonly classNames = new Set<string>();
  private readonly anonymousPerType = new Map<LockType, number>();
  private asyncContext: AsyncTaskContext | null = null;
  private endResult: CheckResult | null = null;

  constructor(options: LockdepRuntimeOptions = {}) {
    this.reaction = options.onFinding ?? 'collect';
    this.stacks = options.stacks !== undefined && options.stacks !== false;
    this.stackDepth =
      typeof options.stacks === 'object' ? Math.max(1, options.stacks.depth) : DEFAULT_STACK_DEPTH;
    const validate = options.validate ?? true;
    if (validate) {
      const config = configFileOf(options.config);
      const hooks = [...configuredRuleHooks(config, options.rules), ...(options.hooks ?? [])];
      const maxDepth = options.maxDepth ?? config?.maxDepth;
      this.validator = new Validator({
        hooks,
        onFinding: (finding) => this.onNewFinding(finding),
        file: options.name ?? options.recordTo ?? '<simulation>',
        ...(maxDepth === undefined ? {} : { maxDepth }),
      });
    } else {
      if (options.rules !== undefined) {
        throw new SimulationUsageError('rules need validation: drop `validate: false` or the rules');
      }
      this.validator = null;
    }
    this.recordTo = options.recordTo ?? null;
    this.recorder =
      this.recordTo === null
        ? null
        : new LiveRecording(this.recordTo, { source: 'lockdep-sim', started: new Date().toISOString() });
    this.waitFor = new DeadlockDetector(this, options.onDeadlock ?? 'report');
    this.active = this.validator !== null || this.recorder !== null;
  }

  // ---------------------------------------------------------------- tasks and lock names

  /** A new task handle with a unique id (`name`, or `name:2`, `name:3`... when taken). */
  task(name = 'task'): Task {
    return new Task(this, LockdepRuntime.uniqueId(name, this.taskIds));
  }

  /**
   * The task of the current async context (AsyncLocalStorage adapter): the lane of the current
   * branch of a `runTask`/Simulation task, or of an implicit task named from the call site.
   */
  currentTask(): Task {
    return this.context.currentOrImplicit();
  }

  /** The AsyncLocalStorage adapter (created on first use: ALS slows every promise once used). @internal */
  get context(): AsyncTaskContext {
    if (this.asyncContext === null) this.asyncContext = new AsyncTaskContext(this);
    return this.asyncContext;
  }

  /** True once `context` was used: Simulations then run their tasks inside it too. @internal */
  get hasAsyncContext(): boolean {
    return this.asyncContext !== null;
  }

  /**
   * Runs `fn` as a new task of ordinary async code: primitives called without a task handle
   * inside it (across awaits) use this task. The task exits when `fn` settles.
   */
  async runTask<T>(name: string, fn: (task: Task) => T | Promise<T>): Promise<T> {
    const task = this.task(name);
    try {
      return await this.context.run(task, () => fn(task));
    } finally {
      task.exit();
    }
  }

  /** A class name for a lock created without one: `mutex#1`, `mutex#2`... (per runtime, so runs are reproducible). @internal */
  anonymousClassName(type: LockType): string {
    const n = (this.anonymousPerType.get(type) ?? 0) + 1;
    this.anonymousPerType.set(type, n);
    return `${type}#${n}`;
  }

  /** Registers a lock instance and emits its `init`. Returns its unique id. @internal */
  registerLock(className: string, type: LockType, name: string | undefined): string {
    const id = LockdepRuntime.uniqueId(name ?? this.defaultInstanceName(className), this.lockIds);
    this.classNames.add(className);
    if (this.active) this.emit({ op: 'init', lock: id, class: className, type });
    return id;
  }

  // ---------------------------------------------------------------- operations

  /**
   * Emits an acquisition (before any blocking). Throws in `throw` mode, after compensating.
   * `awaited`: the caller gets a promise for it (default: not a trylock and not a spinning lock).
   * @internal
   */
  acquire(task: Task, lock: LockIdentity, mode: LockMode, isTry: boolean, options?: AcquireOptions, awaited?: boolean): void {
    const event: AcquireEvent = { op: 'acquire', task: task.id, lock: lock.id };
    if (mode !== 'write') event.mode = mode;
    if (isTry) event.try = true;
    let site: string | undefined;
    if (options !== undefined) {
      if (options.subclass !== undefined && options.subclass !== 0) event.subclass = options.subclass;
      if (options.nest !== undefined) event.nest = options.nest.id;
      site = options.site;
    }
    this.locate(event, task, site);
    // A trylock never sleeps, so it is no sleep point (the engine does not report it either).
    if (!isTry && LOCK_TYPE_TRAITS[lock.type].sleeps) task.sleepPoints++;
    this.emit(event);
    if (this.pendingFinding !== null) {
      this.emit({ op: 'release', task: task.id, lock: lock.id });
      this.raisePending();
    }
    if (task.family !== null) {
      const sleeping = awaited ?? (!isTry && !LOCK_TYPE_TRAITS[lock.type].spins);
      this.context.acquired(task, lock, mode, event.subclass ?? 0, sleeping);
    }
  }

  /** Emits a release. Call after the primitive's own state change. @internal */
  release(task: Task, lock: LockIdentity): void {
    this.emit({ op: 'release', task: task.id, lock: lock.id });
    if (task.family !== null) task.family.released(task, lock.id);
    if (this.pendingFinding !== null) this.raisePending();
  }

  /** `lock_sync()` / `synchronize_srcu()`: validated as an acquisition, holds nothing. @internal */
  sync(task: Task, lock: LockIdentity, site?: string): void {
    const event: TraceEvent = { op: 'sync', task: task.id, lock: lock.id };
    this.locate(event, task, site);
    this.emitAndRaise(event);
  }

  /** `lockdep_assert_held*()` on `lock` for `task`. @internal */
  assertHeld(task: Task, lock: LockIdentity, held: AssertKind, site?: string): void {
    const event: TraceEvent = { op: 'assert', task: task.id, lock: lock.id, held };
    this.locate(event, task, site);
    this.emitAndRaise(event);
  }

  /** Called by the instrumented primitives and tasks. @internal */
  mightSleep(task: Task, site?: string): void {
    if (!this.active) return;
    task.sleepPoints++;
    const event: TraceEvent = { op: 'might-sleep', task: task.id };
    this.locate(event, task, site);
    this.emitAndRaise(event);
  }

  /**
   * A sleep point that no operation is running for (a spinning lock still held after its
   * holder yielded): emitted, but a `throw` reaction is deferred to the next operation, since
   * throwing here would be an unhandled exception.
   * @internal
   */
  mightSleepDetached(task: Task, site: string): void {
    if (!this.active) return;
    task.sleepPoints++;
    this.emit({ op: 'might-sleep', task: task.id, site });
  }

  /** Called by the instrumented primitives and tasks. @internal */
  access(task: Task, name: string, write: boolean, site?: string): void {
    if (!this.active) return;
    const event: TraceEvent = { op: 'access', task: task.id, var: name, write };
    this.locate(event, task, site);
    this.emitAndRaise(event);
  }

  /** Called by the instrumented primitives and tasks. @internal */
  irq(task: Task, kind: IrqKind, action: IrqAction): void {
    if (!this.active) return;
    const event: TraceEvent = { op: 'irq', task: task.id, kind, action };
    this.locate(event, task, undefined);
    this.emitAndRaise(event);
  }

  /** Emits the task's `exit` and marks it done; a task of async code also ends its other lanes. @internal */
  exitTask(task: Task): void {
    if (task.family !== null && task.family.root === task) task.family.closeLanes();
    this.exitLane(task);
  }

  /** Emits one lane's `exit` and marks it done. @internal */
  exitLane(task: Task): void {
    task.state = 'done';
    if (!this.active) return;
    const event: TraceEvent = { op: 'exit', task: task.id };
    this.locate(event, task, undefined);
    this.emitAndRaise(event);
  }

  /** Feeds one event to the validator (and the recorder). Never throws for a finding. @internal */
  emit(event: TraceEvent): void {
    if (this.endResult !== null) {
      throw new SimulationUsageError('the runtime has ended: create a new LockdepRuntime for another run');
    }
    if (this.recorder !== null) {
      this.recorder.write(event);
      if (this.validator !== null) {
        const origin: EventOrigin = { file: this.recordTo as string, line: this.recorder.events + 1 };
        this.validator.process(event, origin);
      }
    } else if (this.validator !== null) {
      this.validator.process(event);
    }
  }

  // ---------------------------------------------------------------- results

  /** True once `end()` was called. */
  get ended(): boolean {
    return this.endResult !== null;
  }

  /** Findings so far (deduplicated by fingerprint). */
  get findings(): readonly Finding[] {
    return this.validator?.findings ?? [];
  }

  summary(): Summary {
    return this.requireValidator().summary();
  }

  /** The CheckResult so far (after `end()`, the final one). */
  result(): CheckResult {
    return this.endResult ?? this.requireValidator().result();
  }

  /** The mergeable graph summary of this run. */
  snapshot(): GraphSnapshot {
    return this.requireValidator().snapshot();
  }

  /**
   * Ends the run: runs the rules' end-of-trace checks and finishes the recording (renamed into
   * place). Idempotent; returns the final result. (A promise: the public API is asynchronous so
   * that a recording may finish asynchronously; today it is written as events happen.)
   */
  end(): Promise<CheckResult> {
    try {
      return Promise.resolve(this.endNow());
    } catch (error) {
      return Promise.reject(error);
    }
  }

  private endNow(): CheckResult {
    if (this.endResult !== null) return this.endResult;
    this.asyncContext?.closeImplicit();
    let result: CheckResult;
    if (this.validator !== null) {
      this.validator.end();
      result = this.validator.result();
    } else {
      result = {
        version: 1,
        violations: [],
        summary: {
          events: this.recorder?.events ?? 0,
          tasks: this.taskIds.size,
          classes: this.classNames.size,
          dependencies: 0,
          violations: 0,
        },
      };
    }
    this.endResult = result;
    this.recorder?.close();
    this.pendingFinding = null;
    return result;
  }

  /**
   * Adds a `deadlock` finding made by the deadlock detector to the validator's findings (the
   * `onFinding` reaction applies, except `'throw'`: `onDeadlock` decides) and flushes the
   * recording, so a process killed while deadlocked keeps its trace. Returns the stored finding
   * (the first one with the same fingerprint), or `finding` itself when not validating.
   * @internal
   */
  reportDeadlock(finding: Finding): Finding {
    this.recorder?.flush();
    return this.reportOutcome(finding);
  }

  /**
   * Adds a `task-error` finding: the function of `task` threw `error` (a Simulation calls this).
   * Like a deadlock, the `onFinding` reaction applies except `'throw'` (the error is already
   * the task's). Returns the stored finding, or the new one when not validating.
   * @internal
   */
  reportTaskError(task: string, error: unknown): Finding {
    return this.reportOutcome(taskErrorFinding(task, error, this.validator?.query.heldLocks(task) ?? []));
  }

  /** Throws the finding a detached event left pending (`throw` reaction only). @internal */
  raisePending(): void {
    const finding = this.pendingFinding;
    if (finding === null) return;
    this.pendingFinding = null;
    throw new LockdepFindingError(finding);
  }

  // ---------------------------------------------------------------- internals

  /** Reports an outcome finding through the validator without the `throw` reaction. */
  private reportOutcome(finding: Finding): Finding {
    const validator = this.validator;
    if (validator === null) return finding;
    this.reportingOutcome = true;
    try {
      validator.query.report(finding);
    } finally {
      this.reportingOutcome = false;
    }
    return validator.findings.find((f) => f.fingerprint === finding.fingerprint) ?? finding;
  }

  private emitAndRaise(event: TraceEvent): void {
    this.emit(event);
    if (this.pendingFinding !== null) this.raisePending();
  }

  /**
   * Adds `site` and `stack`: the explicit site, else (stacks on) the user's `file:line`, else the
   * task's innermost pseudo frame; the stack is the pseudo frames, then (stacks on) the user's
   * JS frames. With stacks on both are lazy: captured now, formatted when first read.
   */
  private locate(event: TraceEvent, task: Task, site: string | undefined): void {
    if (this.stacks) {
      attachLazyStack(event, this.stackDepth, site, task.frameStack());
      return;
    }
    if (site !== undefined) event.site = site;
    if (!task.hasFrames) return;
    if (site === undefined) event.site = task.currentFrame as string;
    event.stack = task.frameStack() as string[];
  }

  private onNewFinding(finding: Finding): void {
    const reaction = this.reaction;
    if (reaction === 'collect') return;
    if (reaction === 'throw') {
      if (this.pendingFinding === null && !this.reportingOutcome) this.pendingFinding = finding;
      return;
    }
    if (reaction === 'warn') {
      const where = finding.trigger?.site === undefined ? '' : ` at ${finding.trigger.site}`;
      process.emitWarning(`${findingLine(finding)}${where}`, { type: 'LockdepWarning' });
      return;
    }
    reaction(finding);
  }

  private requireValidator(): Validator {
    if (this.validator === null) {
      throw new SimulationUsageError('this runtime does not validate (created with `validate: false`)');
    }
    return this.validator;
  }

  /** `name`, or `name:2`, `name:3`... : the first not yet in `taken` (which then holds it). */
  private static uniqueId(name: string, taken: Set<string>): string {
    let id = name;
    for (let n = 2; taken.has(id); n++) id = `${name}:${n}`;
    taken.add(id);
    return id;
  }

  private defaultInstanceName(className: string): string {
    const count = (this.instancesPerClass.get(className) ?? 0) + 1;
    this.instancesPerClass.set(className, count);
    return count === 1 ? className : `${className}:${count}`;
  }
}
