/**
 * What a check may conclude when its input is a dependency graph (a kernel's /proc/lockdep)
 * rather than single acquisitions. Owns two weakenings of the result, both documented as
 * extensions of the result contract (docs/cli.md, docs/importers.md):
 *  - a cycle through a class the graph shows taken for read is a `warning`, whose message says
 *    why: the graph has no read/write type per edge, so a read-read cycle (harmless) cannot be
 *    told from a real one;
 *  - each active rule that needs single acquisitions gets a `rule-not-decidable` notice, so it
 *    is never silently passed (also for `lockdep merge`, whose inputs are saved graphs).
 * Invariant: fingerprints are unchanged (baselines keep matching); severity counts are redone.
 */
import { countUnbaselined, type Finding } from '../engine/finding.js';
import type { CheckResult } from '../engine/result.js';
import type { GraphInputFacts, Notice } from '../events/input-notice.js';
import type { UndecidableRule } from '../rules/graph-decidability.js';

/** The result of checking a graph input, weakened where the graph cannot decide. */
export function withGraphInputVerdicts(result: CheckResult, facts: GraphInputFacts, file: string, rules: readonly UndecidableRule[]): CheckResult {
  const readUsed = new Set(facts.readUsedClasses);
  const violations = result.violations.map((finding) => weakenReadCycle(finding, readUsed));
  const notices: Notice[] = [...(result.notices ?? []), ...undecidableRuleNotices(rules, file, 'a /proc/lockdep graph')];
  const summary = { ...result.summary };
  if (summary.errors !== undefined) summary.errors = countUnbaselined(violations, 'error');
  if (summary.warnings !== undefined) summary.warnings = countUnbaselined(violations, 'warning');
  const weakened: CheckResult = { ...result, violations, summary };
  if (notices.length > 0) weakened.notices = notices;
  return weakened;
}

/** One `rule-not-decidable` notice per rule, about `file`, whose input is `source` (`a /proc/lockdep graph`, `saved graphs`). */
export function undecidableRuleNotices(rules: readonly UndecidableRule[], file: string, source: string): Notice[] {
  return rules.map((rule) => ({
    kind: 'rule-not-decidable',
    file,
    rule: rule.id,
    ruleKind: rule.kind,
    message: `rule ${rule.id} (${rule.kind}) is not decidable from ${source}: it needs single acquisitions (the locks held at one acquisition, accesses, sleeps, call sites), which a graph does not keep`,
  }));
}

function weakenReadCycle(finding: Finding, readUsed: ReadonlySet<string>): Finding {
  if (finding.kind !== 'circular-dependency' || finding.severity !== 'error') return finding;
  const reader = finding.classes.find((name) => readUsed.has(name));
  if (reader === undefined) return finding;
  return {
    ...finding,
    severity: 'warning',
    message: `${finding.message} (strength not decidable: ${reader} is taken for read and /proc/lockdep gives no read/write type per dependency, so this may be a harmless read-read cycle)`,
  };
}
