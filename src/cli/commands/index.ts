/**
 * The registry of `lockdep` subcommands. Invariant: main.ts registers exactly this list, in
 * this order (the order of `lockdep --help`). Each entry holds what the top-level help shows
 * (`command`, `describe`) and loads the command's module (its options and handler) only when
 * that command runs or its help is asked for, so `lockdep check` never loads the simulation,
 * graph-analysis or rule-lint code. To add a command, write its module (exporting a
 * CommandModule with `builder` and `handler`) and add an entry here.
 */
import type { Argv, CommandModule } from 'yargs';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each command has its own argument type; yargs takes the list as is
type AnyCommand = CommandModule<any, any>;

interface CommandEntry {
  command: string;
  describe: string;
  load: () => Promise<AnyCommand>;
}

const ENTRIES: readonly CommandEntry[] = [
  {
    command: 'check <trace...>',
    describe: 'check recorded lock traces for deadlocks and lockdep violations',
    load: async () => (await import('./check.js')).checkCommand,
  },
  {
    command: 'rules <command>',
    describe: 'work with rule files (lint, schema, diff)',
    load: async () => (await import('./rules.js')).rulesCommand,
  },
  {
    command: 'run <module> [args...]',
    describe: 'run a simulation module with instrumented locks and report lockdep findings',
    load: async () => (await import('./run.js')).runCommand,
  },
  {
    command: 'report <input>',
    describe: 're-render a saved result or graph (JSON) in other formats',
    load: async () => (await import('./report.js')).reportCommand,
  },
  {
    command: 'baseline [trace...]',
    describe: 'write the current findings to a baseline file (known findings that do not fail check --baseline)',
    load: async () => (await import('./baseline.js')).baselineCommand,
  },
  {
    command: 'merge <graph...>',
    describe: 'merge graphs saved by check --save-graph and report cycles and rule violations across runs',
    load: async () => (await import('./merge.js')).mergeCommand,
  },
  {
    command: 'convert <trace>',
    describe: 'convert an ftrace, perf script, STD or /proc/lockdep input (or JSONL) to spec JSONL',
    load: async () => (await import('./convert.js')).convertCommand,
  },
  {
    command: 'graph <command>',
    describe: 'questions to the dependency graph: why, cycles, hierarchy, diff, stats',
    load: async () => (await import('./graph.js')).graphCommand,
  },
  {
    command: 'infer <input...>',
    describe: 'propose rules (order, leaf, must-hold, guarded-by, forbid-inside) from what traces show, with their evidence',
    load: async () => (await import('./infer.js')).inferCommand,
  },
];

/** An entry as a yargs command whose builder and handler load the module first (yargs awaits an async builder). */
function lazyCommand(entry: CommandEntry): AnyCommand {
  return {
    command: entry.command,
    describe: entry.describe,
    builder: async (y: Argv) => {
      const { builder } = await entry.load();
      if (typeof builder === 'function') return builder(y);
      return builder === undefined ? y : y.options(builder);
    },
    handler: async (argv) => {
      await (await entry.load()).handler(argv);
    },
  };
}

export const commands: readonly AnyCommand[] = ENTRIES.map(lazyCommand);
