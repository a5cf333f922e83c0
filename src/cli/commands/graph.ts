/**
 * `lockdep graph <command> <input...>`: questions to the dependency graph of traces or saved
 * graphs (src/graph/): `why A B` (the shortest path that makes A come before B, strong-path
 * aware), `cycles` (every strongly connected component with a witness cycle and its strength),
 * `hierarchy` (the observed order as levels; `-f yaml` as order rules), `diff BEFORE AFTER`
 * (what a change added; `--fail-on-new PATTERN` gates it) and `stats`. Every subcommand takes
 * `-f FORMAT[:FILE]` (repeatable) and `-o FILE` like `check`.
 * Invariants: outputs are validated before any input is read and written atomically; the exit
 * code is 0 (an answer, "no path" and "cycles found" included), 1 only when `diff
 * --fail-on-new` matches a new dependency, 2 for usage and input errors.
 */
import type { Argv, CommandModule } from 'yargs';
import { toGraphology } from '../../engine/class-graph.js';
import { INPUT_FORMAT_CHOICES, type InputFormatChoice } from '../../events/importers.js';
import { findCycles } from '../../graph/cycles.js';
import { cyclesPrinter } from '../../graph/cycles-printer.js';
import { parseDependencyPattern } from '../../graph/dependency-pattern.js';
import { diffPrinter } from '../../graph/diff-printer.js';
import { diffGraphs } from '../../graph/graph-diff.js';
import { COMMON_GRAPH_FORMATS, renderGraphAnswer, type GraphAnswerPrinter } from '../../graph/graph-formats.js';
import { graphStats } from '../../graph/graph-stats.js';
import { lockHierarchy } from '../../graph/hierarchy.js';
import { hierarchyPrinter } from '../../graph/hierarchy-printer.js';
import { indexGraph, type IndexedGraph } from '../../graph/indexed-graph.js';
import { statsPrinter } from '../../graph/stats-printer.js';
import { explainDependency } from '../../graph/why.js';
import { whyPrinter } from '../../graph/why-printer.js';
import { EXIT_CLEAN, EXIT_VIOLATIONS } from '../exit-code.js';
import { loadGraphInputs } from '../graph-input.js';
import { writeAnswer } from '../answer-outputs.js';
import { formatOptions } from '../report-options.js';
import { UsageError } from '../usage-error.js';

export interface GraphOutputArgs {
  format?: string[] | undefined;
  output?: string | undefined;
  inputFormat?: InputFormatChoice | undefined;
}

interface InputsArgs extends GraphOutputArgs {
  input: string[];
}

interface WhyArgs extends InputsArgs {
  from: string;
  to: string;
}

interface DiffArgs extends GraphOutputArgs {
  before: string;
  after: string;
  failOnNew?: string[] | undefined;
}

const INPUT_DESCRIPTION = 'trace files of any format (docs/importers.md) or graphs saved by lockdep check --save-graph; several are merged; "-" reads a trace from stdin';

export function outputOptions<T>(y: Argv<T>, formats: readonly string[]): Argv<T & GraphOutputArgs> {
  return formatOptions(y, formats.join(', '))
    .option('input-format', {
      describe: 'format of trace inputs (saved graphs are recognised by their content)',
      choices: INPUT_FORMAT_CHOICES,
      default: 'auto',
      requiresArg: true,
    });
}

/**
 * Validates the outputs before any input is read, then asks (`ask` loads what it needs and
 * answers), renders every target with the answer's printer, writes the files atomically and
 * then stdout (answer-outputs.ts).
 */
export async function answer<T>(
  args: GraphOutputArgs,
  inputs: readonly string[],
  formats: readonly string[],
  ask: () => Promise<{ result: T; printer: GraphAnswerPrinter<T> }>,
): Promise<T> {
  const { result } = await writeAnswer(args, inputs, { known: formats }, ask, (format, { result, printer }) => renderGraphAnswer(format, result, printer));
  return result;
}

/** The indexed graph of the inputs (merged), and their chain count when known. */
async function graphOf(inputs: readonly string[], args: GraphOutputArgs): Promise<{ graph: IndexedGraph; chains: number | null }> {
  const { snapshot, chains } = await loadGraphInputs(inputs, { inputFormat: args.inputFormat });
  return { graph: indexGraph(toGraphology(snapshot)), chains };
}

/** A class that must be in the graph, with a hint when it is not. */
function requireClass(graph: IndexedGraph, name: string): void {
  if (graph.indexOf.has(name)) return;
  const lower = name.toLowerCase();
  const similar = graph.names.filter((candidate) => candidate.toLowerCase().includes(lower) || lower.includes(candidate.toLowerCase())).slice(0, 3);
  const hint = similar.length > 0 ? `did you mean ${similar.map((candidate) => `'${candidate}'`).join(' or ')}?` : 'class names are exact; lockdep graph hierarchy lists every class';
  throw new UsageError(`class '${name}' is not in the graph (${graph.names.length} classes); ${hint}`);
}

const COMMON_FORMATS: readonly string[] = COMMON_GRAPH_FORMATS;
/** `hierarchy` also writes rules (hierarchy-printer.ts's extra format). */
const HIERARCHY_FORMATS = [...COMMON_GRAPH_FORMATS, 'yaml'];

const whyCommand: CommandModule<object, WhyArgs> = {
  command: 'why <from> <to> <input...>',
  describe: 'the shortest dependency path from class FROM to class TO, with the witness of each step',
  builder: (y) => outputOptions((y as Argv)
    .positional('from', { describe: 'the outer class', type: 'string', demandOption: true })
    .positional('to', { describe: 'the inner class', type: 'string', demandOption: true })
    .positional('input', { describe: INPUT_DESCRIPTION, type: 'string', array: true, demandOption: true }), COMMON_FORMATS)
    .example("$0 graph why '&pool->lock' '&cache->lock' examples/abba.jsonl", 'why is pool->lock taken before cache->lock?'),
  handler: async (argv) => {
    await answer(argv, argv.input, COMMON_FORMATS, async () => {
      const { graph } = await graphOf(argv.input, argv);
      requireClass(graph, argv.from);
      requireClass(graph, argv.to);
      return { result: explainDependency(graph, argv.from, argv.to), printer: whyPrinter };
    });
    process.exitCode = EXIT_CLEAN;
  },
};

/** A subcommand that answers one question about the merged graph of its inputs. */
function inputsCommand<T>(spec: {
  name: string;
  describe: string;
  formats: readonly string[];
  examples: ReadonlyArray<readonly [string, string]>;
  ask: (graph: IndexedGraph, chains: number | null) => { result: T; printer: GraphAnswerPrinter<T> };
}): CommandModule<object, InputsArgs> {
  return {
    command: `${spec.name} <input...>`,
    describe: spec.describe,
    builder: (y) => {
      const withOptions = outputOptions((y as Argv).positional('input', { describe: INPUT_DESCRIPTION, type: 'string', array: true, demandOption: true }), spec.formats);
      for (const [command, meaning] of spec.examples) withOptions.example(command, meaning);
      return withOptions;
    },
    handler: async (argv) => {
      await answer(argv, argv.input, spec.formats, async () => {
        const { graph, chains } = await graphOf(argv.input, argv);
        return spec.ask(graph, chains);
      });
      process.exitCode = EXIT_CLEAN;
    },
  };
}

const cyclesCommand = inputsCommand({
  name: 'cycles',
  describe: 'every strongly connected component with a shortest witness cycle and its strength',
  formats: COMMON_FORMATS,
  examples: [['$0 graph cycles -f json examples/abba.jsonl', '{"cycles": [...]}, one entry per component']],
  ask: (graph) => ({ result: findCycles(graph), printer: cyclesPrinter(graph) }),
});

const hierarchyCommand = inputsCommand({
  name: 'hierarchy',
  describe: 'the lock order the code follows, as levels; -f yaml writes it as order rules',
  formats: HIERARCHY_FORMATS,
  examples: [
    ['$0 graph hierarchy examples/kvm/kvm-2021.jsonl', 'levels, outermost first'],
    ['$0 graph hierarchy -f yaml -o observed.yaml trace.jsonl', 'order rules for lockdep rules lint / check --rules'],
  ],
  ask: (graph) => ({ result: lockHierarchy(graph), printer: hierarchyPrinter(graph) }),
});

const statsCommand = inputsCommand({
  name: 'stats',
  describe: 'classes, dependencies, irq usage, degree extremes, cycles and the longest chain',
  formats: COMMON_FORMATS,
  examples: [['$0 graph stats examples/kvm/kvm-2021.jsonl', '/proc/lockdep_stats-style figures']],
  ask: (graph, chains) => ({ result: graphStats(graph, chains), printer: statsPrinter(graph) }),
});

const diffCommand: CommandModule<object, DiffArgs> = {
  command: 'diff <before> <after>',
  describe: 'classes and dependencies added and removed between two graphs (traces or saved graphs)',
  builder: (y) => outputOptions((y as Argv)
    .positional('before', { describe: 'the graph before the change (trace or saved graph)', type: 'string', demandOption: true })
    .positional('after', { describe: 'the graph after the change (trace or saved graph)', type: 'string', demandOption: true })
    .option('fail-on-new', {
      describe: 'exit 1 when a new or widened dependency matches PATTERN: "OUTER -> INNER" or one class, * as wildcard; repeatable',
      type: 'string',
      array: true,
      nargs: 1,
      requiresArg: true,
    }), COMMON_FORMATS)
    .example('$0 graph diff main.graph.json pr.graph.json -f markdown', 'what lock order does this change add?')
    .example("$0 graph diff before.jsonl after.jsonl --fail-on-new '*'", 'fail on any new dependency')
    .example("$0 graph diff a.json b.json --fail-on-new '&kvm->* -> *'", 'fail on new dependencies out of kvm locks'),
  handler: async (argv) => {
    const patterns = (argv.failOnNew ?? []).map((text) => {
      if (text.trim() === '') throw new UsageError('--fail-on-new needs a pattern ("OUTER -> INNER", one class, or *)');
      return parseDependencyPattern(text);
    });
    const diff = await answer(argv, [argv.before, argv.after], COMMON_FORMATS, async () => {
      const { snapshot: before } = await loadGraphInputs([argv.before], { inputFormat: argv.inputFormat });
      const { snapshot: after } = await loadGraphInputs([argv.after], { inputFormat: argv.inputFormat });
      return { result: diffGraphs(before, after, patterns), printer: diffPrinter };
    });
    process.exitCode = diff.failing.length > 0 ? EXIT_VIOLATIONS : EXIT_CLEAN;
  },
};

export const graphCommand: CommandModule<object, object> = {
  builder: (y) =>
    (y as Argv)
      .command(whyCommand)
      .command(cyclesCommand)
      .command(hierarchyCommand)
      .command(diffCommand)
      .command(statsCommand)
      .demandCommand(1, 'no graph subcommand given (try "lockdep graph cycles TRACE")')
      .example("$0 graph why '&kvm->slots_lock' '&kvm->mmu_lock' examples/kvm/kvm-2021.jsonl", 'the path that makes one class come before another')
      .example('$0 graph cycles examples/kvm/kvm-2021.jsonl', 'every cycle, not only the first'),
  handler: () => undefined,
};
