/**
 * Fuzzes the text importers: kernel ftrace (src/events/ftrace-reader.ts), STD
 * (src/events/std-reader.ts), and format detection plus streaming file reading
 * (src/events/import-trace.ts, detect-format.ts, text-line-reader.ts) on temp files.
 * Properties: a clean InputError at `file:line`, or spec-valid events that check into a valid
 * result; nothing touches Object.prototype.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { EventOrigin, TraceEvent } from '../../src/events/event.js';
import { validateEvent } from '../../src/events/event-validate.js';
import { FtraceParser } from '../../src/events/ftrace-reader.js';
import { PerfScriptParser } from '../../src/events/perf-script-reader.js';
import { importTrace } from '../../src/events/import-trace.js';
import { InputError } from '../../src/io/input-error.js';
import { StdParser } from '../../src/events/std-reader.js';
import { renderAll, runPipeline } from './check-pipeline.js';
import { FuzzTally, expectCleanError, expectNoPrototypePollution, fuzzRuns, fuzzTimeout, inputText } from './fuzz-support.js';
import { FTRACE_SEEDS, JSONL_SEEDS, KERNEL_TEXT_SEEDS, PERF_SEEDS, STD_SEEDS } from './seeds.js';

const tally = new FuzzTally();
const dir = mkdtempSync(join(tmpdir(), 'lockdep-fuzz-import-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  console.info(tally.report());
});

const CLASS_TYPES = new Map([['&kvm->slots_lock', 'mutex' as const], ['&irq_lock', 'spinlock' as const], ['L1', 'rwsem' as const]]);

/** Lines as the streaming line reader delivers them (trailing `\r` stripped). */
function linesOf(text: string): string[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
}

/** Every event an importer emits must pass the spec validator unchanged. */
function specChecked(sink: (event: TraceEvent, origin: EventOrigin) => void) {
  return (event: TraceEvent, origin: EventOrigin): void => {
    const copy = JSON.parse(JSON.stringify(event)) as unknown;
    expect(validateEvent(copy, origin)).toEqual(event);
    sink(event, origin);
  };
}

type LineParser = { line(text: string, lineNo: number): void; end(): void };

function checkLines(file: string, name: string, text: string, make: (sink: (event: TraceEvent, origin: EventOrigin) => void) => LineParser): void {
  const outcome = runPipeline(file, (sink) => {
    const parser = make(specChecked(sink));
    linesOf(text).forEach((line, index) => parser.line(line, index + 1));
    parser.end();
  });
  if (outcome instanceof InputError) {
    expectCleanError(outcome, file, { line: true });
    tally.note(name, 'error');
  } else {
    renderAll(outcome);
    tally.note(name, 'result');
  }
  expectNoPrototypePollution();
}

describe('importer fuzzing', () => {
  it('ftrace text: clean error at file:line or a valid result', () => {
    fc.assert(
      fc.property(inputText([...FTRACE_SEEDS, ...KERNEL_TEXT_SEEDS]), (text) => {
        checkLines('fuzz.trace', 'ftrace', text, (sink) => new FtraceParser({ file: 'fuzz.trace', classTypes: CLASS_TYPES, onWarning: () => undefined }, sink));
      }),
      { numRuns: fuzzRuns() },
    );
  }, fuzzTimeout());

  it('perf script output: clean error at file:line or a valid result', () => {
    fc.assert(
      fc.property(inputText(PERF_SEEDS), (text) => {
        checkLines('fuzz.perf', 'perf', text, (sink) => new PerfScriptParser({ file: 'fuzz.perf', classTypes: CLASS_TYPES, onWarning: () => undefined }, sink));
      }),
      { numRuns: fuzzRuns() },
    );
  }, fuzzTimeout());

  it('STD text: clean error at file:line or a valid result', () => {
    fc.assert(
      fc.property(inputText(STD_SEEDS), (text) => {
        checkLines('fuzz.std', 'std', text, (sink) => new StdParser({ file: 'fuzz.std', classTypes: CLASS_TYPES }, sink));
      }),
      { numRuns: fuzzRuns() },
    );
  }, fuzzTimeout());

  let fileCount = 0;
  it('any format from a file, detected from the content: clean error or a valid result', async () => {
    await fc.assert(
      fc.asyncProperty(inputText([...FTRACE_SEEDS, ...KERNEL_TEXT_SEEDS, ...PERF_SEEDS, ...STD_SEEDS, ...JSONL_SEEDS]), async (text) => {
        const path = join(dir, `t${fileCount++}.trace`);
        writeFileSync(path, text);
        const pipelineFile = path;
        let caught: unknown;
        let stats: Awaited<ReturnType<typeof importTrace>> | undefined;
        const outcome = await (async () => {
          const { CheckPipeline } = await import('./check-pipeline.js');
          const pipeline = new CheckPipeline(pipelineFile);
          try {
            stats = await importTrace(path, specChecked(pipeline.sink), { classTypes: CLASS_TYPES, onWarning: () => undefined });
          } catch (error) {
            caught = error;
            return undefined;
          }
          return pipeline.finish();
        })();
        if (caught !== undefined) {
          const error = expectCleanError(caught, path);
          // Only "cannot tell the format" and file-level errors may lack a line; trace errors name it.
          expect(error.line, error.toString()).toBeTypeOf('number');
          tally.note('detect+import', 'error');
        } else {
          expect(outcome).toBeDefined();
          expect(stats?.events).toBe(outcome?.summary.events);
          tally.note('detect+import', 'result');
        }
        expectNoPrototypePollution();
        rmSync(path);
      }),
      { numRuns: fuzzRuns(0.5) },
    );
  }, fuzzTimeout(0.5));

  it('every seed is valid on its own', () => {
    for (const seed of FTRACE_SEEDS) checkLines('seed.trace', 'ftrace-seeds', seed, (sink) => new FtraceParser({ file: 'seed.trace', onWarning: () => undefined }, sink));
    for (const seed of KERNEL_TEXT_SEEDS) checkLines('seed.trace', 'kernel-text-seeds', seed, (sink) => new FtraceParser({ file: 'seed.trace', onWarning: () => undefined }, sink));
    for (const seed of PERF_SEEDS) checkLines('seed.perf', 'perf-seeds', seed, (sink) => new PerfScriptParser({ file: 'seed.perf', onWarning: () => undefined }, sink));
    for (const seed of STD_SEEDS) checkLines('seed.std', 'std-seeds', seed, (sink) => new StdParser({ file: 'seed.std' }, sink));
    expect(tally.counts.get('ftrace-seeds')?.results).toBe(FTRACE_SEEDS.length);
    expect(tally.counts.get('kernel-text-seeds')?.results).toBe(KERNEL_TEXT_SEEDS.length);
    expect(tally.counts.get('perf-seeds')?.results).toBe(PERF_SEEDS.length);
    expect(tally.counts.get('std-seeds')?.results).toBe(STD_SEEDS.length);
  });
});
