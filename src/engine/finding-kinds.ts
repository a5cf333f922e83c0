/**
 * The finding-kind table of the library layers: for every FindingKind, the one-line description
 * (SARIF rule metadata, the rule catalog), the severity a finding of the kind gets when its
 * maker does not choose one, and what evidence it rests on (what `lockdep merge` must find in a
 * single input before it calls the finding already known). The report layer's own table
 * (report/finding-kind-reports.ts: kernel header and text renderer) sits beside it.
 * Invariant: exhaustive by type (`satisfies Record<FindingKind, ...>`), so a new kind that misses
 * an entry fails to compile; nothing looks a kind up with a fallback.
 */
import type { FindingKind, Severity } from './finding.js';

export interface FindingKindInfo {
  /** One line: what a finding of this kind means. */
  readonly description: string;
  /** The severity when the finding's maker gives none (a rule violation takes its rule's). */
  readonly defaultSeverity: Severity;
  /** Rests on the irq usage of its classes as well as on dependency edges. */
  readonly restsOnIrqUsage: boolean;
}

export const FINDING_KIND_INFO = {
  'circular-dependency': {
    description: 'Lock-order cycle: the locks can be taken in opposite orders, a possible deadlock',
    defaultSeverity: 'error',
    restsOnIrqUsage: false,
  },
  'recursive-locking': {
    description: 'A task takes a lock class it already holds (possible recursive locking)',
    defaultSeverity: 'error',
    restsOnIrqUsage: false,
  },
  'bad-unlock-balance': { description: 'A task releases a lock it does not hold', defaultSeverity: 'error', restsOnIrqUsage: false },
  'held-lock-freed': { description: 'A lock is freed or re-initialised while a task holds it', defaultSeverity: 'error', restsOnIrqUsage: false },
  'held-lock-at-exit': { description: 'A task ends while still holding locks', defaultSeverity: 'error', restsOnIrqUsage: false },
  'inconsistent-lock-state': {
    description: 'A lock is used both in an interrupt context and with that interrupt enabled',
    defaultSeverity: 'error',
    restsOnIrqUsage: true,
  },
  'irq-safe-to-unsafe': {
    description: 'An irq-safe lock is held while an irq-unsafe lock is acquired',
    defaultSeverity: 'error',
    restsOnIrqUsage: true,
  },
  'irq-lock-inversion': {
    description: 'Irq lock inversion: a dependency between an irq-safe and an irq-unsafe lock',
    defaultSeverity: 'error',
    restsOnIrqUsage: true,
  },
  'nest-lock-not-held': { description: 'A nest_lock acquisition without the nest lock held', defaultSeverity: 'error', restsOnIrqUsage: false },
  'sleep-in-atomic': {
    description: 'A task may sleep in atomic context (spinlock held, interrupts disabled or irq context)',
    defaultSeverity: 'error',
    restsOnIrqUsage: false,
  },
  'assertion-failed': { description: 'A lockdep_assert_held-style assertion failed', defaultSeverity: 'error', restsOnIrqUsage: false },
  'lock-depth-exceeded': { description: 'A task holds more locks than the depth limit', defaultSeverity: 'error', restsOnIrqUsage: false },
  'rule-violation': { description: 'A documented locking rule is violated', defaultSeverity: 'error', restsOnIrqUsage: false },
  deadlock: {
    description: 'Real deadlock: running tasks wait for each other in a cycle (or the program stopped with tasks waiting)',
    defaultSeverity: 'error',
    restsOnIrqUsage: false,
  },
  'task-error': {
    description: 'A simulation task threw an error, so the run did not show what the program does',
    defaultSeverity: 'error',
    restsOnIrqUsage: false,
  },
  'suspicious-rcu-usage': {
    description: 'Suspicious RCU usage reported by the kernel (an RCU-protected access outside its read-side section)',
    defaultSeverity: 'error',
    restsOnIrqUsage: false,
  },
} as const satisfies Record<FindingKind, FindingKindInfo>;
