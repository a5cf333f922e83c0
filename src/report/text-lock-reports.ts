/**
 * The text reports of the lock-order and lock-usage findings, one renderer per kind, as the
 * kernel prints them below the banner (the banner's header comes from the finding-kind table,
 * finding-kind-reports.ts): circular and recursive locking, unlock balance, freed and exiting
 * holders, nest locks, sleeping in atomic context, assertions, the depth limit, rule
 * violations, and a simulation task's error.
 * Invariant: pure functions of the (already escaped) finding, through its ReportWriter.
 */
import {
  CPU1_COLUMN,
  classOf,
  dependencyList,
  heldAsRef,
  heldLockFor,
  scenarioLock,
  stackBacktrace,
  taskOf,
  taskWithState,
  triggerOf,
  type ReportWriter,
} from './report-writer.js';
import { positionSuffix, siteOf } from './text-positions.js';

export function renderCircular(w: ReportWriter): void {
  const f = w.finding;
  const chain = f.chain ?? [];
  const closing = chain[chain.length - 1];
  const next = triggerOf(f) ?? closing?.next;
  const prevHeld = closing ? heldLockFor(f, { lock: closing.prev.lock, class: closing.from }) : undefined;
  const prev = prevHeld ? heldAsRef(prevHeld) : closing?.prev;
  const classes = f.classes;
  const nextClass = classes[0] ?? (next ? classOf(next) : '?');
  const prevClass = classes[classes.length - 1] ?? (prev ? classOf(prev) : '?');

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

export function renderRecursive(w: ReportWriter): void {
  const f = w.finding;
  const next = triggerOf(f);
  const nextClass = next ? classOf(next) : (f.classes[0] ?? '?');
  const prevHeld = heldLockFor(f, { class: nextClass });
  const prev = prevHeld ? heldAsRef(prevHeld) : f.events.find((e) => e !== next);

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

export function renderBadUnlock(w: ReportWriter): void {
  const f = w.finding;
  const release = triggerOf(f);
  const className = release?.class ?? f.classes[0] ?? (release ? classOf(release) : '?');
  w.line(`${taskOf(f)} is trying to release lock (${className}) at:`);
  if (release) w.eventTrace(release, '');
  w.line('but there are no more locks to release!');
  w.line();
  w.line('other info that might help us debug this:');
  w.heldLocks(taskOf(f), f.held);
}

export function renderHeldLockFreed(w: ReportWriter): void {
  const f = w.finding;
  const trigger = triggerOf(f);
  const lock = trigger?.lock ?? trigger?.class ?? f.classes[0] ?? '?';
  const held = heldLockFor(f, { lock, class: f.classes[0] });
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

export function renderHeldAtExit(w: ReportWriter): void {
  const f = w.finding;
  const exit = triggerOf(f);
  w.heldLocks(taskOf(f), f.held ?? []);
  if (exit) {
    w.line();
    w.line(`${taskOf(f)} exits at:`);
    w.eventTrace(exit);
  }
}

export function renderNestNotHeld(w: ReportWriter): void {
  const f = w.finding;
  const trigger = triggerOf(f);
  const nestClass = f.classes[1];
  w.line(`${taskOf(f)} is trying to lock:`);
  if (trigger) w.line(w.lockLine(trigger, f.classes[0]));
  w.line();
  w.line('but this task is not holding:');
  w.line(nestClass ?? '(the lock named by "nest")');
  w.line();
  w.heldLocks(taskOf(f), f.held);
  stackBacktrace(w, trigger);
}

export function renderSleepInAtomic(w: ReportWriter): void {
  const f = w.finding;
  const trigger = triggerOf(f);
  w.line(`${taskWithState(f)} may sleep here:`);
  if (trigger) w.eventTrace(trigger);
  w.line();
  w.line(f.message);
  w.heldLocks(taskOf(f), f.held);
  stackBacktrace(w, trigger);
}

export function renderAssertion(w: ReportWriter): void {
  const f = w.finding;
  const trigger = triggerOf(f);
  w.line(f.message);
  if (trigger) {
    w.line(`${taskOf(f)} asserted at:`);
    w.eventTrace(trigger);
  }
  w.line();
  w.heldLocks(taskOf(f), f.held);
  stackBacktrace(w, trigger);
}

export function renderDepthExceeded(w: ReportWriter): void {
  const f = w.finding;
  const trigger = triggerOf(f);
  w.line(f.message);
  w.line(`${taskOf(f)} is trying to acquire lock:`);
  if (trigger) w.line(w.lockLine(trigger, f.classes[0]));
  w.line();
  w.heldLocks(taskOf(f), f.held);
}

export function renderRuleViolation(w: ReportWriter): void {
  const f = w.finding;
  const detail = f.ruleDetail;
  const ruleId = detail?.id ?? f.rule ?? '?';
  const undocumented = detail?.relation === 'undocumented';
  if (undocumented) {
    w.line(`no rule documents this lock order (reported by rule ${ruleId}, ${detail.kind}):`);
  } else {
    w.line(`this contradicts rule ${ruleId}${detail ? ` (${detail.kind})` : ''}:`);
  }
  if (detail?.description) w.line(`  ${detail.description}`);
  if (detail?.source !== undefined) w.line(`  (source: ${detail.source})`);
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

export function renderTaskError(w: ReportWriter): void {
  const f = w.finding;
  w.line(f.message);
  w.line();
  w.heldLocks(taskOf(f), f.held);
}
