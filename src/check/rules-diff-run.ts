/**
 * Runs `lockdep rules diff` on its inputs: each input is checked from an empty graph exactly as
 * `lockdep check --rules` checks it (the same rule hooks, the same notices for graph inputs such
 * as /proc/lockdep), with the exercise tracker beside the rule hooks, and the per-input results,
 * support and graphs go to the pure diff (src/graph/rules-diff.ts).
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

export interface RulesDiffRunOptions {
  inputFormat?: InputFormatChoice | undefined;
  /** Report undocumented orders between all classes. */
  all?: boolean | undefined;
  /** Gates listed in the answer's `failing` when they fail. */
  failOn?: readonly RulesDiffGate[] | undefined;
  onInputWarning?: (message: string, origin: EventOrigin) => void;
}

/** The diff of `ruleSet` against the traces `files` (any format `lockdep check` reads). */
export async function diffRulesOnTraces(ruleSet: RuleSet, files: readonly string[], options: RulesDiffRunOptions = {}): Promise<RulesDiff> {
  const undecidable = rulesNeedingAcquisitions(ruleSet);
  const inputs: RulesDiffInput[] = [];
  for (const file of files) {
    const tracker = createExerciseTracker(ruleSet);
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
