/**
 * A trace's bytes read from a file descriptor into one reused buffer: standard input
 * (`lockdep check -`) and named pipes (`lockdep check <(producer)`, opened by `open`), rather
 * than through a stream. A stream over a pipe allocates a new Buffer per 64 KiB chunk, and
 * those buffers, outside the JavaScript heap, are freed only by a collection the heap itself
 * does not need yet: on a 1M-event JSONL trace that cost twice the CPU time of the reads and
 * 25 MB more peak memory than reading the descriptor.
 * Invariants: the bytes come out in input order, the ones read ahead for format detection
 * first; a regular file (`lockdep check - < trace`) is read synchronously, like a trace given by
 * path, with a turn of the event loop between reads; anything else is read asynchronously, so a
 * slow producer never blocks the event loop (signals, progress): a pipe or a socket (standard
 * input's, or a named pipe) through the event loop's poll (pipe-reader.ts, the cheapest per
 * read) when it is empty, what it holds at once (`readAvailable`, non-blocking), anything else
 * (a terminal, a device) through the thread pool; a terminal made non-blocking by another owner
 * (a read fails with EAGAIN) is read through `process.stdin` from there on, which waits for
 * data without spinning. No read is left pending between calls, so a
 * caller that stops early (an input error) never waits on a stalled producer. `close` closes the
 * descriptors this source owns (what `open` opened, and standard input's pipe) once.
 */
import { closeSync, fstatSync, open, read, readSync } from 'node:fs';
import { PipeReader } from './pipe-reader.js';

const STDIN_FD = 0;
/** Bytes per read; a pipe gives at most its capacity (64 KiB on Linux) per read. */
const READ_BYTES = 256 * 1024;

export class DescriptorSource {
  /** Bytes read ahead by `readAhead`, not yet given out by `next`. */
  private readonly ahead: Buffer[] = [];
  private readonly buffer = Buffer.allocUnsafe(READ_BYTES);
  private readonly regularFile: boolean;
  /** The descriptor when it is a pipe or a socket this source owns (standard input's is). */
  private readonly pipe: PipeReader | null;
  private closed = false;
  /** Set once a read of standard input failed with EAGAIN: the rest comes from process.stdin. */
  private stream: AsyncIterator<Buffer | string> | null = null;

  /**
   * Reads `fd` (standard input by default) from its current position; `close` closes it when
   * `owned` (a descriptor this source opened) or when it is standard input's pipe, and
   * otherwise the caller does.
   */
  constructor(
    private readonly fd: number = STDIN_FD,
    private readonly owned = false,
  ) {
    const stats = fstatSync(fd);
    this.regularFile = stats.isFile();
    this.pipe = (owned || fd === STDIN_FD) && (stats.isFIFO() || stats.isSocket()) ? new PipeReader(fd, this.buffer) : null;
  }

  /**
   * Opens a path that is not a regular file (a named pipe, a device) for reading, asynchronously:
   * opening a named pipe waits for its writer. Rejects with the system error (its `code` intact).
   */
  static async open(path: string): Promise<DescriptorSource> {
    const fd = await new Promise<number>((resolve, reject) => {
      open(path, 'r', (error, opened) => (error ? reject(error) : resolve(opened)));
    });
    try {
      return new DescriptorSource(fd, true);
    } catch (error) {
      closeSync(fd);
      throw error;
    }
  }

  /**
   * Reads until at least `minBytes` are in hand or the input ends, and returns them (copies:
   * the caller may keep them); `next` gives them out again first.
   */
  async readAhead(minBytes: number): Promise<Buffer> {
    let size = this.ahead.reduce((sum, chunk) => sum + chunk.length, 0);
    while (size < minBytes) {
      const chunk = await this.read();
      if (chunk === null) break;
      this.ahead.push(Buffer.from(chunk));
      size += chunk.length;
    }
    return Buffer.concat(this.ahead);
  }

  /**
   * The next bytes of the input, or null at its end. The buffer returned may be reused by the
   * following call: use its bytes before calling again.
   */
  async next(): Promise<Buffer | null> {
    const first = this.ahead.shift();
    return first ?? this.read();
  }

  /** Whether this is a pipe or a socket read through the event loop's poll (pipe-reader.ts). */
  get readByPoll(): boolean {
    return this.pipe !== null;
  }

  /**
   * A pipe or a socket read by poll: reads what it holds now into `buffer[offset, offset +
   * length)` without waiting (its descriptor is non-blocking: libuv's `uv_pipe_open` and
   * `uv_tcp_open` make it so), straight into the caller's buffer, with no poll and no callback.
   * Returns the bytes read, 0 at the end of the input, or -1 when nothing can be read without
   * waiting (the pipe is empty, the source is not read by poll, or bytes read ahead come first):
   * `next` then waits for the next chunk.
   */
  readAvailable(buffer: Buffer, offset: number, length: number): number {
    if (this.pipe === null || this.ahead.length > 0 || this.closed) return -1;
    try {
      return readSync(this.fd, buffer, offset, length, null);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EAGAIN') return -1;
      throw error;
    }
  }

  /** Stops reading and closes what this source owns (see the constructor); later calls do nothing. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.pipe !== null) this.pipe.close();
    else if (this.owned) closeSync(this.fd);
  }

  private async read(): Promise<Buffer | null> {
    if (this.pipe !== null) return this.pipe.next();
    if (this.stream !== null) return this.fromStream(this.stream);
    if (this.regularFile) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      const bytes = readSync(this.fd, this.buffer, 0, this.buffer.length, null);
      return bytes === 0 ? null : this.buffer.subarray(0, bytes);
    }
    try {
      const bytes = await new Promise<number>((resolve, reject) => {
        read(this.fd, this.buffer, 0, this.buffer.length, null, (error, count) => (error ? reject(error) : resolve(count)));
      });
      return bytes === 0 ? null : this.buffer.subarray(0, bytes);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN' || this.fd !== STDIN_FD) throw error;
      this.stream = process.stdin[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
      return this.fromStream(this.stream);
    }
  }

  private async fromStream(stream: AsyncIterator<Buffer | string>): Promise<Buffer | null> {
    const chunk = await stream.next();
    if (chunk.done === true) return null;
    return typeof chunk.value === 'string' ? Buffer.from(chunk.value, 'utf8') : chunk.value;
  }
}
