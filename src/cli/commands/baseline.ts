/**
 * `lockdep baseline <trace...>`: checks the traces as `lockdep check` does and writes every
 * finding, by fingerprint, to a baseline file (default: the config file's `baseline`, else
 * lockdep-baseline.json) for `check --baseline FILE`. It takes check's trace options
 * (`traceCheckOptions`). `--from FILE` takes the findings from a saved result or graph instead.
 * Invariants: the file is sorted and byte-stable for the same findings (baseline-file.ts);
 * it is written atomically and never over an input (traces, --from, rule and config files);
 * the command exits 0 when it wrote the file.
 */
import type { Argv, CommandModule } from 'yargs';
import { createBaseline, DEFAULT_BASELINE_FILE, serializeBaseline } from '../../baseline/baseline-file.js';
import type { CheckResult } from '../../engine/result.js';
import { writeFileAtomic } from '../../io/atomic-write.js';
import { combineResults } from '../combine-results.js';
import { checkOutputFile } from '../output.js';
import { TOOL_NAME, TOOL_VERSION } from '../../io/package-info.js';
import { checkTraces } from '../parallel-check.js';
import { readResultOrGraph } from '../saved-graph.js';
import { UsageError } from '../usage-error.js';
import { checkTraceOptionsFrom, configInputsOf, configOf, jobsFrom, loadRunConfig, traceCheckOptions, type TraceCheckArgs } from './check.js';

export interface BaselineArgs extends TraceCheckArgs {
  trace?: string[] | undefined;
  from?: string | undefined;
  output?: string | undefined;
}

async function findingsOf(argv: BaselineArgs): Promise<CheckResult> {
  const traces = argv.trace ?? [];
  if (argv.from !== undefined) {
    if (traces.length > 0) throw new UsageError('give either traces or --from FILE, not both');
    return (await readResultOrGraph(argv.from)).result;
  }
  if (traces.length === 0) throw new UsageError('no trace file given (lockdep baseline <trace...> or --from result.json)');
  const jobs = jobsFrom(argv);
  const options = { traceOptions: checkTraceOptionsFrom(argv), args: argv, snapshots: false, ...(jobs !== undefined ? { jobs } : {}) };
  const outcomes = await checkTraces(traces, options);
  return combineResults(outcomes, { name: TOOL_NAME, version: TOOL_VERSION });
}

export async function runBaseline(argv: BaselineArgs): Promise<void> {
  await loadRunConfig(argv);
  const output = argv.output ?? configOf(argv)?.baseline ?? DEFAULT_BASELINE_FILE;
  const inputs = [...(argv.trace ?? []), ...(argv.from !== undefined ? [argv.from] : []), ...configInputsOf(argv)];
  checkOutputFile(output, 'baseline', inputs);
  const result = await findingsOf(argv);
  const baseline = createBaseline(result);
  await writeFileAtomic(output, serializeBaseline(baseline));
  process.stderr.write(`lockdep: wrote ${baseline.findings.length} finding(s) to ${output}\n`);
}

export const baselineCommand: CommandModule<object, BaselineArgs> = {
  builder: (y) =>
    traceCheckOptions(y as Argv)
      .positional('trace', { describe: 'trace file(s) (spec JSONL, ftrace text, perf script output, STD or /proc/lockdep), checked as lockdep check does', type: 'string', array: true })
      .option('from', { describe: 'take the findings from a saved result or graph instead of checking traces', type: 'string', requiresArg: true })
      .option('output', { alias: 'o', describe: `baseline file to write (default: the config file's baseline, else ${DEFAULT_BASELINE_FILE})`, type: 'string', requiresArg: true })
      .example('$0 baseline traces/*.jsonl', `write the config file's baseline, or ${DEFAULT_BASELINE_FILE}`)
      .example('$0 check --baseline lockdep-baseline.json traces/*.jsonl', 'then only new findings fail the run'),
  handler: (argv) => runBaseline(argv),
};
