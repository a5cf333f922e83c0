/**
 * The finding-kind table of the text report: for every FindingKind, the header of its
 * kernel-style banner (the kernel's verbatim text where lockdep has one) and the renderer of the
 * report below it. The library's own per-kind facts (description, default severity, evidence)
 * are in engine/finding-kinds.ts.
 * Invariant: exhaustive by type (`satisfies Record<FindingKind, ...>`), so a new kind without a
 * text report fails to compile; headers and renderers are pure functions of the (already
 * escaped) finding.
 */
import type { Finding, FindingKind } from '../engine/finding.js';
import { taskOf, triggerOf, type ReportWriter } from './report-writer.js';
import { deadlockHeader, renderDeadlock } from './text-deadlock.js';
import { renderInconsistent, renderInversion, renderSafeToUnsafe } from './text-irq-reports.js';
import {
  renderAssertion,
  renderBadUnlock,
  renderCircular,
  renderDepthExceeded,
  renderHeldAtExit,
  renderHeldLockFreed,
  renderNestNotHeld,
  renderRecursive,
  renderRuleViolation,
  renderSleepInAtomic,
  renderTaskError,
} from './text-lock-reports.js';
import { siteOf } from './text-positions.js';
import { SPLAT_REPORT } from './text-splat.js';

export interface FindingKindReport {
  /** The banner's header line. */
  header(finding: Finding): string;
  /** The report below the banner. */
  render(writer: ReportWriter): void;
}

/** Where the finding happened, for headers that name it. */
function triggerSite(finding: Finding): string {
  const trigger = triggerOf(finding);
  return trigger ? siteOf(trigger) : '<unknown>';
}

function ruleViolationHeader(finding: Finding): string {
  const detail = finding.ruleDetail;
  if (detail?.relation === 'undocumented') return 'WARNING: lock order not documented by any rule';
  return `WARNING: locking rule ${detail?.id ?? finding.rule ?? '?'} violated`;
}

export const FINDING_KIND_REPORTS = {
  'circular-dependency': { header: () => 'WARNING: possible circular locking dependency detected', render: renderCircular },
  'recursive-locking': { header: () => 'WARNING: possible recursive locking detected', render: renderRecursive },
  'bad-unlock-balance': { header: () => 'WARNING: bad unlock balance detected!', render: renderBadUnlock },
  'held-lock-freed': { header: () => 'WARNING: held lock freed!', render: renderHeldLockFreed },
  'held-lock-at-exit': { header: (f) => `WARNING: ${taskOf(f)} still has locks held!`, render: renderHeldAtExit },
  'inconsistent-lock-state': { header: () => 'WARNING: inconsistent lock state', render: renderInconsistent },
  'irq-safe-to-unsafe': {
    header: (f) => {
      const state = f.irq?.state ?? 'HARDIRQ';
      return `WARNING: ${state}-safe -> ${state}-unsafe lock order detected`;
    },
    render: renderSafeToUnsafe,
  },
  'irq-lock-inversion': { header: () => 'WARNING: possible irq lock inversion dependency detected', render: renderInversion },
  'nest-lock-not-held': { header: () => 'WARNING: Nested lock was not taken', render: renderNestNotHeld },
  'sleep-in-atomic': { header: (f) => `BUG: sleeping function called from invalid context at ${triggerSite(f)}`, render: renderSleepInAtomic },
  'assertion-failed': { header: (f) => `WARNING: ${taskOf(f)} at ${triggerSite(f)}: lock assertion failed`, render: renderAssertion },
  'lock-depth-exceeded': { header: () => 'BUG: MAX_LOCK_DEPTH too low!', render: renderDepthExceeded },
  'rule-violation': { header: ruleViolationHeader, render: renderRuleViolation },
  deadlock: { header: (f) => deadlockHeader(f.deadlock), render: (w) => renderDeadlock(w, w.finding.deadlock) },
  'task-error': { header: (f) => `WARNING: task ${taskOf(f)} threw an error`, render: renderTaskError },
  // Only read from kernel console logs: the kernel's own report is the text (text-splat.ts).
  'suspicious-rcu-usage': SPLAT_REPORT,
} satisfies Record<FindingKind, FindingKindReport>;
