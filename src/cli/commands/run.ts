/**
 * `lockdep run <module>`: run a user's simulation module against a fresh LockdepRuntime and
 * print lockdep's report, with the exit codes of `check`.
 * Module contract (docs/simulation.md): the module (JavaScript, or TypeScript loaded through
 * tsx) default-exports a function `(runtime: LockdepRuntime, context: {args: string[]})` that
 * drives its tasks and primitives on `runtime` (typically with a `Simulation`) and returns or
 * resolves when the run is over. The command ends the runtime itself (end-of-trace rule checks,
 * recording).
 * Exit codes: 0 clean; 1 error-severity findings or a real deadlock; 2 usage or input errors,
 * including a module that cannot be loaded, has no default-exported function, throws, or whose
 * tasks threw.
 * Invariants: the report goes to stdout in one write, in any format of the report registry; a
 * real deadlock is printed after the findings (text), as `deadlocks` in the JSON result, or on
 * stderr (other formats); `--record` writes the trace atomically, never over the module, a rule
 * file or the config file.
 */
import { existsSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Argv, CommandModule } from 'yargs';
import type { CheckResult } from '../../engine/result.js';
import { InputError } from '../../events/input-error.js';
import { toJsonResult } from '../../report/json.js';
import { FORMAT_NAMES, REPORT_FORMATS, renderReport } from '../../report/registry.js';
import { DEFAULT_MAX_DEPTH } from '../../engine/validator.js';
import { setDefaultRuntime } from '../../sim/default-runtime.js';
import { LockdepRuntime } from '../../sim/runtime.js';
import type { LockdepRuntimeOptions } from '../../sim/runtime.js';
import { formatDeadlockReport } from '../../sim/wait-for.js';
import { colourEnabled } from '../../report/colour.js';
import { ruleOptions, type ConfigArgs } from '../rule-options.js';
import { configInputsOf, configOf, rulesOf } from './check.js';
import { EXIT_USAGE, EXIT_VIOLATIONS, exitCodeFor } from '../exit-code.js';
import { TOOL_NAME, TOOL_VERSION } from '../package-info.js';
import { checkOutputFile } from '../output.js';
import { integerOption } from '../usage-error.js';

export interface RunArgs extends ConfigArgs {
  module: string;
  args?: string[] | undefined;
  format: string;
  stacks?: boolean | undefined;
  record?: string | undefined;
  maxDepth?: number | undefined;
}

const TYPESCRIPT_EXTENSIONS = new Set(['.ts', '.mts', '.cts', '.tsx']);

/** The function a simulation module default-exports. */
export type SimulationModuleMain = (runtime: LockdepRuntime, context: { args: string[] }) => unknown;

function oneLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/\s*\n\s*/g, '; ').trim();
}

/** Imports the module (registering tsx first for TypeScript) and returns its default export. */
export async function loadSimulationModule(path: string): Promise<SimulationModuleMain> {
  const absolute = resolve(path);
  if (!existsSync(absolute)) {
    throw new InputError('simulation module not found (give the path of a .js/.mjs/.ts file)', { file: path });
  }
  let namespace: { default?: unknown };
  try {
    if (TYPESCRIPT_EXTENSIONS.has(extname(absolute))) {
      const { tsImport } = await import('tsx/esm/api');
      namespace = (await tsImport(pathToFileURL(absolute).href, import.meta.url)) as { default?: unknown };
    } else {
      namespace = (await import(pathToFileURL(absolute).href)) as { default?: unknown };
    }
  } catch (error) {
    throw new InputError(`cannot load the simulation module: ${oneLine(error)}`, { file: path }, { cause: error });
  }
  let main = namespace.default;
  // A CommonJS or tsx-compiled module may nest the default export once more.
  if (typeof main === 'object' && main !== null && typeof (main as { default?: unknown }).default === 'function') {
    main = (main as { default: unknown }).default;
  }
  if (typeof main !== 'function') {
    throw new InputError(
      'the module has no default-exported function (export default async function (runtime) { ... })',
      { file: path },
    );
  }
  return main as SimulationModuleMain;
}

/** Runtime options from the command line and the config file (`-c`, discovery, `--no-config`), as `check` does. */
export function runtimeOptionsFrom(argv: RunArgs): LockdepRuntimeOptions {
  const options: LockdepRuntimeOptions = { onFinding: 'collect', name: argv.module };
  if (argv.record !== undefined) {
    checkOutputFile(argv.record, 'recorded trace', [argv.module, ...configInputsOf(argv)]);
    options.recordTo = argv.record;
  }
  const rules = rulesOf(argv);
  if (rules !== undefined) options.rules = rules.createHooks();
  if (argv.stacks === true) options.stacks = true;
  const maxDepth = integerOption(argv.maxDepth, '--max-depth', 1) ?? configOf(argv)?.maxDepth;
  if (maxDepth !== undefined) options.maxDepth = maxDepth;
  return options;
}

export async function runSimulationModule(argv: RunArgs): Promise<void> {
  const options = runtimeOptionsFrom(argv);
  const runtime = new LockdepRuntime(options);
  // The module's `lockdep/async-mutex` locks (made at import time too) report to this runtime.
  setDefaultRuntime(runtime);
  const main = await loadSimulationModule(argv.module);
  try {
    await main(runtime, { args: argv.args ?? [] });
  } catch (error) {
    throw new InputError(`the simulation threw: ${oneLine(error)}`, { file: argv.module }, { cause: error });
  }
  const result: CheckResult = { ...(await runtime.end()), tool: { name: TOOL_NAME, version: TOOL_VERSION } };
  const deadlocks = runtime.deadlocks;
  const deadlockText = deadlocks.map(formatDeadlockReport).join('');
  if (argv.format === 'json' && deadlocks.length > 0) {
    process.stdout.write(`${JSON.stringify({ ...toJsonResult(result), deadlocks }, null, 2)}\n`);
  } else {
    const graph = REPORT_FORMATS.get(argv.format)?.graph === true;
    const rendered = await renderReport(argv.format, result, {
      colour: colourEnabled(process.stdout, process.env),
      ...(graph ? { snapshot: runtime.snapshot() } : {}),
    });
    if (argv.format === 'text') {
      process.stdout.write(rendered + deadlockText);
    } else {
      process.stdout.write(rendered);
      // Formats without a place for it: the deadlock still reaches the user.
      if (argv.format !== 'json' && deadlockText !== '') process.stderr.write(deadlockText);
    }
  }
  if (runtime.taskErrors.length > 0) {
    for (const { task, error } of runtime.taskErrors) {
      process.stderr.write(`${argv.module}: task ${task} threw: ${oneLine(error)}\n`);
    }
    process.exitCode = EXIT_USAGE;
    return;
  }
  const code = exitCodeFor(result);
  process.exitCode = deadlocks.length > 0 ? EXIT_VIOLATIONS : code;
}

export function runOptions(y: Argv): Argv<RunArgs> {
  return ruleOptions(y
    .positional('module', {
      describe: 'simulation module (.js/.mjs, or .ts through tsx) whose default export receives the runtime',
      type: 'string',
      demandOption: true,
    })
    .positional('args', {
      describe: 'arguments passed to the module as context.args',
      type: 'string',
      array: true,
    }))
    .option('format', {
      alias: 'f',
      describe: 'output format (a real deadlock is added to text and json, and written to stderr for the others)',
      choices: [...FORMAT_NAMES],
      default: 'text',
      type: 'string',
    })
    .option('stacks', {
      describe: 'record the source file:line and stack of every acquisition',
      type: 'boolean',
    })
    .option('record', {
      describe: 'write the run\'s events to this JSONL trace (replay with lockdep check)',
      type: 'string',
      requiresArg: true,
    })
    .option('max-depth', {
      describe: 'held-lock depth limit per task',
      type: 'number',
      defaultDescription: String(DEFAULT_MAX_DEPTH),
      requiresArg: true,
    })
    .example('$0 run examples/kvm/scenario.ts --rules rules/kvm-2021.yaml', 'run the KVM simulation and check the 2021 rules')
    .example('$0 run sim.js --record run.jsonl', 'run and record a trace for lockdep check') as unknown as Argv<RunArgs>;
}

export const runCommand: CommandModule<object, RunArgs> = {
  command: 'run <module> [args...]',
  describe: 'run a simulation module with instrumented locks and report lockdep findings',
  builder: (y) => runOptions(y as Argv),
  handler: (argv) => runSimulationModule(argv),
};
