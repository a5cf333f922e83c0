/**
 * Whether to colour text written to a stream. Invariant: colour only when the stream is a TTY,
 * `NO_COLOR` is unset or empty, `FORCE_COLOR` is not `0` and `TERM` is not `dumb`; decided per
 * stream. Machine formats never ask.
 */
export interface ColorStream {
  isTTY?: boolean;
}

export function shouldUseColor(stream: ColorStream, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
  if (env['FORCE_COLOR'] === '0') return false;
  if (env['TERM'] === 'dumb') return false;
  return stream.isTTY === true;
}
