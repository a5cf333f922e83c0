/**
 * `lockdep merge g1.json g2.json ...`: loads the graphs saved by `lockdep check --save-graph`
 * (one per CI job, machine or run) and reports the findings that exist only because of the
 * merge (src/check/merge-graphs.ts). Invariants: graph files are read in the order given; the
 * verdict and outputs follow the same options as check, including the config file's `baseline`
 * and `maxWarnings`; rules a graph cannot decide get `rule-not-decidable` notices.
 */
import type { Argv, CommandModule } from 'yargs';
import { Validator } from '../../engine/validator.js';
import { validatorOptionsFor } from '../../check/check-trace.js';
import { mergeGraphs, type MergeInput } from '../../check/merge-graphs.js';
import { undecidableRuleNotices } from '../../check/graph-input-verdicts.js';
import { checkTraceOptionsFrom, configInputsOf, loadRunConfig, withConfigGate } from './check.js';
import { ruleOptions, type ConfigArgs } from '../rule-options.js';
import { readSavedGraph } from '../saved-graph.js';
import { finishRun, gateOptions, prepareOutputs, reportOptions, type GateArgs, type ReportArgs } from '../report-options.js';
import { UsageError } from '../usage-error.js';

export interface MergeArgs extends ReportArgs, GateArgs, ConfigArgs {
  graph: string[];
}

export async function runMerge(commandLine: MergeArgs): Promise<void> {
  if (commandLine.graph.length < 2) throw new UsageError('lockdep merge needs at least two graph files (written by lockdep check --save-graph)');
  await loadRunConfig(commandLine);
  const argv = withConfigGate(commandLine);
  const prepared = prepareOutputs(argv, [...argv.graph, ...configInputsOf(argv)]);
  const inputs: MergeInput[] = [];
  for (const file of argv.graph) inputs.push({ file, ...(await readSavedGraph(file)) });
  const options = checkTraceOptionsFrom(argv);
  const validator = new Validator(validatorOptionsFor('<merge>', options));
  const { result, snapshot } = mergeGraphs(inputs, validator);
  const notices = undecidableRuleNotices(options.graphUndecidableRules ?? [], '<merge>', 'saved graphs');
  if (notices.length > 0) result.notices = [...(result.notices ?? []), ...notices];
  process.exitCode = await finishRun(result, argv, { prepared, snapshot });
}

export const mergeCommand: CommandModule<object, MergeArgs> = {
  builder: (y) =>
    gateOptions(reportOptions(ruleOptions((y as Argv)
      .positional('graph', { describe: 'graph files written by lockdep check --save-graph', type: 'string', array: true, demandOption: true }))))
      .example('$0 merge job1.graph.json job2.graph.json', 'cycles whose halves were seen in different jobs')
      .example('$0 merge g/*.json -f sarif:merged.sarif -f markdown', 'SARIF for code scanning, Markdown for the step summary'),
  handler: (argv) => runMerge(argv),
};
