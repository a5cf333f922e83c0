/**
 * Stable rule identities for the formats that need them (SARIF ruleIds, GitHub titles, JUnit):
 * `lockdep/<kind>` for the validator's own findings and `rule/<id>` for documented-rule
 * violations. Invariant: an id depends only on the finding's kind and rule, never on its order
 * or its line numbers, so code-scanning alerts keep their identity across runs. Each kind's
 * description comes from the finding-kind table (engine/finding-kinds.ts).
 */
import { FINDING_KINDS, type Finding, type FindingKind } from '../engine/finding.js';
import { FINDING_KIND_INFO } from '../engine/finding-kinds.js';

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
  return FINDING_KIND_INFO[finding.kind].description;
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
