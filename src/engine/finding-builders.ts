/**
 * Finding builders: one pure function per engine finding kind, returning the draft that the
 * finding collector fingerprints and keeps. They read the state they are given and change
 * nothing; messages, witness order and fingerprint words (`extra`) are fixed here.
 * Preconditions: the caller has decided that the finding holds; `trigger` and other references
 * were made at the event being processed (event-refs.ts); `classes` is the live class registry.
 */
import type { AssertEvent, LockId } from '../events/event.js';
import type { DependencyWitness, EventRef, IrqDetail, LockInfo } from './finding.js';
import type { FindingDraft } from './finding-collector.js';
import { siteWithoutPosition } from './fingerprint.js';
import { heldRef, heldRefs, usageRefAt } from './event-refs.js';
import type { HeldLock, LockInstance, TaskState } from './held-lock.js';
import type { ClassRegistry, LockClass } from './lock-class.js';
import { MODE_WRITE, modeName } from './lock-mode.js';
import { USAGE_READ_MASK, stateOf, usageChars, usageName } from './usage.js';

/** Type and usage of the named classes that exist. */
export function lockInfos(classes: ClassRegistry, names: readonly string[]): LockInfo[] {
  const infos: LockInfo[] = [];
  for (const name of names) {
    const cls = classes.get(name);
    if (cls) infos.push({ class: cls.name, type: cls.type, usage: usageChars(cls.usage) });
  }
  return infos;
}

export function uniqueNames(names: readonly string[]): string[] {
  return [...new Set(names)];
}

/** Witness events of a chain: each edge's `next`, then its `prev`. */
export function eventsOfChain(chain: readonly DependencyWitness[]): EventRef[] {
  const events: EventRef[] = [];
  for (const w of chain) events.push(w.next, w.prev);
  return events;
}

/** A lock-order cycle: `path` (witnesses next ->* prev) closed by the new edge `closing` (prev -> next). */
export function cycleFinding(
  classes: ClassRegistry,
  path: readonly DependencyWitness[],
  closing: DependencyWitness,
  liveTask: TaskState | undefined,
): FindingDraft {
  const chain = [...path, closing];
  const names = chain.map((w) => w.from);
  return {
    kind: 'circular-dependency',
    rule: null,
    message: `possible circular locking dependency: ${[...names, names[0]].join(' -> ')}`,
    classes: names,
    events: eventsOfChain([closing, ...chain.slice(0, -1)]),
    task: closing.task,
    trigger: closing.next,
    chain,
    ...(liveTask ? { held: heldRefs(liveTask) } : {}),
    locks: lockInfos(classes, names),
  };
}

/** `next` taken while `prev` of its class is held, or (`cycle` given) closing a strong cycle back to its class. */
export function recursiveLockingFinding(
  classes: ClassRegistry,
  task: TaskState,
  prev: HeldLock,
  next: HeldLock,
  cycle: DependencyWitness[] | null,
): FindingDraft {
  const trigger = heldRef(next, task);
  return {
    kind: 'recursive-locking',
    rule: null,
    message: cycle
      ? `possible recursive locking of ${next.cls.name} (${modeName(next.mode)} after ${modeName(prev.mode)}) closing a cycle through ${cycle.map((w) => w.to).join(' -> ')}`
      : `possible recursive locking: ${next.cls.name} acquired for ${modeName(next.mode)} while already held for ${modeName(prev.mode)}`,
    classes: [next.cls.name],
    events: [trigger, heldRef(prev, task)],
    task: task.name,
    trigger,
    ...(cycle ? { chain: cycle } : {}),
    held: heldRefs(task),
    locks: lockInfos(classes, [next.cls.name]),
    extra: [modeName(prev.mode), modeName(next.mode)],
  };
}

/** The name a finding gives a lock instance: its subclass-0 class, else its base name, else its id. */
function instanceName(inst: LockInstance | undefined, id: LockId | undefined): string {
  return inst?.class0?.name ?? inst?.base ?? String(id);
}

export function badUnlockFinding(task: TaskState, lock: LockId, inst: LockInstance | undefined, trigger: EventRef): FindingDraft {
  const name = instanceName(inst, lock);
  return {
    kind: 'bad-unlock-balance',
    rule: null,
    message: `bad unlock balance: ${task.name} releases ${name}, which it does not hold`,
    classes: [name],
    events: [trigger],
    task: task.name,
    trigger,
    held: heldRefs(task),
  };
}

/** `inst` freed or re-initialised (`how`) while `holders` hold it; `taskName` is the event's task. */
export function heldLockFreedFinding(
  classes: ClassRegistry,
  inst: LockInstance,
  holders: readonly { task: TaskState; entry: HeldLock }[],
  how: string,
  taskName: string,
  trigger: EventRef,
): FindingDraft {
  const first = holders[0];
  const name = first?.entry.cls.name ?? inst.base;
  return {
    kind: 'held-lock-freed',
    rule: null,
    message: `held lock freed: ${name} (${String(inst.id)}) was ${how} while held by ${holders.map((h) => h.task.name).join(', ')}`,
    classes: [name],
    events: [trigger, ...holders.map((h) => heldRef(h.entry, h.task))],
    task: taskName,
    trigger,
    ...(first ? { held: heldRefs(first.task) } : {}),
    locks: lockInfos(classes, [name]),
  };
}

/** A sleeping lock `cls` (or a might-sleep, `cls` undefined, at `site`) while `task` is atomic. */
export function sleepInAtomicFinding(
  classes: ClassRegistry,
  task: TaskState,
  cls: LockClass | undefined,
  site: string | undefined,
  trigger: EventRef,
): FindingDraft {
  const reasons: string[] = [];
  const spinning = task.held.filter((h) => h.cls.atomic);
  if (spinning.length > 0) reasons.push(`holding ${spinning.map((h) => h.cls.name).join(', ')}`);
  if (task.hardirqDepth > 0) reasons.push('in hardirq context');
  else if (!task.hardirqsEnabled) reasons.push('irqs disabled');
  if (task.softirqDepth > 0) reasons.push('in softirq context');
  else if (!task.softirqsEnabled) reasons.push('softirqs disabled');
  const what = cls ? `sleeping lock ${cls.name} (${cls.type}) acquired` : 'might-sleep';
  const names = [...(cls ? [cls.name] : []), ...spinning.map((h) => h.cls.name)];
  return {
    kind: 'sleep-in-atomic',
    rule: null,
    message: `sleeping in atomic context: ${what} while ${reasons.join(' and ')}`,
    classes: uniqueNames(names),
    events: [trigger, ...spinning.map((h) => heldRef(h, task))],
    task: task.name,
    trigger,
    held: heldRefs(task),
    locks: lockInfos(classes, uniqueNames(names)),
    extra: [cls ? 'lock' : `might-sleep@${siteWithoutPosition(site)}`, reasons.join(',').replace(/holding [^,]*/, 'holding')],
  };
}

export function nestLockNotHeldFinding(task: TaskState, cls: LockClass, nest: LockId | undefined, nestInst: LockInstance | undefined, trigger: EventRef): FindingDraft {
  const nestName = instanceName(nestInst, nest);
  return {
    kind: 'nest-lock-not-held',
    rule: null,
    message: `Nested lock was not taken: ${cls.name} acquired with nest lock ${nestName}, which ${task.name} does not hold`,
    classes: [cls.name, nestName],
    events: [trigger],
    task: task.name,
    trigger,
    held: heldRefs(task),
  };
}

export function depthExceededFinding(task: TaskState, cls: LockClass, maxDepth: number, trigger: EventRef): FindingDraft {
  return {
    kind: 'lock-depth-exceeded',
    rule: null,
    message: `held-lock depth limit exceeded: ${task.name} holds ${task.held.length} locks (limit ${maxDepth}) and acquires ${cls.name}; deeper acquisitions are tracked but not validated (raise it with --max-depth)`,
    classes: [cls.name],
    events: [trigger],
    task: task.name,
    trigger,
    held: heldRefs(task),
  };
}

/** A failed `lockdep_assert_held*`: `found` is the task's entry for the lock, if it holds it. */
export function assertionFailedFinding(task: TaskState, event: AssertEvent, inst: LockInstance | undefined, found: HeldLock | undefined, trigger: EventRef): FindingDraft {
  const name = instanceName(inst, event.lock);
  const api =
    event.held === 'any' ? 'lockdep_assert_held'
    : event.held === 'none' ? 'lockdep_assert_not_held'
    : `lockdep_assert_held_${event.held}`;
  const state = found === undefined ? 'not held' : `held for ${modeName(found.mode)}`;
  return {
    kind: 'assertion-failed',
    rule: null,
    message: `${api}(${name}) failed: the lock is ${state}`,
    classes: [name],
    events: found ? [trigger, heldRef(found, task)] : [trigger],
    task: task.name,
    trigger,
    held: heldRefs(task),
    extra: [event.held, siteWithoutPosition(event.site)],
  };
}

/** Whether `found` (the task's entry for the lock, if any) satisfies the assertion. */
export function assertionHolds(held: AssertEvent['held'], found: HeldLock | undefined): boolean {
  return held === 'any' ? found !== undefined
    : held === 'none' ? found === undefined
    : held === 'write' ? found !== undefined && found.mode === MODE_WRITE
    : found !== undefined && found.mode !== MODE_WRITE;
}

/** `task` exits holding locks (precondition: its held stack is not empty). */
export function heldAtExitFinding(classes: ClassRegistry, task: TaskState, trigger: EventRef): FindingDraft {
  const held = heldRefs(task);
  const names = [...new Set(task.held.map((h) => h.cls.name))];
  return {
    kind: 'held-lock-at-exit',
    rule: null,
    message: `${task.name} exited with ${task.held.length} lock${task.held.length === 1 ? '' : 's'} held: ${names.join(', ')}`,
    classes: names,
    events: [trigger, ...task.held.map((h) => heldRef(h, task))],
    task: task.name,
    trigger,
    held,
    locks: lockInfos(classes, names),
    extra: [...names].sort(),
  };
}

/** `valid_state`: `cls` got usage `newBit` at `at` but already has the conflicting `badBit`. */
export function inconsistentStateFinding(
  classes: ClassRegistry,
  cls: LockClass,
  newBit: number,
  badBit: number,
  at: EventRef,
  taskName: string,
  task: TaskState | undefined,
): FindingDraft {
  const state = stateOf(newBit);
  const from = usageName(badBit);
  const to = usageName(newBit);
  const earlier = usageRefAt(cls, badBit);
  return {
    kind: 'inconsistent-lock-state',
    rule: null,
    message: `inconsistent {${from}} -> {${to}} usage of ${cls.name}`,
    classes: [cls.name],
    events: earlier ? [at, earlier] : [at],
    task: taskName,
    trigger: at,
    ...(task ? { held: heldRefs(task) } : {}),
    locks: lockInfos(classes, [cls.name]),
    irq: {
      state,
      from,
      to,
      ...(earlier ? { safeAt: earlier } : {}),
      ...(task ? { taskState: task.stateTag() } : {}),
    },
    extra: [state],
  };
}

/** The safe and unsafe ends of an irq finding, with the usage bit of each. */
export interface IrqPair {
  safe: LockClass;
  safeBit: number;
  unsafe: LockClass;
  unsafeBit: number;
}

function irqDetail(pair: IrqPair): IrqDetail {
  const { safe, unsafe, safeBit, unsafeBit } = pair;
  return {
    state: stateOf(safeBit),
    safe: safe.name,
    unsafe: unsafe.name,
    safeUsage: usageName(safeBit),
    unsafeUsage: usageName(unsafeBit),
    ...(usageRefAt(safe, safeBit) ? { safeAt: usageRefAt(safe, safeBit)! } : {}),
    ...(usageRefAt(unsafe, unsafeBit) ? { unsafeAt: usageRefAt(unsafe, unsafeBit)! } : {}),
  };
}

/**
 * `mark_lock_irq` found a conflict: `cls` became usage `bit` at `at`, and `other` (reached along
 * `chain`) has the opposite usage; `enabled` tells which end is the unsafe one.
 */
export function irqInversionFinding(
  classes: ClassRegistry,
  cls: LockClass,
  bit: number,
  other: LockClass,
  pair: IrqPair,
  enabled: boolean,
  chain: DependencyWitness[],
  at: EventRef,
  taskName: string,
  task: TaskState | undefined,
): FindingDraft {
  const state = stateOf(bit);
  const names = uniqueNames([pair.safe.name, pair.unsafe.name]);
  return {
    kind: 'irq-lock-inversion',
    rule: null,
    message: `possible irq lock inversion: ${cls.name} became ${usageName(bit)} but ${enabled ? `was taken by ${state.toLowerCase()}-safe ${other.name}` : `took ${state.toLowerCase()}-unsafe ${other.name}`} in the past`,
    classes: names,
    events: [at, ...eventsOfChain(chain)],
    task: taskName,
    trigger: at,
    chain,
    ...(task ? { held: heldRefs(task) } : {}),
    locks: lockInfos(classes, names),
    irq: {
      ...irqDetail(pair),
      forwards: !enabled,
      ...(task ? { taskState: task.stateTag() } : {}),
    },
    extra: [state, pair.safe.name, pair.unsafe.name],
  };
}

/** `check_irq_usage` found `pair.safe` ->* prev -> next ->* `pair.unsafe` along `chain`, whose new edge is `newEdge`. */
export function irqSafeToUnsafeFinding(
  classes: ClassRegistry,
  prevCls: LockClass,
  nextCls: LockClass,
  pair: IrqPair,
  chain: DependencyWitness[],
  newEdge: DependencyWitness,
  liveTask: TaskState | undefined,
): FindingDraft {
  const { safe, unsafe, safeBit } = pair;
  const names = uniqueNames([safe.name, prevCls.name, nextCls.name, unsafe.name]);
  const state = stateOf(safeBit);
  const readTag = safeBit & USAGE_READ_MASK ? '-READ' : '';
  return {
    kind: 'irq-safe-to-unsafe',
    rule: null,
    message: `${state}${readTag}-safe -> ${state}${readTag}-unsafe lock order: ${safe.name} (${state.toLowerCase()}-safe) -> ${unsafe.name} (${state.toLowerCase()}-unsafe) via new dependency ${prevCls.name} -> ${nextCls.name}`,
    classes: names,
    events: eventsOfChain(chain),
    task: newEdge.task,
    trigger: newEdge.next,
    chain,
    ...(liveTask ? { held: heldRefs(liveTask) } : {}),
    locks: lockInfos(classes, names),
    irq: { ...irqDetail(pair), ...(liveTask ? { taskState: liveTask.stateTag() } : {}) },
    extra: [state + readTag, safe.name, unsafe.name],
  };
}
