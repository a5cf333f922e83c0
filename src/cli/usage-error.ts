/**
 * UsageError: a bad command line or option value (unknown option, missing argument, value out
 * of range). Invariant: the CLI prints its message as one line on stderr and exits 2, with no
 * stack trace unless `--debug` is given.
 */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
