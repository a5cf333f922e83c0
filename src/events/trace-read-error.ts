/**
 * Turns a failure to read a trace file into the InputError the CLI prints: a line longer than
 * lockdep reads (LineTooLongError from the line-block reader) at `file:line`, a system error
 * (missing file, a directory, no permission) naming the file. Anything else is a bug and passes
 * through unchanged.
 */
import { InputError, readFailureReason } from '../io/input-error.js';
import { LineTooLongError } from './line-blocks.js';

/**
 * A failure to read a trace file (missing, a directory, no permission, an I/O error) as an
 * InputError naming the file; an InputError passes through, and anything that is not a
 * system error (a bug) is returned unchanged so it is not disguised as bad input.
 */
export function traceReadError(error: unknown, file: string): Error {
  if (error instanceof InputError) return error;
  if (error instanceof LineTooLongError) return new InputError(error.inputMessage, { file, ...(error.line === undefined ? {} : { line: error.line }) });
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === undefined) return error instanceof Error ? error : new Error(String(error));
  const reason = code === 'EISDIR' ? 'is a directory, not a trace file' : readFailureReason(error);
  return new InputError(`cannot read trace: ${reason}`, { file }, { cause: error });
}
