/**
 * `lockdep check <trace...>`: validate recorded traces, each from an empty graph, print a
 * report and set the exit code.
 * The command is built in four separate places so options can be added with small edits:
 *   1. `checkOptions`: the yargs option declarations (and help examples); those that say how a
 *      trace is checked are `traceCheckOptions`, shared with `lockdep baseline` (its rule
 *      options come from rule-options.ts, shared with `merge` and `run`);
 *   2. `checkTraceOptionsFrom`: parsed options -> what the validator gets per file;
 *   3. output formats: src/report/registry.ts (`-f FORMAT[:FILE]`, `-o`; see report-options.ts);
 *   4. `withConfigGate`: parsed options with the config file's baseline and max-warnings.
 * Invariants: every file is checked by its own Validator (`checkTrace`), several files on
 * worker threads (parallel-check.ts) with results in input order; reports go to stdout or
 * files (atomically); the exit code is set through `process.exitCode`; bad option values are
 * UsageErrors (exit 2).
 */
import { escapeTerminal } from '../../report/escape.js';
import type { Argv, CommandModule } from 'yargs';
import { STDIN_PATH } from '../../events/jsonl-reader.js';
import type { CheckTraceOptions } from '../../check/check-trace.js';
import { combineResults } from '../combine-results.js';
import { checkTraces } from '../parallel-check.js';
import { ProgressLine, progressEnabled, traceSizes } from '../progress.js';
import {
  finishRun, gateOptions, prepareOutputs, progressOption, reportOptions,
  type GateArgs, type ProgressArgs, type ReportArgs,
} from '../report-options.js';
import { TOOL_NAME, TOOL_VERSION } from '../../io/package-info.js';
import { integerOption, UsageError } from '../usage-error.js';
import type { LockdepConfig } from '../../rules/config-file.js';
import { findConfigFile } from '../../rules/config-discovery.js';
import type { LockType } from '../../events/event.js';
import type { RuleSet } from '../../rules/rule-set.js';
import type { EngineHooks } from '../../engine/hooks.js';
import { ruleOptions, type ConfigArgs } from '../rule-options.js';
import { INPUT_FORMAT_CHOICES, type InputFormatChoice } from '../../events/importers.js';
import { DEFAULT_LIMITS, DEFAULT_MAX_DEPTH, type ValidatorLimits } from '../../engine/validator.js';

/** How traces are checked: the options `check` and `baseline` share. */
export interface TraceCheckArgs extends ConfigArgs {
  maxDepth?: number | undefined;
  maxClasses?: number | undefined;
  maxTasks?: number | undefined;
  maxLocks?: number | undefined;
  inputFormat?: InputFormatChoice | undefined;
  jobs?: number | undefined;
}

export interface CheckArgs extends TraceCheckArgs, ReportArgs, GateArgs, ProgressArgs {
  trace: string[];
}

/** 1. Option declarations. */
export function checkOptions(y: Argv): Argv<CheckArgs> {
  return gateOptions(reportOptions(progressOption(traceCheckOptions(y))))
    .positional('trace', {
      describe: 'trace file(s) to check: spec JSONL (docs/trace-format.md), ftrace / trace-cmd text, perf script output, STD, a kernel\'s /proc/lockdep or a kernel console log (docs/importers.md); "-" reads stdin',
      type: 'string',
      array: true,
      demandOption: true,
    })
    .example('$0 check examples/abba.jsonl', 'check one trace; exit 1 on a finding')
    .example('$0 check --input-format ftrace trace.txt', 'check a kernel ftrace dump of the lock tracepoints')
    .example('perf script | $0 check -', 'check perf script output of the lock tracepoints (detected)')
    .example('$0 check --rules rules/kvm-locking.yaml trace.jsonl', 'also enforce documented locking rules')
    .example('$0 check --rules rules/kvm-locking.yaml lockdep.txt', 'check a kernel\'s /proc/lockdep graph (detected) against documented rules')
    .example('$0 check run1.jsonl run2.jsonl', 'check two traces, each from an empty graph')
    .example('$0 check --format json trace.jsonl > result.json', 'machine-readable result')
    .example('$0 check -f text -f sarif:lockdep.sarif -f html:report.html traces/*.jsonl', 'text on stdout, SARIF and HTML to files')
    .example('$0 check --baseline lockdep-baseline.json --max-warnings 0 traces/*.jsonl', 'CI gate: only new findings fail, no new warnings allowed')
    .example('$0 check --save-graph job1.graph.json trace.jsonl', 'keep a mergeable graph for lockdep merge')
    .example('my-recorder | $0 check -', 'check a trace read from standard input');
}

/** 1a. The options that say how traces are checked (limits, rules, config, input format, jobs). */
export function traceCheckOptions<T>(y: Argv<T>): Argv<T & TraceCheckArgs> {
  return ruleOptions(y
    .option('max-depth', {
      describe: 'held-lock depth limit per task (the kernel\'s MAX_LOCK_DEPTH)',
      type: 'number',
      defaultDescription: String(DEFAULT_MAX_DEPTH),
      requiresArg: true,
    })
    .option('max-classes', {
      describe: 'capacity limit: distinct lock classes per trace; reaching it stops the check with exit 2 (nothing is dropped silently)',
      type: 'number',
      defaultDescription: String(DEFAULT_LIMITS.classes),
      requiresArg: true,
    })
    .option('max-tasks', {
      describe: 'capacity limit: tasks alive at once (a task ends at its exit event); reaching it stops the check with exit 2',
      type: 'number',
      defaultDescription: String(DEFAULT_LIMITS.tasks),
      requiresArg: true,
    })
    .option('max-locks', {
      describe: 'capacity limit: lock instances alive at once (an instance ends at its free event); reaching it stops the check with exit 2',
      type: 'number',
      defaultDescription: String(DEFAULT_LIMITS.locks),
      requiresArg: true,
    }))
    .option('input-format', {
      describe: 'trace format: spec JSONL, Linux ftrace / trace-cmd text or perf script output (lock tracepoints), STD, a kernel\'s /proc/lockdep (+ lockdep_chains, lockdep_stats) graph, or a kernel console log with lockdep reports (dmesg; docs/importers.md)',
      choices: INPUT_FORMAT_CHOICES,
      default: 'auto',
      requiresArg: true,
    })
    .option('jobs', {
      alias: 'j',
      describe: 'threads that check several traces at once (this one and N-1 worker threads)',
      type: 'number',
      requiresArg: true,
      defaultDescription: 'available CPUs',
    });
}

/** 2. Parsed options -> per-file validator options. */
export function checkTraceOptionsFrom(argv: TraceCheckArgs): CheckTraceOptions {
  const options: CheckTraceOptions = {};
  const maxDepth = integerOption(argv.maxDepth, '--max-depth', 1);
  const config = configOf(argv);
  if (maxDepth !== undefined) options.maxDepth = maxDepth;
  else if (config?.maxDepth !== undefined) options.maxDepth = config.maxDepth;
  const limits: Partial<ValidatorLimits> = {};
  const maxClasses = integerOption(argv.maxClasses, '--max-classes', 1);
  const maxTasks = integerOption(argv.maxTasks, '--max-tasks', 1);
  const maxLocks = integerOption(argv.maxLocks, '--max-locks', 1);
  if (maxClasses !== undefined) limits.classes = maxClasses;
  if (maxTasks !== undefined) limits.tasks = maxTasks;
  if (maxLocks !== undefined) limits.locks = maxLocks;
  if (Object.keys(limits).length > 0) options.limits = limits;
  // Class types: the rule files' `classes:` declarations, overridden by the config's `classTypes`.
  const classTypes = new Map<string, LockType>();
  const rules = rulesOf(argv);
  if (rules !== undefined) {
    options.createHooks = () => [rules.createHooks()];
    const undecidable = ruleCode().rulesNeedingAcquisitions(rules.ruleSet);
    if (undecidable.length > 0) options.graphUndecidableRules = undecidable;
    for (const [name, type] of rules.ruleSet.classTypes) classTypes.set(name, type);
  }
  if (argv.inputFormat !== undefined) options.inputFormat = argv.inputFormat;
  for (const [name, type] of config?.classTypes ?? []) classTypes.set(name, type);
  if (classTypes.size > 0) options.classTypes = classTypes;
  options.onInputWarning = (message, origin) => {
    process.stderr.write(`${escapeTerminal(origin.file)}:${origin.line}: warning: ${escapeTerminal(message)}\n`);
  };
  return options;
}

/** `--jobs` as a positive integer, or undefined for the default. */
export function jobsFrom(argv: TraceCheckArgs): number | undefined {
  return integerOption(argv.jobs, '--jobs', 1);
}

/** 4. Parsed options with the config file's CI-gate defaults (`baseline`, `maxWarnings`) filled in. */
export function withConfigGate<T extends ConfigArgs & GateArgs>(argv: T): T {
  const config = configOf(argv);
  const gate = { ...argv };
  if (gate.baseline === undefined && config?.baseline !== undefined) gate.baseline = config.baseline;
  if (gate.maxWarnings === undefined && config?.maxWarnings !== undefined) gate.maxWarnings = config.maxWarnings;
  configs.set(gate, config);
  return gate;
}

/** The config file this run reads, by path: `-c FILE`, none with `--no-config`, else the nearest one found. */
function configFileOf(argv: ConfigArgs): string | undefined {
  if (argv.config === false) return undefined;
  return argv.config ?? findConfigFile();
}

/** Rule files named on the command line. */
function ruleArgsOf(argv: ConfigArgs): string[] {
  return [argv.rules ?? []].flat();
}

/**
 * The config parser and the rule code (zod schemas, the YAML reader, every rule kind): about
 * 100 ms of CPU to load, as much as the rest of a small check's start-up, so loaded by
 * `loadRunConfig` only for a run that has a config file or rule files.
 */
interface RuleCode {
  resolveConfig: typeof import('../../rules/config-file.js').resolveConfig;
  loadRuleFiles: typeof import('../../rules/loader.js').loadRuleFiles;
  createRuleHooks: typeof import('../../rules/rule-hooks.js').createRuleHooks;
  rulesNeedingAcquisitions: typeof import('../../rules/graph-decidability.js').rulesNeedingAcquisitions;
}
let loadedRuleCode: RuleCode | undefined;

/**
 * Loads what `configOf` and `rulesOf` need for this run (nothing without a config file or rule
 * files). Every command that reads the config awaits it first.
 */
export async function loadRunConfig(argv: ConfigArgs): Promise<void> {
  if (loadedRuleCode !== undefined || (configFileOf(argv) === undefined && ruleArgsOf(argv).length === 0)) return;
  const [config, loader, hooks, decidability] = await Promise.all([
    import('../../rules/config-file.js'),
    import('../../rules/loader.js'),
    import('../../rules/rule-hooks.js'),
    import('../../rules/graph-decidability.js'),
  ]);
  loadedRuleCode = {
    resolveConfig: config.resolveConfig,
    loadRuleFiles: loader.loadRuleFiles,
    createRuleHooks: hooks.createRuleHooks,
    rulesNeedingAcquisitions: decidability.rulesNeedingAcquisitions,
  };
}

function ruleCode(): RuleCode {
  if (loadedRuleCode === undefined) throw new Error('the config and rules were read before loadRunConfig(argv) was awaited');
  return loadedRuleCode;
}

/** The config file for this run (`-c FILE`, `--no-config`, or discovery), loaded once per argv. */
const configs = new WeakMap<ConfigArgs, LockdepConfig | undefined>();
export function configOf(argv: ConfigArgs): LockdepConfig | undefined {
  if (!configs.has(argv)) {
    configs.set(argv, configFileOf(argv) === undefined ? undefined : ruleCode().resolveConfig(argv.config));
  }
  return configs.get(argv);
}

/**
 * The rules of this run: the config file's rule files, then `--rules`, loaded once, with the
 * strict-order setting (`--strict-order`, else the config's); undefined when there are none.
 * `createHooks` gives fresh hooks each call (one set per Validator).
 */
export function rulesOf(argv: ConfigArgs): { ruleSet: RuleSet; createHooks: () => EngineHooks } | undefined {
  const config = configOf(argv);
  // A rule file named twice (config and --rules, or twice in the config) is loaded once: its
  // rules would otherwise clash with themselves as duplicate ids.
  const ruleFiles = [...(config?.rules ?? []), ...ruleArgsOf(argv)];
  if (ruleFiles.length === 0) return undefined;
  const { loadRuleFiles, createRuleHooks } = ruleCode();
  const ruleSet = loadRuleFiles(ruleFiles);
  const strictOrder = argv.strictOrder ?? config?.strictOrder ?? false;
  return { ruleSet, createHooks: () => createRuleHooks(ruleSet, { strictOrder }) };
}

/** The rule and config files a run reads: no output may overwrite them either. */
export function configInputsOf(argv: ConfigArgs): string[] {
  const config = configOf(argv);
  return [...ruleArgsOf(argv), ...(config?.rules ?? []), ...(config !== undefined ? [config.file] : [])];
}

function validateTraceList(traces: readonly string[]): void {
  if (traces.length === 0) throw new UsageError('no trace file given (lockdep check <trace...>)');
  if (traces.filter((t) => t === STDIN_PATH).length > 1) {
    throw new UsageError('"-" (standard input) can be given only once');
  }
}

export async function runCheck(commandLine: CheckArgs): Promise<void> {
  validateTraceList(commandLine.trace);
  await loadRunConfig(commandLine);
  const argv = withConfigGate(commandLine);
  const prepared = prepareOutputs(argv, [...argv.trace, ...configInputsOf(argv)]);
  const options = checkTraceOptionsFrom(argv);
  const jobs = jobsFrom(argv);

  const sizes = await traceSizes(argv.trace);
  const progress = progressEnabled(process.stderr, process.env, argv.progress !== false)
    ? new ProgressLine(process.stderr, sizes)
    : null;
  const outcomes = await checkTraces(argv.trace, {
    traceOptions: options,
    args: argv,
    snapshots: prepared.needsGraph,
    progress,
    sizes,
    ...(jobs !== undefined ? { jobs } : {}),
  }).finally(() => progress?.clear());
  const result = combineResults(outcomes, { name: TOOL_NAME, version: TOOL_VERSION });
  const snapshot = prepared.needsGraph
    ? (await import('../saved-graph.js')).combineSnapshots(outcomes.flatMap(({ snapshot: s }) => (s ? [s] : [])))
    : null;

  process.exitCode = await finishRun(result, argv, { prepared, snapshot });
}

export const checkCommand: CommandModule<object, CheckArgs> = {
  builder: (y) => checkOptions(y),
  handler: (argv) => runCheck(argv),
};
