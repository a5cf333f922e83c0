import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../src/events/event.js';
import { forEachTraceEvent, parseTraceText } from '../../src/events/jsonl-reader.js';
import { JsonlTraceWriter, formatTrace, writeTraceFile } from '../../src/events/jsonl-writer.js';
import { removePendingTemporaries } from '../../src/io/temp-files.js';

const dir = mkdtempSync(join(tmpdir(), 'lockdep-writer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const EVENTS: TraceEvent[] = [
  { op: 'init', lock: 'A', class: '&a->lock', type: 'spinlock' },
  { op: 'acquire', task: 1, lock: 'A', mode: 'read', subclass: 1, site: 'f+0x1/0x2', stack: ['f', 'g'] },
  { op: 'irq', task: 1, kind: 'hardirq', action: 'disable' },
  { op: 'access', task: 1, var: 'count', write: true },
  { op: 'assert', task: 1, lock: 'A', held: 'read' },
  { op: 'release', task: 1, lock: 'A', ts: 12.5 },
  { op: 'might-sleep', task: 'k' },
  { op: 'exit', task: 1 },
];

describe('JSONL writer', () => {
  it('writes the header first and one line per event', () => {
    const text = formatTrace(EVENTS, { source: 'unit test' });
    const lines = text.split('\n');
    expect(JSON.parse(lines[0] ?? '')).toEqual({ source: 'unit test', format: 'lockdep-trace', version: 1 });
    expect(lines).toHaveLength(EVENTS.length + 2);
    expect(lines[lines.length - 1]).toBe('');
  });

  it('round-trips through the reader', async () => {
    const path = join(dir, 'round-trip.jsonl');
    await writeTraceFile(path, EVENTS, { command: 'test' });
    const back: TraceEvent[] = [];
    const stats = await forEachTraceEvent(path, (event) => back.push(event));
    expect(back).toEqual(EVENTS);
    expect(stats.header).toEqual({ command: 'test', format: 'lockdep-trace', version: 1 });
  });

  it('metadata cannot override format or version', () => {
    const { header } = parseTraceText(formatTrace([], { format: 'x', version: 9 }));
    expect(header).toEqual({ format: 'lockdep-trace', version: 1 });
  });

  it('streams to a file atomically: nothing at the target until close, no temp left after', async () => {
    const path = join(dir, 'recorded.jsonl');
    const writer = new JsonlTraceWriter(path, { source: 'recorder' });
    for (const event of EVENTS) writer.write(event);
    writer.flush();
    expect(existsSync(path)).toBe(false);
    await writer.close();
    expect(existsSync(path)).toBe(true);
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    expect(parseTraceText(readFileSync(path, 'utf8')).records.map((r) => r.event)).toEqual(EVENTS);
    expect(() => writer.write(EVENTS[0] as TraceEvent)).toThrow('write after close');
  });

  it('abort leaves the target untouched and removes the temp file', async () => {
    const path = join(dir, 'aborted.jsonl');
    await writeTraceFile(path, EVENTS.slice(0, 1));
    const before = readFileSync(path, 'utf8');
    const writer = new JsonlTraceWriter(path);
    writer.write(EVENTS[1] as TraceEvent);
    writer.flush();
    writer.abort();
    expect(readFileSync(path, 'utf8')).toBe(before);
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('an interrupted recording (SIGINT clean-up) removes its temp file and leaves the target as it was', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lockdep-writer-interrupt-'));
    const target = join(dir, 'run.jsonl');
    const writer = new JsonlTraceWriter(target);
    writer.write({ op: 'acquire', task: 't', lock: 'A' });
    writer.flush();
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toHaveLength(1);
    removePendingTemporaries();
    expect(readdirSync(dir)).toEqual([]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes many events in blocks and counts them', async () => {
    const path = join(dir, 'many.jsonl');
    const writer = new JsonlTraceWriter(path);
    const count = 30_000;
    for (let i = 0; i < count; i++) writer.write({ op: 'acquire', task: `task-${i % 10}`, lock: `lock-${i}`, site: 'x'.repeat(40) });
    await writer.close();
    expect(writer.events).toBe(count);
    let read = 0;
    await forEachTraceEvent(path, () => read++);
    expect(read).toBe(count);
  });

  it('streams to a writable stream', async () => {
    const stream = new PassThrough();
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    const writer = new JsonlTraceWriter(stream);
    writer.write(EVENTS[0] as TraceEvent);
    await writer.close();
    const text = Buffer.concat(chunks).toString('utf8');
    expect(parseTraceText(text).records.map((r) => r.event)).toEqual([EVENTS[0]]);
  });
});
