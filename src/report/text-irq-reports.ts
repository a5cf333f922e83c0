/**
 * The text reports of the irq-safety findings (inconsistent lock state, irq-safe -> irq-unsafe
 * order, irq lock inversion) below their banner, with the kernel's interrupt-unsafe scenario.
 * Invariant: pure functions of the (already escaped) finding, through its ReportWriter.
 */
import type { EventRef, Finding } from '../engine/finding.js';
import {
  CPU1_COLUMN,
  classOf,
  dependencyList,
  heldAsRef,
  heldLockFor,
  taskOf,
  taskWithState,
  triggerOf,
  type ReportWriter,
} from './report-writer.js';

/** Where the older usage (`irq.from`) was registered: the matching irq field, else the second event. */
function usageRegisteredAt(f: Finding): EventRef | undefined {
  const irq = f.irq;
  const fromSafeSide = irq?.from?.startsWith('IN-') === true;
  const matching = fromSafeSide ? irq.safeAt : (irq?.unsafeAt ?? irq?.safeAt);
  return matching ?? f.events[1];
}

export function renderInconsistent(w: ReportWriter): void {
  const f = w.finding;
  const trigger = triggerOf(f);
  const from = f.irq?.from ?? '?';
  const to = f.irq?.to ?? '?';
  const className = f.classes[0] ?? (trigger ? classOf(trigger) : '?');
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

export function renderSafeToUnsafe(w: ReportWriter): void {
  const f = w.finding;
  const irq = f.irq;
  const state = irq?.state ?? 'HARDIRQ';
  const next = triggerOf(f);
  const nextClass = next ? classOf(next) : '?';
  const chain = f.chain ?? [];
  const newEdge =
    chain.find((edge) => edge.to === nextClass && edge.next.line !== undefined && edge.next.line === next?.line) ??
    chain.find((edge) => edge.to === nextClass && heldLockFor(f, { class: edge.from }) !== undefined);
  const prevHeld =
    (newEdge ? heldLockFor(f, { lock: newEdge.prev.lock, class: newEdge.from }) : undefined) ??
    [...(f.held ?? [])].reverse().find((h) => h.class !== nextClass);
  const prev = prevHeld ? heldAsRef(prevHeld) : newEdge?.prev;
  const prevClass = prev ? classOf(prev) : '?';
  const safe = irq?.safe ?? f.classes[0] ?? prevClass;
  const unsafe = irq?.unsafe ?? f.classes[f.classes.length - 1] ?? nextClass;

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

export function renderInversion(w: ReportWriter): void {
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
