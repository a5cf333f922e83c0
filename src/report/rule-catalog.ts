/**
 * Stable rule identities for the formats that need them (SARIF ruleIds, GitHub titles, JUnit):
 * `lockdep/<kind>` for the validator's own findings and `rule/<id>` for documented-rule
 * violations. Invariant: an id depends only on the finding's kind and rule, never on its order
 * or its line numbers, so code-scanning alerts keep their identity across runs.
 */
import { FINDING_KINDS, type Finding, type FindingKind } from '../engine/finding.js';

export const KIND_DESCRIPTIONS: ReadonlyMap<FindingKind, string> = new Map<FindingKind, string>([
  ['circular-dependency', 'Lock-order cycle: the locks can be taken in opposite orders, a possible deadlock'],
  ['recursive-locking', 'A task takes a lock class it already holds (possible recursive locking)'],
  ['bad-unlock-balance', 'A task releases a lock it does not hold'],
  ['held-lock-freed', 'A lock is freed or re-initialised while a task holds it'],
  ['held-lock-at-exit', 'A task ends while still holding locks'],
  ['inconsistent-lock-state', 'A lock is used both in an interrupt context and with that interrupt enabled'],
  ['irq-safe-to-unsafe', 'An irq-safe lock is held while an irq-unsafe lock is acquired'],
  ['irq-lock-inversion', 'Irq lock inversion: a dependency between an irq-safe and an irq-unsafe lock'],
  ['nest-lock-not-held', 'A nest_lock acquisition without the nest lock held'],
  ['sleep-in-atomic', 'A task may sleep in atomic context (spinlock held, interrupts disabled or irq context)'],
  ['assertion-failed', 'A lockdep_assert_held-style assertion failed'],
  ['lock-depth-exceeded', 'A task holds more locks than the depth limit'],
  ['rule-violation', 'A documented locking rule is violated'],
  ['deadlock', 'Real deadlock: running tasks wait for each other in a cycle (or the program stopped with tasks waiting)'],
  ['suspicious-rcu-usage', 'Suspicious RCU usage reported by the kernel (an RCU-protected access outside its read-side section)'],
]);

/** The engine kinds that have their own ruleId (every kind except `rule-violation`). */
export const ENGINE_KINDS: readonly FindingKind[] = FINDING_KINDS.filter((kind) => kind !== 'rule-violation');

/** The stable rule id of a finding: `lockdep/<kind>` or `rule/<rule id>`. */
export function ruleIdOf(finding: Pick<Finding, 'kind' | 'rule' | 'ruleDetail'>): string {
  if (finding.kind === 'rule-violation') {
    const id = finding.rule ?? finding.ruleDetail?.id ?? 'unnamed';
    return `rule/${id}`;
  }
  return `lockdep/${finding.kind}`;
}

/** A one-line description of a rule id's subject, for rule metadata. */
export function describeFinding(finding: Pick<Finding, 'kind' | 'ruleDetail'>): string {
  if (finding.kind === 'rule-violation' && finding.ruleDetail?.description) return finding.ruleDetail.description;
  return KIND_DESCRIPTIONS.get(finding.kind) ?? finding.kind;
}

/** Human title: `circular-dependency` or `rule kvm-slots-before-mmu (contradicts)`. */
export function findingTitle(finding: Finding): string {
  if (finding.kind === 'rule-violation') {
    const id = finding.rule ?? finding.ruleDetail?.id ?? 'unnamed';
    const relation = finding.ruleDetail?.relation === 'undocumented' ? ' (undocumented order)' : '';
    return `rule ${id}${relation}`;
  }
  return finding.kind;
}
