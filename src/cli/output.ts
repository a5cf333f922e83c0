/**
 * Where reports go: `-f FORMAT[:file]` (repeatable) and `-o FILE`. A format without `:file`
 * goes to `-o FILE` when given, else to stdout (`-` also means stdout). Invariants: every format
 * name is known to the registry; no two reports go to the same file; no output file overwrites
 * an input (a trace, a saved result, a rules file, the baseline being read) or lies in a
 * directory that is missing or not writable (`checkOutputFile`, before any work starts);
 * reports are rendered first and written after (see report-options.ts's `finishRun`); stdout
 * reports keep the order the formats were given.
 */
import { accessSync, constants, existsSync, realpathSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { InputError } from '../io/input-error.js';
import type { FileContent } from '../io/atomic-write.js';
import { UsageError } from './usage-error.js';

export interface OutputTarget {
  format: string;
  /** null: stdout. */
  file: string | null;
}

export interface OutputRequest {
  /** `-f` values, in order; empty means the default format. */
  formats: readonly string[];
  /** `-o` value. */
  output?: string | undefined;
  /** Every file the command reads; none may be overwritten. */
  inputs: readonly string[];
  /** Known format names. */
  known: ReadonlySet<string>;
  defaultFormat?: string;
}

function canonicalPath(file: string): string {
  const absolute = resolve(file);
  try {
    return realpathSync(absolute);
  } catch {
    return absolute;
  }
}

/** Parses `-f`/`-o` into targets, refusing unknown formats, clashes and overwriting inputs. */
export function parseOutputTargets(request: OutputRequest): OutputTarget[] {
  const specs = request.formats.length > 0 ? request.formats : [request.defaultFormat ?? 'text'];
  const output = request.output === undefined || request.output === '-' ? null : request.output;
  if (request.output === '') throw new UsageError('-o needs a file name (use - for stdout)');
  const targets: OutputTarget[] = [];
  for (const spec of specs) {
    const colon = spec.indexOf(':');
    const format = colon < 0 ? spec : spec.slice(0, colon);
    const rawFile = colon < 0 ? null : spec.slice(colon + 1);
    if (!request.known.has(format)) {
      throw new UsageError(`unknown format '${format}' in -f ${spec} (known formats: ${[...request.known].join(', ')})`);
    }
    if (rawFile === '') throw new UsageError(`-f ${spec}: missing file name after ':' (write -f ${format}:FILE, or -f ${format} for stdout)`);
    const file = rawFile === null ? output : rawFile === '-' ? null : rawFile;
    targets.push({ format, file });
  }
  const written = new Map<string, string>();
  for (const target of targets) {
    if (target.file === null) continue;
    checkOutputFile(target.file, `${target.format} report`, request.inputs);
    const path = canonicalPath(target.file);
    const previous = written.get(path);
    if (previous !== undefined) throw new UsageError(`two reports would be written to ${target.file} (${previous} and ${target.format}); give each format its own file with -f FORMAT:FILE`);
    written.set(path, target.format);
  }
  return targets;
}

/**
 * Refuses an output file (`what` names it in the message) that is one of `inputs` (also through
 * a link), is a directory, or whose directory is missing or not writable: usage and input errors
 * that are cheap to find before a long check.
 */
export function checkOutputFile(file: string, what: string, inputs: readonly string[]): void {
  const path = canonicalPath(file);
  const input = inputs.find((candidate) => candidate !== '-' && canonicalPath(candidate) === path);
  if (input !== undefined) throw new UsageError(`refusing to write the ${what} to ${file}: it is an input of this command (${input}); choose another output file`);
  // The temporary is created, and renamed, next to the name given (a link is replaced, not followed).
  const directory = dirname(resolve(file));
  const problem = !existsSync(directory) ? `directory ${directory} does not exist`
    : !isDirectory(directory) ? `${directory} is not a directory`
    : !isWritable(directory) ? `directory ${directory} is not writable`
    : isDirectory(file) ? 'it is a directory'
    : null;
  if (problem !== null) throw new InputError(`cannot write output: ${problem} (choose another path)`, { file });
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function isWritable(directory: string): boolean {
  try {
    accessSync(directory, constants.W_OK | constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export interface RenderedOutputs {
  /** Reports for stdout, in the order of the targets. */
  stdout: string[];
  /** Reports for files, in the order of the targets. */
  files: FileContent[];
}

/** Renders every target; nothing is written yet. */
export async function renderOutputs(
  targets: readonly OutputTarget[],
  render: (target: OutputTarget) => string | Promise<string>,
): Promise<RenderedOutputs> {
  // A format renders once per kind of destination (stdout may be colored, files never are).
  const rendered = new Map<string, string>();
  const outputs: RenderedOutputs = { stdout: [], files: [] };
  for (const target of targets) {
    const key = `${target.file === null ? 'stdout' : 'file'}:${target.format}`;
    let text = rendered.get(key);
    if (text === undefined) {
      text = await render(target);
      rendered.set(key, text);
    }
    if (target.file === null) outputs.stdout.push(text);
    else outputs.files.push({ file: target.file, content: text });
  }
  return outputs;
}
