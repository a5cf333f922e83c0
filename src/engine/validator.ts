/**
 * The validator: consumes TraceEvents one at a time and reports findings, following the
 * kernel's lockdep (docs/semantics.md) with the gaps listed there under "Gaps closed" closed.
 *
 * Hot path (an acquisition whose held chain was seen before): a task lookup, an instance lookup,
 * an irq-usage bit test and one chain-cache lookup; no graph work, and no held-lock record
 * allocated (released ones are reused). Everything else (new chains, dependency edges, searches,
 * findings, hooks) runs only on a chain-cache miss or on rare events.
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
 *    held nest lock serialises;
 *  - the validator never stops: a finding is recorded (deduped by fingerprint) and processing
 *    goes on; `onFinding` fires once per new fingerprint, at the event that created it.
 */
import { InputError } from '../io/input-error.js';
import type {
  AccessEvent,
  AcquireEvent,
  AssertEvent,
  EventOrigin,
  InitEvent,
  IrqAction,
  IrqEvent,
  IrqKind,
  LockId,
  LockType,
  MightSleepEvent,
  ReleaseEvent,
  SyncEvent,
  TaskId,
  TraceEvent,
} from '../events/event.js';
import type { LockOpMode, LockOpSink, LockOpSite } from '../events/lock-op-sink.js';
import { DependencyGraph, graphNodeKey, type ClassGraph } from './dependency-graph.js';
import { countUnbaselined } from './finding.js';
import type {
  DependencyWitness,
  EventRef,
  Finding,
  FindingKind,
  HeldLockRef,
  IrqDetail,
  LockInfo,
} from './finding.js';
import { canonicalCycle, fingerprintOf, siteWithoutPosition } from './fingerprint.js';
import { HeldLock, LockInstance, TaskState } from './held-lock.js';
import type { AcquireContext, EngineHooks, EngineQuery, LockView } from './hooks.js';
import { ChainCache } from './chain-cache.js';
import { ClassRegistry, LockClass, className } from './lock-class.js';
import {
  DEP_N_ANY,
  DEP_S_ANY,
  MODE_RECURSIVE_READ,
  MODE_WRITE,
  depBit,
  depBitBackward,
  depTypes,
  modeName,
  modeNumber,
} from './lock-mode.js';
import type { CheckResult, Summary } from './result.js';
import { GRAPH_SNAPSHOT_VERSION, type GraphSnapshot } from './snapshot.js';
import {
  ENABLED_HARDIRQ,
  ENABLED_SOFTIRQ,
  LOCKF_ENABLED_IRQ_ALL,
  LOCKF_IRQ,
  LOCKF_USED_IN_IRQ_ALL,
  LOCK_USED,
  LOCK_USED_READ,
  USAGE_BITS,
  USAGE_DIR_MASK,
  USAGE_READ_MASK,
  USED_IN_HARDIRQ,
  USED_IN_SOFTIRQ,
  exclusiveBit,
  exclusiveMask,
  originalMask,
  stateOf,
  usageChars,
  usageName,
} from './usage.js';

export interface ValidatorOptions {
  /** Held-lock depth limit (lockdep's MAX_LOCK_DEPTH); exceeding it is a finding. Default 48. */
  maxDepth?: number;
  hooks?: readonly EngineHooks[];
  /** Called once per new finding, at the event that creates it. */
  onFinding?: (finding: Finding) => void;
  /** File name used in event references when `process` gets no origin. */
  file?: string;
  /** Capacity limits; reaching one stops the check with an InputError naming file:line. */
  limits?: Partial<ValidatorLimits>;
}

export interface ValidatorLimits {
  /** Distinct lock classes (subclasses count separately). */
  classes: number;
  /** Tasks alive at once (a task ends at its `exit` event). */
  tasks: number;
  /** Lock instances alive at once (an instance ends at its `free` event). */
  locks: number;
}

export const DEFAULT_MAX_DEPTH = 48;
export const DEFAULT_LIMITS: ValidatorLimits = { classes: 1_000_000, tasks: 10_000_000, locks: 10_000_000 };

/** Chain-cache key of one held lock: class * 16 + mode * 4 + try * 2 + sync (a small integer). */
const HLOCK_BITS = 16;
/** Keeps hlock keys and graph pair keys exact (see dependency-graph.ts). */
const MAX_CLASSES = 67108864 / HLOCK_BITS;
/** Chain ids 0..3 are the roots of the four irq contexts. */
const FIRST_CHAIN_ID = 4;

const FLAG_SLEEPS = 1;
const FLAG_ATOMIC = 2;
const FLAG_WATCHED = 4;

type FindingDraft = Omit<Finding, 'fingerprint' | 'severity'> & { fingerprint?: string; severity?: Finding['severity'] };

export class Validator implements LockOpSink<TaskState, LockInstance> {
  readonly classes = new ClassRegistry();
  readonly deps = new DependencyGraph();
  private readonly instances = new Map<LockId, LockInstance>();
  private readonly tasks = new Map<TaskId, TaskState>();
  private readonly chainCache = new ChainCache();
  /** Hot per-class data by class id, compact for the fast path: usage bits and flags. */
  private classUsage = new Int32Array(1024);
  private classFlags = new Uint8Array(1024);
  private readonly findingsByPrint = new Map<string, Finding>();
  private readonly findingList: Finding[] = [];
  private readonly hooks: readonly EngineHooks[];
  private readonly chainHooks: readonly EngineHooks[];
  private readonly watchHooks: readonly EngineHooks[];
  private readonly accessHooks: readonly EngineHooks[];
  /** Per var name, the access hooks that watch it (asked once per name). */
  private readonly accessHooksByVar = new Map<string, readonly EngineHooks[]>();
  private readonly dependencyHooks: readonly EngineHooks[];
  private readonly maxDepth: number;
  private readonly limits: ValidatorLimits;
  private readonly onFinding: ((finding: Finding) => void) | undefined;
  private readonly defaultFile: string;
  /** What hooks may ask; also how the simulation reports findings the engine cannot see (real deadlocks). */
  readonly query: EngineQuery;
  private nextChainId = FIRST_CHAIN_ID;
  /** Classes with some USED_IN usage: while none has, no new dependency can be irq-unsafe. */
  private usedInIrqClasses = 0;
  private eventCount = 0;
  private chainHits = 0;
  private taskCount = 0;
  private currentFile = '';
  private currentLine = 0;
  private ended = false;
  /** The task of the event being processed (for hooks' findings). */
  private currentTask: TaskState | undefined;

  constructor(options: ValidatorOptions = {}) {
    this.maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
    if (!Number.isInteger(this.maxDepth) || this.maxDepth < 1) throw new RangeError(`maxDepth must be an integer >= 1, got ${this.maxDepth}`);
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.limits.classes = Math.min(this.limits.classes, MAX_CLASSES);
    this.hooks = options.hooks ?? [];
    this.chainHooks = this.hooks.filter((h) => h.onNewChain !== undefined);
    this.watchHooks = this.hooks.filter((h) => h.onWatchedAcquire !== undefined);
    this.accessHooks = this.hooks.filter((h) => h.onAccess !== undefined);
    this.dependencyHooks = this.hooks.filter((h) => h.onNewDependency !== undefined);
    this.onFinding = options.onFinding;
    this.defaultFile = options.file ?? '';
    this.currentFile = this.defaultFile;
    this.query = {
      findPath: (from, to, fromRecursiveReader) => this.findPath(from, to, fromRecursiveReader === true),
      hasClass: (name) => this.classes.get(name) !== undefined,
      heldLocks: (id) => { const task = this.tasks.get(id); return task === undefined ? [] : this.heldRefs(task); },
      report: (draft) => this.report(this.withHeldLocks(draft)),
    };
  }

  // ─── public API ──────────────────────────────────────────────────────────────────────────

  get findings(): readonly Finding[] { return this.findingList; }

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
        this.init(event);
        break;
      case 'irq':
        this.irq(event);
        break;
      case 'free':
        this.free(event);
        break;
      case 'assert':
        this.assertHeld(event);
        break;
      case 'access':
        this.access(event);
        break;
      case 'might-sleep':
        this.mightSleep(event);
        break;
      case 'exit':
        this.exit(event);
        break;
    }
  }

  // ─── the byte-level readers' entrance (events/lock-op-sink.ts) ───────────────────────────

  acquireAt(task: TaskState | string, lock: LockInstance | string, mode: LockOpMode, trylock: boolean, site: LockOpSite, file: string, line: number): void {
    const owner = this.lineOfTask(task, file, line);
    this.acquireInstance(owner, typeof lock === 'string' ? this.instance(lock) : lock, null, 0, mode, trylock, undefined, false, site);
  }

  releaseAt(task: TaskState | string, lock: LockInstance | string, site: LockOpSite, file: string, line: number): void {
    const owner = this.lineOfTask(task, file, line);
    if (typeof lock === 'string') this.releaseInstance(owner, lock, this.instances.get(lock), null, site);
    else this.releaseInstance(owner, lock.id, lock, null, site);
  }

  mightSleepAt(task: TaskState | string, site: LockOpSite, file: string, line: number): void {
    this.mightSleepIn(this.lineOfTask(task, file, line), null, site);
  }

  irqAt(task: TaskState | string, kind: IrqKind, action: IrqAction, site: LockOpSite, file: string, line: number): void {
    this.irqAction(this.lineOfTask(task, file, line), kind, action, null, site);
  }

  accessAt(task: TaskState | string, variable: string, write: boolean, site: LockOpSite, file: string, line: number): void {
    this.accessVar(this.lineOfTask(task, file, line), variable, write, null, site);
  }

  initAt(lock: string, cls: string, type: LockType, file: string, line: number): void {
    this.placeEvent(file, line);
    this.initInstance(lock, cls, type, false, null);
  }

  taskHandle(id: string): TaskState | undefined {
    return this.tasks.get(id);
  }

  lockHandle(id: string): LockInstance | undefined {
    return this.instances.get(id);
  }

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
      tasks: this.taskCount,
      classes: this.classes.size,
      dependencies: this.deps.size,
      violations: this.findingList.length,
      errors: countUnbaselined(this.findingList, 'error'),
      warnings: countUnbaselined(this.findingList, 'warning'),
      chains: this.nextChainId - FIRST_CHAIN_ID,
      chainCacheHits: this.chainHits,
    };
  }

  result(): CheckResult {
    return { version: 1, violations: [...this.findingList], summary: this.summary() };
  }

  /** The graphology graph over classes, with current usage on each node (keys: `graphNodeKey(name)`). */
  toGraph(): ClassGraph {
    const graph = this.deps.graph;
    for (const cls of this.classes.byId) {
      graph.mergeNodeAttributes(graphNodeKey(cls.name), { type: cls.type, usage: usageChars(cls.usage) });
    }
    return graph;
  }

  snapshot(sources: readonly string[] = this.defaultFile ? [this.defaultFile] : []): GraphSnapshot {
    return {
      format: 'lockdep-graph',
      version: GRAPH_SNAPSHOT_VERSION,
      sources: [...sources],
      classes: this.classes.byId.map((cls) => ({
        name: cls.name,
        type: cls.type,
        percpu: cls.percpu,
        usage: usageChars(cls.usage),
        usageMask: cls.usage,
        usageAt: [...cls.usageAt],
      })),
      dependencies: [...this.deps.edges()].map((edge) => ({
        from: this.classes.byId[this.deps.edgeFrom[edge]!]!.name,
        to: this.classes.byId[this.deps.edgeTo[edge]!]!.name,
        mask: this.deps.edgeMask[edge]!,
        maskBack: this.deps.edgeMaskBack[edge]!,
        types: depTypes(this.deps.edgeMask[edge]!),
        witness: this.deps.edgeWitness[edge]!,
      })),
    };
  }

  /**
   * Adds another run's classes, usages and dependencies to this graph, running the same checks
   * a live acquisition would: cycles, irq safety and the hooks' dependency rules.
   */
  mergeSnapshot(snapshot: GraphSnapshot): void {
    for (const c of snapshot.classes) {
      const cls = this.internClass(c.name, c.type, c.percpu ?? false);
      for (let bit = 0; bit < USAGE_BITS; bit++) {
        if (!(c.usageMask & (1 << bit)) || cls.usage & (1 << bit)) continue;
        const at = c.usageAt[bit] ?? { task: '?' };
        const mode = bit & USAGE_READ_MASK ? MODE_RECURSIVE_READ : MODE_WRITE;
        this.markUsage(cls, bit, mode, at, at.task, undefined);
      }
    }
    for (const d of snapshot.dependencies) {
      const from = this.internClass(d.from, 'mutex', false);
      const to = this.internClass(d.to, 'mutex', false);
      for (let bit = 1; bit <= 8; bit <<= 1) {
        if (!(d.mask & bit)) continue;
        const existing = this.deps.find(from.id, to.id);
        if (existing >= 0 && this.deps.edgeMask[existing]! & bit) continue;
        // Reconstruct modes from the type: E -> write, S -> read; R -> recursive-read, N -> write.
        const prevMode = bit & DEP_S_ANY ? 1 : MODE_WRITE;
        const nextMode = bit & DEP_N_ANY ? MODE_WRITE : MODE_RECURSIVE_READ;
        const witness = d.witness;
        this.addDependency(from, prevMode, witness.prev, to, nextMode, witness.next, witness.task, undefined, () => ({
          ...witness,
          prev: { ...witness.prev },
          next: { ...witness.next },
        }));
      }
    }
  }

  // ─── event handlers ──────────────────────────────────────────────────────────────────────

  /** A hook's finding about the task of the current event shows that task's held locks. */
  private withHeldLocks<T extends FindingDraft>(draft: T): T {
    const task = this.currentTask;
    if (draft.held !== undefined || task === undefined || draft.task !== task.name) return draft;
    return { ...draft, held: this.heldRefs(task) };
  }

  private task(id: TaskId): TaskState {
    let task = this.tasks.get(id);
    if (task === undefined) {
      if (this.tasks.size >= this.limits.tasks) this.limitReached('live task', this.limits.tasks, '--max-tasks');
      task = new TaskState(id, String(id));
      this.tasks.set(id, task);
      this.taskCount++;
    }
    this.currentTask = task;
    return task;
  }

  private instance(id: LockId, cls?: string, type?: LockType): LockInstance {
    return this.instances.get(id) ?? this.defineInstance(id, cls, type, false);
  }

  /** Declares (or re-declares) an instance; an instance used without `init` is a mutex of class = its id. */
  private defineInstance(id: LockId, cls: string | undefined, type: LockType | undefined, percpu: boolean): LockInstance {
    if (!this.instances.has(id) && this.instances.size >= this.limits.locks) {
      this.limitReached('live lock instance', this.limits.locks, '--max-locks');
    }
    const inst = new LockInstance(id, cls ?? String(id), type ?? 'mutex', percpu);
    const replaced = this.instances.get(id);
    if (replaced !== undefined) replaced.alive = false;
    this.instances.set(id, inst);
    return inst;
  }

  private classOf(inst: LockInstance, subclass: number): LockClass {
    const cached = inst.classes[subclass];
    if (cached !== undefined) return cached;
    const cls = this.internClass(className(inst.base, subclass), inst.type, inst.percpu);
    inst.classes[subclass] = cls;
    if (subclass === 0) {
      inst.class0 = cls;
      inst.class0Id = cls.id;
    }
    return cls;
  }

  private internClass(name: string, type: LockType, percpu: boolean): LockClass {
    if (this.classes.size >= this.limits.classes && this.classes.get(name) === undefined) {
      this.limitReached('lock class', this.limits.classes, '--max-classes');
    }
    const { cls, created } = this.classes.intern(name, type, percpu);
    if (created) {
      this.deps.addClass(cls.id, name, { type, percpu });
      for (const hook of this.hooks) if (hook.watchClass?.(name)) cls.watched = true;
      if (cls.id >= this.classFlags.length) {
        const usage = new Int32Array(this.classFlags.length * 2);
        usage.set(this.classUsage);
        this.classUsage = usage;
        const flags = new Uint8Array(this.classFlags.length * 2);
        flags.set(this.classFlags);
        this.classFlags = flags;
      }
      this.classFlags[cls.id] = (cls.sleeps ? FLAG_SLEEPS : 0) | (cls.atomic ? FLAG_ATOMIC : 0) | (cls.watched ? FLAG_WATCHED : 0);
    }
    return cls;
  }

  /** Nothing is dropped silently: a full table stops the check with a clear message. */
  private limitReached(what: string, limit: number, flag: string): never {
    throw new InputError(
      `the ${what} limit (${limit}) is reached; nothing was dropped, the check stops here (raise it with ${flag})`,
      { file: this.currentFile || '<events>', line: this.currentLine },
    );
  }

  private init(event: InitEvent): void {
    this.initInstance(event.lock, event.class, event.type, event.percpu === true, event);
  }

  /** `init` of lock `id`; `event` null as in `acquireInstance` (built only for a report). */
  private initInstance(id: LockId, cls: string | undefined, type: LockType | undefined, percpu: boolean, event: InitEvent | null): void {
    const existing = this.instances.get(id);
    if (existing !== undefined && existing.holders > 0) {
      const init: InitEvent = { op: 'init', lock: id };
      if (cls !== undefined) init.class = cls;
      if (type !== undefined) init.type = type;
      this.reportHeldLockFreed(existing, event ?? init, 'initialised again');
    }
    this.defineInstance(id, cls, type, percpu);
  }

  private free(event: Extract<TraceEvent, { op: 'free' }>): void {
    const inst = this.instances.get(event.lock);
    if (inst === undefined) return;
    if (inst.holders > 0) this.reportHeldLockFreed(inst, event, 'freed');
    inst.alive = false;
    this.instances.delete(event.lock);
  }

  private acquire(event: AcquireEvent | SyncEvent, sync: boolean): void {
    const task = this.task(event.task);
    const inst = this.instance(event.lock, event.class, event.type);
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
      cls = this.classOf(inst, subclass);
      classId = cls.id;
    }
    const flags = this.classFlags[classId]!;
    const held = task.held;

    if (flags & FLAG_SLEEPS && !trylock && task.atomic) {
      this.reportSleepInAtomic(task, event ?? plainAcquireEvent(task, inst, mode, trylock, site), cls);
    }

    // nest_lock: it must be held; a same-class top entry absorbs the acquisition.
    let nest: LockInstance | undefined;
    if (nestId !== undefined && event?.op === 'acquire') {
      nest = this.instances.get(nestId);
      if (nest === undefined || !this.holds(task, nest)) {
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
    if (held.length >= this.maxDepth) {
      if (!task.depthReported) {
        task.depthReported = true;
        this.reportDepthExceeded(task, event ?? plainAcquireEvent(task, inst, mode, trylock, site), cls);
      }
      // Beyond MAX_LOCK_DEPTH the kernel turns lockdep off. Here the hold is still tracked (for
      // release balance, held-at-exit and freed-while-held) but not validated: no chain, no
      // dependency, no usage mark, no rule hook. That keeps a runaway nesting linear instead of
      // cubic; the finding says so.
      if (sync) return;
      const top = held[held.length - 1]!;
      this.pushHeld(task, this.newHeld(task, inst, cls, classId, mode, trylock, irqContext, top.chain, nest, event, site), flags);
      return;
    }

    const needed = usageNeeded(task, mode, trylock, sync);
    if ((this.classUsage[classId]! & needed) !== needed) this.markAcquireUsage(task, inst, cls, mode, trylock, needed, event, site);

    const base = chainBase(held, irqContext);
    const hlockKey = hlockKeyOf(classId, mode, trylock, sync);
    let chain = this.chainCache.get(base, hlockKey);
    const watched = (flags & FLAG_WATCHED) !== 0 && this.watchHooks.length > 0;
    // A sync pushes nothing, but the checks still need a held-lock view of it.
    const entry =
      sync && chain >= 0 && !watched
        ? undefined
        : this.newHeld(task, inst, cls, classId, mode, trylock, irqContext, 0, sync ? undefined : nest, event, site);
    if (chain < 0) chain = this.newChain(task, entry!, base, hlockKey, sync);
    else this.chainHits++;
    if (watched) {
      const ctx = this.acquireContext(task, entry!, held.length, sync);
      for (const hook of this.watchHooks) hook.onWatchedAcquire!(ctx, this.query);
    }
    if (entry === undefined) return;
    if (sync) {
      task.spare.push(entry); // a sync's record was only a view for the checks
      return;
    }
    entry.chain = chain;
    this.pushHeld(task, entry, flags);
  }

  /** A held-lock record at the current position, reusing one the task released earlier. */
  private newHeld(
    task: TaskState,
    inst: LockInstance,
    cls: LockClass,
    classId: number,
    mode: number,
    trylock: boolean,
    irqContext: number,
    chain: number,
    nest: LockInstance | undefined,
    event: TraceEvent | null,
    site: LockOpSite,
  ): HeldLock {
    const entry = task.spare.pop();
    if (entry === undefined) {
      return new HeldLock(inst, cls, classId, mode, trylock, irqContext, chain, nest, event, site, this.currentFile, this.currentLine);
    }
    entry.references = 0;
    entry.inst = inst;
    entry.cls = cls;
    entry.classId = classId;
    entry.mode = mode;
    entry.trylock = trylock;
    entry.irqContext = irqContext;
    entry.chain = chain;
    entry.nest = nest;
    entry.event = event;
    entry.site = site;
    entry.file = this.currentFile;
    entry.line = this.currentLine;
    return entry;
  }

  /** The inverse of `dropEntry`. */
  private pushHeld(task: TaskState, entry: HeldLock, flags: number): void {
    task.held.push(entry);
    entry.inst.holders++;
    if (flags & FLAG_ATOMIC) task.atomicHeld++;
  }

  private release(event: ReleaseEvent): void {
    const task = this.task(event.task);
    this.releaseInstance(task, event.lock, this.instances.get(event.lock), event, undefined);
  }

  /** A release of lock `id` (live instance `inst`, if any); `event` null as in `acquireInstance`. */
  private releaseInstance(task: TaskState, id: LockId, inst: LockInstance | undefined, event: ReleaseEvent | null, site: LockOpSite): void {
    const held = task.held;
    let index = inst === undefined ? -1 : this.findHeld(task, inst);
    // An instance freed or re-initialised while held is still released by its id.
    if (index < 0) index = this.findHeldById(task, id);
    if (index < 0) {
      this.reportBadUnlock(task, event ?? withSite({ op: 'release', task: task.id, lock: id }, site), inst);
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
      // Non-stack order is legal: truncate and re-acquire the entries above (new chains may appear).
      const above = held.splice(index);
      above.shift();
      for (const again of above) this.reacquire(task, again);
    }
    // Nothing refers to a released record any more (views and references are copies).
    task.spare.push(entry);
    if (task.depthReported && held.length < this.maxDepth) task.depthReported = false;
  }

  private reacquire(task: TaskState, entry: HeldLock): void {
    const held = task.held;
    if (held.length >= this.maxDepth) {
      // Beyond the depth limit holds are tracked, not validated (see acquire).
      entry.chain = held[held.length - 1]!.chain;
      held.push(entry);
      return;
    }
    const base = chainBase(held, entry.irqContext);
    const hlockKey = hlockKeyOf(entry.classId, entry.mode, entry.trylock, false);
    const chain = this.chainCache.get(base, hlockKey);
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
    this.chainCache.set(base, hlockKey, chain);
    if (!entry.trylock) this.validateChain(task, entry, task.held.length, sync);
    if (this.chainHooks.length > 0) this.runChainHooks(task, entry, task.held.length, sync);
    return chain;
  }

  private dropEntry(task: TaskState, entry: HeldLock): void {
    entry.inst.holders--;
    if (this.classFlags[entry.classId]! & FLAG_ATOMIC) task.atomicHeld--;
  }

  /** Index of the held entry for `inst`, searching down from the top within the current irq context. */
  private findHeld(task: TaskState, inst: LockInstance): number {
    const held = task.held;
    const ctx = task.irqContext;
    for (let i = held.length - 1; i >= 0; i--) {
      const h = held[i]!;
      if (h.irqContext !== ctx) break;
      if (h.inst === inst) return i;
      if (h.references > 0 && inst.classes.includes(h.cls)) return i;
    }
    return -1;
  }

  private findHeldById(task: TaskState, id: LockId): number {
    const held = task.held;
    const ctx = task.irqContext;
    for (let i = held.length - 1; i >= 0; i--) {
      const h = held[i]!;
      if (h.irqContext !== ctx) break;
      if (h.inst.id === id) return i;
    }
    return -1;
  }

  private holds(task: TaskState, inst: LockInstance): boolean {
    for (const h of task.held) if (h.inst === inst) return true;
    return false;
  }

  private irq(event: IrqEvent): void {
    this.irqAction(this.task(event.task), event.kind, event.action, event, undefined);
  }

  /** An irq event of `task`; `event` null as in `acquireInstance` (built when irqs get enabled, for usage records). */
  private irqAction(task: TaskState, kind: IrqKind, action: IrqAction, event: IrqEvent | null, site: LockOpSite): void {
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
        break;
      case 'disable':
        if (hard) task.hardirqsEnabled = false;
        else task.softirqsEnabled = false;
        break;
      case 'enable':
        if (hard) {
          if (task.hardirqsEnabled) return;
          task.hardirqsEnabled = true;
          const enabling = event ?? withSite({ op: 'irq', task: task.id, kind, action }, site);
          this.markHeldLocks(task, ENABLED_HARDIRQ, enabling);
          if (task.softirqsEnabled) this.markHeldLocks(task, ENABLED_SOFTIRQ, enabling);
        } else {
          if (task.softirqsEnabled) return;
          task.softirqsEnabled = true;
          if (task.hardirqsEnabled) this.markHeldLocks(task, ENABLED_SOFTIRQ, event ?? withSite({ op: 'irq', task: task.id, kind, action }, site));
        }
        break;
    }
  }

  private assertHeld(event: AssertEvent): void {
    const task = this.task(event.task);
    const inst = this.instances.get(event.lock);
    let found: HeldLock | undefined;
    if (inst !== undefined) {
      for (const h of task.held) {
        if (h.inst === inst || (h.references > 0 && inst.classes.includes(h.cls))) {
          found = h;
          break;
        }
      }
    }
    const ok =
      event.held === 'any' ? found !== undefined
      : event.held === 'none' ? found === undefined
      : event.held === 'write' ? found !== undefined && found.mode === MODE_WRITE
      : found !== undefined && found.mode !== MODE_WRITE;
    if (ok) return;
    const name = inst?.classes[0]?.name ?? inst?.base ?? String(event.lock);
    const api =
      event.held === 'any' ? 'lockdep_assert_held'
      : event.held === 'none' ? 'lockdep_assert_not_held'
      : `lockdep_assert_held_${event.held}`;
    const state = found === undefined ? 'not held' : `held for ${modeName(found.mode)}`;
    const trigger = this.refOf(event, event.task);
    this.report({
      kind: 'assertion-failed',
      rule: null,
      message: `${api}(${name}) failed: the lock is ${state}`,
      classes: [name],
      events: found ? [trigger, this.heldRef(found, task)] : [trigger],
      task: task.name,
      trigger,
      held: this.heldRefs(task),
      extra: [event.held, siteWithoutPosition(event.site)],
    });
  }

  private access(event: AccessEvent): void {
    this.accessVar(this.task(event.task), event.var, event.write, event, undefined);
  }

  /** An access by `task`; `event` null as in `acquireInstance`. */
  private accessVar(task: TaskState, variable: string, write: boolean, event: AccessEvent | null, site: LockOpSite): void {
    if (this.accessHooks.length === 0) return;
    let hooks = this.accessHooksByVar.get(variable);
    if (hooks === undefined) {
      hooks = this.accessHooks.filter((h) => h.watchVar?.(variable) ?? true);
      this.accessHooksByVar.set(variable, hooks);
    }
    if (hooks.length === 0) return;
    const ctx = {
      task: task.name,
      var: variable,
      write,
      held: task.held.map((h) => this.lockView(h, task)),
      at: this.refOf(event ?? withSite({ op: 'access', task: task.id, var: variable, write }, site), task.id),
    };
    for (const hook of hooks) hook.onAccess!(ctx, this.query);
  }

  private mightSleep(event: MightSleepEvent): void {
    this.mightSleepIn(this.task(event.task), event, undefined);
  }

  /** A might-sleep of `task`; `event` null as in `acquireInstance`. */
  private mightSleepIn(task: TaskState, event: MightSleepEvent | null, site: LockOpSite): void {
    if (task.atomic) this.reportSleepInAtomic(task, event ?? withSite({ op: 'might-sleep', task: task.id }, site), undefined);
  }

  private exit(event: Extract<TraceEvent, { op: 'exit' }>): void {
    const task = this.task(event.task);
    if (task.held.length > 0) {
      const trigger = this.refOf(event, event.task);
      const held = this.heldRefs(task);
      const classes = [...new Set(task.held.map((h) => h.cls.name))];
      this.report({
        kind: 'held-lock-at-exit',
        rule: null,
        message: `${task.name} exited with ${task.held.length} lock${task.held.length === 1 ? '' : 's'} held: ${classes.join(', ')}`,
        classes,
        events: [trigger, ...task.held.map((h) => this.heldRef(h, task))],
        task: task.name,
        trigger,
        held,
        locks: this.lockInfos(classes),
        extra: [...classes].sort(),
      });
      for (const h of task.held) h.inst.holders--;
    }
    task.alive = false;
    // A reader may keep the dead task as a stale handle for a while: let it hold nothing.
    task.held.length = 0;
    task.spare.length = 0;
    this.tasks.delete(event.task);
  }

  // ─── chain validation (slow path) ────────────────────────────────────────────────────────

  /**
   * `validate_chain` for a new chain: the same-class recursion check, then a dependency from
   * every predecessor in the same irq context. Predecessors are the nearest held lock that is
   * neither a trylock nor a recursive reader plus every lock above it; going past recursive
   * readers closes gap 2 of docs/semantics.md (their transitive path is weak; a direct edge is not).
   */
  private validateChain(task: TaskState, next: HeldLock, depth: number, sync: boolean): void {
    const held = task.held;
    // check_deadlock: every held lock of the same class, in any irq context.
    let nestSeen = false;
    let serialisedByNest = false;
    for (let i = 0; i < depth; i++) {
      const prev = held[i]!;
      if (next.nest !== undefined && prev.inst === next.nest) nestSeen = true;
      if (prev.cls !== next.cls) continue;
      if (next.mode === MODE_RECURSIVE_READ && prev.mode !== MODE_WRITE) continue;
      if (nestSeen) {
        serialisedByNest = true;
        break;
      }
      this.reportRecursive(task, prev, next, null);
      return;
    }
    if (serialisedByNest) return;
    for (let i = depth - 1; i >= 0; i--) {
      const prev = held[i]!;
      if (prev.irqContext !== next.irqContext) break;
      if (prev.cls === next.cls) {
        // Read-after-read of one class: no self edge, but a strong cycle through other classes
        // is still reported, as recursive locking (check_noncircular's same-class case).
        this.checkSameClassCycle(task, prev, next);
      } else {
        this.addDependency(prev.cls, prev.mode, undefined, next.cls, next.mode, undefined, task.name, { task, prev, next, sync });
      }
      if (!prev.trylock && prev.mode !== MODE_RECURSIVE_READ) break;
    }
  }

  private runChainHooks(task: TaskState, next: HeldLock, depth: number, sync: boolean): void {
    const ctx = this.acquireContext(task, next, depth, sync);
    for (const hook of this.chainHooks) hook.onNewChain!(ctx, this.query);
  }

  private acquireContext(task: TaskState, next: HeldLock, depth: number, sync: boolean): AcquireContext {
    const held: LockView[] = [];
    for (let i = 0; i < depth; i++) {
      const h = task.held[i]!;
      if (h.irqContext === next.irqContext) held.push(this.lockView(h, task));
    }
    return { task: task.name, held, next: this.lockView(next, task), sync };
  }

  /**
   * `check_prev_add` for prev -> next: the cycle search, the irq-safety search, then the edge.
   * A known (edge, type) pair needs no search: it was checked when it was added, and every
   * later edge or usage change runs its own search. The edge is kept even when it closes a
   * cycle, so later findings still see it.
   */
  private addDependency(
    prevCls: LockClass,
    prevMode: number,
    prevAt: EventRef | undefined,
    nextCls: LockClass,
    nextMode: number,
    nextAt: EventRef | undefined,
    taskName: string,
    live: { task: TaskState; prev: HeldLock; next: HeldLock; sync: boolean } | undefined,
    merged?: () => DependencyWitness,
  ): void {
    const bit = depBit(prevMode, nextMode);
    const existing = this.deps.find(prevCls.id, nextCls.id);
    if (existing >= 0 && (this.deps.edgeMask[existing]! & bit) !== 0) {
      this.deps.edgeMaskBack[existing] = this.deps.edgeMaskBack[existing]! | depBitBackward(prevMode, nextMode);
      return;
    }
    const witness =
      merged ??
      (() => ({
        from: prevCls.name,
        to: nextCls.name,
        types: [],
        task: taskName,
        prev: prevAt ?? this.heldRef(live!.prev, live!.task),
        next: nextAt ?? this.heldRef(live!.next, live!.task),
      }));
    const newWitness = (): DependencyWitness => {
      const w = witness();
      return { ...w, types: depTypes(bit) };
    };
    // check_noncircular: from next, look for prev; a match closes a strong cycle.
    const hit = this.deps.search(nextCls.id, nextMode === MODE_RECURSIVE_READ, true, (cls, onlyXr) =>
      cls === prevCls.id && (prevMode === MODE_WRITE || !onlyXr),
    );
    if (hit !== null) this.reportCycle(hit.path, newWitness(), live, 'circular-dependency');
    this.checkIrqUsage(prevCls, prevMode, nextCls, nextMode, newWitness, live);
    const added = this.deps.add(prevCls.id, nextCls.id, bit, depBitBackward(prevMode, nextMode), newWitness);
    if (added.newBits && this.dependencyHooks.length > 0) {
      const w = this.deps.edgeWitness[added.edge]!;
      for (const hook of this.dependencyHooks) hook.onNewDependency!(w, this.query);
    }
  }

  private checkSameClassCycle(task: TaskState, prev: HeldLock, next: HeldLock): void {
    const cls = next.cls;
    const hit = this.deps.search(cls.id, next.mode === MODE_RECURSIVE_READ, true, (c, onlyXr) =>
      c === cls.id && (prev.mode === MODE_WRITE || !onlyXr),
    );
    // The root matches itself trivially when the search starts not-only-xr; require a real path.
    if (hit === null || hit.path.length === 0) return;
    this.reportRecursive(task, prev, next, hit.path);
  }

  /**
   * `check_irq_usage` for a new prev -> next: accumulate USED_IN usage backwards from prev,
   * look forwards from next for a conflicting ENABLED usage, then find the concrete safe lock.
   */
  private checkIrqUsage(
    prevCls: LockClass,
    prevMode: number,
    nextCls: LockClass,
    nextMode: number,
    witness: () => DependencyWitness,
    live: { task: TaskState; prev: HeldLock; next: HeldLock; sync: boolean } | undefined,
  ): void {
    if (this.usedInIrqClasses === 0) return;
    const byId = this.classes.byId;
    const skip = (c: number): boolean => byId[c]!.percpu;
    let accumulated = 0;
    this.deps.search(prevCls.id, prevMode !== MODE_WRITE, false, (c, onlyXr) => {
      const usage = byId[c]!.usage;
      accumulated |= onlyXr ? usage & LOCKF_IRQ : usage;
      return false;
    }, skip);
    accumulated &= LOCKF_USED_IN_IRQ_ALL;
    if (!accumulated) return;
    const forwardMask = exclusiveMask(accumulated);
    const forward = this.deps.search(nextCls.id, nextMode === MODE_RECURSIVE_READ, true, (c, onlyXr) => usageMatch(byId[c]!.usage, onlyXr, forwardMask), skip);
    if (forward === null) return;
    const unsafe = byId[forward.target]!;
    const backwardMask = originalMask(unsafe.usage & LOCKF_ENABLED_IRQ_ALL);
    const backward = this.deps.search(prevCls.id, prevMode !== MODE_WRITE, false, (c, onlyXr) => usageMatch(byId[c]!.usage, onlyXr, backwardMask), skip);
    if (backward === null) return;
    const safe = byId[backward.target]!;
    const pair = exclusiveMatch(safe.usage, unsafe.usage);
    if (pair === null) return;
    const [safeBit, unsafeBit] = pair;
    const newEdge = witness();
    const chain = [...this.deps.witnesses(backward.path).reverse(), newEdge, ...this.deps.witnesses(forward.path)];
    const classes = uniqueNames([safe.name, prevCls.name, nextCls.name, unsafe.name]);
    const state = stateOf(safeBit);
    const readTag = safeBit & USAGE_READ_MASK ? '-READ' : '';
    const irq: IrqDetail = {
      state,
      safe: safe.name,
      unsafe: unsafe.name,
      safeUsage: usageName(safeBit),
      unsafeUsage: usageName(unsafeBit),
      ...(safe.usageAt[safeBit] ? { safeAt: safe.usageAt[safeBit] } : {}),
      ...(unsafe.usageAt[unsafeBit] ? { unsafeAt: unsafe.usageAt[unsafeBit] } : {}),
      ...(live ? { taskState: live.task.stateTag() } : {}),
    };
    this.report({
      kind: 'irq-safe-to-unsafe',
      rule: null,
      message: `${state}${readTag}-safe -> ${state}${readTag}-unsafe lock order: ${safe.name} (${state.toLowerCase()}-safe) -> ${unsafe.name} (${state.toLowerCase()}-unsafe) via new dependency ${prevCls.name} -> ${nextCls.name}`,
      classes,
      events: eventsOfChain(chain),
      task: newEdge.task,
      trigger: newEdge.next,
      chain,
      ...(live ? { held: this.heldRefs(live.task) } : {}),
      locks: this.lockInfos(classes),
      irq,
      extra: [state + readTag, safe.name, unsafe.name],
    });
  }

  // ─── irq usage ───────────────────────────────────────────────────────────────────────────

  /** `mark_usage` at acquisition, for the `needed` usage bits (see `usageNeeded`) the class lacks. */
  private markAcquireUsage(
    task: TaskState,
    inst: LockInstance,
    cls: LockClass,
    mode: number,
    trylock: boolean,
    needed: number,
    event: TraceEvent | null,
    site: LockOpSite,
  ): void {
    const read = mode !== MODE_WRITE ? 1 : 0;
    const at = this.refOf(event ?? plainAcquireEvent(task, inst, mode, trylock, site), task.id);
    // Kernel order: USED_IN, then ENABLED, then USED.
    for (const bit of [USED_IN_HARDIRQ + read, USED_IN_SOFTIRQ + read, ENABLED_HARDIRQ + read, ENABLED_SOFTIRQ + read, read ? LOCK_USED_READ : LOCK_USED]) {
      if (needed & (1 << bit) && !(cls.usage & (1 << bit))) this.markUsage(cls, bit, mode, at, task.name, task);
    }
  }

  /** `mark_held_locks`: irqs (or bottom halves) were just enabled with locks held. */
  private markHeldLocks(task: TaskState, baseBit: number, event: TraceEvent): void {
    for (const h of task.held) {
      const bit = baseBit + (h.mode !== MODE_WRITE ? 1 : 0);
      if (h.cls.usage & (1 << bit)) continue;
      this.markUsage(h.cls, bit, h.mode, this.refOf(event, task.id), task.name, task);
    }
  }

  /** `mark_lock` + `mark_lock_irq`: set a usage bit and check it against the class and the graph. */
  private markUsage(cls: LockClass, bit: number, mode: number, at: EventRef, taskName: string, task: TaskState | undefined): void {
    if ((cls.usage & LOCKF_USED_IN_IRQ_ALL) === 0 && ((1 << bit) & LOCKF_USED_IN_IRQ_ALL) !== 0) this.usedInIrqClasses++;
    cls.usage |= 1 << bit;
    this.classUsage[cls.id] = cls.usage;
    cls.usageAt[bit] = at;
    if (bit >= LOCK_USED) return;
    const excl = exclusiveBit(bit);
    const read = bit & USAGE_READ_MASK;
    if (this.conflictingState(cls, bit, excl, at, taskName, task)) return;
    if (!read && this.conflictingState(cls, bit, excl + USAGE_READ_MASK, at, taskName, task)) return;
    const enabled = (bit & USAGE_DIR_MASK) !== 0;
    // An ENABLED usage can only conflict with a USED_IN usage somewhere behind it.
    if (enabled && this.usedInIrqClasses === 0) return;
    const byId = this.classes.byId;
    const mask = (1 << excl) | (1 << (excl + USAGE_READ_MASK));
    const skip = (c: number): boolean => byId[c]!.percpu;
    // Setting ENABLED looks backwards for USED_IN; setting USED_IN looks forwards for ENABLED.
    const rootOnlyXr = enabled ? mode !== MODE_WRITE : mode === MODE_RECURSIVE_READ;
    const hit = this.deps.search(cls.id, rootOnlyXr, !enabled, (c, onlyXr) => usageMatch(byId[c]!.usage, onlyXr, mask), skip);
    if (hit === null) return;
    const other = byId[hit.target]!;
    const otherBit = other.usage & (1 << excl) ? excl : excl + USAGE_READ_MASK;
    const path = this.deps.witnesses(hit.path);
    const chain = enabled ? path.reverse() : path;
    const safe = enabled ? other : cls;
    const unsafe = enabled ? cls : other;
    const safeBit = enabled ? otherBit : bit;
    const unsafeBit = enabled ? bit : otherBit;
    const state = stateOf(bit);
    const classes = uniqueNames([safe.name, unsafe.name]);
    this.report({
      kind: 'irq-lock-inversion',
      rule: null,
      message: `possible irq lock inversion: ${cls.name} became ${usageName(bit)} but ${enabled ? `was taken by ${state.toLowerCase()}-safe ${other.name}` : `took ${state.toLowerCase()}-unsafe ${other.name}`} in the past`,
      classes,
      events: [at, ...eventsOfChain(chain)],
      task: taskName,
      trigger: at,
      chain,
      ...(task ? { held: this.heldRefs(task) } : {}),
      locks: this.lockInfos(classes),
      irq: {
        state,
        safe: safe.name,
        unsafe: unsafe.name,
        safeUsage: usageName(safeBit),
        unsafeUsage: usageName(unsafeBit),
        ...(safe.usageAt[safeBit] ? { safeAt: safe.usageAt[safeBit] } : {}),
        ...(unsafe.usageAt[unsafeBit] ? { unsafeAt: unsafe.usageAt[unsafeBit] } : {}),
        forwards: !enabled,
        ...(task ? { taskState: task.stateTag() } : {}),
      },
      extra: [state, safe.name, unsafe.name],
    });
  }

  /** `valid_state`: the class already has the usage that `newBit` conflicts with. */
  private conflictingState(cls: LockClass, newBit: number, badBit: number, at: EventRef, taskName: string, task: TaskState | undefined): boolean {
    if (!(cls.usage & (1 << badBit))) return false;
    const state = stateOf(newBit);
    const from = usageName(badBit);
    const to = usageName(newBit);
    const earlier = cls.usageAt[badBit];
    this.report({
      kind: 'inconsistent-lock-state',
      rule: null,
      message: `inconsistent {${from}} -> {${to}} usage of ${cls.name}`,
      classes: [cls.name],
      events: earlier ? [at, earlier] : [at],
      task: taskName,
      trigger: at,
      ...(task ? { held: this.heldRefs(task) } : {}),
      locks: this.lockInfos([cls.name]),
      irq: {
        state,
        from,
        to,
        ...(earlier ? { safeAt: earlier } : {}),
        ...(task ? { taskState: task.stateTag() } : {}),
      },
      extra: [state],
    });
    return true;
  }

  // ─── findings ────────────────────────────────────────────────────────────────────────────

  private report(draft: FindingDraft & { extra?: string[] }): void {
    const { extra, ...rest } = draft;
    const classesForPrint = rest.kind === 'circular-dependency' ? canonicalCycle(rest.classes) : rest.classes;
    const fingerprint = rest.fingerprint ?? fingerprintOf(rest.kind, rest.rule, classesForPrint, extra ?? []);
    const known = this.findingsByPrint.get(fingerprint);
    if (known !== undefined) {
      known.occurrences = (known.occurrences ?? 1) + 1;
      return;
    }
    const finding: Finding = { ...rest, severity: rest.severity ?? 'error', fingerprint, occurrences: 1 };
    this.findingsByPrint.set(fingerprint, finding);
    this.findingList.push(finding);
    this.onFinding?.(finding);
  }

  private reportCycle(
    path: readonly number[],
    closing: DependencyWitness,
    live: { task: TaskState; prev: HeldLock; next: HeldLock; sync: boolean } | undefined,
    kind: FindingKind,
  ): void {
    // The path walks next ->* prev; the closing edge is prev -> next. classes[0] is `next`.
    const chain = [...this.deps.witnesses(path), closing];
    const classes = chain.map((w) => w.from);
    this.report({
      kind,
      rule: null,
      message: `possible circular locking dependency: ${[...classes, classes[0]].join(' -> ')}`,
      classes,
      events: eventsOfChain([closing, ...chain.slice(0, -1)]),
      task: closing.task,
      trigger: closing.next,
      chain,
      ...(live ? { held: this.heldRefs(live.task) } : {}),
      locks: this.lockInfos(classes),
    });
  }

  private reportRecursive(task: TaskState, prev: HeldLock, next: HeldLock, cyclePath: readonly number[] | null): void {
    const trigger = this.heldRef(next, task);
    const chain = cyclePath ? this.deps.witnesses(cyclePath) : undefined;
    this.report({
      kind: 'recursive-locking',
      rule: null,
      message: cyclePath
        ? `possible recursive locking of ${next.cls.name} (${modeName(next.mode)} after ${modeName(prev.mode)}) closing a cycle through ${chain!.map((w) => w.to).join(' -> ')}`
        : `possible recursive locking: ${next.cls.name} acquired for ${modeName(next.mode)} while already held for ${modeName(prev.mode)}`,
      classes: [next.cls.name],
      events: [trigger, this.heldRef(prev, task)],
      task: task.name,
      trigger,
      ...(chain ? { chain } : {}),
      held: this.heldRefs(task),
      locks: this.lockInfos([next.cls.name]),
      extra: [modeName(prev.mode), modeName(next.mode)],
    });
  }

  private reportBadUnlock(task: TaskState, event: Extract<TraceEvent, { op: 'release' }>, inst: LockInstance | undefined): void {
    const name = inst?.classes[0]?.name ?? inst?.base ?? String(event.lock);
    const trigger = this.refOf(event, event.task);
    this.report({
      kind: 'bad-unlock-balance',
      rule: null,
      message: `bad unlock balance: ${task.name} releases ${name}, which it does not hold`,
      classes: [name],
      events: [trigger],
      task: task.name,
      trigger,
      held: this.heldRefs(task),
    });
  }

  private reportHeldLockFreed(inst: LockInstance, event: TraceEvent, how: string): void {
    const holders: { task: TaskState; entry: HeldLock }[] = [];
    for (const task of this.tasks.values()) {
      for (const h of task.held) if (h.inst === inst) holders.push({ task, entry: h });
    }
    const first = holders[0];
    const name = first?.entry.cls.name ?? inst.base;
    const taskName = 'task' in event ? String(event.task) : (first?.task.name ?? '?');
    const trigger = this.refOf(event, taskName);
    this.report({
      kind: 'held-lock-freed',
      rule: null,
      message: `held lock freed: ${name} (${String(inst.id)}) was ${how} while held by ${holders.map((h) => h.task.name).join(', ')}`,
      classes: [name],
      events: [trigger, ...holders.map((h) => this.heldRef(h.entry, h.task))],
      task: taskName,
      trigger,
      ...(first ? { held: this.heldRefs(first.task) } : {}),
      locks: this.lockInfos([name]),
    });
  }

  private reportSleepInAtomic(task: TaskState, event: TraceEvent, cls: LockClass | undefined): void {
    const reasons: string[] = [];
    const spinning = task.held.filter((h) => h.cls.atomic);
    if (spinning.length > 0) reasons.push(`holding ${spinning.map((h) => h.cls.name).join(', ')}`);
    if (task.hardirqDepth > 0) reasons.push('in hardirq context');
    else if (!task.hardirqsEnabled) reasons.push('irqs disabled');
    if (task.softirqDepth > 0) reasons.push('in softirq context');
    else if (!task.softirqsEnabled) reasons.push('softirqs disabled');
    const trigger = this.refOf(event, task.id);
    const what = cls ? `sleeping lock ${cls.name} (${cls.type}) acquired` : 'might-sleep';
    const classes = [...(cls ? [cls.name] : []), ...spinning.map((h) => h.cls.name)];
    this.report({
      kind: 'sleep-in-atomic',
      rule: null,
      message: `sleeping in atomic context: ${what} while ${reasons.join(' and ')}`,
      classes: uniqueNames(classes),
      events: [trigger, ...spinning.map((h) => this.heldRef(h, task))],
      task: task.name,
      trigger,
      held: this.heldRefs(task),
      locks: this.lockInfos(uniqueNames(classes)),
      extra: [cls ? 'lock' : `might-sleep@${siteWithoutPosition(event.site)}`, reasons.join(',').replace(/holding [^,]*/, 'holding')],
    });
  }

  private reportNestNotHeld(task: TaskState, event: Extract<TraceEvent, { op: 'acquire' }>, cls: LockClass): void {
    const nestInst = event.nest === undefined ? undefined : this.instances.get(event.nest);
    const nestName = nestInst?.classes[0]?.name ?? nestInst?.base ?? String(event.nest);
    const trigger = this.refOf(event, event.task);
    this.report({
      kind: 'nest-lock-not-held',
      rule: null,
      message: `Nested lock was not taken: ${cls.name} acquired with nest lock ${nestName}, which ${task.name} does not hold`,
      classes: [cls.name, nestName],
      events: [trigger],
      task: task.name,
      trigger,
      held: this.heldRefs(task),
    });
  }

  private reportDepthExceeded(task: TaskState, event: TraceEvent, cls: LockClass): void {
    const trigger = this.refOf(event, task.id);
    this.report({
      kind: 'lock-depth-exceeded',
      rule: null,
      message: `held-lock depth limit exceeded: ${task.name} holds ${task.held.length} locks (limit ${this.maxDepth}) and acquires ${cls.name}; deeper acquisitions are tracked but not validated (raise it with --max-depth)`,
      classes: [cls.name],
      events: [trigger],
      task: task.name,
      trigger,
      held: this.heldRefs(task),
    });
  }

  // ─── event references and views (slow path only) ─────────────────────────────────────────

  private refOf(event: TraceEvent, task: TaskId): EventRef {
    return buildRef(event, task, this.currentFile, this.currentLine, undefined);
  }

  private heldRef(h: HeldLock, task: TaskState): EventRef {
    return buildRef(h.event ?? plainAcquireEvent(task, h.inst, h.mode, h.trylock, h.site), task.id, h.file, h.line, h);
  }

  private heldRefs(task: TaskState): HeldLockRef[] {
    return task.held.map((h) => ({
      class: h.cls.name,
      lock: String(h.inst.id),
      mode: modeName(h.mode),
      try: h.trylock,
      usage: usageChars(h.cls.usage),
      at: this.heldRef(h, task),
    }));
  }

  private lockView(h: HeldLock, task: TaskState): LockView {
    return {
      class: h.cls.name,
      lock: String(h.inst.id),
      type: h.cls.type,
      mode: modeName(h.mode),
      try: h.trylock,
      at: this.heldRef(h, task),
    };
  }

  private lockInfos(names: readonly string[]): LockInfo[] {
    const infos: LockInfo[] = [];
    for (const name of names) {
      const cls = this.classes.get(name);
      if (cls) infos.push({ class: cls.name, type: cls.type, usage: usageChars(cls.usage) });
    }
    return infos;
  }

  private findPath(from: string, to: string, fromRecursiveReader: boolean): DependencyWitness[] | null {
    const a = this.classes.get(from);
    const b = this.classes.get(to);
    if (a === undefined || b === undefined) return null;
    const hit = this.deps.search(a.id, fromRecursiveReader, true, (c) => c === b.id);
    return hit === null ? null : this.deps.witnesses(hit.path);
  }
}

/** The chain a new held lock extends: the top entry's, or the empty chain of its irq context. */
function chainBase(held: readonly HeldLock[], irqContext: number): number {
  // Not `held[held.length - 1]` on an empty stack: a negative index is a named-property lookup
  // in V8, off the fast path (it cost 15 ns per event).
  const depth = held.length;
  if (depth === 0) return irqContext;
  const top = held[depth - 1]!;
  return top.irqContext === irqContext ? top.chain : irqContext;
}

function hlockKeyOf(classId: number, mode: number, trylock: boolean, sync: boolean): number {
  return classId * HLOCK_BITS + mode * 4 + (trylock ? 2 : 0) + (sync ? 1 : 0);
}

/** The usage bits an acquisition sets (`mark_usage`): checked inline on the hot path, set only when missing. */
function usageNeeded(task: TaskState, mode: number, trylock: boolean, sync: boolean): number {
  const read = mode !== MODE_WRITE ? 1 : 0;
  let needed = 1 << (read ? LOCK_USED_READ : LOCK_USED);
  if (!trylock) {
    if (task.hardirqDepth > 0) needed |= 1 << (USED_IN_HARDIRQ + read);
    if (task.softirqDepth > 0) needed |= 1 << (USED_IN_SOFTIRQ + read);
  }
  if (task.hardirqsEnabled && !sync) {
    needed |= 1 << (ENABLED_HARDIRQ + read);
    if (task.softirqsEnabled) needed |= 1 << (ENABLED_SOFTIRQ + read);
  }
  return needed;
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

function uniqueNames(names: readonly string[]): string[] {
  return [...new Set(names)];
}

function eventsOfChain(chain: readonly DependencyWitness[]): EventRef[] {
  const events: EventRef[] = [];
  for (const w of chain) events.push(w.next, w.prev);
  return events;
}

/** The event a plain acquire line parses to (the byte-level readers' lines carry no other field). */
function plainAcquireEvent(task: TaskState, inst: LockInstance, mode: number, trylock: boolean, site: LockOpSite): AcquireEvent {
  const event: AcquireEvent = { op: 'acquire', task: task.id, lock: inst.id };
  if (mode !== MODE_WRITE) event.mode = modeName(mode);
  if (trylock) event.try = true;
  return withSite(event, site);
}

function withSite<E extends TraceEvent>(event: E, site: LockOpSite): E {
  if (site !== undefined) event.site = typeof site === 'number' ? String(site) : site;
  return event;
}

function buildRef(event: TraceEvent, task: TaskId, file: string, line: number, held: HeldLock | undefined): EventRef {
  const ref: EventRef = { task: String(task) };
  if (file) ref.file = file;
  if (line > 0) ref.line = line;
  ref.op = event.op;
  if ('lock' in event) ref.lock = String(event.lock);
  if (held) {
    ref.class = held.cls.name;
    ref.mode = modeName(held.mode);
    if (held.trylock) ref.try = true;
  } else if (event.op === 'acquire' && event.mode !== undefined) {
    ref.mode = event.mode;
  }
  if (event.op === 'access') {
    ref.var = event.var;
    ref.write = event.write;
  }
  if (event.site !== undefined) ref.site = event.site;
  if (event.stack !== undefined) ref.stack = event.stack;
  return ref;
}
