/**
 * Fuzzes the built CLI end to end: every input file kind, mutated, given to the command that
 * reads it (`check` on traces of all three formats, `check --rules`, `check -c`,
 * `check --baseline`, `merge`, `report`), spawned as `node bin/lockdep.js` (dist/ is built by
 * the vitest global setup, test/setup/build-dist.ts).
 * Properties: the process exits 0, 1 or 2 and is never killed; exit 2 prints exactly one error
 * line on stderr that starts with the damaged file's name (after any `file:line: ...` notes
 * about the inputs), with no stack trace, no "internal error" and no terminal control character;
 * exit 0/1 prints a JSON result that is valid.
 * Cases run in small parallel batches (each spawn costs a Node start-up), `LOCKDEP_FUZZ_RUNS`
 * × 0.05 in all.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckResult } from '../../src/engine/result.js';
import { FuzzTally, TERMINAL_CONTROL, expectValidResult, fuzzRuns, fuzzTimeout, inputText } from './fuzz-support.js';
import { BASELINE_SEEDS, CONFIG_SEEDS, FTRACE_SEEDS, GRAPH_SEEDS, JSONL_ALL_OPS, JSONL_SEEDS, RESULT_SEEDS, RULE_SEEDS, STD_SEEDS } from './seeds.js';

const root = join(import.meta.dirname, '..', '..');
const bin = join(root, 'bin', 'lockdep.js');
const dir = mkdtempSync(join(tmpdir(), 'lockdep-fuzz-cli-'));
const tally = new FuzzTally();
const BATCH = 4;
/** A spawn that runs this long is hung (the inputs are a few kB). */
const HANG_MS = 60_000;

beforeAll(() => {
  writeFileSync(join(dir, 'seed.jsonl'), JSONL_ALL_OPS);
  writeFileSync(join(dir, 'seed.graph.json'), GRAPH_SEEDS[0] ?? '');
  // An empty config here, so discovery never picks up a config file from a parent directory.
  writeFileSync(join(dir, 'lockdep.config.yaml'), '{}\n');
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  console.info(tally.report());
});

interface Scenario {
  name: string;
  /** Name of the damaged file, and the arguments around it. */
  file: string;
  args: (file: string) => string[];
  /** Valid inputs the mutations start from; the first is also checked unmutated. */
  seeds: readonly string[];
}

const SCENARIOS: readonly Scenario[] = [
  { name: 'cli-check-trace', file: 'trace.txt', args: (f) => ['check', '-f', 'json', f], seeds: [...JSONL_SEEDS, ...FTRACE_SEEDS, ...STD_SEEDS] },
  { name: 'cli-check-rules', file: 'rules.yaml', args: (f) => ['check', '-f', 'json', '--rules', f, 'seed.jsonl'], seeds: RULE_SEEDS },
  { name: 'cli-check-config', file: 'custom.config.yaml', args: (f) => ['check', '-f', 'json', '-c', f, 'seed.jsonl'], seeds: CONFIG_SEEDS.map((seed) => seed.replace('rules/kvm-2021.yaml', join(root, 'rules', 'kvm-2021.yaml'))) },
  { name: 'cli-check-baseline', file: 'baseline.json', args: (f) => ['check', '-f', 'json', '--baseline', f, 'seed.jsonl'], seeds: BASELINE_SEEDS },
  { name: 'cli-merge', file: 'run.graph.json', args: (f) => ['merge', '-f', 'json', 'seed.graph.json', f], seeds: GRAPH_SEEDS },
  { name: 'cli-report', file: 'result.json', args: (f) => ['report', '-f', 'json', f], seeds: [...RESULT_SEEDS, ...GRAPH_SEEDS] },
];

const scenarioCase = fc.nat(SCENARIOS.length - 1).chain((index) => {
  const scenario = SCENARIOS[index] as Scenario;
  return inputText(scenario.seeds).map((text) => ({ scenario, text }));
});

interface Run {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function runCli(args: readonly string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd: dir, env: { ...process.env, NO_COLOR: '1', CI: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), HANG_MS);
    child.on('error', reject);
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout, stderr });
    });
  });
}

let caseCount = 0;
/** Runs one case and checks the properties; returns the exit status. */
async function checkCase({ scenario, text }: { scenario: Scenario; text: string }): Promise<number | null> {
  const file = `${caseCount++}-${scenario.file}`;
  writeFileSync(join(dir, file), text);
  const run = await runCli(scenario.args(file));
  const context = `${scenario.name} ${file}\nstderr: ${run.stderr}\nstdout: ${run.stdout.slice(0, 500)}`;
  expect(run.signal, context).toBeNull();
  expect([0, 1, 2], context).toContain(run.status);
  expect(run.stderr, context).not.toMatch(/internal error|^\s+at /m);
  // Notes about the input come first, one `file:line: ...` line each (ftrace lost events,
  // stale baseline entries).
  const lines = run.stderr.split('\n');
  expect(lines.pop(), context).toBe('');
  for (const line of lines) expect(line, context).not.toMatch(TERMINAL_CONTROL);
  const notes = run.status === 2 ? lines.slice(0, -1) : lines;
  for (const note of notes) expect(note, context).toMatch(/^\S[^\n]*?:\d+: \S/);
  if (run.status === 2) {
    const line = lines[lines.length - 1] ?? '';
    expect(line.startsWith(file), context).toBe(true);
    expect(run.stdout, context).toBe('');
    tally.note(scenario.name, 'error');
  } else {
    expectValidResult(JSON.parse(run.stdout) as CheckResult);
    tally.note(scenario.name, 'result');
  }
  rmSync(join(dir, file));
  return run.status;
}

describe('CLI fuzzing (built binary)', () => {
  it('the first seed of every scenario, unmutated, gives a valid JSON result (the exit 0/1 branch is exercised)', async () => {
    const statuses = await Promise.all(SCENARIOS.map((scenario) => checkCase({ scenario, text: scenario.seeds[0]! })));
    expect(statuses.map((status, i) => `${SCENARIOS[i]!.name} ${status}`)).toEqual(SCENARIOS.map((scenario) => expect.stringMatching(new RegExp(`^${scenario.name} [01]$`))));
  }, 120_000);

  const runs = Math.max(1, Math.ceil(fuzzRuns(0.05) / BATCH));
  it(`mutated inputs of every kind: exit 2 with one clean file line, or a valid result (${runs * BATCH} spawns)`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(scenarioCase, { minLength: BATCH, maxLength: BATCH }), async (batch) => {
        await Promise.all(batch.map(checkCase));
      }),
      { numRuns: runs },
    );
  }, Math.max(120_000, fuzzTimeout(0.05) * 40));
});
