/**
 * The lines of the kernel's lockdep files as `kernel/locking/lockdep_proc.c` prints them, one
 * line at a time:
 *   /proc/lockdep         `all lock classes:`, then per class
 *                         `<key> [OPS: <n>] [FD: <n> BD: <n>] <usage>: <name>` (OPS only with
 *                         CONFIG_DEBUG_LOCKDEP, FD/BD only with CONFIG_PROVE_LOCKING) followed by
 *                         ` -> [<key>] <name>` per direct dependency;
 *   /proc/lockdep_chains  `all lock chains:` (`(buggered) ` before it when the hlock table
 *                         overflowed), then per chain `irq_context: <n>` and `[<key>] <name>` lines;
 *   /proc/lockdep_stats   ` <counter>: <n>` lines, some with ` [max: <n>]`.
 * Lines may be mail-quoted (`> `), as they are in replies. Also owns decoding the usage
 * characters. Invariant: a class name is kept exactly as printed
 * (`#N` name versions, `/N` subclasses, `(wq_completion)...`, spaces inside), since it is the
 * class the graph is built over.
 */

/** One parsed line. */
export type ProcLockdepLine =
  | { kind: 'classes-header' }
  | { kind: 'class'; name: string; usage: string; forward?: number; backward?: number }
  | { kind: 'dependency'; name: string }
  | { kind: 'chains-header'; overflowed: boolean }
  | { kind: 'chain-start'; irqContext: number }
  | { kind: 'chain-lock'; name: string }
  | { kind: 'stat'; name: string; value: number; max?: number }
  | { kind: 'blank' }
  | { kind: 'other' };

const KEY = '[0-9a-fA-F]{6,16}';
/** `<key> [OPS: n] [FD: n BD: n] <usage>: <name>`; the usage may come in braces. */
const CLASS_LINE = new RegExp(`^\\s*${KEY}(?: OPS:\\s*\\d+)?(?: FD:\\s*(\\d+) BD:\\s*(\\d+))? \\{?([-+.?]{4,8})\\}?: (.*)$`);
/** A line that starts like a class line (key then a counter or usage), for errors. */
const CLASS_LIKE = new RegExp(`^\\s*${KEY} (?:OPS:|FD:|[-+.?]{4,8}:)`);
const DEPENDENCY_LINE = new RegExp(`^\\s*-> \\[(${KEY})\\] (.*)$`);
const CHAIN_LOCK_LINE = new RegExp(`^\\[(${KEY})\\] (.*)$`);
/** `irq_context: 1`, or the context named (`irq_context: softirq`) as some kernels print it. */
const CHAIN_START = /^irq_context: (\d+|[a-z| ]+?)\s*$/;
const CHAINS_HEADER = /^(\(buggered\) )?all lock chains:\s*$/;
const CLASSES_HEADER = /^all lock classes:\s*$/;
/** ` lock-classes:    1834 [max: 8192]`, ` debug_locks:    1`. */
const STAT_LINE = /^\s+([a-z][a-z0-9_ ()-]*[a-z)]):\s+(\d+)(?:\s+\[max:\s*(\d+)\])?\s*$/;

/** What a line that looks like a class line but is not one lacks, or null when it is fine. */
export function malformedClassLine(text: string): string | null {
  if (!CLASS_LIKE.test(text) || CLASS_LINE.test(text)) return null;
  return 'expected "<key> [OPS: n] FD: n BD: n <usage>: <class name>" (usage like +.+. and a class name after ": ")';
}

/** Mail quoting (`> `, `> > `, `>> `) before a line, as lockdep files travel in mail replies. */
const MAIL_QUOTE = /^(?:> ?)+/;

export function parseProcLockdepLine(text: string): ProcLockdepLine {
  const line = (text.endsWith('\r') ? text.slice(0, -1) : text).replace(MAIL_QUOTE, '');
  if (line.trim() === '') return { kind: 'blank' };
  const cls = CLASS_LINE.exec(line);
  if (cls !== null) {
    const [, forward, backward, usage = '', name = ''] = cls;
    const trimmed = name.trimEnd();
    if (trimmed === '') return { kind: 'other' };
    const parsed: ProcLockdepLine = { kind: 'class', name: trimmed, usage };
    if (forward !== undefined) parsed.forward = Number(forward);
    if (backward !== undefined) parsed.backward = Number(backward);
    return parsed;
  }
  const dependency = DEPENDENCY_LINE.exec(line);
  if (dependency !== null) return namedLine('dependency', dependency[2]);
  const chainLock = CHAIN_LOCK_LINE.exec(line);
  if (chainLock !== null) return namedLine('chain-lock', chainLock[2]);
  const chainStart = CHAIN_START.exec(line);
  if (chainStart !== null) return { kind: 'chain-start', irqContext: irqContextNumber(chainStart[1] ?? '') };
  if (CLASSES_HEADER.test(line)) return { kind: 'classes-header' };
  const chains = CHAINS_HEADER.exec(line);
  if (chains !== null) return { kind: 'chains-header', overflowed: chains[1] !== undefined };
  const stat = STAT_LINE.exec(line);
  if (stat !== null) {
    const parsed: ProcLockdepLine = { kind: 'stat', name: stat[1] ?? '', value: Number(stat[2]) };
    if (stat[3] !== undefined) parsed.max = Number(stat[3]);
    return parsed;
  }
  return { kind: 'other' };
}

/** The kernel's irq_context number: 1 hardirq, 2 softirq, 3 both (a hardirq over a softirq), 0 process. */
function irqContextNumber(text: string): number {
  if (/^\d+$/.test(text)) return Number(text);
  return (text.includes('hardirq') ? 1 : 0) | (text.includes('softirq') ? 2 : 0);
}

function namedLine(kind: 'dependency' | 'chain-lock', name: string | undefined): ProcLockdepLine {
  const trimmed = (name ?? '').trimEnd();
  return trimmed === '' ? { kind: 'other' } : { kind, name: trimmed };
}

/** True for the lines the lockdep files print (format detection): class, dependency, chain and counter lines and the headers. */
export function isProcLockdepLine(text: string): boolean {
  const kind = parseProcLockdepLine(text).kind;
  return kind !== 'blank' && kind !== 'other';
}

/** Irq usage of a class read from its usage characters. */
export interface ClassUsage {
  /** Used in hardirq / softirq context (irq-safe), for write and for read. */
  inHardirq: boolean;
  inHardirqRead: boolean;
  inSoftirq: boolean;
  inSoftirqRead: boolean;
  /** Taken with hardirqs / softirqs enabled (irq-unsafe), for write and for read. */
  hardirqOn: boolean;
  hardirqOnRead: boolean;
  softirqOn: boolean;
  softirqOnRead: boolean;
}

/**
 * Decodes the usage characters: pairs of (write, read) per irq state, hardirq first, then
 * softirq; `-` used in that irq, `+` taken with that irq enabled, `?` both, `.` neither. Kernels
 * 2.6.30 to 4.13 print a third pair for RECLAIM_FS, which has no counterpart here and is not read.
 */
export function decodeUsage(usage: string): ClassUsage {
  const at = (index: number): { usedIn: boolean; enabled: boolean } => {
    const char = usage[index] ?? '.';
    return { usedIn: char === '-' || char === '?', enabled: char === '+' || char === '?' };
  };
  const [hardW, hardR, softW, softR] = [at(0), at(1), at(2), at(3)];
  return {
    inHardirq: hardW.usedIn,
    inHardirqRead: hardR.usedIn,
    inSoftirq: softW.usedIn,
    inSoftirqRead: softR.usedIn,
    hardirqOn: hardW.enabled,
    hardirqOnRead: hardR.enabled,
    softirqOn: softW.enabled,
    softirqOnRead: softR.enabled,
  };
}

/** True when the usage shows the class taken for read (a read column other than `.`). */
export function usedForRead(usage: string): boolean {
  return (usage[1] ?? '.') !== '.' || (usage[3] ?? '.') !== '.';
}
