/**
 * The reporting and gating half of `check`, `report` and `merge`: the shared option
 * declarations (`-f FORMAT[:file]`, `-o`, `--color`, `--baseline`, `--strict-baseline`,
 * `--prune-baseline`, `--max-warnings`, `--exit-zero`, `--save-graph`, `--progress`) and the
 * pipeline that runs after a result exists: apply the baseline (report stale entries, prune),
 * save the graph, write every report, compute the exit code. Invariants: output targets (and
 * their directories) are validated before any work starts (`prepareOutputs`), so a bad `-f`
 * never costs a long check; every output is rendered and written to its temporary before any
 * file is replaced, and a pruned baseline is replaced last, so a failed write never leaves a
 * half-applied run; nothing but reports goes to stdout, and only once every file is in place;
 * the exit code follows exit-code.ts.
 */
import { escapeTerminal } from '../report/escape.js';
import type { Argv } from 'yargs';
import type { CheckResult } from '../engine/result.js';
import type { GraphSnapshot } from '../engine/snapshot.js';
import { colorEnabled } from '../report/color.js';
import { FORMAT_NAMES, REPORT_FORMATS, renderReport } from '../report/registry.js';
import { writeFilesAtomic, type FileContent } from '../io/atomic-write.js';
import { exitCodeFor, type ExitCode } from './exit-code.js';
import { checkOutputFile, parseOutputTargets, renderOutputs, type OutputTarget } from './output.js';
import { integerOption, UsageError } from './usage-error.js';

export interface ReportArgs {
  format?: string[] | undefined;
  output?: string | undefined;
  color?: boolean | undefined;
  saveGraph?: string | undefined;
}

export interface GateArgs {
  baseline?: string | undefined;
  strictBaseline?: boolean | undefined;
  pruneBaseline?: boolean | undefined;
  maxWarnings?: number | undefined;
  exitZero?: boolean | undefined;
}

const FORMAT_LIST = [...REPORT_FORMATS.values()].map((format) => format.name).join(', ');

/** `-f FORMAT[:FILE]` (repeatable; `formats` lists the names for the help) and `-o FILE`. */
export function formatOptions<T>(y: Argv<T>, formats: string): Argv<T & { format?: string[] | undefined; output?: string | undefined }> {
  return y
    .option('format', {
      alias: 'f',
      describe: `output format, optionally with a file: FORMAT[:FILE]; repeatable (${formats})`,
      type: 'string',
      array: true,
      // one value per -f: without this, `--format json trace.jsonl` swallows the trace name
      nargs: 1,
      requiresArg: true,
      defaultDescription: 'text',
    })
    .option('output', {
      alias: 'o',
      describe: 'write the formats given without :FILE to this file instead of stdout (atomically)',
      type: 'string',
      requiresArg: true,
    });
}

/** `-f`, `-o`, `--color`, `--save-graph`. */
export function reportOptions<T>(y: Argv<T>): Argv<T & ReportArgs> {
  return formatOptions(y, FORMAT_LIST)
    .option('color', {
      describe: 'color the text report (default: only on a TTY; honors NO_COLOR and FORCE_COLOR)',
      type: 'boolean',
    })
    .option('save-graph', {
      describe: 'write the mergeable dependency graph and the findings to FILE (for lockdep merge / report)',
      type: 'string',
      requiresArg: true,
    });
}

/** `--baseline`, `--strict-baseline`, `--prune-baseline`, `--max-warnings`, `--exit-zero`. */
export function gateOptions<T>(y: Argv<T>): Argv<T & GateArgs> {
  return y
    .option('baseline', {
      describe: 'known findings (written by lockdep baseline): they are reported as baselined and do not fail the run',
      type: 'string',
      requiresArg: true,
    })
    .option('strict-baseline', {
      describe: 'fail (exit 1) when the baseline has stale entries that match no finding',
      type: 'boolean',
    })
    .option('prune-baseline', {
      describe: 'rewrite the --baseline file without its stale entries',
      type: 'boolean',
    })
    .option('max-warnings', {
      describe: 'fail (exit 1) when more than N warning-severity findings remain (baselined ones do not count)',
      type: 'number',
      requiresArg: true,
    })
    .option('exit-zero', {
      describe: 'exit 0 even when findings fail the run (input and usage errors still exit 2)',
      type: 'boolean',
    });
}

export interface PreparedOutputs {
  targets: OutputTarget[];
  /** Some target draws the dependency graph (collect snapshots). */
  needsGraph: boolean;
}

/** Validates `-f`/`-o`/`--save-graph`/gate options before any work starts. */
export function prepareOutputs(args: ReportArgs & GateArgs, inputs: readonly string[]): PreparedOutputs {
  integerOption(args.maxWarnings, '--max-warnings', 0);
  if ((args.pruneBaseline === true || args.strictBaseline === true) && args.baseline === undefined) {
    throw new UsageError(`--${args.pruneBaseline === true ? 'prune' : 'strict'}-baseline needs --baseline FILE`);
  }
  const allInputs = [...inputs, ...(args.baseline !== undefined ? [args.baseline] : [])];
  const targets = parseOutputTargets({ formats: args.format ?? [], output: args.output, inputs: allInputs, known: FORMAT_NAMES });
  if (args.saveGraph !== undefined) {
    if (args.saveGraph === '' || args.saveGraph === '-') throw new UsageError('--save-graph needs a file name');
    const withGraph = [...targets.map((target) => `${target.format}:${target.file ?? '-'}`), `json:${args.saveGraph}`];
    // The same rules (no input overwritten, no two writers of one file) for the graph file.
    parseOutputTargets({ formats: withGraph, output: undefined, inputs: allInputs, known: FORMAT_NAMES });
  }
  if (args.pruneBaseline === true && args.baseline !== undefined) checkOutputFile(args.baseline, 'pruned baseline', inputs);
  const needsGraph = args.saveGraph !== undefined || targets.some((target) => REPORT_FORMATS.get(target.format)?.graph === true);
  return { targets, needsGraph };
}

export interface FinishContext {
  prepared: PreparedOutputs;
  snapshot: GraphSnapshot | null;
  stderr?: (text: string) => void;
  stdout?: (text: string) => void;
  env?: Readonly<Record<string, string | undefined>>;
  stdoutStream?: { isTTY?: boolean };
}

/**
 * Baseline, graph file, reports, exit code. Returns the exit code (the caller sets it). Every
 * file is written through `writeFilesAtomic`: temporaries first, then the renames, the pruned
 * baseline last; stdout reports follow once the files are in place.
 */
export async function finishRun(result: CheckResult, args: ReportArgs & GateArgs, context: FinishContext): Promise<ExitCode> {
  const stderr = context.stderr ?? ((text: string) => { process.stderr.write(text); });
  const stdout = context.stdout ?? ((text: string) => { process.stdout.write(text); });
  let gated = result;
  let staleCount = 0;
  let prunedBaseline: (FileContent & { removed: number }) | null = null;
  if (args.baseline !== undefined) {
    // Loaded only for a run with a baseline (the baseline file's schema is zod's).
    const [{ applyBaseline, describeStale, pruneBaseline }, { entryLine, readBaseline, serializeBaseline }] = await Promise.all([
      import('../baseline/apply-baseline.js'),
      import('../baseline/baseline-file.js'),
    ]);
    const { baseline, text } = await readBaseline(args.baseline);
    const outcome = applyBaseline(result, baseline);
    gated = outcome.result;
    staleCount = outcome.stale.length;
    if (args.pruneBaseline === true) {
      if (outcome.stale.length > 0) {
        const content = serializeBaseline(pruneBaseline(baseline, outcome.stale));
        prunedBaseline = { file: args.baseline, content, removed: outcome.stale.length };
      }
      staleCount = 0;
    } else {
      for (const line of describeStale(args.baseline, text, outcome.stale, entryLine)) stderr(`${escapeTerminal(line)}\n`);
    }
  }
  const env = context.env ?? process.env;
  const color = colorEnabled(context.stdoutStream ?? process.stdout, env, args.color);
  const outputs = await renderOutputs(
    context.prepared.targets,
    (target) => renderReport(target.format, gated, { snapshot: context.snapshot, color: target.file === null && color }),
  );
  const files = [...outputs.files];
  if (args.saveGraph !== undefined) {
    if (context.snapshot === null) throw new Error('--save-graph: no graph snapshot was collected');
    const { serializeSavedGraph } = await import('./saved-graph.js');
    files.push({ file: args.saveGraph, content: serializeSavedGraph(context.snapshot, gated) });
  }
  if (prunedBaseline !== null) files.push(prunedBaseline);
  await writeFilesAtomic(files);
  if (prunedBaseline !== null) {
    const { removed, file } = prunedBaseline;
    stderr(`lockdep: removed ${removed} stale entr${removed === 1 ? 'y' : 'ies'} from ${escapeTerminal(file)}\n`);
  }
  for (const text of outputs.stdout) stdout(text);
  return exitCodeFor(gated, {
    ...(args.maxWarnings !== undefined ? { maxWarnings: args.maxWarnings } : {}),
    exitZero: args.exitZero === true,
    strictBaseline: args.strictBaseline === true,
    staleBaselineEntries: staleCount,
  });
}

export interface ProgressArgs {
  progress?: boolean | undefined;
}

/** `--no-progress`. */
export function progressOption<T>(y: Argv<T>): Argv<T & ProgressArgs> {
  return y
    .option('progress', {
      describe: 'progress on stderr (only on a TTY and when CI is unset); --no-progress turns it off',
      type: 'boolean',
      default: true,
    });
}
