/**
 * `lockdep rules lint <file...>`: validate rule files (together, as `check --rules` would load
 * them) and print their documented lock order as Graphviz DOT on stdout; stderr says which
 * kernels each file's names are for and the class aliases. With `--names FILE`, every class the
 * rules name that FILE (a kernel's /proc/lockdep or console log, a trace, or a list) never
 * printed is a warning with the nearest printed name; warnings do not change the exit code.
 * `lockdep rules schema`: print the JSON Schema of rule files.
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

export const rulesCommand: CommandModule<object, object> = {
  builder: (y) =>
    (y as Argv)
      .command(lintCommand)
      .command(schemaCommand)
      .demandCommand(1, 'no rules subcommand given (try "lockdep rules lint FILE")')
      .example('$0 rules lint rules/kvm-locking.yaml', 'validate a rule file and print its lock order as DOT')
      .example('$0 rules schema', 'the JSON Schema of rule files'),
  handler: () => undefined,
};
