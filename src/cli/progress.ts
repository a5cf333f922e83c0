/**
 * Progress on stderr for long checks: one status line (`lockdep: 42% of 3 traces, 120.5 MiB
 * read, 2/3 done`), redrawn at most 10 times a second and cleared before the report is written.
 * Invariants: enabled only when stderr is a TTY, `CI` is unset and `--no-progress` was not
 * given (so pipes, files and CI logs never see it); never writes to stdout; time comes from an
 * injectable clock so behaviour is testable without timers.
 */
import { stat } from 'node:fs/promises';

export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

/** Whether progress may be shown on this stream. */
export function progressEnabled(stream: { isTTY?: boolean }, env: Readonly<Record<string, string | undefined>>, requested = true): boolean {
  if (!requested) return false;
  if (env['CI'] !== undefined && env['CI'] !== '' && env['CI'] !== 'false' && env['CI'] !== '0') return false;
  return stream.isTTY === true;
}

const MIN_REDRAW_MS = 100;

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 1024 * 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
  return `${(bytes / 1024 / 1024 / 1024).toFixed(2)} GiB`;
}

/** Tracks bytes read per trace and draws one status line. */
export class ProgressLine {
  private readonly read: number[];
  private done = 0;
  private lastDraw = Number.NEGATIVE_INFINITY;
  private drawn = false;

  constructor(
    private readonly stream: ProgressStream,
    private readonly totals: readonly number[],
    private readonly now: () => number = () => performance.now(),
  ) {
    this.read = totals.map(() => 0);
  }

  /** Records that trace `index` has read `bytes` in total so far. */
  update(index: number, bytes: number): void {
    if (index < 0 || index >= this.read.length) return;
    this.read[index] = bytes;
    this.maybeDraw();
  }

  /** Records that trace `index` is finished. */
  finish(index: number): void {
    if (index < 0 || index >= this.read.length) return;
    this.read[index] = this.totals[index] ?? this.read[index] ?? 0;
    this.done++;
    this.maybeDraw();
  }

  /** The status text (without control sequences). */
  status(): string {
    const total = this.totals.reduce((sum, value) => sum + value, 0);
    const read = this.read.reduce((sum, value) => sum + value, 0);
    const percent = total > 0 ? Math.min(100, Math.floor((read / total) * 100)) : 0;
    const traces = this.totals.length === 1 ? '1 trace' : `${this.totals.length} traces`;
    return `lockdep: ${percent}% of ${traces}, ${formatBytes(read)} of ${formatBytes(total)} read, ${this.done}/${this.totals.length} done`;
  }

  private maybeDraw(): void {
    const time = this.now();
    if (time - this.lastDraw < MIN_REDRAW_MS) return;
    this.lastDraw = time;
    const columns = this.stream.columns !== undefined && this.stream.columns > 0 ? this.stream.columns : 80;
    const width = Math.max(20, columns - 1);
    this.stream.write(`\r\u001b[2K${this.status().slice(0, width)}`);
    this.drawn = true;
  }

  /** Clears the status line (call before writing the report). */
  clear(): void {
    if (this.drawn) this.stream.write('\r\u001b[2K');
    this.drawn = false;
  }
}

/** File sizes of the traces (0 for stdin or unreadable files, which then report no percentage). */
export async function traceSizes(files: readonly string[]): Promise<number[]> {
  return Promise.all(files.map(async (file) => {
    if (file === '-') return 0;
    try {
      return (await stat(file)).size;
    } catch {
      return 0;
    }
  }));
}
