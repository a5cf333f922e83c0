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

/**
 * A numeric option checked to be an integer of at least `min` (1: "a positive integer", 0: "a
 * non-negative integer"); undefined when the option was not given.
 */
export function integerOption(value: number | undefined, option: string, min: 0 | 1): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value < min) {
    const wanted = min === 1 ? 'a positive integer' : 'a non-negative integer';
    throw new UsageError(`${option} must be ${wanted}, got ${Number.isNaN(value) ? 'a non-number' : value}`);
  }
  return value;
}
