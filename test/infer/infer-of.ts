/**
 * Test helper: `lockdep infer` on an event list (one Validator with the inference hooks, its
 * graph read from the engine's columns, as the command runs it on one trace), and the round trip: the proposal as a rules file, loaded as `rules lint`
 * loads it, then checked against the same events; the rule findings it gives.
 */
import type { Finding } from '../../src/engine/finding.js';
import { Validator } from '../../src/engine/validator.js';
import type { TraceEvent } from '../../src/events/event.js';
import { inferGraphOfColumns } from '../../src/infer/infer-graph.js';
import { inferRules } from '../../src/infer/infer-rules.js';
import { inferYaml } from '../../src/infer/infer-printer.js';
import { Observations } from '../../src/infer/observations.js';
import { DEFAULT_MIN_CONFIDENCE, INFER_KINDS, type InferAnswer, type InferOptions } from '../../src/infer/proposal.js';
import { loadRuleTexts } from '../../src/rules/loader.js';
import { createRuleHooks } from '../../src/rules/rule-hooks.js';
import type { RuleSet } from '../../src/rules/rule-set.js';

const FILE = 'test.jsonl';

export function inferFrom(events: readonly TraceEvent[], options: Partial<InferOptions> = {}): InferAnswer {
  const observations = new Observations();
  const validator = new Validator({ file: FILE, hooks: [observations.hooks()] });
  events.forEach((event, index) => validator.process(event, { file: FILE, line: index + 1 }));
  validator.end();
  const graph = inferGraphOfColumns(validator.graphColumns());
  return inferRules(graph, observations, { minSupport: 1, minConfidence: DEFAULT_MIN_CONFIDENCE, kinds: new Set(INFER_KINDS), ...options }, [FILE]);
}

/** The proposal's YAML loaded as `rules lint` loads it (throws if lint would fail). */
export function loadProposal(answer: InferAnswer): RuleSet {
  return loadRuleTexts([{ file: 'proposed.yaml', text: inferYaml(answer) }]);
}

/** The rule findings of checking `events` with the proposal as its rules (loading it throws if `rules lint` would fail). */
export function ruleFindingsOf(answer: InferAnswer, events: readonly TraceEvent[]): Finding[] {
  const ruleSet = loadProposal(answer);
  const validator = new Validator({ file: FILE, hooks: [createRuleHooks(ruleSet, { strictOrder: false })] });
  events.forEach((event, index) => validator.process(event, { file: FILE, line: index + 1 }));
  validator.end();
  return validator.findings.filter((finding) => finding.kind === 'rule-violation');
}

/** The proposed rules of one kind, as written in the file. */
export function rulesOf(answer: InferAnswer, kind: string): Array<Record<string, string | string[]>> {
  return answer.rules.filter((proposed) => proposed.kind === kind).map((proposed) => proposed.rule);
}
