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

/** The diff of `ruleSet` against the inputs, in the order given. */
export async function diffRulesOnInputs(ruleSet: RuleSet, sources: ReadonlyArray<string | RulesDiffSource>, options: RulesDiffRunOptions = {}): Promise<RulesDiff> {
  const undecidable = rulesNeedingAcquisitions(ruleSet);
  const inputs: RulesDiffInput[] = [];
  for (const source of sources) {
    const { file, savedGraph } = typeof source === 'string' ? { file: source, savedGraph: undefined } : source;
    const tracker = createExerciseTracker(ruleSet);
    if (savedGraph !== undefined) {
      const validator = new Validator({ file, hooks: [createRuleHooks(ruleSet), tracker.hooks] });
      validator.mergeSnapshot(savedGraph);
      validator.end();
      const result = validator.result();
      const notices = undecidableRuleNotices(undecidable, file, 'a saved graph');
      if (notices.length > 0) result.notices = [...(result.notices ?? []), ...notices];
      inputs.push({ file, result, support: tracker.support(), snapshot: savedGraph });
      continue;
    }
    const taken: { snapshot?: GraphSnapshot } = {};
    const result = await checkTrace(file, {
      createHooks: () => [createRuleHooks(ruleSet), tracker.hooks],
      graphUndecidableRules: undecidable,
      ...(ruleSet.classTypes.size > 0 ? { classTypes: ruleSet.classTypes } : {}),
      ...(options.inputFormat !== undefined ? { inputFormat: options.inputFormat } : {}),
      ...(options.onInputWarning !== undefined ? { onInputWarning: options.onInputWarning } : {}),
      onSnapshot: (snapshot) => {
        taken.snapshot = snapshot;
      },
    });
    if (taken.snapshot === undefined) throw new Error(`no graph snapshot was taken of ${file}`);
    inputs.push({ file: traceDisplayName(file), result, support: tracker.support(), snapshot: taken.snapshot });
  }
  return diffRules(ruleSet, inputs, { all: options.all === true, failOn: options.failOn ?? [] });
}
