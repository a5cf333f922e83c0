/**
 * Findings: what the validator reports. A finding is plain data (JSON-serializable, no Maps,
 * no class instances) so reporters are pure functions of it and `lockdep report` can re-render
 * a saved result. The fields required by the result format (docs/cli.md) come first; the rest carries
 * what the kernel-style text report needs (chain witnesses, held locks, usage, irq details).
 */
import type { LockMode, LockType } from '../events/event.js';
import type { DeadlockDetail } from './deadlock-detail.js';

export const FINDING_KINDS = [
  'circular-dependency',
  'recursive-locking',
  'bad-unlock-balance',
  'held-lock-freed',
  'held-lock-at-exit',
  'inconsistent-lock-state',
  'irq-safe-to-unsafe',
  'irq-lock-inversion',
  'nest-lock-not-held',
  'sleep-in-atomic',
  'assertion-failed',
  'lock-depth-exceeded',
  'rule-violation',
  'deadlock',
  'task-error',
  'suspicious-rcu-usage',
] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];

export const SEVERITIES = ['error', 'warning', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** One event that witnesses a finding: where it is in the trace and what it did. */
export interface EventRef {
  file?: string;
  line?: number;
  task: string;
  op?: string;
  lock?: string;
  class?: string;
  mode?: LockMode;
  try?: boolean;
  site?: string;
  stack?: string[];
  /** For `access` events: the shared data and whether it was written. */
  var?: string;
  write?: boolean;
}

/** Dependency types of lockdep (§1.5): first letter from prev (Exclusive/Shared), second from next (Recursive/Non-recursive). */
export type DepType = 'ER' | 'EN' | 'SR' | 'SN';

/** One edge of the dependency graph with its first witness. */
export interface DependencyWitness {
  from: string;
  to: string;
  types: DepType[];
  task: string;
  /** Where `from` was acquired (it was held when `to` was acquired). */
  prev: EventRef;
  /** Where `to` was acquired. */
  next: EventRef;
}

/** A lock on a task's held stack when the finding was made. */
export interface HeldLockRef {
  class: string;
  lock: string;
  mode: LockMode;
  try: boolean;
  usage: string;
  at: EventRef;
}

/** Usage summary of an involved class: the kernel's usage characters (`+.+.`, no braces) and the lock type. */
export interface LockInfo {
  class: string;
  type: LockType;
  usage: string;
}

/** Details of irq-safety findings. */
export interface IrqDetail {
  /** `HARDIRQ` or `SOFTIRQ`. */
  state: 'HARDIRQ' | 'SOFTIRQ';
  /** For inconsistent-lock-state: the usage already registered and the new one, e.g. `IN-HARDIRQ-W` -> `HARDIRQ-ON-W`. */
  from?: string;
  to?: string;
  /** The irq-safe class and the irq-unsafe class (safe-to-unsafe and inversion). */
  safe?: string;
  unsafe?: string;
  /** Names of the usages involved, e.g. `IN-HARDIRQ-W` for the safe side, `HARDIRQ-ON-W` for the unsafe side. */
  safeUsage?: string;
  unsafeUsage?: string;
  /** Where each usage was first registered. */
  safeAt?: EventRef;
  unsafeAt?: EventRef;
  /** For irq-lock-inversion: true when the unsafe lock was found forwards (this lock took it in the past). */
  forwards?: boolean;
  /** The irq state of the task when the finding was made: `[HC0[0]:SC0[0]:HE1:SE1]`. */
  taskState?: string;
}

/** Rule details for rule-violation findings. */
export interface RuleDetail {
  id: string;
  kind: string;
  /**
   * Which message of the rule kind this is (e.g. `forbidden`, `pathInside`): stable across
   * versions, unlike the wording. Always set by this version; absent in results saved before it.
   */
  messageId?: string;
  description: string;
  /** Where the rule is documented (its `source:`), shown next to the description. */
  source?: string;
  /** `contradicts`: the observed behaviour breaks the rule; `undocumented`: an order no rule covers (`--strict-order`). */
  relation: 'contradicts' | 'undocumented';
}

/** For a finding read from a kernel console log: the report as the kernel printed it. */
export interface SplatDetail {
  /** The syzbot-style title: `possible deadlock in elv_iosched_store`. */
  title: string;
  /** The report's header line: `WARNING: possible circular locking dependency detected`. */
  header: string;
  /** The kernel version line printed under the header. */
  kernel?: string;
  /** A one-line detail of the report (irq usage change, the RCU message, where a sleep happened). */
  detail?: string;
  /** True when the log stops (or another report cuts in) before the report's end. */
  incomplete: boolean;
  /** The log lines the report spans. */
  firstLine: number;
  lastLine: number;
  /** The report's text, console prefixes stripped (without its backtrace). */
  text: string[];
}

export interface Finding {
  kind: FindingKind;
  rule: string | null;
  severity: Severity;
  /** Stable across runs and line numbers: a hash of the kind, rule and canonical class set. */
  fingerprint: string;
  /** One line. */
  message: string;
  /** Classes involved; for a cycle, in cycle order starting at the lock being acquired. */
  classes: string[];
  /** Witness events. */
  events: EventRef[];
  /** The task on which the finding was made. */
  task?: string;
  /** The event that triggered the finding. */
  trigger?: EventRef;
  /** For cycles: the edges of the cycle, `classes[i] -> classes[i+1]`, the last one closing back to `classes[0]`. */
  chain?: DependencyWitness[];
  /** Locks held by `task` at the trigger. */
  held?: HeldLockRef[];
  /** Usage and type of the involved classes. */
  locks?: LockInfo[];
  irq?: IrqDetail;
  ruleDetail?: RuleDetail;
  /** For `deadlock`: the wait-for cycle and every blocked task with what it holds. */
  deadlock?: DeadlockDetail;
  /** For a report read from a kernel console log (`--input-format dmesg`). */
  splat?: SplatDetail;
  /** True when a baseline downgraded this finding. */
  baselined?: boolean;
  /** How many times the same fingerprint was seen (1 = once). */
  occurrences?: number;
}

/** Findings counted by severity, with baselined findings counted apart (and only there). */
export interface SeverityCounts extends Record<Severity, number> {
  baselined: number;
}

/**
 * Counts findings by severity. A baselined finding counts only as `baselined`, so `error` and
 * `warning` are what `summary.errors`/`warnings`, the reports' headline counts,
 * `--max-warnings` and the exit code count.
 */
export function severityCounts(findings: readonly Finding[]): SeverityCounts {
  const counts: SeverityCounts = { error: 0, warning: 0, info: 0, baselined: 0 };
  for (const finding of findings) {
    if (finding.baselined === true) counts.baselined++;
    else counts[finding.severity]++;
  }
  return counts;
}

/** How many findings of `severity` no baseline covers. */
export function countUnbaselined(findings: readonly Finding[], severity: Severity): number {
  return severityCounts(findings)[severity];
}

/** A finding on one line: `kind [rule]: message` (warnings, errors, test failures). */
export function findingLine(finding: Pick<Finding, 'kind' | 'rule' | 'message'>): string {
  return `${finding.kind}${finding.rule === null ? '' : ` [${finding.rule}]`}: ${finding.message}`;
}
