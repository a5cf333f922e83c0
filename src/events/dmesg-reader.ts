/**
 * Importer for kernel console logs (`dmesg`, a serial console capture, a CI job's log, a mail
 * quoting a splat): finds every lockdep report in the log and hands each one, as a KernelSplat,
 * to the context's `onSplat`. Text between reports (the rest of the boot, other warnings, prose
 * around a quoted splat) is skipped; a report cut short (the log ends, another report starts,
 * an oops cuts in) is handed over marked incomplete. A console log carries no lock events, so
 * the event sink is never called.
 * Invariants: never an InputError for the log's content (only reading failures are errors);
 * a line costs a few substring tests unless it may be a report header or is inside a report, so
 * a log is scanned at the speed of decoding it; `dmesgImporter` is the registry entry, detected
 * from a whole prefix (console logs are mostly free text: no line-by-line test could tell).
 */
import { consoleText, hasConsoleTimestamp } from './console-line.js';
import { defineImporter, type TraceImport } from './importer.js';
import { splatHeaderKind, type KernelSplat } from './kernel-splat.js';
import { SplatBuilder } from './splat-builder.js';
import { DEFAULT_CHUNK_BYTES, LineDecoder } from './text-line-reader.js';

/** Words of every report header (kernel-splat.ts): a line without one is no header. */
const HEADER_WORDS = /locking|lock (?:state|order|freed|held|was)|locks held|unlock balance|lock inversion|sleeping function|RCU usage|MAX_LOCK_DEPTH|wait context/;

/** A line may hold a report header only if it holds a header prefix and a header word. */
function mayHoldHeader(line: string): boolean {
  return (line.includes('WARNING: ') || line.includes('BUG: ') || line.includes('INFO: ') || line.includes('Debug: ')) && HEADER_WORDS.test(line);
}

/** Finds the reports of a console log, line by line. */
export class ConsoleLogScanner {
  private current: SplatBuilder | undefined;
  private found = 0;

  constructor(private readonly onSplat: (splat: KernelSplat) => void) {}

  /** Reports handed over so far. */
  get splats(): number {
    return this.found;
  }

  readonly line = (line: string, lineNo: number): void => {
    const current = this.current;
    if (current === undefined) {
      if (mayHoldHeader(line)) this.start(consoleText(line), lineNo);
      return;
    }
    const text = consoleText(line);
    if (mayHoldHeader(line) && this.start(text, lineNo, current)) return;
    const step = current.line(text, lineNo);
    if (step === 'taken') return;
    this.hand(current);
    if (step === 'passed' && mayHoldHeader(line)) this.start(text, lineNo);
  };

  /** End of the log: a report still open is handed over as it is (incomplete unless it ended). */
  end(): void {
    if (this.current !== undefined) this.hand(this.current);
  }

  /** Starts a report when `text` is a header; the report being read, if any, ends before it. */
  private start(text: string, lineNo: number, before?: SplatBuilder): boolean {
    const header = text.trim();
    const kind = splatHeaderKind(header);
    if (kind === null) return false;
    if (before !== undefined) this.hand(before);
    this.current = new SplatBuilder(kind, header.replace(/^\[ (.*) \]$/, '$1'), lineNo);
    return true;
  }

  private hand(builder: SplatBuilder): void {
    this.current = undefined;
    this.found++;
    this.onSplat(builder.splat);
  }
}

/** Whether the start of a file is a console log: a lockdep report header, or printk timestamps. */
function isConsoleLog(text: string): boolean {
  for (const line of text.split('\n')) {
    if (hasConsoleTimestamp(line)) return true;
    if (mayHoldHeader(line) && splatHeaderKind(consoleText(line).trim()) !== null) return true;
  }
  return false;
}

export const dmesgImporter = defineImporter({
  name: 'dmesg',
  description: 'a kernel console log',
  detect: () => false,
  detectText: isConsoleLog,
  create: (context): TraceImport => {
    const scanner = new ConsoleLogScanner(context.onSplat ?? (() => undefined));
    const decoder = new LineDecoder(scanner.line);
    return {
      onBlock: decoder.onBlock,
      linesSoFar: () => decoder.lines,
      chunkBytes: DEFAULT_CHUNK_BYTES,
      end: () => {
        scanner.end();
        return { events: 0, lines: decoder.lines };
      },
    };
  },
});
