/**
 * The text report of a `deadlock` finding: the wait-for cycle, then every blocked task with the
 * acquisition it waits in (site and stack) and the locks it holds, as the kernel prints held
 * locks, below the banner whose header `deadlockHeader` gives. A finding without details (an
 * older saved result) degrades to its message.
 * Invariant: like every text renderer, a pure function of the (already escaped) finding.
 */
import type { DeadlockDetail } from '../engine/deadlock-detail.js';
import type { HeldLockRef } from '../engine/finding.js';
import type { ReportWriter } from './report-writer.js';
import { extraFrames } from './text-positions.js';

/** The stacks of the held locks (below the kernel-style list, which shows each lock's site). */
function heldStacks(w: ReportWriter, held: readonly HeldLockRef[]): void {
  held.forEach((lock, index) => {
    const frames = extraFrames(lock.at);
    if (frames.length === 0) return;
    w.line(` #${index} ${w.lockName(lock.class, lock.usage)} taken at ${lock.at.site ?? frames[0]!}:`);
    for (const frame of frames) w.line(`       ${frame}`);
  });
}

/** The banner's header: a cycle, or a program that stopped with tasks waiting. */
export function deadlockHeader(detail: DeadlockDetail | undefined): string {
  return detail === undefined || detail.cycle.length > 0
    ? 'WARNING: deadlock: tasks wait for each other in a cycle'
    : 'WARNING: deadlock: the program stopped with tasks still waiting';
}

export function renderDeadlock(w: ReportWriter, detail: DeadlockDetail | undefined): void {
  const f = w.finding;
  const cycle = detail?.cycle ?? [];
  w.line(f.message);
  if (detail === undefined) return;
  w.line();
  if (cycle.length > 0) {
    w.line('wait-for cycle:');
    for (const step of cycle) {
      const why = step.reason === 'holds' ? `held by ${step.blockedBy}` : `queued behind ${step.blockedBy}`;
      w.line(`  ${step.task} waits for ${w.lockName(step.class)} (${step.mode}), ${why} (${step.blockedByMode})`);
    }
  } else {
    w.line('no wait-for cycle: the tasks wait for locks or events that no running task will release or signal');
  }
  for (const blocked of detail.blocked) {
    w.line();
    w.line(`${blocked.task} is waiting for ${blocked.lock === blocked.class ? '' : `${blocked.lock} `}${w.lockName(blocked.class)} (${blocked.mode})${blocked.waitingAt ? ', since:' : ''}`);
    if (blocked.waitingAt) w.eventTrace(blocked.waitingAt);
    w.heldLocks(blocked.task, blocked.held);
    heldStacks(w, blocked.held);
  }
  if (cycle.length > 0) w.deadlockBanner();
  if (detail.victim !== undefined) {
    if (cycle.length === 0) w.line();
    w.line(`${detail.victim}'s acquisition was rejected with a DeadlockError (onDeadlock: 'throw'); the other tasks go on.`);
  }
}
