/**
 * `lockdep convert <trace> [-o out.jsonl]`: reads a trace in any supported format (spec JSONL,
 * kernel ftrace text, STD; detected or given with --input-format) and writes it as spec JSONL,
 * the exact events `lockdep check` would validate, with a header naming the source.
 * Invariants: the input is streamed and the output written as it is read, so memory does not
 * grow with the trace; an output file appears atomically (temp file in the same directory, then
 * rename) and is never left half-written when the input has an error; class types come from
 * the config file's `classTypes`, as for check.
 */
import { escapeTerminal } from '../../report/escape.js';
import type { Argv, CommandModule } from 'yargs';
import { INPUT_FORMAT_CHOICES, type InputFormatChoice } from '../../events/importers.js';
import { importTrace } from '../../events/import-trace.js';
import { InputError, writeFailureReason } from '../../io/input-error.js';
import { STDIN_PATH } from '../../events/jsonl-reader.js';
import { JsonlTraceWriter } from '../../events/jsonl-writer.js';
import { configOf, loadRunConfig } from './check.js';
import { TOOL_NAME, TOOL_VERSION } from '../../io/package-info.js';

export interface ConvertArgs {
  trace: string;
  output?: string | undefined;
  inputFormat?: InputFormatChoice | undefined;
  config?: string | false | undefined;
}

export function convertOptions(y: Argv): Argv<ConvertArgs> {
  return y
    .positional('trace', {
      describe: 'trace to convert: spec JSONL, ftrace / trace-cmd text, perf script output, STD or /proc/lockdep; "-" reads stdin',
      type: 'string',
      demandOption: true,
    })
    .option('output', {
      alias: 'o',
      describe: 'write the JSONL trace here (atomically); default: standard output',
      type: 'string',
      requiresArg: true,
    })
    .option('input-format', {
      describe: 'format of the input (docs/importers.md)',
      choices: INPUT_FORMAT_CHOICES,
      default: 'auto',
      requiresArg: true,
    })
    .option('config', {
      alias: 'c',
      describe: 'config file for classTypes (default: the nearest lockdep.config.yaml); --no-config ignores it',
      type: 'string',
    })
    .example('$0 convert trace.txt -o trace.jsonl', 'convert a kernel ftrace dump to spec JSONL')
    .example('$0 convert --input-format std run.std -o run.jsonl', 'convert an STD trace')
    .example('trace-cmd report | $0 convert - > trace.jsonl', 'convert from standard input');
}

export async function runConvert(argv: ConvertArgs): Promise<void> {
  await loadRunConfig(argv);
  const config = configOf(argv);
  const target = argv.output === undefined || argv.output === '-' ? process.stdout : argv.output;
  let writer: JsonlTraceWriter;
  const source = argv.trace === STDIN_PATH ? '<stdin>' : argv.trace;
  try {
    writer = new JsonlTraceWriter(target, { source, converter: `${TOOL_NAME} ${TOOL_VERSION}` });
  } catch (error) {
    throw new InputError(`cannot write output: ${writeFailureReason(error)} (choose another path)`, { file: String(argv.output) });
  }
  try {
    await importTrace(argv.trace, (event) => writer.write(event), {
      format: argv.inputFormat ?? 'auto',
      ...(config !== undefined && config.classTypes.size > 0 ? { classTypes: config.classTypes } : {}),
      onWarning: (message, origin) => {
        process.stderr.write(`${escapeTerminal(origin.file)}:${origin.line}: warning: ${escapeTerminal(message)}\n`);
      },
      onSplat: (splat) => {
        process.stderr.write(`${escapeTerminal(source)}:${splat.firstLine}: warning: a lockdep report (${splat.kind}) is no lock event, nothing converted (lockdep check reads console logs)\n`);
      },
    });
  } catch (error) {
    writer.abort();
    throw error;
  }
  await writer.close();
}

export const convertCommand: CommandModule<object, ConvertArgs> = {
  builder: (y) => convertOptions(y),
  handler: (argv) => runConvert(argv),
};
