/**
 * `lockdep infer <input...>`: rules proposed from what ran (src/infer/): `order` rules from the
 * observed partial order, `leaf` classes, `must-hold` and `guarded-by` candidates as LockDoc's
 * locksets with their shares, and `forbid-inside` candidates for pseudo-locks, each with its
 * evidence. Inputs
 * are read as `lockdep graph` reads them (traces of any format, saved graphs, merged); a trace is
 * checked once, and the tallies are taken by engine hooks during that check.
 * Invariants: options and outputs are validated before any input is read; outputs are written
 * atomically (answer-outputs.ts, shared with `graph`); the exit code is 0 for a proposal (even an empty one) and 2 for usage and input errors.
 */
import type { Argv, CommandModule } from 'yargs';
import { INPUT_FORMAT_CHOICES, type InputFormatChoice } from '../../events/importers.js';
import { MAX_LOCKSET_CANDIDATES, MAX_LOCKSET_CLASSES } from '../../infer/held-candidates.js';
import { INFER_FORMATS, renderInferAnswer, type InferFormat } from '../../infer/infer-printer.js';
import { DEFAULT_MIN_CONFIDENCE, DEFAULT_MIN_SUPPORT, INFER_KINDS, type InferKind, type InferOptions } from '../../infer/proposal.js';
import { EXIT_CLEAN } from '../exit-code.js';
import { inferFromInputs } from '../infer-input.js';
import { oneShot } from '../../infer/one-shot-tier.js';
import { writeAnswer } from '../answer-outputs.js';
import { UsageError } from '../usage-error.js';

interface InferArgs {
  input: string[];
  format?: string[] | undefined;
  output?: string | undefined;
  inputFormat?: InputFormatChoice | undefined;
  minSupport?: number | undefined;
  minConfidence?: number | undefined;
  kinds?: string[] | undefined;
}

/** The inference options from the command line, or a usage error naming the bad one. */
function inferOptions(argv: InferArgs): InferOptions {
  const minSupport = argv.minSupport ?? DEFAULT_MIN_SUPPORT;
  if (!Number.isInteger(minSupport) || minSupport < 1) throw new UsageError(`--min-support must be a whole number of at least 1 (got ${String(argv.minSupport)})`);
  const minConfidence = argv.minConfidence ?? DEFAULT_MIN_CONFIDENCE;
  if (!(minConfidence > 0 && minConfidence <= 1)) throw new UsageError(`--min-confidence must be a share above 0 and at most 1, such as 0.9 (got ${String(argv.minConfidence)})`);
  const known: ReadonlySet<string> = new Set(INFER_KINDS);
  const kinds = new Set<InferKind>();
  for (const name of (argv.kinds ?? [...INFER_KINDS]).flatMap((list) => list.split(',')).map((name) => name.trim())) {
    if (!known.has(name)) throw new UsageError(`--kinds: unknown kind '${name}' (known: ${INFER_KINDS.join(', ')})`);
    kinds.add(name as InferKind);
  }
  return { minSupport, minConfidence, kinds };
}

export const inferCommand: CommandModule<object, InferArgs> = {
  command: 'infer <input...>',
  describe: 'propose rules (order, leaf, must-hold, guarded-by, forbid-inside) from what traces show, with their evidence',
  builder: (y) =>
    (y as Argv)
      .positional('input', {
        describe: 'trace files of any format (docs/importers.md) or graphs saved by lockdep check --save-graph; several are merged; "-" reads a trace from stdin',
        type: 'string',
        array: true,
        demandOption: true,
      })
      .option('format', {
        alias: 'f',
        describe: `output format, optionally with a file: FORMAT[:FILE]; repeatable (${INFER_FORMATS.join(', ')})`,
        type: 'string',
        array: true,
        nargs: 1,
        requiresArg: true,
        defaultDescription: 'yaml',
      })
      .option('output', { alias: 'o', describe: 'write the formats given without :FILE to this file instead of stdout (atomically)', type: 'string', requiresArg: true })
      .option('input-format', { describe: 'format of trace inputs (saved graphs are recognised by their content)', choices: INPUT_FORMAT_CHOICES, default: 'auto', requiresArg: true })
      .option('min-support', { describe: `least support of a proposed rule: chains (accesses for guarded-by)`, type: 'number', default: DEFAULT_MIN_SUPPORT, requiresArg: true })
      .option('min-confidence', {
        describe: `least share of chains or accesses with every class of the lockset held (must-hold, guarded-by; LockDoc: the lowest share at or above it wins, more classes on a tie; `
          + `locksets of at most ${MAX_LOCKSET_CLASSES} of the ${MAX_LOCKSET_CANDIDATES} classes held most often); below 1 the rules are proposed off`,
        type: 'number',
        default: DEFAULT_MIN_CONFIDENCE,
        requiresArg: true,
      })
      .option('kinds', { describe: `which kinds to propose, comma-separated (${INFER_KINDS.join(', ')}); repeatable`, type: 'string', array: true, nargs: 1, requiresArg: true })
      .example('$0 infer examples/kvm/kvm-2021.jsonl', 'proposed rules as YAML on standard output')
      .example('$0 infer -o proposed.yaml --kinds order,leaf traces/*.jsonl', 'only order and leaf rules, to a file')
      .example('$0 infer -f markdown --min-confidence 0.95 trace.jsonl', 'a review table'),
  handler: async (argv) => {
    const options = inferOptions(argv);
    await writeAnswer(argv, argv.input, { known: INFER_FORMATS, defaultFormat: 'yaml' },
      () => inferFromInputs(argv.input, options, { inputFormat: argv.inputFormat }),
      (format, answer) => oneShot(answer.summary.classes + answer.summary.dependencies, () => renderInferAnswer(format as InferFormat, answer)));
    process.exitCode = EXIT_CLEAN;
  },
};
