/**
 * `lockdep rules lint <file...>`: validate rule files (together, as `check --rules` would load
 * them) and print their documented lock order as Graphviz DOT on stdout; stderr says which
 * kernels each file's names are for and the class aliases. With `--names FILE`, every class the
 * rules name that FILE (a kernel's /proc/lockdep or console log, a trace, or a list) never
 * printed is a warning with the nearest printed name; warnings do not change the exit code.
 * `lockdep rules schema`: print the JSON Schema of rule files.
 * `lockdep rules diff --rules FILE <input...>`: each documented rule's status on the inputs
 * (violated, followed, never exercised, not decidable) and the observed orders no rule documents
 * (src/graph/rules-diff.ts), in the `graph` commands' formats; exit 1 only when a `--fail-on`
 * gate fails.
 * Invariants: any problem is one `file:line:col: ...` line on stderr and exit 2 (InputError,
 * handled by main.ts); nothing is printed on stdout unless every file is valid.
 */
import type { Argv, CommandModule } from 'yargs';
import { loadRuleFiles } from '../../rules/loader.js';
import { rulesJsonSchemaText } from '../../rules/json-schema.js';
import { renderOrderDot } from '../../report/order-dot.js';
import type { RuleSet } from '../../rules/rule-set.js';
import { unprintedClasses } from '../../rules/unprinted-classes.js';
import { readPrintedClassNames } from '../printed-names.js';
import { UsageError } from '../usage-error.js';
import { diffRulesOnInputs, type RulesDiffSource } from '../../check/rules-diff-run.js';
import { looksLikeSavedGraph } from '../graph-input.js';
import { readSavedGraph } from '../saved-graph.js';
import { COMMON_GRAPH_FORMATS } from '../../graph/graph-formats.js';
import { RULES_DIFF_GATES, type RulesDiffGate } from '../../graph/rules-diff.js';
import { rulesDiffPrinter } from '../../graph/rules-diff-printer.js';
import { escapeTerminal } from '../../report/escape.js';
import { EXIT_CLEAN, EXIT_VIOLATIONS } from '../exit-code.js';
import { answer, outputOptions, type GraphOutputArgs } from './graph.js';

interface LintArgs {
  file: string[];
  quiet?: boolean | undefined;
  names?: string | undefined;
}

/** The `kernels:` of each file and the class aliases, one stderr line each. */
function namingLines(ruleSet: RuleSet): string[] {
  const lines = [...ruleSet.kernelsByFile].map(([file, kernels]) => `${file}: class names for ${kernels}`);
  const aliasesOf = new Map<string, string[]>();
  for (const [alias, name] of ruleSet.classAliases) aliasesOf.set(name, [...(aliasesOf.get(name) ?? []), alias]);
  for (const [name, aliases] of aliasesOf) lines.push(`class ${JSON.stringify(name)} also matches ${aliases.map((alias) => JSON.stringify(alias)).join(', ')}`);
  return lines;
}

/** Warnings for the classes the rules name that `namesFile` never printed. */
async function unprintedLines(ruleSet: RuleSet, namesFile: string): Promise<string[]> {
  const printed = await readPrintedClassNames(namesFile);
  return unprintedClasses(ruleSet, printed).map(
    (missing) =>
      `${missing.where}: warning: class ${JSON.stringify(missing.name)} is never printed in ${namesFile}` +
      (missing.nearest === undefined ? '' : ` (did you mean ${JSON.stringify(missing.nearest)}?)`),
  );
}

export async function runRulesLint(argv: LintArgs): Promise<void> {
  if (argv.file.length === 0) throw new UsageError('no rule file given (lockdep rules lint <file...>)');
  const ruleSet = loadRuleFiles(argv.file);
  const warnings = argv.names === undefined ? [] : await unprintedLines(ruleSet, argv.names);
  if (argv.quiet !== true) process.stdout.write(renderOrderDot(ruleSet.order));
  const active = ruleSet.activeRules.length;
  const off = ruleSet.rules.length - active;
  const lines = [
    `${argv.file.join(', ')}: ${ruleSet.rules.length} rule(s) valid${off > 0 ? ` (${off} off)` : ''}, ` +
      `${ruleSet.order.edges.length} documented order pair(s), no cycle`,
    ...namingLines(ruleSet),
    ...warnings,
  ];
  if (argv.names !== undefined && warnings.length === 0) lines.push(`every class the rules name is printed in ${argv.names}`);
  process.stderr.write(`${lines.join('\n')}\n`);
  process.exitCode = 0;
}

const lintCommand: CommandModule<object, LintArgs> = {
  command: 'lint <file...>',
  describe: 'validate rule files and print their lock order as DOT',
  builder: (y) =>
    (y as Argv)
      .positional('file', { describe: 'rule file(s) (YAML)', type: 'string', array: true, demandOption: true })
      .option('quiet', { alias: 'q', describe: 'validate only; print no DOT', type: 'boolean' })
      .option('names', {
        describe: 'warn about classes never printed in FILE: /proc/lockdep, a kernel console log, a trace, or one class name a line',
        type: 'string',
        requiresArg: true,
      })
      .example('$0 rules lint rules/kvm-locking.yaml', 'validate and print the order graph')
      .example('$0 rules lint rules/kvm-locking.yaml | dot -Tsvg > order.svg', 'render the order')
      .example('$0 rules lint -q rules/kvm-locking.yaml --names /proc/lockdep', 'are the class names the ones this kernel prints?'),
  handler: (argv) => runRulesLint(argv),
};

const schemaCommand: CommandModule<object, object> = {
  command: 'schema',
  describe: 'print the JSON Schema of rule files',
  builder: (y) =>
    (y as Argv).example('$0 rules schema > lockdep-rules.schema.json', 'for editor completion and validation of rule files'),
  handler: () => {
    process.stdout.write(rulesJsonSchemaText());
  },
};

interface DiffArgs extends GraphOutputArgs {
  rules?: string[] | undefined;
  input: string[];
  all?: boolean | undefined;
  failOn?: RulesDiffGate[] | undefined;
}

export async function runRulesDiff(argv: DiffArgs): Promise<void> {
  const ruleFiles = argv.rules ?? [];
  if (ruleFiles.length === 0) throw new UsageError('no rule file given (lockdep rules diff --rules FILE <input...>)');
  const diff = await answer(argv, [...argv.input, ...ruleFiles], COMMON_GRAPH_FORMATS, async () => {
    const ruleSet = loadRuleFiles(ruleFiles);
    const sources: RulesDiffSource[] = [];
    for (const file of argv.input) sources.push((await looksLikeSavedGraph(file)) ? { file, savedGraph: (await readSavedGraph(file)).snapshot } : { file });
    const result = await diffRulesOnInputs(ruleSet, sources, {
      inputFormat: argv.inputFormat,
      all: argv.all,
      failOn: argv.failOn,
      onInputWarning: (message, origin) => {
        process.stderr.write(`${escapeTerminal(origin.file)}:${origin.line}: warning: ${escapeTerminal(message)}\n`);
      },
    });
    return { result, printer: rulesDiffPrinter };
  });
  process.exitCode = diff.failing.length > 0 ? EXIT_VIOLATIONS : EXIT_CLEAN;
}

const diffCommand: CommandModule<object, DiffArgs> = {
  command: 'diff <input...>',
  describe: 'documented rules against what runs: followed, violated, never exercised; and undocumented orders',
  builder: (y) =>
    outputOptions((y as Argv)
      .positional('input', {
        describe: 'traces of any format lockdep check reads (JSONL, ftrace, perf, STD, /proc/lockdep, console logs) or graphs saved by check --save-graph; "-" reads a trace from stdin',
        type: 'string',
        array: true,
        demandOption: true,
      })
      .option('rules', { describe: 'rule file (YAML); repeat for more files', type: 'string', array: true, nargs: 1, requiresArg: true })
      .option('all', { describe: 'list undocumented orders between any classes, not only those the rules name', type: 'boolean' })
      .option('fail-on', {
        describe: 'exit 1 when a rule is violated, a rule is never exercised, or an order is undocumented; repeatable',
        choices: RULES_DIFF_GATES,
        array: true,
        nargs: 1,
        requiresArg: true,
      }), COMMON_GRAPH_FORMATS)
      .example('$0 rules diff --rules rules/kvm-2021.yaml examples/kvm/kvm-2021.jsonl', 'each rule: followed, violated or never exercised')
      .example('$0 rules diff --rules rules/kvm-locking.yaml lockdep.txt -f markdown -o rules.md', 'against a kernel\'s /proc/lockdep, as a PR comment')
      .example('$0 rules diff --rules rules.yaml --fail-on violated --fail-on undocumented traces/*.jsonl', 'a CI gate on the documentation'),
  handler: (argv) => runRulesDiff(argv),
};

export const rulesCommand: CommandModule<object, object> = {
  builder: (y) =>
    (y as Argv)
      .command(lintCommand)
      .command(schemaCommand)
      .command(diffCommand)
      .demandCommand(1, 'no rules subcommand given (try "lockdep rules lint FILE")')
      .example('$0 rules lint rules/kvm-locking.yaml', 'validate a rule file and print its lock order as DOT')
      .example('$0 rules schema', 'the JSON Schema of rule files')
      .example('$0 rules diff --rules rules/kvm-2021.yaml examples/kvm/kvm-2021.jsonl', 'which documented rules the trace follows, violates or never exercises'),
  handler: () => undefined,
};
