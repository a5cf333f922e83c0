/**
 * The `lockdep` command line as a function: yargs setup, the subcommand registry, and top-level
 * error handling. `runLockdep(argv)` parses and runs one command line and resolves to its exit
 * status without ending the process, so the tests run the CLI in-process (output goes to
 * process.stdout/stderr, help and version included). Invariants: usage errors, configuration errors and input errors
 * print one line on stderr and give exit 2 with no stack trace (`--debug` adds the stack);
 * commands set their status through `process.exitCode`, which `runLockdep` reads and restores,
 * never through `process.exit()`; subcommands come only from commands/index.ts.
 */
import yargs, { type CommandModule } from 'yargs';
import { InputError } from '../io/input-error.js';
import { escapeTerminal } from '../report/escape.js';
import { commands } from './commands/index.js';
import { EXIT_USAGE } from './exit-code.js';
import { TOOL_VERSION } from '../io/package-info.js';
import { UsageError } from './usage-error.js';

const DEBUG_FLAG = '--debug';

/**
 * yargs drops a lone `-` from positional arrays (`check -` would see no trace), so `-` is
 * swapped for this token before parsing and swapped back by middleware before any handler
 * runs. A NUL cannot occur in a real file name, so the token never collides with one.
 */
const STDIN_TOKEN = '\u0000stdin';

function hideStdinDash(argv: readonly string[]): string[] {
  return argv.map((arg) => (arg === '-' ? STDIN_TOKEN : arg));
}

function restoreStdinDash(value: unknown): unknown {
  if (value === STDIN_TOKEN) return '-';
  if (Array.isArray(value)) return value.map(restoreStdinDash);
  return value;
}

/**
 * One terminal-safe line: line breaks folded (to a space after a colon, else to `; `), control
 * characters shown as escapes.
 */
function oneLine(text: string): string {
  return escapeTerminal(text.replace(/:\s*\n\s*/g, ': ').replace(/\s*\n\s*/g, '; ').trim());
}

/** The one line printed for an error (no trailing newline). */
export function errorLine(error: unknown): string {
  if (error instanceof InputError) return oneLine(error.toString());
  if (error instanceof UsageError) return `lockdep: ${oneLine(error.message)} (see lockdep --help)`;
  const message = error instanceof Error ? error.message : String(error);
  return `lockdep: internal error: ${oneLine(message)} (rerun with ${DEBUG_FLAG} for the stack trace)`;
}

/**
 * Whether the command line may ask for help (`--help`, `-h` alone or in a cluster, `help`);
 * over-inclusive on purpose. yargs renders a command's help text after every handler it runs
 * (kept in case the handler asks for it; ours never do, and `.fail` below turns every failure
 * into one line without help). Wrapping that text to the terminal width cost a tenth of a small
 * check's CPU time, and rendering it at all another tenth, so when the command line cannot ask
 * for help the text is neither wrapped nor rendered (`skipHelpCache`).
 */
function mayShowHelp(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).some((arg) => arg === '--help' || arg === 'help' || /^-[A-Za-z]*h/.test(arg));
}

export function buildCli(argv: readonly string[]) {
  const cli = yargs(hideStdinDash(argv))
    .scriptName('lockdep')
    .middleware((parsed) => {
      for (const key of Object.keys(parsed)) parsed[key] = restoreStdinDash(parsed[key]);
    }, true)
    .usage('$0 <command> [options]\n\nA lock-order validator: a TypeScript clone of the Linux kernel\'s lockdep.')
    .option('debug', {
      describe: 'print stack traces of errors',
      type: 'boolean',
      global: true,
    })
    .strict()
    .demandCommand(1, 'no command given (try "lockdep check <trace>")')
    .recommendCommands()
    .exitProcess(false)
    .fail((message: string | undefined, error: Error | undefined) => {
      if (error) throw error;
      throw new UsageError(message || 'invalid command line');
    })
    .help()
    .alias('help', 'h')
    .version(TOOL_VERSION)
    .alias('version', 'V')
    .example('$0 check examples/abba.jsonl', 'report the ABBA deadlock in the bundled example')
    .example('$0 check --format json trace.jsonl', 'machine-readable result (spec format)')
    .example('$0 check --help', 'all options of check')
    .epilogue('Exit codes: 0 clean, 1 error-severity findings, 2 usage, configuration or input error.')
    .wrap(Math.min(100, process.stdout.isTTY ? process.stdout.columns : 100));
  for (const command of commands) cli.command(command as CommandModule);
  if (!mayShowHelp(argv)) skipHelpCache(cli);
  return cli;
}

/** What of yargs' usage object `skipHelpCache` replaces (not in yargs' published types). */
interface YargsUsage {
  cacheHelpMessage(): void;
}

/**
 * Makes yargs skip the help text it renders and caches after running a command's handler (its
 * commands share the top-level usage object). The text is only shown when the handler asks
 * for help, which ours never do; a command line that may ask for help keeps yargs' behaviour.
 */
function skipHelpCache(cli: ReturnType<typeof yargs>): void {
  const internals = (cli as unknown as { getInternalMethods?: () => { getUsageInstance?: () => YargsUsage } }).getInternalMethods?.();
  const usage = internals?.getUsageInstance?.();
  if (usage !== undefined) usage.cacheHelpMessage = () => undefined;
}

/**
 * Runs one command line (without `node` and the script name) and resolves to its exit status:
 * 0 clean, 1 violations, 2 usage, configuration or input error. `process.exitCode` is left as
 * it was before the call.
 */
export async function runLockdep(argv: readonly string[]): Promise<number> {
  const outer = process.exitCode;
  process.exitCode = undefined;
  try {
    // With a parse callback yargs hands over what it would print (help, version) instead of
    // calling console.log, so every byte of output goes through process.stdout.
    let printed = '';
    await buildCli(argv).parseAsync(hideStdinDash(argv), {}, (_error, _parsed, output) => {
      printed = output;
    });
    if (printed !== '') process.stdout.write(`${printed}\n`);
    // The command run above may have set it (TypeScript still narrows it to the undefined set before).
    return Number((process.exitCode as number | string | undefined) ?? 0);
  } catch (error) {
    process.stderr.write(`${errorLine(error)}\n`);
    if (argv.includes(DEBUG_FLAG) && error instanceof Error && error.stack) {
      process.stderr.write(`${error.stack}\n`);
    }
    return EXIT_USAGE;
  } finally {
    process.exitCode = outer;
  }
}
