/**
 * The STD importer (`thread|op(arg)|loc`): each op's mapping to spec events, reentrant
 * monitors, the SPD dialect (req, notify, begin/end) and its two `wait` conventions, unknown
 * ops and argument-less non-lock lines (skipped, one warning per kind), ids of any width, CRLF
 * and a last line without newline from a file and from a stream, and errors at file:line.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { LockType, TraceEvent } from '../../src/events/event.js';
import { InputError } from '../../src/io/input-error.js';
import { readStdFile, StdParser } from '../../src/events/std-reader.js';
import type { StdReaderOptions } from '../../src/events/std-reader.js';
import { Validator } from '../../src/engine/validator.js';

const fixture = (name: string): string => join(import.meta.dirname, 'fixtures', name);

function parse(lines: string[], options: Partial<StdReaderOptions> = {}): { events: TraceEvent[]; parser: StdParser; warnings: string[] } {
  const events: TraceEvent[] = [];
  const warnings: string[] = [];
  const onWarning = (message: string, origin: { line: number }): number => warnings.push(`${origin.line}: ${message}`);
  const parser = new StdParser({ file: 'inline.std', onWarning, ...options }, (event) => events.push(event));
  lines.forEach((line, i) => parser.line(line, i + 1));
  parser.end();
  return { events, parser, warnings };
}

const opsOf = (events: TraceEvent[]): string[] => events.map((e) => `${e.op}${'lock' in e ? `:${e.lock}` : ''}`);

function findings(events: TraceEvent[]): string[] {
  const validator = new Validator({ file: 'inline.std' });
  for (const event of events) validator.process(event);
  validator.end();
  return validator.findings.map((f) => f.kind);
}

describe('STD importer', () => {
  it('maps acq/rel with the location as site, and finds the ABBA', async () => {
    const events: TraceEvent[] = [];
    const origins: number[] = [];
    const stats = await readStdFile(fixture('std-abba.std'), { file: 'std-abba.std' }, (event, origin) => {
      events.push(event);
      origins.push(origin.line);
    });
    expect(events[0]).toEqual({ op: 'acquire', task: 'T1', lock: 'L1', site: '10' });
    expect(events[3]).toEqual({ op: 'release', task: 'T1', lock: 'L1', site: '13' });
    expect(origins).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(stats).toEqual({ lines: 8, events: 8, ignored: 0, unknown: 0 });
    expect(findings(events)).toEqual(['circular-dependency']);
  });

  it('maps r/w to access events', () => {
    const { events } = parse(['T1|r(V1)|5', 'T1|w(V1)']);
    expect(events).toEqual([
      { op: 'access', task: 'T1', var: 'V1', write: false, site: '5' },
      { op: 'access', task: 'T1', var: 'V1', write: true },
    ]);
  });

  it('treats nested acquisitions of a held lock as reentrant (Java monitors)', () => {
    const { events } = parse(['T1|acq(L)|1', 'T1|acq(L)|2', 'T1|rel(L)|3', 'T1|rel(L)|4']);
    expect(events.map((e) => `${e.op}@${e.site}`)).toEqual(['acquire@1', 'release@4']);
    expect(findings(events)).toEqual([]);
    // Without reentrancy the same trace is recursive locking.
    expect(findings(parse(['T1|acq(L)|1', 'T1|acq(L)|2', 'T1|rel(L)|3', 'T1|rel(L)|4'], { reentrant: false }).events)).toContain('recursive-locking');
  });

  it('maps the SPD dialect: req, wait, notify, begin/end, fork and join', async () => {
    const events: TraceEvent[] = [];
    const stats = await readStdFile(fixture('std-spd.std'), { file: 'std-spd.std' }, (event) => events.push(event));
    expect(events.map((e) => `${e.op}:${'lock' in e ? e.lock : 'var' in e ? e.var : e.task}`)).toEqual([
      'acquire:L1', // acq (the req before it maps to nothing; the second acq is reentrant)
      'access:x',
      'release:L1', // wait(L1): the monitor is given up ...
      'might-sleep:T1', // ... the thread blocks ...
      'acquire:L1', // ... and takes it back
      'release:L1', // the outermost rel
      'access:x',
      'exit:T1', // join(T1): T1 has terminated
    ]);
    expect(stats).toMatchObject({ ignored: 5, unknown: 1 });
    expect(findings(events)).toEqual([]);
  });

  it('reports a lock still held by a joined thread, and a wait inside a spinlock', () => {
    const spin = new Map<string, LockType>([['S', 'spinlock']]);
    expect(findings(parse(['T1|acq(L)|1', 'T0|join(T1)|2']).events)).toEqual(['held-lock-at-exit']);
    const { events } = parse(['T1|acq(S)|1', 'T1|acq(M)|2', 'T1|wait(M)|3'], { classTypes: spin });
    expect(events[0]).toEqual({ op: 'init', lock: 'S', class: 'S', type: 'spinlock' });
    expect(findings(events)).toContain('sleep-in-atomic');
  });

  it('accepts blank and comment lines and numeric ids', () => {
    const { events } = parse(['', '# comment', '0|acq(3)|17', ' 0 | rel(3) | 18 ']);
    expect(events).toEqual([
      { op: 'acquire', task: '0', lock: '3', site: '17' },
      { op: 'release', task: '0', lock: '3', site: '18' },
    ]);
  });

  it('names file:line for malformed lines', () => {
    const cases: [string, string][] = [
      ['no bars here', 'bad.std:2: not an STD event: expected "thread|op(arg)|loc", got "no bars here"'],
      ['|acq(L)|1', 'bad.std:2: missing thread before "|" (expected "thread|op(arg)|loc")'],
      ['T1|acq()|1', 'bad.std:2: acq needs an argument, e.g. acq(L1)'],
      ['T1|acq(L|1', 'bad.std:2: unbalanced parenthesis in "acq(L" (expected op(arg))'],
      ['T1||1', 'bad.std:2: missing op in "T1||1" (expected "thread|op(arg)|loc")'],
    ];
    for (const [line, message] of cases) {
      const parser = new StdParser({ file: 'bad.std' }, () => undefined);
      parser.line('T1|acq(A)|1', 1);
      let error: unknown;
      try {
        parser.line(line, 2);
      } catch (caught) {
        error = caught;
      }
      expect(error, line).toBeInstanceOf(InputError);
      expect(String(error)).toBe(message);
    }
  });

  describe('wait(L), decided from what the thread holds', () => {
    it('held: the monitor is released, the thread sleeps, then takes it back', () => {
      const { events } = parse(['T1|acq(L)|1', 'T1|wait(L)|2', 'T1|rel(L)|3']);
      expect(opsOf(events)).toEqual(['acquire:L', 'release:L', 'might-sleep', 'acquire:L', 'release:L']);
      expect(findings(events)).toEqual([]);
    });

    it('right after rel(L) (the SPD converter): a marker, the reacquisition follows as req/acq', () => {
      // apache_42031 (test/fixtures/real/std): T10 waits on 8 while holding 6.
      const trace = ['T10|req(6)|1', 'T10|acq(6)|1', 'T10|req(8)|3', 'T10|acq(8)|3', 'T10|rel(8)|5', 'T9|acq(8)|24', 'T10|r(42)|5', 'T10|wait(8)|5', 'T9|rel(8)|29', 'T10|req(8)|6', 'T10|acq(8)|6', 'T10|rel(8)|12', 'T10|rel(6)|14'];
      const { events } = parse(trace);
      expect(opsOf(events.filter((e) => 'task' in e && e.task === 'T10'))).toEqual(['acquire:6', 'acquire:8', 'release:8', 'access', 'might-sleep', 'acquire:8', 'release:8', 'release:6']);
      expect(findings(events)).toEqual([]);
      // The marker still blocks: inside a spinlock it is sleeping in atomic context (M, a map,
      // does not sleep when taken, so the finding is the wait's).
      const spin = parse(['T1|acq(S)|1', 'T1|acq(M)|2', 'T1|rel(M)|3', 'T1|wait(M)|3'], { classTypes: new Map<string, LockType>([['S', 'spinlock'], ['M', 'map']]) });
      expect(findings(spin.events)).toEqual(['sleep-in-atomic']);
    });

    it('neither held nor just released: the program waits on a monitor it does not own (reported)', () => {
      expect(findings(parse(['T1|wait(L)|1']).events)).toEqual(['bad-unlock-balance']);
      // The last lock operation of T1 released M, not L; a second wait is no longer "right after".
      expect(findings(parse(['T1|acq(L)|1', 'T1|rel(L)|2', 'T1|acq(M)|3', 'T1|rel(M)|4', 'T1|wait(L)|5']).events)).toEqual(['bad-unlock-balance']);
      expect(findings(parse(['T1|acq(L)|1', 'T1|rel(L)|2', 'T1|wait(L)|2', 'T1|wait(L)|3']).events)).toEqual(['bad-unlock-balance']);
      // Another thread's rel of L says nothing about T1.
      expect(findings(parse(['T2|acq(L)|1', 'T2|rel(L)|2', 'T1|wait(L)|3']).events)).toEqual(['bad-unlock-balance']);
    });

    it('reentrant holds: a wait inside a nested hold keeps the hold count', () => {
      const { events } = parse(['T1|acq(L)|1', 'T1|acq(L)|2', 'T1|wait(L)|3', 'T1|rel(L)|4', 'T1|rel(L)|5']);
      expect(opsOf(events)).toEqual(['acquire:L', 'release:L', 'might-sleep', 'acquire:L', 'release:L']);
      expect(findings(events)).toEqual([]);
    });
  });

  it('skips unknown ops and argument-less non-lock lines, with one warning per kind at the end', () => {
    const { events, parser, warnings } = parse([
      'T1|sendmsg(c)|1',
      'T1|acq(L)|2',
      'T1|sendmsg(d)|3',
      'T1|r()|4',
      'T1|yield|5',
      'T1|join()|6',
      'T1|r(x|7',
      'T1|rel(L)|8',
      'T1|begin|9',
      'T1|end|10',
    ]);
    expect(opsOf(events)).toEqual(['acquire:L', 'release:L']);
    expect(parser.stats).toMatchObject({ ignored: 2, unknown: 6 });
    expect(warnings).toEqual([
      '1: 2 lines with the unknown STD op "sendmsg" skipped (no lockdep meaning); the first is here',
      '4: 1 line "r()" without an argument skipped; the first is here',
      '5: 1 line with the unknown STD op "yield" skipped (no lockdep meaning); the first is here',
      '6: 1 line "join()" without an argument skipped; the first is here',
      '7: 1 line "r(...)" with an unbalanced parenthesis skipped; the first is here',
    ]);
  });

  it('bounds the kinds of skipped ops it tracks: the rest share one warning', () => {
    const { warnings } = parse(Array.from({ length: 40 }, (_, i) => `T1|op${i}|${i}`));
    expect(warnings).toHaveLength(33);
    expect(warnings.at(-1)).toBe('33: 8 lines with other unknown STD ops skipped (more than 32 kinds); the first is here');
  });

  it('takes r/w with any argument, and ids of any width', () => {
    const wide = '123456789012345678901234567890';
    const { events } = parse([`T0|w(4294967302)|33`, 'T1|w(V234.23[0])|456', 'T1|r(Foo.bar(int))', 'T1|r( a b )|1', `${wide}|acq(${wide}9)|${wide}`]);
    expect(events).toEqual([
      { op: 'access', task: 'T0', var: '4294967302', write: true, site: '33' },
      { op: 'access', task: 'T1', var: 'V234.23[0]', write: true, site: '456' },
      { op: 'access', task: 'T1', var: 'Foo.bar(int)', write: false },
      { op: 'access', task: 'T1', var: 'a b', write: false, site: '1' },
      { op: 'acquire', task: wide, lock: `${wide}9`, site: wide },
    ]);
  });

  it('reads CRLF lines and a last line without newline, from a file and from a stream alike', async () => {
    const text = 'T1|acq(A)|1\r\nT1|acq(B)|2\r\nT1|rel(B)|3\r\nT1|rel(A)|4\r\nT2|acq(B)|5\r\nT2|acq(A)|6';
    const fromFile: string[] = [];
    const fromStream: string[] = [];
    const record = (into: string[]) => (event: TraceEvent, origin: { line: number }) => into.push(`${origin.line} ${JSON.stringify(event)}`);
    const dir = mkdtempSync(join(tmpdir(), 'lockdep-std-'));
    try {
      writeFileSync(join(dir, 'crlf.std'), text);
      await readStdFile(join(dir, 'crlf.std'), { file: 'x.std' }, record(fromFile));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const bytes = Buffer.from(text);
    await readStdFile(Readable.from([bytes.subarray(0, 13), bytes.subarray(13, 14), bytes.subarray(14)]), { file: 'x.std' }, record(fromStream));
    expect(fromStream).toEqual(fromFile);
    expect(fromFile).toHaveLength(6);
    expect(fromFile.at(-1)).toBe('6 {"op":"acquire","task":"T2","lock":"A","site":"6"}');
  });

  it('reads the SPD fixture from a stream exactly as from its file', async () => {
    const fromFile: TraceEvent[] = [];
    const fromStream: TraceEvent[] = [];
    await readStdFile(fixture('std-spd.std'), { file: 'f' }, (event) => fromFile.push(event));
    await readStdFile(Readable.from([readFileSync(fixture('std-spd.std'))]), { file: 'f' }, (event) => fromStream.push(event));
    expect(fromStream).toEqual(fromFile);
  });
});
