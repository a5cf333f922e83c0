/**
 * Importer for `perf script` output of the lock tracepoints (`perf record -e lock:lock_acquire
 * -e lock:lock_release [-g]`, then `perf script [-F ...]`):
 *   `  swapper     0 [000]  1234.567890: lock:lock_acquire: 0xffff... [try ][read ]<class>`
 * followed, when a callchain was recorded, by one `\t<ip> <sym>+<off> (<dso>)` line per frame and
 * a blank line. The `-F` variants drop or add columns: `pid/tid`, no `[cpu]`, no comm, a period
 * before the event, `ip sym (dso)` inline at the end when there is no callchain.
 * Owns reading those lines; kernel-lock-tracker.ts turns the events into spec TraceEvents (perf
 * prints no flags column, so no irq events come from perf output). Tasks are keyed by tid.
 * Invariants: a malformed lock line, or a line of no perf-script shape once events have started,
 * is an InputError naming file:line; any other event (`sys:name:`) is skipped.
 * `perfImporter` is the registry entry.
 */
import type { EventSink } from './event.js';
import { taskKey } from './kernel-lock-tracker.js';
import { defineImporter } from './importer.js';
import { KernelTextParser, kernelTextImport, kernelTraceOptions } from './kernel-text-parser.js';
import type { KernelTraceOptions } from './kernel-lock-tracker.js';

// comm (optional, may hold spaces: lazy), [pid/]tid, [cpu], time:, [period], system:event:, payload.
const PERF_EVENT = /^\s*(?:(\S.*?)\s+)?(\d+)(?:\/(\d+))?\s+(?:\[(\d+)\]\s+)?(\d+\.\d+):\s+(?:\d+\s+)?([A-Za-z_][\w-]*):([A-Za-z_][\w-]*):(.*)$/;
/** A callchain line: ip, then `sym+off (dso)`, `[unknown] (dso)`... */
const PERF_FRAME = /^\s+([0-9a-fA-F]{1,16})\s+(\S.*?)\s*$/;
/** `ip sym+off (dso)` that `-F ...,ip,sym` prints at the end of the line without a callchain. */
const INLINE_SYMBOL = /\s+[0-9a-fA-F]{8,16}\s+\S+(?:\s+\([^()]*\))?\s*$/;
const PERF_SHAPE = {
  bareLockEvent: /\block:lock_(?:acquire|release):/,
  lockLine: 'comm tid [cpu] time: lock:lock_...: ...',
  notALine: 'not a perf script line: expected "comm tid [cpu] time: system:event: ..." or a callchain frame',
};

/** True when `line` is a `perf script` event line (used by format detection). */
function isPerfScriptEventLine(line: string): boolean {
  return PERF_EVENT.test(line);
}

/** True when `line` is a callchain line under a perf script event (neutral for detection). */
export function isPerfCallchainLine(line: string): boolean {
  return /^\s+[0-9a-fA-F]{4,16}\s+\S/.test(line);
}

/** Streaming `perf script` parser: feed it lines, it calls the sink with spec events. */
export class PerfScriptParser extends KernelTextParser {
  constructor(options: KernelTraceOptions, sink: EventSink) {
    super(options, sink, PERF_SHAPE);
  }

  line(text: string, lineNo: number): void {
    this.tracker.stats.lines++;
    const event = PERF_EVENT.exec(text);
    if (event !== null) {
      this.sawEvent = true;
      const [, comm = '', pid = '', tid, cpu = '', ts = '', , name = '', payload = ''] = event;
      const thread = tid ?? pid;
      const isLock = name === 'lock_acquire' || name === 'lock_release';
      this.tracker.event(
        { comm, pid: thread, cpu, ts: Number(ts), name, payload: isLock ? withoutInlineSymbol(payload) : payload },
        lineNo,
      );
      // The callchain, if any, follows on the next lines.
      this.tracker.stackStarts(taskKey(thread, cpu));
      return;
    }
    const frame = PERF_FRAME.exec(text);
    if (frame !== null) {
      this.tracker.frame(symbolOf(frame[2] ?? ''));
      return;
    }
    const trimmed = text.trim();
    if (trimmed === '') {
      this.tracker.stackEnds();
      return;
    }
    // `#` headers (--header); indented detail under a frame (`-F +srcline`: `  lockdep.c:5730`).
    if (trimmed.startsWith('#') || /^\s/.test(text)) return;
    this.unknownLine(text, lineNo);
  }
}

/** The lock payload without a trailing `ip sym (dso)`; a payload that is only `addr class` stays. */
function withoutInlineSymbol(payload: string): string {
  const cut = payload.replace(INLINE_SYMBOL, '');
  return cut.trim() === '' ? payload : cut;
}

/** `lock_acquire+0xc5 ([kernel.kallsyms])` -> `lock_acquire+0xc5`; a module frame keeps `[mod]`. */
function symbolOf(text: string): string {
  const open = text.lastIndexOf(' (');
  if (open < 0 || !text.endsWith(')')) return text;
  const dso = text.slice(open + 2, -1);
  const symbol = text.slice(0, open).trim();
  return dso === '[kernel.kallsyms]' || !dso.startsWith('[') ? symbol : `${symbol} ${dso}`;
}

/** The registry entry of `perf script` output (no byte lane). */
export const perfImporter = defineImporter({
  name: 'perf',
  description: 'perf script output',
  detect: isPerfScriptEventLine,
  create: (context, sink) => kernelTextImport(new PerfScriptParser(kernelTraceOptions(context), sink)),
});
