/**
 * InputError: the one error type for bad user input (trace files, rule files, configs).
 * Invariant: `toString()` is a single line `file:line[:col]: message` that the CLI prints as is
 * (exit code 2, no stack trace). `line` is 1-based and omitted only when the error concerns the
 * file as a whole (it cannot be opened); `col` is 1-based when known.
 */
export interface InputErrorLocation {
  file: string;
  line?: number;
  col?: number;
}

export class InputError extends Error {
  readonly file: string;
  readonly line: number | undefined;
  readonly col: number | undefined;

  constructor(message: string, location: InputErrorLocation, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InputError';
    this.file = location.file;
    this.line = location.line;
    this.col = location.col;
  }

  /** `file:line[:col]` (or just `file` when no line is known). */
  get position(): string {
    let position = this.file;
    if (this.line !== undefined) {
      position += `:${this.line}`;
      if (this.col !== undefined) position += `:${this.col}`;
    }
    return position;
  }

  override toString(): string {
    return `${this.position}: ${this.message}`;
  }
}

export function isInputError(error: unknown): error is InputError {
  return error instanceof InputError;
}

/** Why reading a file failed, in words: missing, a directory, no permission, else the system's message. */
export function readFailureReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' ? 'no such file'
    : code === 'EISDIR' ? 'is a directory'
    : code === 'EACCES' || code === 'EPERM' ? 'permission denied'
    : code === 'ERR_STRING_TOO_LONG' ? 'larger than the longest text Node.js can hold (about 512 MB)'
    : error instanceof Error ? error.message : String(error);
}

/** Why writing a file failed, in words (the target's directory missing, no permission, a directory). */
export function writeFailureReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' ? 'its directory does not exist'
    : code === 'EACCES' || code === 'EPERM' ? 'permission denied'
    : code === 'EISDIR' ? 'it is a directory'
    : error instanceof Error ? error.message : String(error);
}
