/**
 * Runs `lockdep rules diff` on its inputs: each trace is checked from an empty graph exactly as
 * `lockdep check --rules` checks it (the same rule hooks, the same notices for graph inputs such
 * as /proc/lockdep), and each saved graph is replayed into its own Validator with the same hooks,
 * as `lockdep merge` does (the rules that need single acquisitions are not decidable from it);
 * the exercise tracker runs beside the rule hooks, and the per-input results, support and graphs
 * go to the pure diff (src/graph/rules-diff.ts).
 * Invariants: inputs are read in the order given, one Validator each; a bad input rejects with
 * the InputError of `checkTrace` (file:line).
 */
import type { GraphSnapshot } from '../engine/snapshot.js';
import type { EventOrigin } from '../events/event.js';
import type { InputFormatChoice } from '../events/import-trace.js';
import { traceDisplayName } from '../events/jsonl-reader.js';
import { diffRules, type RulesDiff, type RulesDiffGate, type RulesDiffInput } from '../graph/rules-diff.js';
import { createExerciseTracker } from '../rules/exercise-tracker.js';
import { rulesNeedingAcquisitions } from '../rules/graph-decidability.js';
import { createRuleHooks } from '../rules/rule-hooks.js';
import type { RuleSet } from '../rules/rule-set.js';
import { checkTrace } from './check-trace.js';
import { undecidableRuleNotices } from './graph-input-verdicts.js';
import { Validator } from '../engine/validator.js';

export interface RulesDiffRunOptions {
  inputFormat?: InputFormatChoice | undefined;
  /** Report undocumented orders between all classes. */
  all?: boolean | undefined;
  /** Gates listed in the answer's `failing` when they fail. */
  failOn?: readonly RulesDiffGate[] | undefined;
  onInputWarning?: (message: string, origin: EventOrigin) => void;
}

/** One input: a trace file (any format `lockdep check` reads), or a graph saved by `check --save-graph`, already read. */
export interface RulesDiffSource {
  file: string;
  savedGraph?: GraphSnapshot;
}

/** A saved graph replayed into its own Validator with the rule hooks and the tracker, as `lockdep merge` replays one. */
function savedGraphInput(ruleSet: RuleSet, file: string, savedGraph: GraphSnapshot): RulesDiffInput {
  const tracker = createExerciseTracker(ruleSet);
  const validator = new Validator({ file, hooks: [createRuleHooks(ruleSet), tracker.hooks] });
  validator.mergeSnapshot(savedGraph);
  validator.end();
  const result = validator.result();
  const notices = undecidableRuleNotices(rulesNeedingAcquisitions(ruleSet), file, 'a saved graph');
  if (notices.length > 0) result.notices = [...(result.notices ?? []), ...notices];
  return { file, result, support: tracker.support(), snapshot: savedGraph };
}

/** A trace checked as `lockdep check --rules` checks it, with the tracker beside the rule hooks. */
async function traceInput(ruleSet: RuleSet, file: string, options: RulesDiffRunOptions): Promise<RulesDiffInput> {
  const tracker = createExerciseTracker(ruleSet);
  const taken: { snapshot?: GraphSnapshot } = {};
  const result = await checkTrace(file, {
    createHooks: () => [createRuleHooks(ruleSet), tracker.hooks],
    graphUndecidableRules: rulesNeedingAcquisitions(ruleSet),
    ...(ruleSet.classTypes.size > 0 ? { classTypes: ruleSet.classTypes } : {}),
    ...(options.inputFormat !== undefined ? { inputFormat: options.inputFormat } : {}),
    ...(options.onInputWarning !== undefined ? { onInputWarning: options.onInputWarning } : {}),
    onSnapshot: (snapshot) => {
      taken.snapshot = snapshot;
    },
  });
  if (taken.snapshot === undefined) throw new Error(`no graph snapshot was taken of ${file}`);
  return { file: traceDisplayName(file), result, support: tracker.support(), snapshot: taken.snapshot };
}

/** The diff of `ruleSet` against the inputs, read in the order given. */
export async function diffRulesOnInputs(ruleSet: RuleSet, sources: ReadonlyArray<string | RulesDiffSource>, options: RulesDiffRunOptions = {}): Promise<RulesDiff> {
  const inputs: RulesDiffInput[] = [];
  for (const source of sources) {
    const { file, savedGraph } = typeof source === 'string' ? { file: source, savedGraph: undefined } : source;
    inputs.push(savedGraph === undefined ? await traceInput(ruleSet, file, options) : savedGraphInput(ruleSet, file, savedGraph));
  }
  return diffRules(ruleSet, inputs, { all: options.all === true, failOn: options.failOn ?? [] });
}
