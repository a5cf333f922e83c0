/**
 * The validator: consumes TraceEvents one at a time and reports findings, following the
 * kernel's lockdep (docs/semantics.md) with the gaps listed there under "Gaps closed" closed.
 *
 * Hot path (an acquisition whose held chain was seen before): a task lookup, an instance lookup,
 * an irq-usage bit test and one chain-cache lookup; no graph work, and no held-lock record
 * allocated (released ones are reused). Tasks, lock instances and their classes live in
 * lock-tables. Everything else (new chains, dependency edges, searches, findings, hooks) runs only
 * on a chain-cache miss or on rare events, in the modules beside this one: chain-validation,
 * irq-usage, event-refs, finding-builders and finding-collector (through engine-core),
 * access-watchers, snapshot-merge, and class-graph (graphology, built only when asked for).
 *
 * Two entrances with one behaviour: `process(event)` for TraceEvents, and the LockOpSink methods
 * (`acquireAt`...) through which the byte-level readers deliver plain lines with cached task and
 * lock handles, skipping both lookups; the event such a line parses to is built only when a
 * report or a usage record needs it.
 *
 * Invariants:
 *  - the chain cache maps (parent chain, class, mode, try, sync) to a chain id; a chain id is
 *    created, and validated, exactly once;
 *  - edges are never added into a trylock, across irq contexts, or for an acquisition that a
 *    held nest lock serializes;
 *  - the validator never stops: a finding is recorded (deduped by fingerprint) and processing
 *    goes on; `onFinding` fires once per new fingerprint, at the event that created it.
 */
import type { AccessEvent, AcquireEvent, AssertEvent, EventOrigin, IrqAction, IrqKind } from '../events/event.js';
import type { LockId, LockType, MightSleepEvent, ReleaseEvent, SyncEvent, TaskId, TraceEvent } from '../events/event.js';
import type { LockOpMode, LockOpSink, LockOpSite } from '../events/lock-op-sink.js';
import { AccessWatchers } from './access-watchers.js';
import { classPath, validateChain } from './chain-validation.js';
import { chainBase, hlockKeyOf } from './chain-cache.js';
import { FLAG_ATOMIC, FLAG_SLEEPS, FLAG_WATCHED } from './class-flags.js';
import { toGraphology, type ClassGraph } from './class-graph.js';
import { EngineCore } from './engine-core.js';
import { AcquisitionAt, accessContext, accessEventOf, acquireContext, acquireEventOf, eventRef, heldRefs } from './event-refs.js';
import { mightSleepEventOf, releaseEventOf, withHeldLocks } from './event-refs.js';
import type { EventRef, Finding } from './finding.js';
import { assertionFailedFinding, assertionHolds, badUnlockFinding, depthExceededFinding } from './finding-builders.js';
import { nestLockNotHeldFinding, sleepInAtomicFinding } from './finding-builders.js';
import { HotPath, usageNeeded } from './hot-path.js';
import { LockInstance, TaskState, heldEntryAnyContext, holdsInstance, releasableIndex, spareHeld, takeHeld } from './held-lock.js';
import type { HeldLock } from './held-lock.js';
import type { EngineHooks, EngineQuery } from './hooks.js';
import { applyIrqAction, markAcquireUsage } from './irq-usage.js';
import type { LockClass } from './lock-class.js';
import { LockTables, type EventPlace } from './lock-tables.js';
import { MODE_WRITE, modeNumber } from './lock-mode.js';
import type { CheckResult, Summary } from './result.js';
import { mergeSnapshot, snapshotOf } from './snapshot-merge.js';
import type { GraphSnapshot } from './snapshot.js';
import { graphColumnsOf, type GraphColumns } from './graph-columns.js';
import { limitsOf, maxDepthOf, type ValidatorOptions } from './validator-options.js';

export { DEFAULT_LIMITS, DEFAULT_MAX_DEPTH, type ValidatorLimits, type ValidatorOptions } from './validator-options.js';

/** Chain ids 0..3 are the roots of the four irq contexts. */
const FIRST_CHAIN_ID = 4;

export class Validator implements LockOpSink<TaskState, LockInstance> {
  /** The slow paths' shared state: classes, dependencies, findings (engine-core.ts). */
  private readonly core: EngineCore;
  /** Tasks, lock instances and their classes, with the capacity limits (lock-tables.ts). */
  private readonly tables: LockTables;
  /** The chain cache, the hot per-class arrays and the lanes' shortest paths (hot-path.ts). */
  private readonly hot: HotPath;
  private readonly hooks: readonly EngineHooks[];
  private readonly chainHooks: readonly EngineHooks[];
  private readonly watchHooks: readonly EngineHooks[];
  private readonly accessWatchers: AccessWatchers;
  private readonly defaultFile: string;
  /** What hooks may ask; also how the simulation reports findings the engine cannot see (real deadlocks). */
  readonly query: EngineQuery;
  private nextChainId = FIRST_CHAIN_ID;
  private eventCount = 0;
  private currentFile = '';
  private currentLine = 0;
  private ended = false;
  /** The task of the event being processed (for hooks' findings). */
  private currentTask: TaskState | undefined;
  /** The held entries above an entry released out of stack order, while they are re-acquired. */
  private readonly aboveReleased: HeldLock[] = [];

  constructor(options: ValidatorOptions = {}) {
    this.hot = new HotPath(maxDepthOf(options));
    this.hooks = options.hooks ?? [];
    this.chainHooks = this.hooks.filter((h) => h.onNewChain !== undefined);
    this.watchHooks = this.hooks.filter((h) => h.onWatchedAcquire !== undefined);
    this.accessWatchers = new AccessWatchers(this.hooks);
    this.defaultFile = options.file ?? '';
    this.currentFile = this.defaultFile;
    this.query = {
      findPath: (from, to, fromRecursiveReader) => classPath(this.core, from, to, fromRecursiveReader === true),
      hasClass: (name) => this.core.classes.get(name) !== undefined,
      heldLocks: (id) => { const task = this.tables.tasks.get(id); return task === undefined ? [] : heldRefs(task); },
      report: (draft) => this.core.findings.report(withHeldLocks(draft, this.currentTask)),
    };
    this.core = new EngineCore(
      options.onFinding,
      this.hooks.filter((h) => h.onNewDependency !== undefined),
      this.query,
      this.hot,
    );
    const eventPlace = (): EventPlace => ({ file: this.currentFile, line: this.currentLine });
    this.tables = new LockTables(this.core, this.hooks, limitsOf(options), eventPlace);
  }

  // ─── public API ──────────────────────────────────────────────────────────────────────────

  get findings(): readonly Finding[] { return this.core.findings.findings; }

  process(event: TraceEvent, origin?: EventOrigin): void {
    if (origin) this.placeEvent(origin.file, origin.line);
    else this.placeEvent(this.defaultFile, this.eventCount + 1);
    switch (event.op) {
      case 'acquire':
        this.acquire(event, false);
        break;
      case 'release':
        this.release(event);
        break;
      case 'sync':
        this.acquire(event, true);
        break;
      case 'init':
        this.tables.initInstance(event.lock, event.class, event.type, event.percpu === true, event);
        break;
      case 'irq':
        applyIrqAction(this.core, this.task(event.task), event.kind, event.action, event, undefined, this.currentFile, this.currentLine);
        break;
      case 'free':
        this.tables.free(event);
        break;
      case 'assert':
        this.assertHeld(event);
        break;
      case 'access':
        this.accessVar(this.task(event.task), event.var, event.write, event, undefined);
        break;
      case 'might-sleep':
        this.mightSleepIn(this.task(event.task), event, undefined);
        break;
      case 'exit':
        this.tables.exitTask(event, this.refOf(event, event.task));
        break;
    }
  }

  // ─── the byte-level readers' entrance (events/lock-op-sink.ts) ───────────────────────────

  acquireAt(task: TaskState | string, lock: LockInstance | string, mode: LockOpMode, trylock: boolean, site: LockOpSite, file: string, line: number): void {
    if (typeof lock === 'string') {
      this.acquireByIdAt(task, lock, mode, trylock, site, file, line);
      return;
    }
    const owner = this.lineOfTask(task, file, line);
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-boolean-literal-compare -- a bare truth test of a call result is V8's general one (hot-path.ts)
    if (this.hot.acquire(owner, lock, mode, trylock, site, file, line) === false) this.acquireInstance(owner, lock, null, 0, mode, trylock, undefined, false, site);
  }

  acquireByIdAt(task: TaskState | string, lock: string, mode: LockOpMode, trylock: boolean, site: LockOpSite, file: string, line: number): void {
    this.acquireInstance(this.lineOfTask(task, file, line), this.tables.instance(lock), null, 0, mode, trylock, undefined, false, site);
  }

  acquireSubclassAt(task: TaskState | string, lock: LockInstance | string, subclass: number, mode: LockOpMode, trylock: boolean, site: LockOpSite, file: string, line: number): void {
    const owner = this.lineOfTask(task, file, line);
    this.acquireInstance(owner, typeof lock === 'string' ? this.tables.instance(lock) : lock, null, subclass, mode, trylock, undefined, false, site);
  }

  releaseAt(task: TaskState | string, lock: LockInstance | string, site: LockOpSite, file: string, line: number): void {
    const owner = this.lineOfTask(task, file, line);
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-boolean-literal-compare -- a bare truth test of a call result is V8's general one (hot-path.ts)
    if (typeof lock !== 'string' && this.hot.release(owner, lock) === true) return;
    if (typeof lock === 'string') this.releaseInstance(owner, lock, this.tables.instances.get(lock), null, site);
    else this.releaseInstance(owner, lock.id, lock, null, site);
  }

  mightSleepAt(task: TaskState | string, site: LockOpSite, file: string, line: number): void {
    this.mightSleepIn(this.lineOfTask(task, file, line), null, site);
  }

  irqAt(task: TaskState | string, kind: IrqKind, action: IrqAction, site: LockOpSite, file: string, line: number): void {
    applyIrqAction(this.core, this.lineOfTask(task, file, line), kind, action, null, site, file, line);
  }

  accessAt(task: TaskState | string, variable: string, write: boolean, site: LockOpSite, file: string, line: number): void {
    this.accessVar(this.lineOfTask(task, file, line), variable, write, null, site);
  }

  initAt(lock: string, cls: string, type: LockType, file: string, line: number): void {
    this.placeEvent(file, line);
    this.tables.initInstance(lock, cls, type, false, null);
  }

  taskHandle(id: string): TaskState | undefined { return this.tables.tasks.get(id); }

  lockHandle(id: string): LockInstance | undefined { return this.tables.instances.get(id); }

  /** Every event starts here: count it and place it at `file:line` (its task is not known yet). */
  private placeEvent(file: string, line: number): void {
    this.eventCount++;
    this.currentTask = undefined;
    this.currentFile = file;
    this.currentLine = line;
  }

  /** `placeEvent`, then the event's task, from its handle or its id. */
  private lineOfTask(task: TaskState | string, file: string, line: number): TaskState {
    this.placeEvent(file, line);
    if (typeof task === 'string') return this.task(task);
    this.currentTask = task;
    return task;
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    for (const hook of this.hooks) hook.onEnd?.(this.query);
  }

  summary(): Summary {
    return {
      events: this.eventCount,
      tasks: this.tables.taskCount,
      classes: this.core.classes.size,
      dependencies: this.core.deps.size,
      violations: this.core.findings.size,
      errors: this.core.findings.unbaselined('error'),
      warnings: this.core.findings.unbaselined('warning'),
      chains: this.nextChainId - FIRST_CHAIN_ID,
      chainCacheHits: this.hot.chainHits,
    };
  }

  result(): CheckResult {
    return { version: 1, violations: [...this.core.findings.findings], summary: this.summary() };
  }

  /** The dependency graph as a graphology graph, built now from the engine's arrays (class-graph.ts). */
  toGraph(): ClassGraph {
    return toGraphology(this.snapshot());
  }

  /** The mergeable graph summary (`--save-graph`). */
  snapshot(sources: readonly string[] = this.defaultFile ? [this.defaultFile] : []): GraphSnapshot {
    return snapshotOf(this.core, sources);
  }

  /** The class graph as the engine keeps it, witnesses built only when asked for (graph-columns.ts; `lockdep infer`). @internal */
  graphColumns(): GraphColumns { return graphColumnsOf(this.core); }

  /**
   * Adds another run's classes, usages and dependencies to this graph, running the same checks
   * a live acquisition would: cycles, irq safety and the hooks' dependency rules.
   */
  mergeSnapshot(snapshot: GraphSnapshot): void {
    mergeSnapshot(this.core, snapshot, (name, type, percpu) => this.tables.internClass(name, type, percpu));
  }

  // ─── event handlers ──────────────────────────────────────────────────────────────────────

  /** The event's task (created on first sight), which hooks' findings are about. */
  private task(id: TaskId): TaskState {
    const task = this.tables.task(id);
    this.currentTask = task;
    return task;
  }

  private acquire(event: AcquireEvent | SyncEvent, sync: boolean): void {
    const task = this.task(event.task);
    const inst = this.tables.instance(event.lock, event.class, event.type);
    if (event.op === 'acquire') {
      this.acquireInstance(task, inst, event, event.subclass ?? 0, modeNumber(event.mode), event.try === true, event.nest, false, undefined);
    } else {
      this.acquireInstance(task, inst, event, 0, MODE_WRITE, false, undefined, sync, undefined);
    }
  }

  /**
   * One acquisition (or sync) of `inst` by `task`. `event` is null for a plain acquisition from
   * a byte-level reader: it is then built (as the line parses) only if a finding or a usage
   * record needs it, and `site` is its call site.
   */
  private acquireInstance(
    task: TaskState,
    inst: LockInstance,
    event: AcquireEvent | SyncEvent | null,
    subclass: number,
    mode: number,
    trylock: boolean,
    nestId: LockId | undefined,
    sync: boolean,
    site: LockOpSite,
  ): void {
    let cls: LockClass;
    let classId: number;
    if (subclass === 0 && inst.class0 !== undefined) {
      cls = inst.class0;
      classId = inst.class0Id;
    } else {
      cls = this.tables.classOf(inst, subclass);
      classId = cls.id;
    }
    const flags = this.hot.classFlags[classId]!;
    const held = task.held;

    if (flags & FLAG_SLEEPS && !trylock && task.atomic) {
      this.reportSleepInAtomic(task, acquireEventOf(event, task, inst, mode, trylock, site), cls);
    }

    // nest_lock: it must be held; a same-class top entry absorbs the acquisition.
    let nest: LockInstance | undefined;
    if (nestId !== undefined && event?.op === 'acquire') {
      nest = this.tables.instances.get(nestId);
      if (nest === undefined || !holdsInstance(task, nest)) {
        this.reportNestNotHeld(task, event, cls);
        nest = undefined;
      } else {
        const top = held[held.length - 1];
        if (top !== undefined && top.cls === cls) {
          // Like the kernel, `references` counts every hold of a merged entry (0: not merged).
          top.references = (top.references === 0 ? 1 : top.references) + 1;
          return;
        }
      }
    }

    const irqContext = task.irqContext;
    if (held.length >= this.hot.maxDepth) {
      if (!task.depthReported) {
        task.depthReported = true;
        this.reportDepthExceeded(task, acquireEventOf(event, task, inst, mode, trylock, site), cls);
      }
      // Beyond MAX_LOCK_DEPTH the kernel turns lockdep off. Here the hold is still tracked (for
      // release balance, held-at-exit and freed-while-held) but not validated: no chain, no
      // dependency, no usage mark, no rule hook. That keeps a runaway nesting linear instead of
      // cubic; the finding says so.
      if (sync) return;
      const top = held[held.length - 1]!;
      this.pushHeld(task, takeHeld(task, inst, cls, classId, mode, trylock, irqContext, top.chain, nest, event, site, this.currentFile, this.currentLine), flags);
      return;
    }

    const needed = usageNeeded(task, mode, trylock, sync);
    if ((this.hot.classUsage[classId]! & needed) !== needed) {
      markAcquireUsage(this.core, task, cls, mode, needed, new AcquisitionAt(event, task, inst, mode, trylock, site, this.currentFile, this.currentLine));
    }

    const base = chainBase(held, irqContext);
    const hlockKey = hlockKeyOf(classId, mode, trylock, sync);
    let chain = this.hot.chainCache.get(base, hlockKey);
    const watched = (flags & FLAG_WATCHED) !== 0 && this.watchHooks.length > 0;
    // A sync pushes nothing, but the checks still need a held-lock view of it.
    const entry =
      sync && chain >= 0 && !watched
        ? undefined
        : takeHeld(task, inst, cls, classId, mode, trylock, irqContext, 0, sync ? undefined : nest, event, site, this.currentFile, this.currentLine);
    if (chain < 0) chain = this.newChain(task, entry!, base, hlockKey, sync);
    else this.hot.chainHits++;
    if (watched) {
      const ctx = acquireContext(task, entry!, held.length, sync);
      for (const hook of this.watchHooks) hook.onWatchedAcquire!(ctx, this.query);
    }
    if (entry === undefined) return;
    if (sync) {
      spareHeld(task, entry); // a sync's record was only a view for the checks
      return;
    }
    entry.chain = chain;
    this.pushHeld(task, entry, flags);
  }

  /** The inverse of `dropEntry`. */
  private pushHeld(task: TaskState, entry: HeldLock, flags: number): void {
    task.held.push(entry);
    entry.inst.holders++;
    if (flags & FLAG_ATOMIC) task.atomicHeld++;
  }

  private release(event: ReleaseEvent): void {
    const task = this.task(event.task);
    this.releaseInstance(task, event.lock, this.tables.instances.get(event.lock), event, undefined);
  }

  /** A release of lock `id` (live instance `inst`, if any); `event` null as in `acquireInstance`. */
  private releaseInstance(task: TaskState, id: LockId, inst: LockInstance | undefined, event: ReleaseEvent | null, site: LockOpSite): void {
    const held = task.held;
    const index = releasableIndex(task, id, inst);
    if (index < 0) {
      this.reportBadUnlock(task, releaseEventOf(event, task, id, site), inst);
      return;
    }
    const entry = held[index]!;
    if (entry.references > 0) {
      entry.references--;
      if (entry.references > 0) return;
    }
    this.dropEntry(task, entry);
    if (index === held.length - 1) {
      held.pop();
    } else {
      // Non-stack order is legal: re-acquire the entries above (new chains may appear), kept on the
      // validator's stack meanwhile (a hook may release out of order in turn), cut back after.
      const above = this.aboveReleased;
      const base = above.length;
      for (let k = index + 1; k < held.length; k++) above.push(held[k]!);
      const end = above.length;
      held.length = index;
      try {
        for (let k = base; k < end; k++) this.reacquire(task, above[k]!);
      } finally {
        above.length = base;
      }
    }
    // Nothing refers to a released record any more (views and references are copies).
    spareHeld(task, entry);
    if (task.depthReported && held.length < this.hot.maxDepth) task.depthReported = false;
  }

  private reacquire(task: TaskState, entry: HeldLock): void {
    const held = task.held;
    if (held.length >= this.hot.maxDepth) {
      // Beyond the depth limit holds are tracked, not validated (see acquire).
      entry.chain = held[held.length - 1]!.chain;
      held.push(entry);
      return;
    }
    const base = chainBase(held, entry.irqContext);
    const hlockKey = hlockKeyOf(entry.classId, entry.mode, entry.trylock, false);
    const chain = this.hot.chainCache.get(base, hlockKey);
    entry.chain = chain >= 0 ? chain : this.newChain(task, entry, base, hlockKey, false);
    held.push(entry);
  }

  /**
   * A chain seen for the first time: `task`'s held stack followed by `entry` (from `base` with
   * `hlockKey`). It gets an id and is validated (lockdep's `validate_chain`, but not for a
   * trylock, which adds no dependencies), and the hooks see it.
   */
  private newChain(task: TaskState, entry: HeldLock, base: number, hlockKey: number, sync: boolean): number {
    const chain = this.nextChainId++;
    this.hot.chainCache.set(base, hlockKey, chain);
    if (!entry.trylock) validateChain(this.core, task, entry, task.held.length);
    if (this.chainHooks.length > 0) {
      const ctx = acquireContext(task, entry, task.held.length, sync);
      for (const hook of this.chainHooks) hook.onNewChain!(ctx, this.query);
    }
    return chain;
  }

  private dropEntry(task: TaskState, entry: HeldLock): void {
    entry.inst.holders--;
    if (this.hot.classFlags[entry.classId]! & FLAG_ATOMIC) task.atomicHeld--;
  }

  private assertHeld(event: AssertEvent): void {
    const task = this.task(event.task);
    const inst = this.tables.instances.get(event.lock);
    const found = inst === undefined ? undefined : heldEntryAnyContext(task, inst);
    if (assertionHolds(event.held, found)) return;
    this.core.findings.report(assertionFailedFinding(task, event, inst, found, this.refOf(event, event.task)));
  }

  /** An access by `task`; `event` null as in `acquireInstance`. */
  private accessVar(task: TaskState, variable: string, write: boolean, event: AccessEvent | null, site: LockOpSite): void {
    const hooks = this.accessWatchers.of(variable);
    if (hooks.length === 0) return;
    const ctx = accessContext(task, variable, write, this.refOf(accessEventOf(event, task, variable, write, site), task.id));
    for (const hook of hooks) hook.onAccess!(ctx, this.query);
  }

  /** A might-sleep of `task`; `event` null as in `acquireInstance`. */
  private mightSleepIn(task: TaskState, event: MightSleepEvent | null, site: LockOpSite): void {
    if (task.atomic) this.reportSleepInAtomic(task, mightSleepEventOf(event, task, site), undefined);
  }

  // ─── findings of the event handlers (slow path) ──────────────────────────────────────────

  private reportBadUnlock(task: TaskState, event: ReleaseEvent, inst: LockInstance | undefined): void {
    this.core.findings.report(badUnlockFinding(task, event.lock, inst, this.refOf(event, event.task)));
  }

  private reportSleepInAtomic(task: TaskState, event: TraceEvent, cls: LockClass | undefined): void {
    this.core.findings.report(sleepInAtomicFinding(this.core.classes, task, cls, event.site, this.refOf(event, task.id)));
  }

  private reportNestNotHeld(task: TaskState, event: AcquireEvent, cls: LockClass): void {
    const nestInst = event.nest === undefined ? undefined : this.tables.instances.get(event.nest);
    this.core.findings.report(nestLockNotHeldFinding(task, cls, event.nest, nestInst, this.refOf(event, event.task)));
  }

  private reportDepthExceeded(task: TaskState, event: TraceEvent, cls: LockClass): void {
    this.core.findings.report(depthExceededFinding(task, cls, this.hot.maxDepth, this.refOf(event, task.id)));
  }

  /** The reference to `event`, the event being processed. */
  private refOf(event: TraceEvent, task: TaskId): EventRef {
    return eventRef(event, task, this.currentFile, this.currentLine);
  }
}
