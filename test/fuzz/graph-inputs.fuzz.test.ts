/**
 * Fuzzes the inputs of `lockdep graph` (src/cli/graph-input.ts): mutated saved graphs and JSONL
 * traces given to `graph cycles`, `graph hierarchy -f yaml`, `graph stats` and `infer`, in-process.
 * Properties: exit 0 with a well-formed answer, or exit 2 with exactly one error line that
 * starts with the damaged file's name (after any `file:line: warning` notes), never an internal
 * error or a stack trace. `LOCKDEP_FUZZ_RUNS` × 0.2 cases.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { runCliInProcess } from '../cli/run-cli.js';
import { FuzzTally, fuzzRuns, fuzzTimeout, inputText } from './fuzz-support.js';
import { GRAPH_SEEDS, JSONL_SEEDS } from './seeds.js';

const tally = new FuzzTally();
const dir = mkdtempSync(join(tmpdir(), 'lockdep-fuzz-graph-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  console.info(tally.report());
});

const COMMANDS: ReadonlyArray<{ args: string[]; answer: (stdout: string) => void }> = [
  { args: ['graph', 'cycles', '-f', 'json'], answer: (stdout) => expect(Array.isArray(JSON.parse(stdout).cycles)).toBe(true) },
  { args: ['graph', 'hierarchy', '-f', 'yaml'], answer: (stdout) => expect(parseYaml(stdout)).toHaveProperty('version', 1) },
  { args: ['graph', 'stats', '-f', 'json'], answer: (stdout) => expect(typeof JSON.parse(stdout).classes).toBe('number') },
  { args: ['infer'], answer: (stdout) => expect(parseYaml(stdout)).toHaveProperty('version', 1) },
];

let caseCount = 0;

describe('graph inputs fuzzing (in-process CLI)', () => {
  it('a damaged saved graph or trace is an answer or one clean error line', async () => {
    const cases = fc.record({ text: inputText([...GRAPH_SEEDS, ...JSONL_SEEDS]), command: fc.constantFrom(...COMMANDS) });
    await fc.assert(fc.asyncProperty(cases, async ({ text, command }) => {
      const file = join(dir, `${caseCount++}-input.json`);
      writeFileSync(file, text);
      const run = await runCliInProcess([...command.args, file]);
      const context = `${command.args.join(' ')} ${file}\nstderr: ${run.stderr}`;
      expect([0, 2], context).toContain(run.status);
      expect(run.stderr, context).not.toMatch(/internal error|^\s+at /m);
      const lines = run.stderr.split('\n').filter((line) => line !== '');
      if (run.status === 2) {
        expect(lines[lines.length - 1]!.startsWith(file), context).toBe(true);
        for (const note of lines.slice(0, -1)) expect(note, context).toMatch(/^\S[^\n]*?:\d+: warning: /);
        expect(run.stdout, context).toBe('');
        tally.note('graph-inputs', 'error');
      } else {
        command.answer(run.stdout);
        tally.note('graph-inputs', 'result');
      }
      rmSync(file);
    }), { numRuns: fuzzRuns(0.2) });
  }, fuzzTimeout(0.2));
});
