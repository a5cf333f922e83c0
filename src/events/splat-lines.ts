/**
 * The small line shapes inside a lockdep report: a lock line (`ffff888... (&q->lock){+.+.}-{3:3},
 * at: f+0x1d/0x43`, with or without address, usage, wait-type suffix or `#N:` held-lock index),
 * a `-> #N (<class>)...:` chain line, a `N locks held by comm/pid:` line, and a stack frame in
 * any of the forms kernels print (`[<addr>] f+0x1/0x2`, `f+0x1/0x2 file.c:12`, `f (file.c:12)`,
 * `f file.h:3 [inline]`, ARM's `[<addr>] (f) from [<addr>] (g+0x1/0x2)`).
 * Invariants: class names keep every character the kernel printed inside the outer parentheses
 * (`(wq_completion)events`, `&q->q_usage_counter(io)`, `ptlock_ptr(ptdesc)#2`); functions
 * lose offsets, addresses and file positions; a line of no such shape gives null.
 */

export interface LockLineParts {
  class: string;
  usage: string;
  address: string;
  /** The function of `at:` on this line, when it says one. */
  at?: string;
}

const ADDRESS = /^(?:#\d+:\s+)?(?:([0-9a-f]{8,16}|\(____ptrval____\))\s+)?\(/;

/** The parts of a lock line (trimmed text), or null when it is not one. */
export function parseLockLine(text: string): LockLineParts | null {
  const start = ADDRESS.exec(text);
  if (start === null) return null;
  const open = start[0].length - 1;
  const close = matchingParen(text, open);
  if (close < 0) return null;
  const cls = text.slice(open + 1, close);
  if (cls.length === 0) return null;
  const rest = text.slice(close + 1);
  if (rest.length > 0 && !/^[{,:\s]/.test(rest)) return null;
  const usage = /^\{([^}]*)\}/.exec(rest)?.[1] ?? '';
  const parts: LockLineParts = { class: cls, usage, address: start[1] ?? '' };
  const at = /, at: (.*)$/.exec(rest) ?? /^,?\s*at: (.*)$/.exec(rest);
  // An `[inline]` line names a function inlined into the next line's: the next line says where.
  const fn = at === null || isInlined(at[1] ?? '') ? undefined : functionOf(at[1] ?? '');
  if (fn !== undefined) parts.at = fn;
  return parts;
}

/** A frame or `at:` text that syzbot-style symbolization marks as inlined (`f file.h:3 [inline]`). */
export function isInlined(text: string): boolean {
  return /\[inline\]\s*$/.test(text);
}

/** The index of the `)` closing the `(` at `open`, or -1. */
function matchingParen(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 40) depth++;
    else if (c === 41 && --depth === 0) return i;
  }
  return -1;
}

/** The function named by `[<addr>] f+0x1/0x2 ...`, `f+0x1/0x2`, `f file.c:1 [inline]` or `f (file.c:1)`. */
export function functionOf(where: string): string | undefined {
  const text = where.trim().replace(/^\[<[0-9a-f]+>\]\s*/, '');
  const match = /^([A-Za-z_.$][\w.$]*)(?:\+0x[0-9a-f]+(?:\/0x[0-9a-f]+)?|\s|$)/.exec(text);
  return match?.[1];
}

/** `-> #N (<class>){usage}...:` */
export function parseChainLine(text: string): { index: number; class: string; usage: string } | null {
  const match = /^-> #(\d+) (\(.*)$/.exec(text);
  if (match === null) return null;
  const lock = parseLockLine(match[2] ?? '');
  if (lock === null) return null;
  return { index: Number(match[1]), class: lock.class, usage: lock.usage };
}

/** `N lock(s) held by comm/pid:` (`no locks held by ...` gives 0). */
export function parseHeldHeader(text: string): { count: number; task: string } | null {
  const match = /^(\d+|no) locks? held by (.+):$/.exec(text);
  if (match === null) return null;
  return { count: match[1] === 'no' ? 0 : Number(match[1]), task: match[2] ?? '' };
}

export interface Frame {
  fn: string;
  /** `? f+0x...`: a stale return address on the stack, not a caller. */
  unreliable: boolean;
  /** `f file.h:3 [inline]`: inlined into the next frame. */
  inline: boolean;
}

const FRAME_ARM = /^\[<[0-9a-f]+>\] \(([\w.$]+)(?:\+0x[0-9a-f]+\/0x[0-9a-f]+)?\) from /;
const FRAME_OFFSET = /^(?:<(?:IRQ|EOI|NMI|TASK)>\s+)?(?:\[<[0-9a-f]+>\]\s+)?(\?\s+)?([A-Za-z_.$][\w.$]*)\+0x[0-9a-f]+\/0x[0-9a-f]+/;
const FRAME_DECODED = /^(\?\s+)?([A-Za-z_.$][\w.$]*) (?:\(\S+:\d+|\S+\.[chS]:\d+|\[inline\])/;

/** A stack frame line (trimmed text), or null. */
export function parseFrame(text: string): Frame | null {
  const arm = FRAME_ARM.exec(text);
  if (arm !== null) return { fn: arm[1] ?? '', unreliable: false, inline: false };
  const match = FRAME_OFFSET.exec(text) ?? FRAME_DECODED.exec(text);
  if (match === null) return null;
  return { fn: match[2] ?? '', unreliable: match[1] !== undefined, inline: isInlined(text) };
}

/** What `dump_stack` prints around the frames: headers, markers, registers, raw stack words. */
const TRACE_NOISE = /^(?:CPU: \d+|Pid: \d+|Hardware name:|Workqueue:|Stopper:|Tainted:|Call [Tt]race:|Stack ?:|Exception stack|<\/?(?:TASK|IRQ|NMI|EOI)>|RIP:|Code:|RSP:|R[A-Z0-9]{1,2}:|FS:|CS:|CR\d:|DR\d:|pc :|lr :|sp :|x\d+ ?:|[0-9a-f]{4}:|[0-9a-f]{8,16}(?: [0-9a-f]{8,16})*$|\.\.\.$)/;

/** True when `text` is part of a printed backtrace without being a frame. */
export function isTraceNoise(text: string): boolean {
  return TRACE_NOISE.test(text);
}

/** The `dump_stack` header lines that end a report without a `stack backtrace:` line. */
export function isDumpStackHeader(text: string): boolean {
  return /^(?:CPU: \d+ (?:UID: \d+ )?PID: \d+ Comm:|Pid: \d+, comm:|Call [Tt]race:)/.test(text);
}

/** Another kind of kernel report starting: it cuts a lockdep report short. */
export function isOtherReport(text: string): boolean {
  return /^(?:general protection fault|BUG: (?:unable to handle|kernel NULL pointer|KASAN|KFENCE|soft lockup|workqueue lockup|scheduling while atomic)|Oops|kernel BUG at|Internal error:|Unable to handle kernel|-+\[ cut here \]-+|WARNING: CPU: \d+ PID: \d+|Kernel panic)/.test(text);
}
