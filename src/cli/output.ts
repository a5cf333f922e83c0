/**
 * Where reports go: `-f FORMAT[:file]` (repeatable) and `-o FILE`. A format without `:file`
 * goes to `-o FILE` when given, else to stdout (`-` also means stdout). Invariants: every format
 * name is known to the registry; no two reports go to the same file; no report overwrites an
 * input (a trace, a saved result, a rules file, the baseline being read); files are written
 * atomically (temp + rename); stdout reports are written in the order the formats were given.
 */
import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { UsageError } from './usage-error.js';
import { writeFileAtomic } from './atomic-write.js';

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
  const inputs = new Map(request.inputs.filter((input) => input !== '-').map((input) => [canonicalPath(input), input]));
  const written = new Map<string, string>();
  for (const target of targets) {
    if (target.file === null) continue;
    const path = canonicalPath(target.file);
    const input = inputs.get(path);
    if (input !== undefined) throw new UsageError(`refusing to write the ${target.format} report to ${target.file}: it is an input of this command (${input}); choose another output file`);
    const previous = written.get(path);
    if (previous !== undefined) throw new UsageError(`two reports would be written to ${target.file} (${previous} and ${target.format}); give each format its own file with -f FORMAT:FILE`);
    written.set(path, target.format);
  }
  return targets;
}

export interface OutputWriter {
  /** Writes stdout text. */
  stdout(text: string): void;
}

/** Renders each target and writes it: files atomically, stdout in order. */
export async function writeOutputs(
  targets: readonly OutputTarget[],
  render: (target: OutputTarget) => string | Promise<string>,
  writer: OutputWriter = { stdout: (text) => { process.stdout.write(text); } },
): Promise<void> {
  // A format renders once per kind of destination (stdout may be coloured, files never are).
  const rendered = new Map<string, string>();
  for (const target of targets) {
    const key = `${target.file === null ? 'stdout' : 'file'}:${target.format}`;
    let text = rendered.get(key);
    if (text === undefined) {
      text = await render(target);
      rendered.set(key, text);
    }
    if (target.file === null) writer.stdout(text);
    else await writeFileAtomic(target.file, text);
  }
}
