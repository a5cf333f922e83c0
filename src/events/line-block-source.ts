/**
 * The one reading path of every trace reader: a trace's bytes, from a regular file or from a
 * stream (standard input, a pipe, a caller's stream), cut into blocks of whole lines
 * (line-blocks.ts) for the readers' byte lanes and line parsers. A file and a stream of the same
 * bytes give the same lines in the same order, so they give the same events, through the same
 * fast lanes.
 * Invariants: a regular file is read synchronously in fixed chunks (a thread-pool round trip per
 * chunk cost more wall time than the parsing it waited for; a regular file never makes a read
 * wait), with a turn of the event loop after each chunk so signals and timers still run; any
 * other source is read asynchronously, so a slow producer never blocks (standard input and named
 * pipes through their descriptor into one reused buffer, descriptor-source.ts). What a pipe
 * holds is read at once, without waiting (its descriptor is non-blocking), straight into the
 * block buffer like a file's reads; only an empty pipe waits for the event loop's poll (a
 * wake-up, a callback and a copy per chunk cost the 1M-event ftrace check 40 ms of CPU on its
 * 1,457 chunks), with a turn of the event loop after each file chunk's worth of such reads. A
 * pipe's chunks (64 KiB at most) go to the readers as they come: while one is parsed the
 * producer refills the pipe, so the next read finds data (gathering them into larger blocks made every read after a
 * block's first wait for the producer), and a slow producer's lines are checked as they arrive
 * (a bad line is reported while the producer stalls); the chunks of other streams are gathered
 * into blocks of the file's chunk size, since fewer, larger blocks cost the readers less;
 * `onBytes` gets the running total of bytes read (progress); memory is one chunk plus the
 * longest line (a stream: plus one of its chunks), and a line longer than line-blocks.ts's
 * limit stops the reading with a LineTooLongError numbered by `linesSoFar`.
 */
import { closeSync, openSync, statSync } from 'node:fs';
import { LineBlockBuffer, type BlockCallback } from './line-blocks.js';
import { DescriptorSource } from './descriptor-source.js';

/** A path (a regular file, or a named pipe such as `<(producer)`), standard input, or a stream's chunks. */
export type TraceByteSource = string | DescriptorSource | AsyncIterable<Buffer | string>;

export interface LineBlockReadOptions {
  /** Bytes per read (default 256 KiB); a longer line grows the buffer. */
  chunkBytes?: number;
  /** Called after each read with the bytes read so far (for progress). */
  onBytes?: (bytes: number) => void;
  /** How many lines the reader has taken so far, to number a line too long (line-blocks.ts). */
  linesSoFar?: () => number;
}

/** 256 KiB: blocks are not decoded as a whole, so a large chunk only means fewer reads. */
export const DEFAULT_BLOCK_CHUNK_BYTES = 256 * 1024;

/**
 * Reads the whole source, calling `onBlock(bytes, end)` with `bytes[0, end)` holding whole lines,
 * each ending in `\n` except a last line that has none. The buffer is reused: `onBlock` must
 * not keep it. Open and read errors reject with the system error (its `code` intact).
 */
export async function readLineBlocks(source: TraceByteSource, onBlock: BlockCallback, options: LineBlockReadOptions = {}): Promise<void> {
  const chunkBytes = options.chunkBytes ?? DEFAULT_BLOCK_CHUNK_BYTES;
  const blocks = new LineBlockBuffer(chunkBytes, options.linesSoFar === undefined ? {} : { linesSoFar: options.linesSoFar });
  const onBytes = options.onBytes;
  let total = 0;
  const readDescriptor = async (descriptor: DescriptorSource): Promise<void> => {
    try {
      if (descriptor.readByPoll) {
        await readPipe(descriptor);
        return;
      }
      for (let bytes = await descriptor.next(); bytes !== null; bytes = await descriptor.next()) {
        blocks.push(bytes, onBlock, chunkBytes);
        total += bytes.length;
        onBytes?.(total);
      }
    } finally {
      descriptor.close();
    }
  };
  // A pipe: what it holds is read at once into the block buffer; only an empty pipe waits for
  // the poll, whose chunk is copied in. Each chunk goes to the readers as it comes (see the header).
  const readPipe = async (descriptor: DescriptorSource): Promise<void> => {
    const readNow = (buffer: Buffer, offset: number, length: number): number => descriptor.readAvailable(buffer, offset, length);
    let sinceTurn = 0;
    for (;;) {
      const read = blocks.readThrough(readNow, onBlock);
      if (read === 0) return;
      if (read > 0) {
        total += read;
        onBytes?.(total);
        sinceTurn += read;
        if (sinceTurn >= chunkBytes) {
          sinceTurn = 0;
          await new Promise<void>((resolve) => setImmediate(resolve));
        }
        continue;
      }
      const bytes = await descriptor.next();
      if (bytes === null) return;
      sinceTurn = 0;
      blocks.push(bytes, onBlock, 0);
      total += bytes.length;
      onBytes?.(total);
    }
  };
  if (typeof source === 'string' && statSync(source).isFile()) {
    const fd = openSync(source, 'r');
    try {
      for (let read = blocks.readFrom(fd, onBlock); read > 0; read = blocks.readFrom(fd, onBlock)) {
        total += read;
        onBytes?.(total);
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    } finally {
      closeSync(fd);
    }
  } else if (typeof source === 'string') {
    // A named pipe (or a device) is opened asynchronously: opening a pipe waits for its writer.
    await readDescriptor(await DescriptorSource.open(source));
  } else if (source instanceof DescriptorSource) {
    await readDescriptor(source);
  } else {
    for await (const chunk of source) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
      blocks.push(bytes, onBlock, chunkBytes);
      total += bytes.length;
      onBytes?.(total);
    }
  }
  blocks.finish(onBlock);
}
