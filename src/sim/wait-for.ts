/**
 * The wait-for graph of a stuck simulation: every blocked task points at the tasks it waits for
 * (holders of the lock it wants, or waiters queued ahead of it that will be served first, such as
 * a queued writer in front of a reader on a fair rwsem). A cycle in it is a real deadlock:
 * task -> lock -> holder -> lock -> ... -> task.
 * Invariants: pure functions of the blocked tasks' wait states; the reported cycle is the first
 * one found from the earliest blocked task, in spawn order, so the report is deterministic.
 */
import type { BlockedTask, DeadlockReport, WaitForStep } from './simulation-outcome.js';
import type { Task } from './task.js';

export function describeBlocked(tasks: readonly Task[]): BlockedTask[] {
  const blocked: BlockedTask[] = [];
  for (const task of tasks) {
    const wait = task.waitingOn;
    if (wait === null) continue;
    blocked.push({
      task: task.id,
      lock: wait.on.displayName,
      mode: wait.mode,
      blockedBy: wait.on.blockersOf(task).map((b) => ({ task: b.task.id, reason: b.reason, mode: b.mode })),
    });
  }
  return blocked;
}

/** The first wait-for cycle among `blocked` (depth-first, in the given order), or []. */
export function findWaitForCycle(blocked: readonly BlockedTask[]): WaitForStep[] {
  const byTask = new Map<string, BlockedTask>();
  for (const b of blocked) byTask.set(b.task, b);
  const state = new Map<string, 'open' | 'closed'>();
  for (const root of blocked) {
    if (state.has(root.task)) continue;
    // Iterative DFS; `path` holds (task, index of next blocker to try).
    const path: { node: BlockedTask; next: number }[] = [{ node: root, next: 0 }];
    state.set(root.task, 'open');
    while (path.length > 0) {
      const top = path[path.length - 1] as { node: BlockedTask; next: number };
      const blocker = top.node.blockedBy[top.next++];
      if (blocker === undefined) {
        state.set(top.node.task, 'closed');
        path.pop();
        continue;
      }
      const target = byTask.get(blocker.task);
      if (target === undefined) continue;
      const seen = state.get(target.task);
      if (seen === 'open') {
        const start = path.findIndex((p) => p.node.task === target.task);
        return path.slice(start).map((p) => {
          const via = p.node.blockedBy[p.next - 1] as BlockedTask['blockedBy'][number];
          return {
            task: p.node.task,
            lock: p.node.lock,
            mode: p.node.mode,
            blockedBy: via.task,
            reason: via.reason,
            blockedByMode: via.mode,
          };
        });
      }
      if (seen === undefined) {
        state.set(target.task, 'open');
        path.push({ node: target, next: 0 });
      }
    }
  }
  return [];
}

export function buildDeadlockReport(tasks: readonly Task[]): DeadlockReport {
  const blocked = describeBlocked(tasks);
  const cycle = findWaitForCycle(blocked);
  const message =
    cycle.length > 0
      ? `deadlock: ${cycle.map((s) => `${s.task} -> ${s.lock}`).join(' -> ')} -> ${cycle[0]?.task ?? ''}`
      : `deadlock: every task is blocked (${blocked.map((b) => `${b.task} on ${b.lock}`).join(', ')})`;
  return { message, cycle, blocked };
}

/** Multi-line text rendering of a deadlock report. */
export function formatDeadlockReport(report: DeadlockReport): string {
  const lines: string[] = [];
  lines.push('');
  lines.push('======================================================');
  lines.push('WARNING: real deadlock: every runnable task is blocked');
  lines.push('------------------------------------------------------');
  if (report.cycle.length > 0) {
    lines.push('wait-for cycle:');
    for (const step of report.cycle) {
      const why =
        step.reason === 'holds'
          ? `held by ${step.blockedBy} (${step.blockedByMode})`
          : `queued behind ${step.blockedBy} (${step.blockedByMode})`;
      lines.push(`  ${step.task} waits for ${step.lock} (${step.mode}), ${why}`);
    }
  } else {
    lines.push('no wait-for cycle: the tasks wait for events that no running task can signal');
  }
  lines.push('blocked tasks:');
  for (const b of report.blocked) {
    const by = b.blockedBy.length === 0 ? '' : `; blocked by ${b.blockedBy.map((x) => `${x.task} (${x.reason === 'holds' ? 'holds' : 'queued ahead'}, ${x.mode})`).join(', ')}`;
    lines.push(`  ${b.task}: ${b.lock} (${b.mode})${by}`);
  }
  return `${lines.join('\n')}\n`;
}
