/**
 * The registry of `lockdep` subcommands. Invariant: main.ts registers exactly this list, in
 * this order (the order of `lockdep --help`). To add a command, import its CommandModule and
 * append it.
 */
import type { CommandModule } from 'yargs';
import { checkCommand } from './check.js';
import { rulesCommand } from './rules.js';
import { runCommand } from './run.js';
import { reportCommand } from './report.js';
import { baselineCommand } from './baseline.js';
import { mergeCommand } from './merge.js';
import { convertCommand } from './convert.js';
import { graphCommand } from './graph.js';
import { inferCommand } from './infer.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each command has its own argument type; yargs takes the list as is
export const commands: ReadonlyArray<CommandModule<any, any>> = [
  checkCommand,
  rulesCommand,
  runCommand,
  reportCommand,
  baselineCommand,
  mergeCommand,
  convertCommand,
  graphCommand,
  inferCommand,
];
