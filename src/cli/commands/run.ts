/**
 * `lockdep run <module> [-- args...]`: run a user's simulation module against a fresh
 * LockdepRuntime and report lockdep's findings through the same output path as `check`
 * (every `-f FORMAT[:FILE]`, `-o`, baseline, `--max-warnings`, `--exit-zero`, `--save-graph`).
 * Module contract (docs/simulation.md): the module (JavaScript, or TypeScript loaded through
 * tsx) default-exports a function `(runtime: LockdepRuntime, context: {args: string[]})` that
 * drives its tasks and primitives on `runtime` and returns or resolves when the run is over;
 * `args` are the command-line words after the module (everything after `--`, flags included).
 * The command ends the runtime itself (end-of-trace rule checks, recording).
 * A module that never settles: when the event loop drains while its promise is pending, the run
 * is over; the tasks still waiting become a `deadlock` finding (those of a wait-for cycle already
 * are one, reported when the cycle formed) and the report is printed as for a finished run.
 * Exit codes (exit-code.ts, as for every command): 0 clean; 1 error-severity findings (a
 * deadlock and a Simulation task that threw, `task-error`, are two); 2 usage or input errors,
 * including a module that cannot be loaded, has no default-exported function, throws, or never
 * settles with no task waiting for anything lockdep knows.
 * Invariants: reports are written by `finishRun` (files atomically, stdout once); the recording
 * (`--record`) is written while the module runs and survives exits (sim/live-recording.ts), never
 * over the module, a rule file or the config file; without `--record` the findings' event
 * references name the event's number in the run (`event #12`), not a line of any file.
 */
import { existsSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Argv, CommandModule } from 'yargs';
import type { CheckResult } from '../../engine/result.js';
import { InputError } from '../../io/input-error.js';
import { DEFAULT_MAX_DEPTH } from '../../engine/validator.js';
import { setDefaultRuntime } from '../../sim/default-runtime.js';
import { LockdepRuntime } from '../../sim/runtime.js';
import type { LockdepRuntimeOptions } from '../../sim/runtime.js';
import { ruleOptions, type ConfigArgs } from '../rule-options.js';
import { configInputsOf, configOf, loadRunConfig, rulesOf, withConfigGate } from './check.js';
import { TOOL_NAME, TOOL_VERSION } from '../../io/package-info.js';
import { checkOutputFile } from '../output.js';
import { finishRun, gateOptions, prepareOutputs, reportOptions, type GateArgs, type ReportArgs } from '../report-options.js';
import { integerOption } from '../usage-error.js';

export interface RunArgs extends ConfigArgs, ReportArgs, GateArgs {
  module: string;
  args?: (string | number)[] | undefined;
  '--'?: (string | number)[] | undefined;
  stacks?: boolean | undefined;
  onDeadlock?: 'report' | 'throw' | undefined;
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
      const { tsImport } = await import('tsx/esm/api').catch((error: unknown) => {
        throw new InputError('a TypeScript module needs tsx, an optional dependency of lockdep: install it (npm i -D tsx) or give a .js/.mjs module', { file: path }, { cause: error });
      });
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
  const options: LockdepRuntimeOptions = { onFinding: 'collect', name: `<${argv.module}>` };
  if (argv.record !== undefined) {
    checkOutputFile(argv.record, 'recorded trace', [argv.module, ...configInputsOf(argv)]);
    options.recordTo = argv.record;
  }
  const rules = rulesOf(argv);
  if (rules !== undefined) options.rules = rules.createHooks();
  if (argv.stacks === true) options.stacks = true;
  if (argv.onDeadlock !== undefined) options.onDeadlock = argv.onDeadlock;
  const maxDepth = integerOption(argv.maxDepth, '--max-depth', 1) ?? configOf(argv)?.maxDepth;
  if (maxDepth !== undefined) options.maxDepth = maxDepth;
  return options;
}

/** The words after the module: positional ones, then everything after `--` (flags included), as strings. */
export function moduleArgsOf(argv: RunArgs): string[] {
  return [...(argv.args ?? []), ...(argv['--'] ?? [])].map(String);
}

/** What became of the module's promise. */
type Outcome = { kind: 'settled' } | { kind: 'threw'; error: unknown } | { kind: 'drained' };

/** Runs `main` until its promise settles, or until the event loop drains with it still pending. */
async function untilSettledOrDrained(run: () => unknown): Promise<Outcome> {
  let onDrain = (): void => undefined;
  const drained = new Promise<Outcome>((resolveDrained) => {
    onDrain = () => resolveDrained({ kind: 'drained' });
    process.once('beforeExit', onDrain);
  });
  const settled = (async (): Promise<Outcome> => {
    try {
      await run();
      return { kind: 'settled' };
    } catch (error) {
      return { kind: 'threw', error };
    }
  })();
  try {
    return await Promise.race([settled, drained]);
  } finally {
    process.removeListener('beforeExit', onDrain);
  }
}

export async function runSimulationModule(commandLine: RunArgs): Promise<void> {
  await loadRunConfig(commandLine);
  const argv = withConfigGate(commandLine);
  const prepared = prepareOutputs(argv, [argv.module, ...configInputsOf(argv), ...(argv.record !== undefined ? [argv.record] : [])]);
  const options = runtimeOptionsFrom(argv);
  const runtime = new LockdepRuntime(options);
  // The module's `lockdep/async-mutex` locks (made at import time too) report to this runtime.
  setDefaultRuntime(runtime);
  const main = await loadSimulationModule(argv.module);
  const outcome = await untilSettledOrDrained(() => main(runtime, { args: moduleArgsOf(argv) }));
  if (outcome.kind === 'threw') {
    await runtime.end();
    throw new InputError(`the simulation threw: ${oneLine(outcome.error)}`, { file: argv.module }, { cause: outcome.error });
  }
  if (outcome.kind === 'drained') {
    const stalled = runtime.waitFor.reportStall();
    const deadlocked = runtime.findings.some((finding) => finding.kind === 'deadlock');
    if (stalled === null && !deadlocked) {
      await runtime.end();
      throw new InputError('the module never settled, and no task waits for a lock, wait queue or completion (did it forget to resolve a promise?)', { file: argv.module });
    }
    process.stderr.write(`lockdep: ${argv.module} never settled: the event loop drained with tasks waiting; reporting what happened so far\n`);
  }
  const result: CheckResult = { ...(await runtime.end()), tool: { name: TOOL_NAME, version: TOOL_VERSION } };
  process.exitCode = await finishRun(result, argv, { prepared, snapshot: prepared.needsGraph ? runtime.snapshot() : null });
}

export function runOptions(y: Argv): Argv<RunArgs> {
  return gateOptions(reportOptions(ruleOptions(y
    .parserConfiguration({ 'populate--': true })
    .positional('module', {
      describe: 'simulation module (.js/.mjs, or .ts through tsx) whose default export receives the runtime',
      type: 'string',
      demandOption: true,
    })
    .positional('args', {
      describe: 'arguments passed to the module as context.args (after --, flags too)',
      type: 'string',
      array: true,
    }))))
    .option('stacks', {
      describe: 'record the source file:line and stack of every acquisition',
      type: 'boolean',
    })
    .option('on-deadlock', {
      describe: 'when tasks deadlock: report (they stay blocked) or throw (the acquisition that closed the cycle rejects with a DeadlockError)',
      choices: ['report', 'throw'],
      default: 'report',
      requiresArg: true,
    })
    .option('record', {
      describe: 'write the run\'s events to this JSONL trace while it runs (replay with lockdep check)',
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
    .example('$0 run sim.js --record run.jsonl', 'run and record a trace for lockdep check')
    .example('$0 run sim.js -f text -f sarif:run.sarif -- --users 10', 'text on stdout, SARIF to a file; --users 10 reaches the module');
}

export const runCommand: CommandModule<object, RunArgs> = {
  builder: (y) => runOptions(y),
  handler: (argv) => runSimulationModule(argv),
};
