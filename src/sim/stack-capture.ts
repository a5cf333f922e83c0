/**
 * Captures the user's call site and stack for an event when stacks are on.
 * Owns: turning the current JS stack into `site` (`file:line`, relative to the working
 * directory) and `stack` frames (`fn (file:line:col)`, innermost first).
 * Invariants: frames inside the library itself (this package's `src/sim/` or `dist/sim/`) and Node's
 * internals are skipped, so `site` is the user's line that called the primitive. The stack is
 * read as text through whatever `Error.prepareStackTrace` is installed, so positions are
 * source-mapped wherever the environment maps stacks (vitest, tsx, `--enable-source-maps`).
 * Cost: only with stacks on. `attachLazyStack` captures only (~2 µs; capturing and formatting
 * at once cost ~5-7 µs) and formats on the first read of the event's `site`
 * or `stack`, which the validator does only when it builds a witness or a report, and the
 * recorder when it writes the event.
 */
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const LIBRARY_DIR = dirname(fileURLToPath(import.meta.url)) + sep;
/** The package's sim/ directory in both layouts (src/ via tsx or vitest, dist/ when built). */
const PACKAGE_ROOT = dirname(dirname(dirname(fileURLToPath(import.meta.url))));
const LIBRARY_DIRS = [LIBRARY_DIR, join(PACKAGE_ROOT, 'src', 'sim') + sep, join(PACKAGE_ROOT, 'dist', 'sim') + sep];
/** `    at fn (file:line:col)`, `    at file:line:col`, `    at async fn (file:line:col)`. */
const FRAME = /^\s*at (?:(.*?) \()?(.+?):(\d+):(\d+)\)?$/;

export interface CapturedStack {
  site: string | undefined;
  stack: string[];
}

function normalizePath(file: string): string {
  if (file.startsWith('file://')) {
    try {
      return fileURLToPath(file);
    } catch {
      return file;
    }
  }
  return file;
}

function isLibraryOrInternal(file: string): boolean {
  return LIBRARY_DIRS.some((dir) => file.startsWith(dir)) || file.startsWith('node:') || file.startsWith('internal/');
}

function displayPath(file: string): string {
  if (!file.startsWith('/') && !/^[A-Za-z]:[\\/]/.test(file)) return file;
  const rel = relative(process.cwd(), file);
  return rel.startsWith('..') ? file : rel.split(sep).join('/');
}

/** Captures the current stack into `holder.stack` (formatted lazily by V8 on first read). */
function captureRaw(depth: number, above: (...args: never[]) => unknown): { stack?: unknown } {
  const savedLimit = Error.stackTraceLimit;
  const holder: { stack?: unknown } = {};
  try {
    Error.stackTraceLimit = depth + 16;
    Error.captureStackTrace(holder, above);
  } finally {
    Error.stackTraceLimit = savedLimit;
  }
  return holder;
}

/**
 * Gives `event` lazy, enumerable `site` and `stack` properties: the stack is captured now and
 * parsed on first read. `site` is `explicitSite` when given, else the user's `file:line`, else
 * the innermost pseudo frame; `stack` is the pseudo frames (innermost first) followed by the
 * user's JS frames, or absent when both are empty.
 */
export function attachLazyStack(
  event: { site?: string; stack?: string[] },
  depth: number,
  explicitSite: string | undefined,
  pseudoFrames: readonly string[],
): void {
  const holder = captureRaw(depth, attachLazyStack);
  let parsed: CapturedStack | null = null;
  let combined: string[] | undefined | null = null;
  const parse = (): CapturedStack => (parsed ??= parseStack(holder, depth));
  Object.defineProperty(event, 'site', {
    enumerable: true,
    configurable: true,
    get: () => explicitSite ?? parse().site ?? pseudoFrames[0],
  });
  Object.defineProperty(event, 'stack', {
    enumerable: true,
    configurable: true,
    get: () => {
      if (combined === null) {
        const user = parse().stack;
        const all = pseudoFrames.length === 0 ? user : [...pseudoFrames, ...user];
        combined = all.length === 0 ? undefined : all;
      }
      return combined;
    },
  });
}

function parseStack(holder: { stack?: unknown }, depth: number): CapturedStack {
  const text = typeof holder.stack === 'string' ? holder.stack : '';
  const stack: string[] = [];
  let site: string | undefined;
  for (const line of text.split('\n')) {
    const match = FRAME.exec(line);
    if (match === null) continue;
    // `at async file:///x.mjs:25:1`: an awaited module top level has no function name.
    const rawFile = match[2] as string;
    const file = normalizePath(match[1] === undefined && rawFile.startsWith('async ') ? rawFile.slice(6) : rawFile);
    if (isLibraryOrInternal(file)) continue;
    const path = displayPath(file);
    if (site === undefined) site = `${path}:${match[3]!}`;
    const fn = (match[1] ?? '<anonymous>').replace(/^async /, '');
    stack.push(`${fn} (${path}:${match[3]!}:${match[4]!})`);
    if (stack.length >= depth) break;
  }
  return { site, stack };
}
