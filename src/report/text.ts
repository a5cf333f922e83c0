/**
 * The kernel-style text report (`lockdep check`'s default format): one report per finding,
 * modelled on the printk output of kernel/locking/lockdep.c, then
 * one summary line.
 * Invariants: a pure function of the result and the options (no I/O, no clock, no environment);
 * header lines are the kernel's verbatim text; every user-supplied string (names, sites, files,
 * messages) passes through `escapeTerminal`, so control characters, ANSI sequences and line
 * breaks in names are shown as visible escapes; colour codes appear only when `color` is true; a Finding
 * field that is missing degrades to a shorter report, never to an exception.
 */
import type {
  DependencyWitness,
  EventRef,
  Finding,
  FindingKind,
  HeldLockRef,
} from '../engine/finding.js';
import { severityCounts } from '../engine/finding.js';
import type { CheckResult, Summary } from '../engine/result.js';
import { createPalette, type Palette } from './colour.js';
import { escapeTerminal } from './escape.js';
import { renderDeadlock } from './text-deadlock.js';
import { renderSplat } from './text-splat.js';
import { extraFrames, positionSuffix, siteOf } from './text-positions.js';

export interface TextReportOptions {
  /** Emit ANSI colour codes (the CLI decides with `colourEnabled`, src/report/colour.ts). */
  color?: boolean;
}

const CPU1_COLUMN = ' '.repeat(31);

type Style = 'bold' | 'red' | 'yellow' | 'cyan' | 'dim';

/** Everything a single finding's renderer needs. */
export class ReportWriter {
  readonly lines: string[] = [];
  private readonly usageByClass = new Map<string, string>();
  private readonly palette: Palette;

  constructor(
    readonly finding: Finding,
    color: boolean,
  ) {
    this.palette = createPalette(color);
    for (const lock of finding.locks ?? []) this.usageByClass.set(lock.class, lock.usage);
    for (const held of finding.held ?? []) {
      if (!this.usageByClass.has(held.class)) this.usageByClass.set(held.class, held.usage);
    }
  }

  /** `text` wrapped in each style in turn (the last one outermost); unchanged without colour. */
  style(text: string, ...styles: Style[]): string {
    return styles.reduce((out, style) => this.palette[style](out), text);
  }

  line(text = ''): void {
    this.lines.push(text);
  }

  /** The `====` banner, the header line and the `----` rule, as the kernel prints them. */
  banner(header: string): void {
    const width = header.length;
    const severityStyle: Style =
      this.finding.severity === 'error' ? 'red' : this.finding.severity === 'warning' ? 'yellow' : 'cyan';
    this.line();
    this.line('='.repeat(width));
    this.line(this.style(header, 'bold', severityStyle));
    this.line('-'.repeat(width));
  }

  usage(className: string): string | undefined {
    return this.usageByClass.get(className);
  }

  /** `(class){usage}`, the kernel's print_lock_name; without braces when the usage is unknown. */
  lockName(className: string, usage = this.usage(className)): string {
    return usage === undefined ? `(${className})` : `(${className}){${usage}}`;
  }

  /** The kernel's print_lock: `<instance> (class){usage}, at: <site>`. */
  lockLine(ref: EventRef, fallbackClass?: string): string {
    const className = ref.class ?? fallbackClass ?? classOf(ref);
    const instance = ref.lock !== undefined && ref.lock !== className ? `${ref.lock} ` : '';
    return `${instance}${this.lockName(className)}, at: ${siteOf(ref)}`;
  }

  heldLockLine(held: HeldLockRef): string {
    const instance = held.lock !== held.class ? `${held.lock} ` : '';
    return `${instance}${this.lockName(held.class, held.usage)}, at: ${siteOf(held.at)}`;
  }

  /** The kernel's `<task> is trying to acquire lock:` / `but task is already holding lock:` pair. */
  acquiringWhileHolding(task: string, next: EventRef | undefined, prev: EventRef | undefined): void {
    this.line(`${task} is trying to acquire lock:`);
    if (next) this.line(this.lockLine(next));
    this.line();
    this.line('but task is already holding lock:');
    if (prev) this.line(this.lockLine(prev));
    this.line();
  }

  /** The kernel's lockdep_print_held_locks. */
  heldLocks(task: string, held: readonly HeldLockRef[] | undefined): void {
    if (held === undefined) return;
    if (held.length === 0) {
      this.line(`no locks held by ${task}.`);
      return;
    }
    this.line(`${held.length} lock${held.length > 1 ? 's' : ''} held by ${task}:`);
    held.forEach((lock, index) => this.line(` #${index}: ${this.heldLockLine(lock)}`));
  }

  /** Where an event happened, with its stack frames below, indented as kernel stack traces. */
  eventTrace(ref: EventRef, indent = '       '): void {
    this.line(`${indent}${siteOf(ref)}${positionSuffix(ref)}`);
    for (const frame of extraFrames(ref)) this.line(`${indent}  ${frame}`);
  }

  /** The witness of one dependency edge: both acquisitions, the task and their trace positions. */
  edgeWitness(edge: DependencyWitness): void {
    const next = edge.next;
    this.line(`       ${edge.task} ${acquireVerb(next)} (${edge.to})${modeWords(next)} at ${siteOf(next)}${positionSuffix(next)}`);
    for (const frame of extraFrames(next)) this.line(`         ${frame}`);
    const prev = edge.prev;
    this.line(`       while holding (${edge.from})${modeWords(prev)}, ${heldVerb(prev)} at ${siteOf(prev)}${positionSuffix(prev)}`);
    for (const frame of extraFrames(prev)) this.line(`         ${frame}`);
  }

  scenarioHeader(twoCpus: boolean, title = ' Possible unsafe locking scenario:'): void {
    this.line(title);
    this.line();
    this.line(twoCpus ? '       CPU0                    CPU1' : '       CPU0');
    this.line(twoCpus ? '       ----                    ----' : '       ----');
  }

  deadlockBanner(): void {
    this.line();
    this.line(` ${this.style('*** DEADLOCK ***', 'bold')}`);
    this.line();
  }

  /** Closing line mapping the report to its machine-readable identity. */
  footer(): void {
    const f = this.finding;
    const notes: string[] = [`fingerprint ${f.fingerprint}`];
    if (f.occurrences !== undefined && f.occurrences > 1) notes.push(`seen ${f.occurrences} times`);
    if (f.baselined === true) notes.push('baselined');
    const rule = f.rule === null ? '' : ` ${f.rule}`;
    this.line();
    this.line(this.style(`[${f.severity}] ${f.kind}${rule}: ${f.message} (${notes.join(', ')})`, 'dim'));
  }
}

function classOf(ref: EventRef): string {
  return ref.class ?? ref.lock ?? '?';
}

function modeWords(ref: EventRef): string {
  const words: string[] = [];
  if (ref.mode === 'read') words.push('for read');
  if (ref.mode === 'recursive-read') words.push('for recursive read');
  return words.length > 0 ? ` ${words.join(' ')}` : '';
}

function acquireVerb(ref: EventRef): string {
  if (ref.op === 'sync') return 'synced with';
  return ref.try === true ? 'trylocked' : 'took';
}

function heldVerb(ref: EventRef): string {
  return ref.try === true ? 'trylocked' : 'taken';
}

/** `lock(X);`, `rlock(X);` for a shared hold, `sync(X);` for a `sync` event. */
function scenarioLock(className: string, ref?: EventRef): string {
  if (ref?.op === 'sync') return `sync(${className});`;
  if (ref?.mode === 'read' || ref?.mode === 'recursive-read') return `rlock(${className});`;
  return `lock(${className});`;
}

function taskOf(finding: Finding): string {
  return finding.task ?? finding.trigger?.task ?? finding.events[0]?.task ?? '?';
}

function triggerOf(finding: Finding): EventRef | undefined {
  return finding.trigger ?? finding.events[finding.events.length - 1];
}

function taskWithState(finding: Finding): string {
  const state = finding.irq?.taskState;
  return state === undefined ? taskOf(finding) : `${taskOf(finding)} ${state}`;
}

/** The held lock an event refers to: same instance, else same class (top-most first). */
function findHeld(finding: Finding, ref: { lock?: string | undefined; class?: string | undefined }): HeldLockRef | undefined {
  const held = [...(finding.held ?? [])].reverse();
  if (ref.lock !== undefined) {
    const byLock = held.find((h) => h.lock === ref.lock);
    if (byLock) return byLock;
  }
  if (ref.class !== undefined) return held.find((h) => h.class === ref.class);
  return undefined;
}

function heldAsRef(held: HeldLockRef): EventRef {
  return { ...held.at, lock: held.lock, class: held.class, mode: held.mode, try: held.try };
}

// ---------------------------------------------------------------------------------------------
// One renderer per finding kind.

function renderCircular(w: ReportWriter): void {
  const f = w.finding;
  const chain = f.chain ?? [];
  const closing = chain[chain.length - 1];
  const next = triggerOf(f) ?? closing?.next;
  const prevHeld = closing ? findHeld(f, { lock: closing.prev.lock, class: closing.from }) : undefined;
  const prev = prevHeld ? heldAsRef(prevHeld) : closing?.prev;
  const classes = f.classes;
  const nextClass = classes[0] ?? (next ? classOf(next) : '?');
  const prevClass = classes[classes.length - 1] ?? (prev ? classOf(prev) : '?');

  w.banner('WARNING: possible circular locking dependency detected');
  w.acquiringWhileHolding(taskOf(f), next, prev);
  w.line('which lock already depends on the new lock.');
  w.line();
  w.line();
  w.line('the existing dependency chain (in reverse order) is:');
  for (let depth = classes.length - 1; depth >= 0; depth--) {
    const className = classes[depth] ?? '?';
    // #k (k >= 1) is reached by the existing edge classes[k-1] -> classes[k]; #0 by the new edge.
    const edge = depth === 0 ? closing : chain[depth - 1];
    w.line();
    w.line(`-> #${depth} ${w.lockName(className)}:`);
    if (edge) w.edgeWitness(edge);
    else w.line('       (no witness recorded)');
  }
  w.line();
  w.line('other info that might help us debug this:');
  w.line();
  const parentClass = classes.length >= 2 ? (classes[classes.length - 2] ?? nextClass) : nextClass;
  if (classes.length > 2) {
    w.line('Chain exists of:');
    w.line(`  ${nextClass} --> ${parentClass} --> ${prevClass}`);
    w.line();
  }
  w.scenarioHeader(true);
  w.line(`  ${scenarioLock(prevClass, prev)}`);
  w.line(`${CPU1_COLUMN}${scenarioLock(parentClass)}`);
  w.line(`${CPU1_COLUMN}${scenarioLock(prevClass)}`);
  w.line(`  ${scenarioLock(nextClass, next)}`);
  w.deadlockBanner();
  w.heldLocks(taskOf(f), f.held);
  stackBacktrace(w, next);
}

function stackBacktrace(w: ReportWriter, ref: EventRef | undefined): void {
  if (ref?.stack === undefined || ref.stack.length === 0) return;
  w.line();
  w.line('stack backtrace:');
  for (const frame of ref.stack) w.line(` ${frame}`);
}

function renderRecursive(w: ReportWriter): void {
  const f = w.finding;
  const next = triggerOf(f);
  const nextClass = next ? classOf(next) : (f.classes[0] ?? '?');
  const prevHeld = findHeld(f, { class: nextClass });
  const prev = prevHeld ? heldAsRef(prevHeld) : f.events.find((e) => e !== next);

  w.banner('WARNING: possible recursive locking detected');
  w.acquiringWhileHolding(taskOf(f), next, prev);
  w.line('other info that might help us debug this:');
  w.scenarioHeader(false);
  w.line(`  ${scenarioLock(prev ? classOf(prev) : nextClass, prev)}`);
  w.line(`  ${scenarioLock(nextClass, next)}`);
  w.deadlockBanner();
  w.line(' May be due to missing lock nesting notation');
  w.line();
  w.heldLocks(taskOf(f), f.held);
  dependencyList(w, 'the dependency chain this acquisition closes:', f.chain ?? []);
  stackBacktrace(w, next);
}

function renderBadUnlock(w: ReportWriter): void {
  const f = w.finding;
  const release = triggerOf(f);
  const className = release?.class ?? f.classes[0] ?? (release ? classOf(release) : '?');
  w.banner('WARNING: bad unlock balance detected!');
  w.line(`${taskOf(f)} is trying to release lock (${className}) at:`);
  if (release) w.eventTrace(release, '');
  w.line('but there are no more locks to release!');
  w.line();
  w.line('other info that might help us debug this:');
  w.heldLocks(taskOf(f), f.held);
}

function renderHeldLockFreed(w: ReportWriter): void {
  const f = w.finding;
  const trigger = triggerOf(f);
  const lock = trigger?.lock ?? trigger?.class ?? f.classes[0] ?? '?';
  const held = findHeld(f, { lock, class: f.classes[0] });
  w.banner('WARNING: held lock freed!');
  if (trigger?.op === 'init') {
    w.line(`lock ${lock} is being re-initialised at ${siteOf(trigger)}${positionSuffix(trigger)}, with a lock still held there!`);
  } else {
    const freer = trigger?.task ?? taskOf(f);
    const where = trigger ? ` at ${siteOf(trigger)}${positionSuffix(trigger)}` : '';
    w.line(`${freer} is freeing memory ${lock}${where}, with a lock still held there!`);
  }
  if (held) w.line(w.heldLockLine(held));
  const holder = f.events.find((ref, index) => index > 0 && ref.lock === trigger?.lock)?.task ?? taskOf(f);
  w.heldLocks(holder, f.held);
}

function renderHeldAtExit(w: ReportWriter): void {
  const f = w.finding;
  const exit = triggerOf(f);
  w.banner(`WARNING: ${taskOf(f)} still has locks held!`);
  w.heldLocks(taskOf(f), f.held ?? []);
  if (exit) {
    w.line();
    w.line(`${taskOf(f)} exits at:`);
    w.eventTrace(exit);
  }
}

/** Where the older usage (`irq.from`) was registered: the matching irq field, else the second event. */
function usageRegisteredAt(f: Finding): EventRef | undefined {
  const irq = f.irq;
  const fromSafeSide = irq?.from?.startsWith('IN-') === true;
  const matching = fromSafeSide ? irq?.safeAt : (irq?.unsafeAt ?? irq?.safeAt);
  return matching ?? f.events[1];
}

function renderInconsistent(w: ReportWriter): void {
  const f = w.finding;
  const trigger = triggerOf(f);
  const from = f.irq?.from ?? '?';
  const to = f.irq?.to ?? '?';
  const className = f.classes[0] ?? (trigger ? classOf(trigger) : '?');
  w.banner('WARNING: inconsistent lock state');
  w.line(`inconsistent {${from}} -> {${to}} usage.`);
  w.line(`${taskWithState(f)} takes:`);
  if (trigger) w.line(w.lockLine(trigger, className));
  w.line(`{${from}} state was registered at:`);
  const registered = usageRegisteredAt(f);
  if (registered) w.eventTrace(registered, '  ');
  else w.line('  <unknown>');
  w.line();
  w.line('other info that might help us debug this:');
  w.scenarioHeader(false);
  w.line(`  lock(${className});`);
  w.line('  <Interrupt>');
  w.line(`    lock(${className});`);
  w.deadlockBanner();
  w.heldLocks(taskOf(f), f.held);
}

/** The kernel's print_irq_lock_scenario. */
function irqLockScenario(w: ReportWriter, safe: string, unsafe: string, prevClass: string, nextClass: string): void {
  let middle = prevClass;
  if (middle === safe) middle = nextClass;
  if (middle !== unsafe) {
    w.line('Chain exists of:');
    w.line(`  ${safe} --> ${middle} --> ${unsafe}`);
    w.line();
  }
  w.scenarioHeader(true, ' Possible interrupt unsafe locking scenario:');
  w.line(`  lock(${unsafe});`);
  w.line(`${CPU1_COLUMN}local_irq_disable();`);
  w.line(`${CPU1_COLUMN}lock(${safe});`);
  w.line(`${CPU1_COLUMN}lock(${middle});`);
  w.line('  <Interrupt>');
  w.line(`    lock(${safe});`);
  w.deadlockBanner();
}

function dependencyList(w: ReportWriter, title: string, edges: readonly DependencyWitness[]): void {
  if (edges.length === 0) return;
  w.line();
  w.line(title);
  for (const edge of edges) {
    w.line();
    w.line(` -> ${w.lockName(edge.from)} --> ${w.lockName(edge.to)}:`);
    w.edgeWitness(edge);
  }
}

function renderSafeToUnsafe(w: ReportWriter): void {
  const f = w.finding;
  const irq = f.irq;
  const state = irq?.state ?? 'HARDIRQ';
  const next = triggerOf(f);
  const nextClass = next ? classOf(next) : '?';
  const chain = f.chain ?? [];
  const newEdge =
    chain.find((edge) => edge.to === nextClass && edge.next.line !== undefined && edge.next.line === next?.line) ??
    chain.find((edge) => edge.to === nextClass && findHeld(f, { class: edge.from }) !== undefined);
  const prevHeld =
    (newEdge ? findHeld(f, { lock: newEdge.prev.lock, class: newEdge.from }) : undefined) ??
    [...(f.held ?? [])].reverse().find((h) => h.class !== nextClass);
  const prev = prevHeld ? heldAsRef(prevHeld) : newEdge?.prev;
  const prevClass = prev ? classOf(prev) : '?';
  const safe = irq?.safe ?? f.classes[0] ?? prevClass;
  const unsafe = irq?.unsafe ?? f.classes[f.classes.length - 1] ?? nextClass;

  w.banner(`WARNING: ${state}-safe -> ${state}-unsafe lock order detected`);
  w.line(`${taskWithState(f)} is trying to acquire:`);
  if (next) w.line(w.lockLine(next));
  w.line();
  w.line('and this task is already holding:');
  if (prev) w.line(w.lockLine(prev));
  w.line('which would create a new lock dependency:');
  w.line(` ${w.lockName(prevClass)} -> ${w.lockName(nextClass)}`);
  w.line();
  w.line(`but this new dependency connects a ${state}-irq-safe lock:`);
  w.line(` ${w.lockName(safe)}`);
  w.line();
  w.line(`... which became ${state}-irq-safe at:`);
  if (irq?.safeAt) w.eventTrace(irq.safeAt, '  ');
  else w.line('  <unknown>');
  w.line();
  w.line(`to a ${state}-irq-unsafe lock:`);
  w.line(` ${w.lockName(unsafe)}`);
  w.line();
  w.line(`... which became ${state}-irq-unsafe at:`);
  if (irq?.unsafeAt) w.eventTrace(irq.unsafeAt, '  ');
  else w.line('  <unknown>');
  w.line();
  w.line('other info that might help us debug this:');
  w.line();
  irqLockScenario(w, safe, unsafe, prevClass, nextClass);
  w.heldLocks(taskOf(f), f.held);
  const split = newEdge ? chain.indexOf(newEdge) : -1;
  if (split >= 0) {
    dependencyList(w, `the dependencies between ${state}-irq-safe lock and the holding lock:`, chain.slice(0, split));
    dependencyList(w, `the dependencies between the lock to be acquired and ${state}-irq-unsafe lock:`, chain.slice(split + 1));
  } else {
    dependencyList(w, `the dependencies between the ${state}-irq-safe lock and the ${state}-irq-unsafe lock:`, chain);
  }
}

function renderInversion(w: ReportWriter): void {
  const f = w.finding;
  const irq = f.irq;
  const state = irq?.state ?? 'HARDIRQ';
  const forwards = irq?.forwards ?? true;
  const trigger = triggerOf(f);
  const safe = irq?.safe ?? f.classes[0] ?? '?';
  const unsafe = irq?.unsafe ?? f.classes[f.classes.length - 1] ?? '?';
  const other = forwards ? unsafe : safe;
  const changed = forwards ? safe : unsafe;
  const chain = f.chain ?? [];
  const last = chain[chain.length - 1];

  w.banner('WARNING: possible irq lock inversion dependency detected');
  w.line(`${taskWithState(f)} just changed the state of lock:`);
  w.line(trigger ? w.lockLine(trigger, changed) : w.lockName(changed));
  w.line(
    forwards
      ? `but this lock took another, ${state}-unsafe lock in the past:`
      : `but this lock was taken by another, ${state}-safe lock in the past:`,
  );
  w.line(` ${w.lockName(other)}`);
  w.line();
  w.line();
  w.line('and interrupts could create inverse lock ordering between them.');
  w.line();
  w.line();
  w.line('other info that might help us debug this:');
  irqLockScenario(w, safe, unsafe, last?.from ?? safe, unsafe);
  w.heldLocks(taskOf(f), f.held);
  dependencyList(w, 'the shortest dependencies between 2nd lock and 1st lock:', chain);
}

function renderNestNotHeld(w: ReportWriter): void {
  const f = w.finding;
  const trigger = triggerOf(f);
  const nestClass = f.classes[1];
  w.banner('WARNING: Nested lock was not taken');
  w.line(`${taskOf(f)} is trying to lock:`);
  if (trigger) w.line(w.lockLine(trigger, f.classes[0]));
  w.line();
  w.line('but this task is not holding:');
  w.line(nestClass ?? '(the lock named by "nest")');
  w.line();
  w.heldLocks(taskOf(f), f.held);
  stackBacktrace(w, trigger);
}

function renderSleepInAtomic(w: ReportWriter): void {
  const f = w.finding;
  const trigger = triggerOf(f);
  const where = trigger ? siteOf(trigger) : '<unknown>';
  w.banner(`BUG: sleeping function called from invalid context at ${where}`);
  w.line(`${taskWithState(f)} may sleep here:`);
  if (trigger) w.eventTrace(trigger);
  w.line();
  w.line(f.message);
  w.heldLocks(taskOf(f), f.held);
  stackBacktrace(w, trigger);
}

function renderAssertion(w: ReportWriter): void {
  const f = w.finding;
  const trigger = triggerOf(f);
  w.banner(`WARNING: ${taskOf(f)} at ${trigger ? siteOf(trigger) : '<unknown>'}: lock assertion failed`);
  w.line(f.message);
  if (trigger) {
    w.line(`${taskOf(f)} asserted at:`);
    w.eventTrace(trigger);
  }
  w.line();
  w.heldLocks(taskOf(f), f.held);
  stackBacktrace(w, trigger);
}

function renderDepthExceeded(w: ReportWriter): void {
  const f = w.finding;
  const trigger = triggerOf(f);
  w.banner('BUG: MAX_LOCK_DEPTH too low!');
  w.line(f.message);
  w.line(`${taskOf(f)} is trying to acquire lock:`);
  if (trigger) w.line(w.lockLine(trigger, f.classes[0]));
  w.line();
  w.heldLocks(taskOf(f), f.held);
}

function renderRuleViolation(w: ReportWriter): void {
  const f = w.finding;
  const detail = f.ruleDetail;
  const ruleId = detail?.id ?? f.rule ?? '?';
  const undocumented = detail?.relation === 'undocumented';
  w.banner(undocumented ? 'WARNING: lock order not documented by any rule' : `WARNING: locking rule ${ruleId} violated`);
  if (undocumented) {
    w.line(`no rule documents this lock order (reported by rule ${ruleId}${detail ? `, ${detail.kind}` : ''}):`);
  } else {
    w.line(`this contradicts rule ${ruleId}${detail ? ` (${detail.kind})` : ''}:`);
  }
  if (detail?.description) w.line(`  ${detail.description}`);
  w.line();
  w.line(f.message);
  const trigger = triggerOf(f);
  if (trigger) {
    w.line();
    w.line(`${taskOf(f)} at:`);
    if (trigger.var !== undefined) {
      w.line(`${trigger.write ? 'write' : 'read'} of ${w.lockName(trigger.var)} at ${siteOf(trigger)}${positionSuffix(trigger)}`);
    } else {
      w.line(trigger.lock !== undefined || trigger.class !== undefined ? w.lockLine(trigger, f.classes[0]) : `${siteOf(trigger)}${positionSuffix(trigger)}`);
    }
  }
  const chain = f.chain ?? [];
  if (chain.length > 0) {
    w.line();
    w.line('the dependency chain is:');
    chain.forEach((edge, index) => {
      w.line();
      w.line(`-> #${index} ${w.lockName(edge.from)} --> ${w.lockName(edge.to)}:`);
      w.edgeWitness(edge);
    });
  }
  w.line();
  w.heldLocks(taskOf(f), f.held);
}

const RENDERERS: ReadonlyMap<FindingKind, (w: ReportWriter) => void> = new Map<
  FindingKind,
  (w: ReportWriter) => void
>([
  ['circular-dependency', renderCircular],
  ['recursive-locking', renderRecursive],
  ['bad-unlock-balance', renderBadUnlock],
  ['held-lock-freed', renderHeldLockFreed],
  ['held-lock-at-exit', renderHeldAtExit],
  ['inconsistent-lock-state', renderInconsistent],
  ['irq-safe-to-unsafe', renderSafeToUnsafe],
  ['irq-lock-inversion', renderInversion],
  ['nest-lock-not-held', renderNestNotHeld],
  ['sleep-in-atomic', renderSleepInAtomic],
  ['assertion-failed', renderAssertion],
  ['lock-depth-exceeded', renderDepthExceeded],
  ['rule-violation', renderRuleViolation],
  ['deadlock', (w) => renderDeadlock(w, w.finding.deadlock)],
  ['suspicious-rcu-usage', renderSplat],
]);

/** A copy of `value` with every string passed through `escapeTerminal`. */
function neutralised<T>(value: T): T {
  if (typeof value === 'string') return escapeTerminal(value) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => neutralised(item)) as T;
  if (value === null || typeof value !== 'object') return value;
  const copy: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    Object.defineProperty(copy, key, { value: neutralised(field), enumerable: true, writable: true, configurable: true });
  }
  return copy as T;
}

/** The report of one finding, as lines joined by `\n` (no trailing newline). */
export function renderFindingText(rawFinding: Finding, options: TextReportOptions = {}): string {
  const finding = neutralised(rawFinding);
  const writer = new ReportWriter(finding, options.color === true);
  const render = finding.splat === undefined ? RENDERERS.get(finding.kind) : renderSplat;
  if (render) render(writer);
  else {
    writer.banner(`WARNING: ${finding.kind}`);
    writer.line(finding.message);
  }
  writer.footer();
  return writer.lines.join('\n');
}

function plural(count: number, word: string, pluralWord = `${word}s`): string {
  return `${count} ${count === 1 ? word : pluralWord}`;
}

function summaryCounts(summary: Summary): string {
  return `${plural(summary.events, 'event')}, ${plural(summary.tasks, 'task')}, ${plural(summary.classes, 'class', 'classes')}, ${plural(summary.dependencies, 'dependency', 'dependencies')}`;
}

/** The closing summary line: counts, then findings by severity with baselined ones counted apart. */
export function renderSummaryLine(result: CheckResult): string {
  const findings = result.violations;
  const counts = severityCounts(findings);
  const bySeverity = [plural(counts.error, 'error'), plural(counts.warning, 'warning'), `${counts.info} info`];
  if (counts.baselined > 0) bySeverity.push(`${counts.baselined} baselined`);
  const verdict = findings.length === 0 ? 'no findings' : `${plural(findings.length, 'finding')} (${bySeverity.join(', ')})`;
  const traces = result.traces;
  const scope = traces !== undefined && traces.length > 1 ? ` in ${traces.length} traces` : '';
  return `lockdep: ${summaryCounts(result.summary)}${scope}; ${verdict}`;
}

/** The whole text report: every finding's report, per-trace lines when several, the summary. */
export function renderText(result: CheckResult, options: TextReportOptions = {}): string {
  const parts: string[] = [];
  for (const finding of result.violations) parts.push(renderFindingText(finding, options));
  const tail: string[] = [];
  if (result.traces !== undefined && result.traces.length > 1) {
    for (const trace of result.traces) {
      tail.push(`  ${escapeTerminal(trace.file)}: ${summaryCounts(trace.summary)}; ${plural(trace.summary.violations, 'finding')}`);
    }
  }
  tail.push(renderSummaryLine(result));
  if (parts.length > 0) parts.push('');
  parts.push(tail.join('\n'));
  return `${parts.join('\n')}\n`;
}
