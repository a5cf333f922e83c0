/**
 * Resource exhaustion on one line of input is an input error at `file:line`, never an internal
 * error (issue 15, item 14): a JSON value nested 200,000 deep, a number too large to be an id
 * or a timestamp, and a line too long to hold, in every reader: JSONL through the byte lanes
 * (`checkTrace`), through the string path (`readTrace`, standard input), saved results, graphs
 * and baselines, rule files and the project config (YAML).
 * Before the fix, the nested lines crashed with "Maximum call stack size exceeded" (describing
 * the offending value, or rendering an unknown field of a saved result), and 1e400 and
 * 12345678901234567890 were accepted as ids that silently collide with 2e400 and ...891.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, test } from 'vitest';
import { readBaseline } from '../../src/baseline/baseline-file.js';
import { checkTrace } from '../../src/check/check-trace.js';
import type { GraphSnapshot } from '../../src/engine/snapshot.js';
import { parseConfig } from '../../src/rules/config-file.js';
import { readResultOrGraph, readSavedGraph, serializeSavedGraph } from '../../src/cli/saved-graph.js';
import { describeValue } from '../../src/events/event-validate.js';
import { InputError } from '../../src/io/input-error.js';
import { traceReadError } from '../../src/events/trace-read-error.js';
import { findNestingOverflow, MAX_JSON_DEPTH } from '../../src/io/json-limits.js';
import { readTrace, TraceLineParser } from '../../src/events/jsonl-reader.js';
import { LineBlockBuffer, LineTooLongError, MAX_LINE_BYTES } from '../../src/events/line-blocks.js';
import { loadRuleTexts } from '../../src/rules/loader.js';
import { renderJson } from '../../src/report/json.js';

const dir = mkdtempSync(join(tmpdir(), 'lockdep-exhaustion-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const DEEP = 200_000;
const deep = (open = '[', close = ']', depth = DEEP): string => open.repeat(depth) + close.repeat(depth);
/** The YAML parser overflows its stack from about 1,500 levels; 5,000 keeps the test quick. */
const YAML_DEEP = 5000;
const FIRST = '{"op":"acquire","task":"t","lock":"a"}';

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

async function inputErrorOf(run: () => unknown): Promise<InputError> {
  try {
    await run();
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('expected an InputError');
}

/** Reads a trace through the string path (the record iterator), as `readTrace` users do. */
async function readAll(path: string, input?: Readable): Promise<number> {
  let records = 0;
  for await (const _record of readTrace(path, input === undefined ? {} : { input, displayName: 'stdin' })) records++;
  return records;
}

const NESTED_LINES: Array<[string, string]> = [
  ['a lock id nested 200,000 deep', `{"op":"acquire","task":"t","lock":${deep()}}`],
  ['an unknown field nested 200,000 deep', `{"op":"acquire","task":"t","lock":"b","extra":${deep()}}`],
  ['a stack of objects nested 200,000 deep', `{"op":"acquire","task":"t","lock":"b","stack":${deep('{"a":', '}')}}`],
];

describe('JSONL: nesting', () => {
  test.each(NESTED_LINES)('%s: file:line:col, checked (byte lanes) and read (string path)', async (_name, line) => {
    const path = write('nested.jsonl', `${FIRST}\n${line}\n`);
    for (const error of [await inputErrorOf(() => checkTrace(path)), await inputErrorOf(() => readAll(path))]) {
      expect(error.file).toBe(path);
      expect(error.line).toBe(2);
      expect(error.col).toBeGreaterThan(line.indexOf(':', 30));
      expect(error.message).toContain(`JSON nested deeper than ${MAX_JSON_DEPTH} levels`);
      expect(error.toString()).toMatch(new RegExp(`^${path}:2:\\d+: JSON nested deeper`));
    }
  }, 60_000);

  test('from standard input too', async () => {
    const line = NESTED_LINES[0]?.[1] ?? '';
    const error = await inputErrorOf(() => readAll('-', Readable.from([`${FIRST}\n`, line.slice(0, 70_000), `${line.slice(70_000)}\n`])));
    expect(error.toString()).toMatch(/^stdin:2:\d+: JSON nested deeper than 1000 levels/);
  });

  test('nesting up to the limit is accepted and the depth scan ignores brackets inside strings', async () => {
    const inside = '['.repeat(MAX_JSON_DEPTH - 1) + ']'.repeat(MAX_JSON_DEPTH - 1);
    const path = write('deep-ok.jsonl', `${FIRST}\n{"op":"release","task":"t","lock":"a","extra":${inside}}\n{"op":"exit","task":"t","site":"${'['.repeat(5000)}"}\n`);
    const result = await checkTrace(path);
    expect(result.summary.events).toBe(3);
    expect(findNestingOverflow(`"${'['.repeat(5000)}"`)).toBe(-1);
    expect(findNestingOverflow('[[[', 2)).toBe(2);
  });

  test('a value too deep to render is described by its kind, not by a stack overflow', () => {
    const value: unknown[] = [];
    let inner = value;
    for (let i = 0; i < DEEP; i++) {
      const next: unknown[] = [];
      inner.push(next);
      inner = next;
    }
    expect(describeValue(value)).toBe('an array');
  });
});

describe('JSONL: numbers', () => {
  const cases: Array<[string, string, string]> = [
    ['a lock id of 1e400 (Infinity)', '{"op":"acquire","task":"t","lock":1e400}', 'acquire: field "lock" is the number Infinity, beyond the ids a number holds exactly'],
    ['a task id of 20 digits', '{"op":"acquire","task":12345678901234567890,"lock":"a"}', 'acquire: field "task" is the number 12345678901234567000, beyond'],
    ['a nest id of -1e309', '{"op":"acquire","task":"t","lock":"b","nest":-1e309}', 'field "nest" is the number -Infinity'],
    ['a ts of 1e999', '{"op":"release","task":"t","lock":"a","ts":1e999}', 'release: field "ts" is the number Infinity, too large for a double'],
  ];
  test.each(cases)('%s: file:line, on both paths', async (_name, line, message) => {
    const path = write('numbers.jsonl', `${FIRST}\n${line}\n`);
    for (const error of [await inputErrorOf(() => checkTrace(path)), await inputErrorOf(() => readAll(path))]) {
      expect(error.toString()).toBe(`${path}:2: ${error.message}`);
      expect(error.message).toContain(message);
    }
  });

  test('ids up to 2^53 - 1 stay numbers and stay distinct', async () => {
    const path = write('safe.jsonl', `{"op":"acquire","task":"t","lock":9007199254740991}\n{"op":"acquire","task":"t","lock":9007199254740990}\n`);
    const result = await checkTrace(path);
    expect(result.summary.classes).toBe(2);
  });
});

describe('line length', () => {
  test('the block buffer refuses a line longer than its limit, numbered from the lines its reader took', () => {
    let delivered = 0;
    const blocks = new LineBlockBuffer(64, { maxLineBytes: 1000, linesSoFar: () => delivered });
    const onBlock = (bytes: Buffer, end: number): void => {
      for (let at = bytes.indexOf(10); at !== -1 && at < end; at = bytes.indexOf(10, at + 1)) delivered++;
    };
    let caught: unknown;
    try {
      blocks.push(Buffer.from(`${FIRST}\n${FIRST}\n`), onBlock);
      for (let i = 0; i < 40; i++) blocks.push(Buffer.from('x'.repeat(50)), onBlock);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(LineTooLongError);
    expect(delivered).toBe(2);
    expect(String(traceReadError(caught, 'long.jsonl'))).toBe('long.jsonl:3: line longer than 1,000 bytes, the longest lockdep reads (is this a trace file?)');
  });

  test('the string path refuses a line longer than MAX_LINE_BYTES characters before joining it', () => {
    const parser = new TraceLineParser('long.jsonl', () => undefined);
    parser.push(`${FIRST}\n`);
    const part = 'x'.repeat(MAX_LINE_BYTES / 4);
    let caught: unknown;
    try {
      for (let i = 0; i < 5; i++) parser.push(part);
    } catch (error) {
      caught = error;
    }
    expect(String(traceReadError(caught, 'long.jsonl'))).toMatch(/^long\.jsonl:2: line longer than 268,435,456 bytes/);
  });

  test('lines up to the limit pass, whatever the chunk size', () => {
    const blocks = new LineBlockBuffer(16, { maxLineBytes: 100 });
    const seen: number[] = [];
    const onBlock = (bytes: Buffer, end: number): void => {
      for (const line of bytes.toString('latin1', 0, end).split('\n')) if (line !== '') seen.push(line.length);
    };
    for (let i = 0; i < 10; i++) blocks.push(Buffer.from(`${'y'.repeat(99)}\n`), onBlock);
    blocks.finish(onBlock);
    expect(seen).toEqual(Array.from({ length: 10 }, () => 99));
  });
});

describe('saved JSON files', () => {
  const save = async (): Promise<{ graph: string; result: string }> => {
    const trace = write('abba.jsonl', readFileSync(join(import.meta.dirname, '..', '..', 'examples', 'abba.jsonl'), 'utf8'));
    const saved: { snapshot?: GraphSnapshot } = {};
    const result = await checkTrace(trace, { onSnapshot: (s) => (saved.snapshot = s) });
    if (saved.snapshot === undefined) throw new Error('no snapshot');
    return { graph: serializeSavedGraph(saved.snapshot, result), result: renderJson(result) };
  };

  test('a saved result with a deeply nested unknown field (it crashed the text report)', async () => {
    const { result } = await save();
    const path = write('deep-result.json', result.replace('"rule": null', `"rule": null, "x": ${deep()}`));
    const error = await inputErrorOf(() => readResultOrGraph(path));
    expect(error.toString()).toMatch(new RegExp(`^${path}:\\d+:\\d+: JSON nested deeper than 1000 levels`));
  });

  test('a saved result citing line 1e999', async () => {
    const { result } = await save();
    const path = write('huge-line.json', result.replace(/"line": \d+/, '"line": 1e999'));
    const error = await inputErrorOf(() => readResultOrGraph(path));
    expect(error.toString()).toMatch(new RegExp(`^${path}:\\d+: not a lockdep result .*violations\\.0\\.events\\.0\\.line`));
  });

  test('a saved graph and a baseline nested deeply', async () => {
    const { graph } = await save();
    const graphPath = write('deep-graph.json', graph.replace('"sources":', `"extra":${deep('{"a":', '}')},"sources":`));
    expect((await inputErrorOf(() => readSavedGraph(graphPath))).toString()).toMatch(new RegExp(`^${graphPath}:1:\\d+: JSON nested deeper`));
    const baseline = write('deep-baseline.json', `{"format":"lockdep-baseline","version":1,\n"findings":${deep()}}`);
    expect((await inputErrorOf(() => readBaseline(baseline))).toString()).toMatch(new RegExp(`^${baseline}:2:\\d+: JSON nested deeper`));
  });
});

describe('YAML: rule files and the config', () => {
  test('a rule file nested 5,000 deep', async () => {
    const text = `version: 1\nrules:\n  - id: x\n    kind: leaf\n    lock: ${deep('[', ']', YAML_DEEP)}\n`;
    const error = await inputErrorOf(() => loadRuleTexts([{ file: 'deep.yaml', text }]));
    expect(error.toString()).toMatch(/^deep\.yaml:5:\d+: YAML nested too deeply for the parser/);
  });

  test('block sequences nested 3,000 deep, where the parser throws instead of listing an error', async () => {
    const text = `version: 1\n${'- '.repeat(3000)}\n- a\n`;
    const error = await inputErrorOf(() => loadRuleTexts([{ file: 'block.yaml', text }]));
    expect(error.toString()).toMatch(/^block\.yaml:2:1: YAML nested too deeply for the parser/);
  });

  test('flow maps left open 4,000 deep after a syntax error (found by the CLI fuzzer: the yaml package aborted the process now and then) are refused before parsing, at the bracket past the limit', async () => {
    const text = `, >KhI+${'"a":{'.repeat(4000)}\n`;
    const error = await inputErrorOf(() => parseConfig('fuzzed.config.yaml', text));
    // The 257th open brace: 7 bytes of prefix, then 5 bytes per level.
    expect(error.toString()).toMatch(/^fuzzed\.config\.yaml:1:1292: YAML nested too deeply for the parser/);
    // 256 open at once is still parsed (an ordinary YAML error, or data).
    const shallow = await inputErrorOf(() => parseConfig('shallow.config.yaml', `, >KhI+${'"a":{'.repeat(256)}\n`));
    expect(shallow.toString()).toMatch(/^shallow\.config\.yaml:1:1: YAML syntax error/);
  });

  test('a config nested 5,000 deep, and a depth limit of 1e999', async () => {
    const error = await inputErrorOf(() => parseConfig('lockdep.config.yaml', `maxDepth: ${deep('[', ']', YAML_DEEP)}\n`));
    expect(error.toString()).toMatch(/^lockdep\.config\.yaml:1:\d+: YAML nested too deeply/);
    const huge = await inputErrorOf(() => parseConfig('lockdep.config.yaml', 'maxDepth: 1e999\n'));
    expect(huge.toString()).toMatch(/^lockdep\.config\.yaml:1:\d+: `maxDepth` must be a number/);
  });
});
