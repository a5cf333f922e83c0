/**
 * The STD importer (`thread|op(arg)|loc`): each op's mapping to spec events, reentrant
 * monitors, the SPD dialect (req, wait, notify, begin/end), unknown ops, and errors at file:line.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LockType, TraceEvent } from '../../src/events/event.js';
import { InputError } from '../../src/events/input-error.js';
import { readStdFile, StdParser } from '../../src/events/std-reader.js';
import type { StdReaderOptions } from '../../src/events/std-reader.js';
import { Validator } from '../../src/engine/validator.js';

const fixture = (name: string): string => join(import.meta.dirname, 'fixtures', name);

function parse(lines: string[], options: Partial<StdReaderOptions> = {}): { events: TraceEvent[]; parser: StdParser } {
  const events: TraceEvent[] = [];
  const parser = new StdParser({ file: 'inline.std', ...options }, (event) => events.push(event));
  lines.forEach((line, i) => parser.line(line, i + 1));
  parser.end();
  return { events, parser };
}

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
});
