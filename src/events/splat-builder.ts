/**
 * Reads one lockdep report, line by line, from its header to its end: the task, the locks each
 * kind of report names, the chain of a circular report with the stack under each link, the held
 * locks, and the backtrace's functions (for the title). Owns when a report ends: at the end of
 * the backtrace after `stack backtrace:` (or `dump_stack`'s own header, for reports that print
 * none), when the held-lock list of a `returning to user space` report is complete, or early
 * when another kernel report cuts in (then the report is incomplete).
 * Invariants: a line the builder does not know is kept in the report's text and otherwise
 * ignored, never an error; class names come only from lock lines (splat-lines.ts).
 */
import type { KernelSplat, SplatChainLink, SplatKind, SplatLock } from './kernel-splat.js';
import {
  functionOf,
  isDumpStackHeader,
  isInlined,
  isOtherReport,
  isTraceNoise,
  parseChainLine,
  parseFrame,
  parseHeldHeader,
  parseLockLine,
  type LockLineParts,
} from './splat-lines.js';

/** `taken`: the line belongs to the report; `done`: it ended with this line; `passed`: it ended before this line. */
export type SplatStep = 'taken' | 'done' | 'passed';

/** Lines of report text kept for the text report (the backtrace is not kept). */
const MAX_TEXT_LINES = 400;
/** Backtrace functions kept (the title needs the first few). */
const MAX_FRAMES = 32;
/**
 * Lines after its header within which a report must end (the longest, an irq report's
 * dependency dump or MAX_LOCK_DEPTH's list of every task's locks, take hundreds): past them the
 * report is closed as cut, so a header whose report never comes does not hold the rest of the log.
 */
export const MAX_REPORT_LINES = 5000;

type LockSlot = 'acquiring' | 'holding' | 'other';
type Expecting = LockSlot | 'release-at' | 'nest' | null;

const TASK_PATTERNS: readonly (readonly [RegExp, Expecting])[] = [
  [/^(.+?)(?: \[\S*\])? is trying to acquire(?: lock)?:$/, 'acquiring'],
  [/^(.+?) \[\S*\] takes:$/, 'acquiring'],
  [/^(.+?) just changed the state of lock:$/, 'acquiring'],
  [/^(.+?) is freeing memory\b.*$/, 'acquiring'],
  [/^(.+?) is trying to lock:$/, 'acquiring'],
  [/^(.+?) is leaving the kernel with locks still held!$/, null],
];

export class SplatBuilder {
  readonly splat: KernelSplat;
  private expecting: Expecting = null;
  private phase: 'head' | 'body' | 'held' | 'chain' | 'trace' = 'head';
  private link: SplatChainLink | undefined;
  private heldIndex = '';
  private traceLines = 0;

  constructor(kind: SplatKind, header: string, lineNo: number) {
    this.splat = { kind, header, chain: [], held: [], frames: [], firstLine: lineNo, lastLine: lineNo, complete: false, text: [header] };
    const owner = /^(?:WARNING|BUG|INFO): (\S+) still has locks held!/.exec(header);
    if (owner !== null) this.splat.task = owner[1] ?? '';
    const at = / at (\S+:\d+)$/.exec(header);
    if (at !== null) this.splat.detail = at[1] ?? '';
  }

  /** One line of the log (console prefixes stripped). */
  line(text: string, lineNo: number): SplatStep {
    const trimmed = text.trim();
    if (this.phase === 'trace') return this.traceLine(trimmed, lineNo);
    if (isOtherReport(trimmed) || lineNo - this.splat.firstLine > MAX_REPORT_LINES) return 'passed';
    this.splat.lastLine = lineNo;
    if (this.splat.text.length < MAX_TEXT_LINES) this.splat.text.push(text);
    if (trimmed === 'stack backtrace:' || isDumpStackHeader(trimmed)) {
      this.splat.complete = true;
      this.phase = 'trace';
      return 'taken';
    }
    if (this.phase === 'head' && this.headLine(trimmed)) return 'taken';
    if (this.expecting !== null && this.expectedLine(trimmed, lineNo)) return 'taken';
    return this.bodyLine(trimmed, lineNo);
  }

  /** The separators and the kernel version line right after the header. */
  private headLine(trimmed: string): boolean {
    if (/^[-=]+$/.test(trimmed)) return true;
    this.phase = 'body';
    if (/(?:^|\s)#\d+\b|[Tt]ainted/.test(trimmed) && !/ held by |^#\d+:/.test(trimmed)) {
      this.splat.kernel = trimmed;
      return true;
    }
    return false;
  }

  private expectedLine(trimmed: string, lineNo: number): boolean {
    const expecting = this.expecting;
    if (trimmed === '') return false;
    if (expecting === 'nest') {
      this.splat.named = { class: trimmed, line: lineNo, at: [] };
      this.expecting = null;
      return true;
    }
    if (expecting === 'release-at') {
      const fn = /^\[<[0-9a-f]+>\]/.test(trimmed) ? functionOf(trimmed) : undefined;
      if (fn !== undefined && this.splat.named !== undefined) {
        if (!isInlined(trimmed)) this.splat.named.at.push(fn);
        return true;
      }
      this.expecting = null;
      return false;
    }
    const lock = expecting === null ? null : parseLockLine(trimmed);
    if (lock === null || expecting === null) {
      this.expecting = null;
      return false;
    }
    const known = this.splat[expecting];
    if (known === undefined) this.splat[expecting] = splatLock(lock, lineNo);
    else if (known.class === lock.class && lock.at !== undefined) known.at.push(lock.at);
    return true;
  }

  private bodyLine(trimmed: string, lineNo: number): SplatStep {
    const splat = this.splat;
    for (const [pattern, next] of TASK_PATTERNS) {
      const match = pattern.exec(trimmed);
      if (match === null) continue;
      splat.task ??= match[1] ?? '';
      this.expecting = next;
      return 'taken';
    }
    if (/already holding(?: lock)?:$/.test(trimmed)) this.expecting = 'holding';
    else if (/^but this lock (?:took another|was taken by another), .* in the past:$/.test(trimmed)) this.expecting = 'other';
    else if (trimmed === 'but this task is not holding:') this.expecting = 'nest';
    else return this.detailLine(trimmed, lineNo);
    return 'taken';
  }

  private detailLine(trimmed: string, lineNo: number): SplatStep {
    const splat = this.splat;
    const release = /^(.+?) is trying to release lock \((.*)\) at:$/.exec(trimmed);
    if (release !== null) {
      splat.task ??= release[1] ?? '';
      splat.named = { class: release[2] ?? '', line: lineNo, at: [] };
      this.expecting = 'release-at';
      return 'taken';
    }
    const atomic = /in_atomic\(\): .*\bpid: (\d+), name: (\S+)/.exec(trimmed);
    if (atomic !== null) splat.task ??= `${atomic[2] ?? ''}/${atomic[1] ?? ''}`;
    if (/^inconsistent \{.*\} -> \{.*\} usage\.$/.test(trimmed)) splat.detail = trimmed;
    if (splat.kind === 'suspicious-rcu-usage' && splat.detail === undefined && /^\S+:\d+ \S/.test(trimmed)) splat.detail = trimmed;
    const heldHeader = parseHeldHeader(trimmed);
    if (heldHeader !== null) {
      splat.heldCount = heldHeader.count;
      splat.task ??= heldHeader.task;
      this.phase = 'held';
      return this.heldComplete() ? 'done' : 'taken';
    }
    if (this.phase === 'held' && /^#\d+:/.test(trimmed)) return this.heldLine(trimmed, lineNo);
    const chain = parseChainLine(trimmed);
    if (chain !== null) {
      this.link = { ...chain, line: lineNo, stack: [] };
      splat.chain.push(this.link);
      this.phase = 'chain';
      return 'taken';
    }
    if (this.phase === 'chain' && this.link !== undefined) {
      const frame = parseFrame(trimmed);
      if (frame !== null && !frame.unreliable) this.link.stack.push(frame.fn);
    }
    return 'taken';
  }

  /** `#N: <lock line>`; syzbot repeats a held lock once per inlined `at:` frame. */
  private heldLine(trimmed: string, lineNo: number): SplatStep {
    const index = /^#\d+:/.exec(trimmed)?.[0] ?? '';
    const lock = parseLockLine(trimmed);
    if (lock === null) return 'taken';
    const last = this.splat.held.at(-1);
    if (last !== undefined && index === this.heldIndex && last.class === lock.class) {
      if (lock.at !== undefined) last.at.push(lock.at);
    } else {
      this.splat.held.push(splatLock(lock, lineNo));
    }
    this.heldIndex = index;
    return this.heldComplete() ? 'done' : 'taken';
  }

  /** A `returning to user space` report ends with its held-lock list (no backtrace follows). */
  private heldComplete(): boolean {
    const { kind, header, heldCount, held } = this.splat;
    if (kind !== 'held-lock-at-exit' || !header.includes('returning to user space') || heldCount === undefined) return false;
    if (held.length < heldCount) return false;
    this.splat.complete = true;
    return true;
  }

  private traceLine(trimmed: string, lineNo: number): SplatStep {
    if (trimmed === '' || isOtherReport(trimmed)) return this.traceLines === 0 && trimmed === '' ? 'taken' : 'passed';
    const frame = parseFrame(trimmed);
    if (frame === null && !isTraceNoise(trimmed)) return 'passed';
    this.traceLines++;
    this.splat.lastLine = lineNo;
    if (frame !== null && !frame.unreliable && !frame.inline && this.splat.frames.length < MAX_FRAMES) this.splat.frames.push(frame.fn);
    return 'taken';
  }
}

function splatLock(lock: LockLineParts, line: number): SplatLock {
  return { class: lock.class, usage: lock.usage, address: lock.address, at: lock.at === undefined ? [] : [lock.at], line };
}
