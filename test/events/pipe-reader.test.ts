/**
 * DescriptorSource.open in this process: a named pipe is read through the event loop's poll
 * (pipe-reader.ts) chunk by chunk as its writer writes, in order, to the end; `close` closes
 * what the source opened exactly once (a second call does nothing, where a second close of the
 * descriptor would fail or close another file's); a device read through the thread pool is
 * closed the same way (/dev/zero: a device that always has bytes).
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DescriptorSource } from '../../src/events/descriptor-source.js';

const dir = mkdtempSync(join(tmpdir(), 'lockdep-pipe-reader-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('DescriptorSource.open', () => {
  it('reads a named pipe as its writer writes, in order, then its end; close is idempotent', async () => {
    const fifo = join(dir, 'fifo');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const writeEnd = openSync(fifo, 'r+'); // a writer, so that opening for reading does not wait
    const source = await DescriptorSource.open(fifo);
    expect(source.readByPoll).toBe(true);
    const received: string[] = [];
    try {
      for (const part of ['first line\nsecond ', 'half\n', 'third line\n']) {
        writeSync(writeEnd, part);
        const bytes = await source.next();
        expect(bytes).not.toBeNull();
        received.push((bytes as Buffer).toString('utf8'));
      }
    } finally {
      closeSync(writeEnd);
    }
    expect(received.join('')).toBe('first line\nsecond half\nthird line\n');
    expect(await source.next()).toBeNull();
    source.close();
    expect(() => source.close()).not.toThrow();
  });

  it('reads a device through the thread pool and closes its descriptor once', async () => {
    // /dev/zero rather than /dev/null: a machine whose /dev/null was replaced by a regular file
    // (written to by every `2>/dev/null`) gives whatever was last written there.
    const source = await DescriptorSource.open('/dev/zero');
    expect(source.readByPoll).toBe(false);
    const bytes = await source.next();
    expect(bytes?.length).toBeGreaterThan(0);
    expect((bytes as Buffer).every((byte) => byte === 0)).toBe(true);
    source.close();
    expect(() => source.close()).not.toThrow();
  });

  it('rejects with the system error when the path cannot be opened', async () => {
    await expect(DescriptorSource.open(join(dir, 'missing'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('DescriptorSource.readAvailable', () => {
  it('reads what a pipe holds into the caller\'s buffer without waiting: -1 while it is empty or read-ahead bytes come first, 0 at its end', async () => {
    const fifo = join(dir, 'fifo-available');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const writeEnd = openSync(fifo, 'r+');
    const source = await DescriptorSource.open(fifo);
    const target = Buffer.alloc(64);
    try {
      expect(source.readAvailable(target, 0, target.length)).toBe(-1); // empty: no wait
      writeSync(writeEnd, 'ahead\n');
      expect((await source.readAhead(1)).toString()).toBe('ahead\n');
      writeSync(writeEnd, 'now\n');
      expect(source.readAvailable(target, 0, target.length)).toBe(-1); // the read-ahead bytes come first
      expect((await source.next())?.toString()).toBe('ahead\n');
      expect(source.readAvailable(target, 3, 10)).toBe(4);
      expect(target.toString('latin1', 3, 7)).toBe('now\n');
      expect(source.readAvailable(target, 0, target.length)).toBe(-1);
    } finally {
      closeSync(writeEnd);
    }
    expect(source.readAvailable(target, 0, target.length)).toBe(0);
    source.close();
    expect(source.readAvailable(target, 0, target.length)).toBe(-1);
  });

  it('is -1 for a source not read by poll (a device), which `next` reads', async () => {
    const source = await DescriptorSource.open('/dev/zero');
    try {
      expect(source.readAvailable(Buffer.alloc(8), 0, 8)).toBe(-1);
    } finally {
      source.close();
    }
  });
});
