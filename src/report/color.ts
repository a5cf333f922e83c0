/**
 * Color decisions and ANSI styling for human output. Color is decided per stream:
 * an explicit `--color`/`--no-color` wins; then `FORCE_COLOR` (`0`/`false` disables, any other
 * value enables); then `NO_COLOR` (any non-empty value disables, https://no-color.org); then
 * `TERM=dumb` disables; otherwise color only when the stream is a TTY. Invariant: a palette
 * built disabled (`createPalette(false)`) returns its input unchanged, so machine formats never see ANSI.
 */

export interface ColorStream {
  isTTY?: boolean;
}

export type ColorEnv = Readonly<Record<string, string | undefined>>;

/** Whether to color output written to `stream`. */
export function colorEnabled(stream: ColorStream, env: ColorEnv, explicit?: boolean): boolean {
  if (explicit !== undefined) return explicit;
  const force = env['FORCE_COLOR'];
  if (force !== undefined) return !(force === '0' || force.toLowerCase() === 'false');
  const noColor = env['NO_COLOR'];
  if (noColor !== undefined && noColor !== '') return false;
  if (env['TERM'] === 'dumb') return false;
  return stream.isTTY === true;
}

export interface Palette {
  red(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
  bold(text: string): string;
  dim(text: string): string;
}

const style = (enabled: boolean, open: number, close: number) => (text: string): string =>
  enabled && text !== '' ? `\u001b[${open}m${text}\u001b[${close}m` : text;

/** ANSI styles, or identity functions when disabled. */
export function createPalette(enabled: boolean): Palette {
  return {
    red: style(enabled, 31, 39),
    yellow: style(enabled, 33, 39),
    cyan: style(enabled, 36, 39),
    bold: style(enabled, 1, 22),
    dim: style(enabled, 2, 22),
  };
}

/** Removes ANSI SGR sequences (for width computations and tests). */
export function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex -- matches the ESC that starts an ANSI sequence
  return text.replace(/\u001b\[[0-9;]*m/g, '');
}
