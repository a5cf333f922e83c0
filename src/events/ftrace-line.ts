/**
 * The shapes of one line of kernel ftrace text: the `trace` file and `trace_pipe`, `ftrace_dump`
 * on the console (each line behind a `[ seconds]` printk stamp), and `trace-cmd report` (with or
 * without the flags column, `-l` latency format, `-R` raw fields, per-CPU headers).
 * Owns the prefix grammar of an event line,
 *   `comm-pid [(tgid)] [cpu] [flags] timestamp: body`       (trace file, trace-cmd report)
 *   `comm-pid cpuFLAGS time[us][mark]: body`                 (latency format, trace-cmd -l)
 * where the body is whatever the event printed (`lock_acquire: ...`, `func <-parent`,
 * `sys_setpgid -> 0x0`, `<stack trace>` ...), and the lines around events: stack frames
 * (` => frame`), lost-event notes, buffer and trace-cmd headers, function_graph rows, and the
 * other kernel log lines of a console capture.
 * Invariants: pure and total (one line in, one shape out, never throws); no expression here
 * backtracks more than linearly on a long line (test/robustness/limits.test.ts).
 */

export interface FtraceEventLine {
  kind: 'event';
  comm: string;
  pid: string;
  cpu: string;
  /** The irqs-off column (`d`, `D`, `b`, `X`, `.`) when the line has a flags column. */
  irqsOff?: string;
  /** The hardirq/softirq column (`h`, `s`, `H`, `z`, `Z`, `.`) when the line has a flags column. */
  hardSoft?: string;
  ts: string;
  /** Everything after `timestamp:`, leading blanks removed. */
  body: string;
}

export type FtraceLine =
  | FtraceEventLine
  /** ` => frame` of a `<stack trace>` or `<user stack trace>`. */
  | { kind: 'frame'; frame: string }
  /** `CPU:N [LOST M EVENTS]` (count null for trace-cmd's `[EVENTS DROPPED]`). */
  | { kind: 'lost'; cpu: string; count: number | null }
  /** A function_graph row (` 1)   0.123 us    |  func();`); the body is what follows the CPU. */
  | { kind: 'graph'; body: string }
  /** Blank, `#` comments, `##### CPU N buffer started ####`, trace-cmd and ftrace_dump headers. */
  | { kind: 'neutral' }
  /** Any other console line behind a printk stamp (`[ 1296.805063] ---[ end Kernel panic ...`):
   * the kernel log around an `ftrace_dump`. */
  | { kind: 'console' }
  | { kind: 'unknown' };

/** The printk stamp `[ 1295.168495] ` in front of an `ftrace_dump` line on the console. */
const CONSOLE_STAMP = String.raw`(?:\[\s*\d+\.\d+\]\s*)?`;
/** trace_print_lat_fmt: irqs-off, need-resched, hardirq/softirq, preempt depth[, migrate-disable].
 * The depth is `%x`: a trace-cmd whose libtraceevent misses the preempt field prints -1 as
 * `ffffffff` (`sleep-1903    2...ffffffff   743.721748:`, a real `trace-cmd report -l`). */
const FLAGS = String.raw`([.dDbX])\S([.ZzHhs])[.0-9a-f]{1,8}`;
// The comm is lazy and starts with `\S` right after `^\s*`: the first `-pid` followed by a CPU
// column wins, and the two never overlap on a run of spaces (a 1 MB line stays linear).
const EVENT_LINE = new RegExp(
  String.raw`^\s*${CONSOLE_STAMP}(\S.*?)-(\d+)\s+(?:\(\s*(?:\d+|-+)\)\s+)?` +
    String.raw`(?:\[(\d+)\](?:\s+${FLAGS})?|(\d+)${FLAGS})` +
    String.raw`\s+(\d+(?:\.\d+)?)(?:us)?\s?[!#@*+$]?:(.*)$`,
);
const FRAME_LINE = new RegExp(String.raw`^\s*${CONSOLE_STAMP}=>\s?(.*)$`);
const LOST_LINE = new RegExp(String.raw`^\s*${CONSOLE_STAMP}CPU:\s*(\d+)\s+\[(?:LOST\s+(\d+)\s+EVENTS|EVENTS\s+DROPPED)\]`);
/** function_graph rows: `[abstime |] cpu) [proc |] duration | calls`. */
const GRAPH_LINE = /^\s*(?:\d+\.\d+\s*\|\s*)?\d+\)\s(.*)$/;
const CONSOLE_PREFIX = /^\s*\[\s*\d+\.\d+\]/;
/** Lines without events that ftrace, ftrace_dump and trace-cmd report print. */
const HEADER_LINE = /^(?:cpus=\d+|CPU\s*\d+ is empty|version = \d+|Dumping ftrace buffer:|-{5,}|CPU \d+ data recorded at offset=\S+(?:\s.*)?)$/;

/** The shape of one line. */
export function parseFtraceLine(text: string): FtraceLine {
  const event = EVENT_LINE.exec(text);
  if (event !== null) {
    const [, comm = '', pid = '', bracketCpu, bracketIrqs, bracketContext, latencyCpu, latencyIrqs, latencyContext, ts = '', body = ''] = event;
    const line: FtraceEventLine = { kind: 'event', comm, pid, cpu: bracketCpu ?? latencyCpu ?? '', ts, body: body.trimStart() };
    const irqsOff = bracketIrqs ?? latencyIrqs;
    const hardSoft = bracketContext ?? latencyContext;
    if (irqsOff !== undefined) line.irqsOff = irqsOff;
    if (hardSoft !== undefined) line.hardSoft = hardSoft;
    return line;
  }
  const frame = FRAME_LINE.exec(text);
  if (frame !== null) return { kind: 'frame', frame: (frame[1] ?? '').trim() };
  const lost = LOST_LINE.exec(text);
  if (lost !== null) return { kind: 'lost', cpu: lost[1] ?? '', count: lost[2] === undefined ? null : Number(lost[2]) };
  const graph = GRAPH_LINE.exec(text);
  if (graph !== null) return { kind: 'graph', body: graph[1] ?? '' };
  const trimmed = text.replace(CONSOLE_PREFIX, '').trim();
  if (trimmed === '' || trimmed.startsWith('#') || HEADER_LINE.test(trimmed)) return { kind: 'neutral' };
  return CONSOLE_PREFIX.test(text) ? { kind: 'console' } : { kind: 'unknown' };
}

/** An event body's `name: payload` (a tracepoint), or null (function tracer, syscall exit...). */
export function namedEvent(body: string): { name: string; payload: string } | null {
  const colon = body.indexOf(':');
  if (colon <= 0) return null;
  const name = body.slice(0, colon);
  if (/[\s<]/.test(name)) return null;
  const after = body.charCodeAt(colon + 1);
  // `name:` ends the body or is followed by a blank (a C++-like `a::b` or `0x1:2` is not a name).
  if (colon + 1 < body.length && after !== 32 && after !== 9) return null;
  return { name, payload: body.slice(colon + 1).trim() };
}

/** `<stack trace>` (the stacktrace option) and `<user stack trace>` (userstacktrace), as the
 * trace file prints them, or trace-cmd's `kernel_stack:` / `user_stack:` events. */
export function stackHeaderOf(body: string): 'kernel' | 'user' | null {
  if (/^<stack trace\s*>/.test(body) || body.startsWith('kernel_stack:')) return 'kernel';
  if (/^<user stack trace\s*>/.test(body) || body.startsWith('user_stack:')) return 'user';
  return null;
}

/** The body of a function_graph row carries a lock event as a `/* lock_acquire: ... *\/` comment. */
export function graphRowHasLockEvent(body: string): boolean {
  return /\/\*\s*lock_(?:acquire|release):/.test(body);
}
