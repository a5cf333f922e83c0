import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../src/events/event.js';
import { InputError } from '../../src/io/input-error.js';
import {
  forEachTraceEvent,
  parseTraceText,
  readTrace,
} from '../../src/events/jsonl-reader.js';
import type { TraceRecord } from '../../src/events/jsonl-reader.js';
import { SPAWN_TIMEOUT_MS } from '../cli/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'lockdep-reader-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let counter = 0;
function traceFile(text: string): string {
  const path = join(dir, `t${counter++}.jsonl`);
  writeFileSync(path, text);
  return path;
}

async function readAll(path: string, chunkSize?: number): Promise<{ records: TraceRecord[]; header: unknown }> {
  const records: TraceRecord[] = [];
  const stats = await forEachTraceEvent(
    path,
    (event, origin) => records.push({ event, origin }),
    chunkSize === undefined ? {} : { chunkSize },
  );
  return { records, header: stats.header };
}

async function inputErrorOf(path: string): Promise<InputError> {
  try {
    await readAll(path);
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('expected an InputError');
}

const HEADER = '{"format":"lockdep-trace","version":1,"source":"test"}';
const A = '{"op":"acquire","task":"t1","lock":"A"}';
const B = '{"op":"acquire","task":"t1","lock":"B"}';
const RA = '{"op":"release","task":"t1","lock":"A"}';

describe('JSONL reader: well-formed traces', () => {
  it('reads the header and events with their 1-based lines', async () => {
    const path = traceFile([HEADER, A, B, RA].join('\n') + '\n');
    const { records, header } = await readAll(path);
    expect(header).toEqual({ format: 'lockdep-trace', version: 1, source: 'test' });
    expect(records.map((r) => r.origin)).toEqual([
      { file: path, line: 2 },
      { file: path, line: 3 },
      { file: path, line: 4 },
    ]);
    expect(records[1]?.event).toEqual({ op: 'acquire', task: 't1', lock: 'B' });
  });

  it('works without a header, without a final newline, with CRLF and blank lines', async () => {
    const path = traceFile(`${A}\r\n\r\n   \r\n${B}\n\t\n${RA}`);
    const { records, header } = await readAll(path);
    expect(header).toBeNull();
    expect(records.map((r) => r.origin.line)).toEqual([1, 4, 6]);
    expect(records.map((r) => (r.event as { lock: string }).lock)).toEqual(['A', 'B', 'A']);
  });

  it('accepts a header after leading blank lines and a byte-order mark', async () => {
    const path = traceFile(`\uFEFF${HEADER}\n${A}\n`);
    const { records, header } = await readAll(path);
    expect(header).toEqual({ format: 'lockdep-trace', version: 1, source: 'test' });
    expect(records).toHaveLength(1);
    const blankFirst = traceFile(`\n\n${HEADER}\n${A}\n`);
    const second = await readAll(blankFirst);
    expect(second.header).toEqual({ format: 'lockdep-trace', version: 1, source: 'test' });
    expect(second.records[0]?.origin.line).toBe(4);
  });

  it('gives the same events and lines whatever the chunk size (multi-byte names split across chunks)', async () => {
    const lines = [HEADER];
    for (let i = 0; i < 50; i++) {
      lines.push(JSON.stringify({ op: 'acquire', task: `tâche-${i}`, lock: `verrou-é-${i % 7}-🔒` }));
      lines.push('');
      lines.push(JSON.stringify({ op: 'release', task: `tâche-${i}`, lock: `verrou-é-${i % 7}-🔒` }));
    }
    const path = traceFile(lines.join('\r\n'));
    const whole = await readAll(path);
    expect(whole.records).toHaveLength(100);
    for (const chunkSize of [1, 3, 7, 64, 1000]) {
      const chunked = await readAll(path, chunkSize);
      expect(chunked.records).toEqual(whole.records);
    }
  });

  it('ignores unknown fields and keeps them out of the way', async () => {
    const path = traceFile('{"op":"exit","task":"t","future":{"x":1}}\n');
    const { records } = await readAll(path);
    expect(records[0]?.event.op).toBe('exit');
  });

  it('iterates records with for await and exposes the header', async () => {
    const path = traceFile([HEADER, A, RA].join('\n'));
    const reader = readTrace(path);
    const seen: number[] = [];
    for await (const record of reader) seen.push(record.origin.line);
    expect(seen).toEqual([2, 3]);
    expect(reader.header?.version).toBe(1);
  });

  it('reads from a stream given as input, named <stdin> for "-"', async () => {
    const input = Readable.from([Buffer.from(`${HEADER}\n${A}\n`), Buffer.from(`${RA}\n`)]);
    const records: TraceRecord[] = [];
    await forEachTraceEvent('-', (event, origin) => records.push({ event, origin }), { input });
    expect(records.map((r) => r.origin)).toEqual([
      { file: '<stdin>', line: 2 },
      { file: '<stdin>', line: 3 },
    ]);
  });

  it('reads a named pipe (as `lockdep check <(producer)` gives) while the producer writes', async () => {
    const fifo = join(dir, `fifo${counter++}`);
    execFileSync('mkfifo', [fifo]);
    // The producer writes in two parts, with a pause the reader must wait through.
    const producer = spawn(process.execPath, [
      '-e',
      `const fs = require('node:fs'); const fd = fs.openSync(${JSON.stringify(fifo)}, 'w');
       fs.writeSync(fd, ${JSON.stringify(`${HEADER}
${A}
`)});
       setTimeout(() => { fs.writeSync(fd, ${JSON.stringify(`${RA}
`)}); fs.closeSync(fd); }, 200);`,
    ]);
    const { records, header } = await readAll(fifo);
    await new Promise((resolve) => producer.on('close', resolve));
    expect(header).toEqual(JSON.parse(HEADER));
    expect(records.map((r) => [r.event.op, r.origin.line])).toEqual([
      ['acquire', 2],
      ['release', 3],
    ]);
  }, SPAWN_TIMEOUT_MS);

  it('parses in-memory text with the same rules', () => {
    const { header, records } = parseTraceText(`${HEADER}\n\n${A}\n`, 'mem.jsonl');
    expect(header?.format).toBe('lockdep-trace');
    expect(records[0]?.origin).toEqual({ file: 'mem.jsonl', line: 3 });
  });
});

describe('JSONL reader: every input error names file:line', () => {
  const cases: Array<[string, string, string]> = [
    ['invalid JSON', `${HEADER}\n${A}\n{"op":"acquire",}\n`, ':3:17: invalid JSON: expected a quoted key (each line must be one JSON object)'],
    ['truncated JSON', `${A}\n{"op":"rel`, ':2:11: invalid JSON: unterminated string (each line must be one JSON object)'],
    ['text after the object', `${A}\n{"op":"exit","task":"t"}}\n`, ':2:25: invalid JSON: unexpected "}" (each line must be one JSON object)'],
    ['a non-object line', `${A}\n[1,2]\n`, ':2: expected a JSON object (one event per line), got an array'],
    ['an unknown op', `${A}\n\n{"op":"lock","task":"t","lock":"A"}\n`, ':3: unknown op "lock"'],
    ['a missing field', `${HEADER}\n{"op":"release","lock":"A"}\n`, ':2: release event is missing required field "task"'],
    ['a wrong type', `{"op":"acquire","task":"t","lock":"A","try":1}\n`, ':1: acquire: field "try" must be true or false, got 1'],
    ['a bad enum value', `{"op":"irq","task":"t","kind":"hardirq","action":"off"}\n`, ':1: irq: field "action" must be one of'],
    ['a subclass outside 0..7', `${A}\r\n{"op":"acquire","task":"t","lock":"A","subclass":8}\r\n`, ':2: acquire: field "subclass" must be an integer from 0 to 7'],
    ['a header version too new', `{"format":"lockdep-trace","version":2}\n${A}\n`, ':1: trace format version 2 is newer than this lockdep understands'],
    ['an unknown header format', `{"format":"chrome-trace","version":1}\n`, ':1: unknown trace format "chrome-trace"'],
    ['a second header', `${HEADER}\n${HEADER}\n`, ':2: a trace header is only allowed on the first line'],
  ];
  it.each(cases)('%s', async (_name, text, expected) => {
    const path = traceFile(text);
    const error = await inputErrorOf(path);
    expect(error.toString()).toContain(`${path}${expected}`);
    expect(error.toString()).not.toContain('\n');
  });

  it('stops at the first bad line without delivering later events', async () => {
    const path = traceFile(`${A}\n{"op":"nope"}\n${B}\n`);
    const delivered: TraceEvent[] = [];
    await expect(forEachTraceEvent(path, (event) => delivered.push(event))).rejects.toThrow(InputError);
    expect(delivered).toHaveLength(1);
  });

  it('reports a missing file and a directory as input errors naming the file', async () => {
    const missing = join(dir, 'missing.jsonl');
    const notFound = await inputErrorOf(missing);
    expect(notFound.toString()).toBe(`${missing}: cannot read trace: no such file`);
    const sub = join(dir, 'a-directory');
    mkdirSync(sub);
    expect((await inputErrorOf(sub)).toString()).toBe(`${sub}: cannot read trace: is a directory, not a trace file`);
  });

  it('reports errors from the async iterator too', async () => {
    const path = traceFile(`${A}\n{"op":"acquire","task":"t"}\n`);
    const consume = async () => {
      for await (const _record of readTrace(path)) {
        // drain
      }
    };
    const error = await consume().then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect(String(error)).toBe(`${path}:2: acquire event is missing required field "lock" (a string or number)`);
  });
});
