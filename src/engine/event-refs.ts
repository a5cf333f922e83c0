/**
 * Event references: the one place where the engine turns what it was given into the events and
 * `EventRef`s that findings, usage records and hooks show.
 *
 * The byte-level readers' entrance (`LockOpSink`, events/lock-op-sink.ts) delivers plain lines
 * without a TraceEvent; the engine then holds `null` for the event plus the line's call site.
 * Every `event ?? rebuild` of the engine is one of the `...EventOf` functions below: each returns
 * the given event, or else builds the event the plain line parses to (as `process()` would have
 * received it). Called only on slow paths (a report, a usage record, a hook's view).
 *
 * Also the views built from references: held locks as findings and hooks see them.
 * Preconditions: a rebuilt event is only asked for a line the reader delivered through the lane
 * entrance (so the fields here are all of it that a report shows, events/lock-op-sink.ts);
 * `file`/`line` are the position of the event being processed.
 */
import type {
  AccessEvent,
  AcquireEvent,
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
import type { LockOpSite } from '../events/lock-op-sink.js';
import type { EventRef, HeldLockRef } from './finding.js';
import type { FindingDraft } from './finding-collector.js';
import type { HeldLock, LockInstance, TaskState } from './held-lock.js';
import type { AccessContext, AcquireContext, LockView } from './hooks.js';
import type { LockClass } from './lock-class.js';
import { MODE_WRITE, modeName } from './lock-mode.js';
import { usageChars } from './usage.js';

/** The acquisition's event, or the event its plain acquire line parses to. */
export function acquireEventOf(
  event: AcquireEvent | SyncEvent | null,
  task: TaskState,
  inst: LockInstance,
  mode: number,
  trylock: boolean,
  site: LockOpSite,
): AcquireEvent | SyncEvent {
  return event ?? plainAcquireEvent(task.id, inst.id, mode, trylock, site);
}

/** The release's event, or the event its plain release line parses to. */
export function releaseEventOf(event: ReleaseEvent | null, task: TaskState, lock: LockId, site: LockOpSite): ReleaseEvent {
  return event ?? siteOnto({ op: 'release', task: task.id, lock }, site);
}

/** The irq event, or the event its plain irq line parses to. */
export function irqEventOf(event: IrqEvent | null, task: TaskState, kind: IrqKind, action: IrqAction, site: LockOpSite): IrqEvent {
  return event ?? siteOnto({ op: 'irq', task: task.id, kind, action }, site);
}

/** The access event, or the event its plain access line parses to. */
export function accessEventOf(event: AccessEvent | null, task: TaskState, variable: string, write: boolean, site: LockOpSite): AccessEvent {
  return event ?? siteOnto({ op: 'access', task: task.id, var: variable, write }, site);
}

/** The might-sleep event, or the event its plain might-sleep line parses to. */
export function mightSleepEventOf(event: MightSleepEvent | null, task: TaskState, site: LockOpSite): MightSleepEvent {
  return event ?? siteOnto({ op: 'might-sleep', task: task.id }, site);
}

/** The init event, or the event its plain init line parses to. */
export function initEventOf(event: InitEvent | null, lock: LockId, cls: string | undefined, type: LockType | undefined): InitEvent {
  if (event !== null) return event;
  const init: InitEvent = { op: 'init', lock };
  if (cls !== undefined) init.class = cls;
  if (type !== undefined) init.type = type;
  return init;
}

/** The reference to `event`, processed at `file:line` by `task`. */
export function eventRef(event: TraceEvent, task: TaskId, file: string, line: number): EventRef {
  return buildRef(event, task, file, line, undefined, MODE_WRITE, false);
}

/**
 * The reference to an acquisition (as `eventRef` of `acquireEventOf` gives it), built when first
 * asked for: a class's usage records keep one (lock-class.ts `usageAt`), and few are ever shown.
 * It keeps the task's and the lock's ids, not their records: a usage record lives as long as its
 * class, and must not keep a task that ended (or a freed lock) alive.
 */
export class AcquisitionAt {
  private built: EventRef | undefined = undefined;
  private readonly task: TaskId;
  private readonly lock: LockId;

  constructor(
    private readonly event: AcquireEvent | SyncEvent | null,
    task: TaskState,
    inst: LockInstance,
    private readonly mode: number,
    private readonly trylock: boolean,
    private readonly site: LockOpSite,
    private readonly file: string,
    private readonly line: number,
  ) {
    this.task = task.id;
    this.lock = inst.id;
  }

  /** The reference, the same object every time. */
  ref(): EventRef {
    this.built ??= eventRef(this.event ?? plainAcquireEvent(this.task, this.lock, this.mode, this.trylock, this.site), this.task, this.file, this.line);
    return this.built;
  }
}

/** Where a usage was set: a reference, or an acquisition whose reference is built when asked for. */
export type UsageAt = EventRef | AcquisitionAt;

/** The reference of a usage record. */
export function usageRef(at: UsageAt): EventRef {
  return at instanceof AcquisitionAt ? at.ref() : at;
}

/** The reference of `cls`'s usage `bit`, or null when the class has no record of it. */
export function usageRefAt(cls: LockClass, bit: number): EventRef | null {
  const at = cls.usageAt[bit];
  return at === undefined || at === null ? null : usageRef(at);
}

/** The reference to the acquisition of a held lock of `task`. */
export function heldRef(h: HeldLock, task: TaskState): EventRef {
  return acquisitionRef(task.id, h.inst.id, h.cls, h.mode, h.trylock, h.event, h.site, h.file, h.line);
}

/**
 * `heldRef` of a held lock given by its fields and its task's and lock's ids (edge-witnesses.ts
 * keeps them, not the reused record nor the task). A plain line's reference is built straight
 * from the fields: what `buildRef` of the rebuilt event gives, without the event.
 */
export function acquisitionRef(
  task: TaskId,
  lock: LockId,
  cls: LockClass,
  mode: number,
  trylock: boolean,
  event: TraceEvent | null,
  site: LockOpSite,
  file: string,
  line: number,
): EventRef {
  if (event !== null) return buildRef(event, task, file, line, cls, mode, trylock);
  const ref: EventRef = { task: String(task) };
  if (file) ref.file = file;
  if (line > 0) ref.line = line;
  ref.op = 'acquire';
  ref.lock = String(lock);
  ref.class = cls.name;
  ref.mode = modeName(mode);
  if (trylock) ref.try = true;
  return siteOnto(ref, site);
}

/** `task`'s held locks, bottom first, as a finding shows them. */
export function heldRefs(task: TaskState): HeldLockRef[] {
  return task.held.map((h) => ({
    class: h.cls.name,
    lock: String(h.inst.id),
    mode: modeName(h.mode),
    try: h.trylock,
    usage: usageChars(h.cls.usage),
    at: heldRef(h, task),
  }));
}

/** A held lock as hooks see it. */
export function lockView(h: HeldLock, task: TaskState): LockView {
  return {
    class: h.cls.name,
    lock: String(h.inst.id),
    type: h.cls.type,
    mode: modeName(h.mode),
    try: h.trylock,
    at: heldRef(h, task),
  };
}

/** What a new chain's or a watched acquisition's hooks see: the same-context locks below `next`, and `next`. */
export function acquireContext(task: TaskState, next: HeldLock, depth: number, sync: boolean): AcquireContext {
  const held: LockView[] = [];
  for (let i = 0; i < depth; i++) {
    const h = task.held[i]!;
    if (h.irqContext === next.irqContext) held.push(lockView(h, task));
  }
  return { task: task.name, held, next: lockView(next, task), sync };
}

/** What access hooks see: the access (at `at`) and every lock `task` holds. */
export function accessContext(task: TaskState, variable: string, write: boolean, at: EventRef): AccessContext {
  return { task: task.name, var: variable, write, held: task.held.map((h) => lockView(h, task)), at };
}

/** A hook's finding about `task` (the task of the current event, if any) shows that task's held locks. */
export function withHeldLocks<T extends FindingDraft>(draft: T, task: TaskState | undefined): T {
  if (draft.held !== undefined || task === undefined || draft.task !== task.name) return draft;
  return { ...draft, held: heldRefs(task) };
}

/** The event a plain acquire line parses to (the byte-level readers' lines carry no other field). */
function plainAcquireEvent(task: TaskId, lock: LockId, mode: number, trylock: boolean, site: LockOpSite): AcquireEvent {
  const event: AcquireEvent = { op: 'acquire', task, lock };
  if (mode !== MODE_WRITE) event.mode = modeName(mode);
  if (trylock) event.try = true;
  return siteOnto(event, site);
}

/**
 * Sets a plain line's call site (and stack) on the event rebuilt from it, or on its reference (a
 * number stands for its decimal text).
 */
function siteOnto<E extends TraceEvent | EventRef>(event: E, site: LockOpSite): E {
  if (site === undefined) return event;
  if (typeof site === 'string') event.site = site;
  else if (typeof site === 'number') event.site = String(site);
  else {
    if (site.site !== undefined) event.site = site.site;
    event.stack = [...site.stack]; // the LocatedSite is shared by every line with that site and stack
  }
  return event;
}

/** `heldClass` (with `heldMode` and `heldTry`) when the reference is to a held lock's acquisition. */
function buildRef(event: TraceEvent, task: TaskId, file: string, line: number, heldClass: LockClass | undefined, heldMode: number, heldTry: boolean): EventRef {
  const ref: EventRef = { task: String(task) };
  if (file) ref.file = file;
  if (line > 0) ref.line = line;
  ref.op = event.op;
  if ('lock' in event) ref.lock = String(event.lock);
  if (heldClass !== undefined) {
    ref.class = heldClass.name;
    ref.mode = modeName(heldMode);
    if (heldTry) ref.try = true;
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
