/**
 * The output side every answering command shares (`graph`, `rules diff`, `infer`): `-f
 * FORMAT[:FILE]` (repeatable) and `-o FILE` are validated before any input is read, then the
 * command answers, every target is rendered (once per format and kind of destination), the files
 * are written atomically and the standard-output texts printed.
 * Invariant: nothing is written when asking or rendering fails; "-" (standard input) is accepted
 * once among the inputs.
 */
import { writeFilesAtomic } from '../io/atomic-write.js';
import { parseOutputTargets, renderOutputs } from './output.js';
import { UsageError } from './usage-error.js';

export interface AnswerOutputArgs {
  format?: string[] | undefined;
  output?: string | undefined;
}

export interface AnswerFormats {
  /** The formats this command writes. */
  known: readonly string[];
  /** The format without -f (default: text). */
  defaultFormat?: string;
}

export async function writeAnswer<T>(
  args: AnswerOutputArgs,
  inputs: readonly string[],
  formats: AnswerFormats,
  ask: () => Promise<T>,
  render: (format: string, answer: T) => string,
): Promise<T> {
  if (inputs.filter((input) => input === '-').length > 1) throw new UsageError('"-" (standard input) can be given only once');
  const targets = parseOutputTargets({
    formats: args.format ?? [],
    output: args.output,
    inputs,
    known: new Set(formats.known),
    ...(formats.defaultFormat === undefined ? {} : { defaultFormat: formats.defaultFormat }),
  });
  const answer = await ask();
  const outputs = await renderOutputs(targets, (target) => render(target.format, answer));
  await writeFilesAtomic(outputs.files);
  for (const text of outputs.stdout) process.stdout.write(text);
  return answer;
}
