/**
 * The class names a kernel or a trace printed, for `rules lint --names FILE`. FILE is one of:
 *  - a trace in any format `lockdep check` reads (JSONL, ftrace, perf script, STD): the classes of
 *    its events (an instance never declared by `init` is its own class, as in `check`);
 *  - text from a kernel: every `(NAME){USAGE}` lockdep prints in a console-log splat, and the name
 *    at the end of each /proc/lockdep class line (`... FD: n BD: n USAGE: NAME`) and dependency
 *    line (` -> [ADDRESS] NAME`);
 *  - otherwise a plain list, one class name per line (blank lines and `#` comments skipped).
 * Invariant: a file that cannot be read is an InputError naming it; text is never an input error.
 */
import { detectFormatOfFile } from '../events/detect-format.js';
import { InputError } from '../io/input-error.js';
import { importTrace } from '../events/import-trace.js';
import { readTextFile } from '../rules/loader.js';

/** lockdep's `(%s){usage}`: the usage string is 4+ characters of `.+-?` (one per irq state pair). */
const USAGE_AFTER_NAME = /\)\{[.+\-?]{4,}\}/g;
/** A /proc/lockdep class line: address, optional OPS, FD, BD, usage, name. */
const PROC_LOCKDEP_CLASS = /^[0-9a-f]+ (?:OPS:\s*\d+ )?FD:\s*\d+ BD:\s*\d+ [.+\-?]+: (.+)$/;
/** A /proc/lockdep dependency line under its class: ` -> [address] name`. */
const PROC_LOCKDEP_DEPENDENCY = /^-> \[[0-9a-f]+\] (.+)$/;

/** The names inside `(...)` that end right before each `){usage}` of a line (parentheses balanced). */
function namesBeforeUsage(line: string): string[] {
  const names: string[] = [];
  for (const match of line.matchAll(USAGE_AFTER_NAME)) {
    let depth = 0;
    for (let index = match.index; index >= 0; index--) {
      const char = line[index];
      if (char === ')') depth++;
      else if (char === '(' && --depth === 0) {
        names.push(line.slice(index + 1, match.index));
        break;
      }
    }
  }
  return names;
}

/** Class names in kernel text (splats, /proc/lockdep) or, failing that, a plain list. */
export function classNamesOfText(text: string): Set<string> {
  const lines = text.split(/\r?\n/);
  const kernel = new Set<string>();
  for (const line of lines) {
    for (const name of namesBeforeUsage(line)) kernel.add(name);
    const proc = PROC_LOCKDEP_CLASS.exec(line.trim()) ?? PROC_LOCKDEP_DEPENDENCY.exec(line.trim());
    if (proc) kernel.add(proc[1]!.trim());
  }
  if (kernel.size > 0) return kernel;
  const list = new Set<string>();
  for (const line of lines) {
    const name = line.trim();
    if (name.length > 0 && !name.startsWith('#')) list.add(name);
  }
  return list;
}

/**
 * Formats that are kernel text (a console log, /proc/lockdep): their names are read from the
 * text, which also gives the classes a report only lists (held locks, chain members).
 */
const KERNEL_TEXT_FORMATS: ReadonlySet<string> = new Set(['dmesg', 'proc-lockdep']);

/** Whether `file` is a trace whose lock events name the classes (not kernel text, not a list). */
function isLockTrace(file: string): boolean {
  try {
    return !KERNEL_TEXT_FORMATS.has(detectFormatOfFile(file));
  } catch (error) {
    if (error instanceof InputError && error.line !== undefined) return false;
    throw error;
  }
}

/** The class names printed in `file` (a trace, kernel text, or a plain list). */
export async function readPrintedClassNames(file: string): Promise<Set<string>> {
  if (!isLockTrace(file)) return classNamesOfText(readTextFile(file, 'names file'));
  const names = new Set<string>();
  const declared = new Set<string>();
  await importTrace(file, (event) => {
    if (event.op === 'init') {
      declared.add(String(event.lock));
      names.add(event.class ?? String(event.lock));
    } else if ((event.op === 'acquire' || event.op === 'sync') && !declared.has(String(event.lock))) {
      names.add(String(event.lock));
    }
  });
  return names;
}
