/**
 * `lockdep rules diff`: documented rules against what runs. From the checks of the inputs (the
 * same findings `lockdep check --rules` reports), the support the exercise tracker counted and
 * each input's dependency graph, one status per active rule: `violated` (with its findings),
 * `followed` (with its support), `never exercised` (the inputs never reached the situation the
 * rule is about) or `not decidable` (every input was a dependency graph, such as /proc/lockdep,
 * and the rule needs single acquisitions); plus the observed orders no rule documents.
 * Invariants: pure (no I/O); rules in rule-file order; undocumented orders in the order the
 * inputs first show them, one per class pair, named as the rule files name classes (aliases
 * translated).
 */
import type { DepType, DependencyWitness, Finding } from '../engine/finding.js';
import type { CheckResult } from '../engine/result.js';
import type { GraphSnapshot } from '../engine/snapshot.js';
import { documentedOrderTest } from '../rules/documented-orders.js';
import type { RuleSupport } from '../rules/exercise-tracker.js';
import { exerciseOf } from '../rules/rule-exercise.js';
import type { RuleSet } from '../rules/rule-set.js';
import type { RuleSeverity } from '../rules/schema-common.js';

export const RULE_STATUSES = ['violated', 'followed', 'never exercised', 'not decidable'] as const;
export type RuleStatus = (typeof RULE_STATUSES)[number];

/** What one input gave: its check result, the support per rule id, and its dependency graph. */
export interface RulesDiffInput {
  file: string;
  result: CheckResult;
  support: ReadonlyMap<string, RuleSupport>;
  snapshot: GraphSnapshot;
}

export interface RuleVerdict {
  id: string;
  kind: string;
  severity: RuleSeverity;
  description: string;
  source?: string;
  status: RuleStatus;
  /** Summed over the inputs (each input is its own run, with its own tasks). */
  support: RuleSupport;
  /** The findings of `lockdep check` attributed to this rule (for `violated`). */
  findings: Finding[];
  /** For `never exercised`: what the inputs never did. */
  neverReached?: string;
  /** For `not decidable` (and for rules some inputs could not decide): those inputs. */
  undecidableIn?: string[];
}

export interface UndocumentedOrder {
  from: string;
  to: string;
  types: DepType[];
  witness: DependencyWitness;
}

export interface RulesDiff {
  ruleFiles: string[];
  inputs: string[];
  /** `ruled`: dependencies between classes the rules place in lock relations; `all`: every dependency. */
  scope: 'ruled' | 'all';
  counts: Record<RuleStatus, number>;
  rules: RuleVerdict[];
  undocumented: UndocumentedOrder[];
  /** One line per `--fail-on` gate that fails (empty: the gate passes). */
  failing: string[];
}

/** What `--fail-on` can make fail: a violated rule, a rule never exercised, an undocumented order. */
export const RULES_DIFF_GATES = ['violated', 'unexercised', 'undocumented'] as const;
export type RulesDiffGate = (typeof RULES_DIFF_GATES)[number];

export interface RulesDiffOptions {
  /** Report undocumented orders between all classes, not only those the rules name. */
  all?: boolean;
  /** The gates whose failure the answer lists in `failing` (the CLI exits 1 when any fails). */
  failOn?: readonly RulesDiffGate[];
}

function sumSupport(parts: readonly RuleSupport[]): RuleSupport {
  const sum: RuleSupport = { events: 0, dependencies: 0, tasks: 0 };
  for (const part of parts) {
    sum.events += part.events;
    sum.dependencies += part.dependencies;
    sum.tasks += part.tasks;
    if (sum.first === undefined && part.first !== undefined) sum.first = part.first;
  }
  return sum;
}

const exercised = (support: RuleSupport): boolean => support.events > 0 || support.dependencies > 0;

/** Per rule id, the inputs that say the rule cannot be decided from them (one entry per input). */
function undecidableFilesByRule(inputs: readonly RulesDiffInput[]): Map<string, string[]> {
  const byRule = new Map<string, string[]>();
  for (const input of inputs) {
    const rules = new Set<string>();
    for (const notice of input.result.notices ?? []) if (notice.kind === 'rule-not-decidable' && notice.rule !== undefined) rules.add(notice.rule);
    for (const rule of rules) byRule.set(rule, [...(byRule.get(rule) ?? []), input.file]);
  }
  return byRule;
}

/** Per rule id, its rule-violation findings in input order. */
function findingsByRule(inputs: readonly RulesDiffInput[]): Map<string, Finding[]> {
  const byRule = new Map<string, Finding[]>();
  for (const finding of inputs.flatMap((input) => input.result.violations)) {
    if (finding.kind !== 'rule-violation' || finding.rule === null) continue;
    byRule.set(finding.rule, [...(byRule.get(finding.rule) ?? []), finding]);
  }
  return byRule;
}

export function diffRules(ruleSet: RuleSet, inputs: readonly RulesDiffInput[], options: RulesDiffOptions = {}): RulesDiff {
  const findingsOf = findingsByRule(inputs);
  const undecidable = undecidableFilesByRule(inputs);
  const counts: Record<RuleStatus, number> = { violated: 0, followed: 0, 'never exercised': 0, 'not decidable': 0 };
  const rules = ruleSet.activeRules.map((rule): RuleVerdict => {
    const own = findingsOf.get(rule.id) ?? [];
    const support = sumSupport(inputs.flatMap((input) => input.support.get(rule.id) ?? []));
    const undecidableIn = undecidable.get(rule.id) ?? [];
    let status: RuleStatus;
    if (own.length > 0) status = 'violated';
    else if (exercised(support)) status = 'followed';
    else if (inputs.length > 0 && undecidableIn.length === inputs.length) status = 'not decidable';
    else status = 'never exercised';
    counts[status]++;
    return {
      id: rule.id,
      kind: rule.kind,
      severity: rule.severity,
      description: rule.description,
      ...(rule.documentedIn === undefined ? {} : { source: rule.documentedIn }),
      status,
      support,
      findings: own,
      ...(status === 'never exercised' ? { neverReached: exerciseOf(rule).neverReached } : {}),
      ...(undecidableIn.length > 0 ? { undecidableIn } : {}),
    };
  });
  const undocumented = undocumentedOrders(ruleSet, inputs, options.all === true);
  return {
    ruleFiles: [...ruleSet.files],
    inputs: inputs.map((input) => input.file),
    scope: options.all === true ? 'all' : 'ruled',
    counts,
    rules,
    undocumented,
    failing: (options.failOn ?? []).flatMap((gate) => gateFailure(gate, rules, undocumented)),
  };
}

/** The line saying why `gate` fails, or nothing when it passes. */
function gateFailure(gate: RulesDiffGate, rules: readonly RuleVerdict[], undocumented: readonly UndocumentedOrder[]): string[] {
  if (gate === 'undocumented') {
    return undocumented.length === 0 ? [] : [`--fail-on undocumented: ${undocumented.map((order) => `${order.from} -> ${order.to}`).join('; ')}`];
  }
  const status: RuleStatus = gate === 'violated' ? 'violated' : 'never exercised';
  const ids = rules.filter((rule) => rule.status === status).map((rule) => rule.id);
  return ids.length === 0 ? [] : [`--fail-on ${gate}: ${ids.join(', ')}`];
}

/** Dependencies of the inputs that no rule documents, one per class pair (types merged). */
function undocumentedOrders(ruleSet: RuleSet, inputs: readonly RulesDiffInput[], all: boolean): UndocumentedOrder[] {
  const isDocumented = documentedOrderTest(ruleSet);
  const named = ruleSet.orderedClasses;
  const canonical = (name: string): string => ruleSet.classAliases.get(name) ?? name;
  const byPair = new Map<string, UndocumentedOrder>();
  for (const input of inputs) {
    for (const dep of input.snapshot.dependencies) {
      const from = canonical(dep.from);
      const to = canonical(dep.to);
      if (from === to || (!all && (!named.has(from) || !named.has(to))) || isDocumented(from, to)) continue;
      const key = `${from}\u0000${to}`;
      const known = byPair.get(key);
      if (known === undefined) byPair.set(key, { from, to, types: [...dep.types], witness: dep.witness });
      else for (const type of dep.types) if (!known.types.includes(type)) known.types.push(type);
    }
  }
  return [...byPair.values()];
}
