/**
 * `lockdep rules lint <file...>`: validate rule files (together, as `check --rules` would load
 * them) and print their documented lock order as Graphviz DOT on stdout.
 * `lockdep rules schema`: print the JSON Schema of rule files.
 * Invariants: any problem is one `file:line:col: ...` line on stderr and exit 2 (InputError,
 * handled by main.ts); nothing is printed on stdout unless every file is valid.
 */
import type { Argv, CommandModule } from 'yargs';
import { loadRuleFiles } from '../../rules/loader.js';
import { rulesJsonSchemaText } from '../../rules/json-schema.js';
import { renderOrderDot } from '../../report/order-dot.js';
import { UsageError } from '../usage-error.js';

interface LintArgs {
  file: string[];
  quiet?: boolean | undefined;
}

export function runRulesLint(argv: LintArgs): void {
  if (argv.file.length === 0) throw new UsageError('no rule file given (lockdep rules lint <file...>)');
  const ruleSet = loadRuleFiles(argv.file);
  if (argv.quiet !== true) process.stdout.write(renderOrderDot(ruleSet.order));
  const active = ruleSet.activeRules.length;
  const off = ruleSet.rules.length - active;
  process.stderr.write(
    `${argv.file.join(', ')}: ${ruleSet.rules.length} rule(s) valid${off > 0 ? ` (${off} off)` : ''}, ` +
      `${ruleSet.order.edges.length} documented order pair(s), no cycle\n`,
  );
  process.exitCode = 0;
}

const lintCommand: CommandModule<object, LintArgs> = {
  command: 'lint <file...>',
  describe: 'validate rule files and print their lock order as DOT',
  builder: (y) =>
    (y as Argv)
      .positional('file', { describe: 'rule file(s) (YAML)', type: 'string', array: true, demandOption: true })
      .option('quiet', { alias: 'q', describe: 'validate only; print no DOT', type: 'boolean' })
      .example('$0 rules lint rules/kvm-locking.yaml', 'validate and print the order graph')
      .example('$0 rules lint rules/kvm-locking.yaml | dot -Tsvg > order.svg', 'render the order'),
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
  command: 'rules <command>',
  describe: 'work with rule files (lint, schema)',
  builder: (y) =>
    (y as Argv)
      .command(lintCommand)
      .command(schemaCommand)
      .demandCommand(1, 'no rules subcommand given (try "lockdep rules lint FILE")')
      .example('$0 rules lint rules/kvm-locking.yaml', 'validate a rule file and print its lock order as DOT')
      .example('$0 rules schema', 'the JSON Schema of rule files'),
  handler: () => undefined,
};
