/**
 * A recording that is never lost: the trace file of `recordTo` / `lockdep run --record` is
 * written while the program runs (header at once, events in buffered blocks, flushed at the end
 * of every event-loop turn that wrote any), and whatever is buffered is flushed when the process
 * ends in any way Node lets code run: normal exit, `process.exit()`, an uncaught exception or an
 * unhandled rejection (both end through the `exit` event), and SIGINT, SIGTERM or SIGHUP.
 * Invariants: lines reach the file in event order; after `close()` (the runtime's `end()`) the
 * file holds the whole trace and no process listener is left behind; a signal this module
 * listens to keeps its usual effect (when no other listener handles it, the process is killed
 * by the same signal once the recordings are flushed).
 */
import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import type { TraceEvent } from '../events/event.js';
import { serializeEvent, traceHeader, type TraceMetadata } from '../events/jsonl-writer.js';

const FLUSH_THRESHOLD = 1 << 16;
const SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
const open = new Set<LiveRecording>();

function flushAll(): void {
  for (const recording of open) recording.flush();
}

function onSignal(signal: NodeJS.Signals): void {
  flushAll();
  // Someone else handles the signal (the lockdep CLI exits 130 on SIGINT): leave it to them.
  if (process.listenerCount(signal) > 1) return;
  uninstall();
  process.kill(process.pid, signal);
}

function install(): void {
  process.on('exit', flushAll);
  for (const signal of SIGNALS) process.on(signal, onSignal);
}

function uninstall(): void {
  process.removeListener('exit', flushAll);
  for (const signal of SIGNALS) process.removeListener(signal, onSignal);
}

export class LiveRecording {
  /** Events written so far. */
  events = 0;
  private fd: number | null;
  private buffer: string[] = [];
  private bufferedChars = 0;
  private flushScheduled = false;

  constructor(readonly file: string, metadata: TraceMetadata = {}) {
    this.fd = openSync(file, 'w');
    writeSync(this.fd, `${JSON.stringify(traceHeader(metadata))}\n`);
    if (open.size === 0) install();
    open.add(this);
  }

  write(event: TraceEvent): void {
    if (this.fd === null) throw new Error(`the recording ${this.file} is closed`);
    this.events++;
    const line = `${serializeEvent(event)}\n`;
    this.buffer.push(line);
    this.bufferedChars += line.length;
    if (this.bufferedChars >= FLUSH_THRESHOLD) this.flush();
    else if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => {
        this.flushScheduled = false;
        this.flush();
      }).unref();
    }
  }

  /** Writes the buffered lines to the file now (synchronously). */
  flush(): void {
    if (this.fd === null || this.buffer.length === 0) return;
    const text = this.buffer.join('');
    this.buffer = [];
    this.bufferedChars = 0;
    writeSync(this.fd, text);
  }

  /** Flushes, syncs and closes the file; idempotent. */
  close(): void {
    if (this.fd === null) return;
    this.flush();
    const fd = this.fd;
    this.fd = null;
    open.delete(this);
    if (open.size === 0) uninstall();
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }
}
