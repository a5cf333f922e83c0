/**
 * Real STD traces (test/fixtures/real/std, sources in test/fixtures/real/README.md): the
 * condition-variable benchmarks of the SPD/SUnhang suite, recorded by the SPD trace converter
 * (SPD dialect: req, wait after rel, notify, fork/join on thread objects).
 * Their published table (SUnhang `benchmarks/cond_var/tables/table.pdf`, SPDOffline's `cyc`
 * column) gives per trace how many lock-graph cycles a lock-only analysis finds: `check` must
 * find exactly those cycles (the classes were verified by reading each trace) and no other
 * finding, read with exit 0 or 1, never an input error, and give the same from a stream.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { checkTrace } from '../../src/check/check-trace.js';
import { exitCodeFor } from '../../src/cli/exit-code.js';
import { checkOneTrace } from '../../src/cli/parallel-check.js';
import { runCli } from '../cli/run-cli.js';

const DIR = join(import.meta.dirname, '..', 'fixtures', 'real', 'std');

/**
 * Per trace: the lock-graph cycles of the published table (SPDOffline `cyc`: 1 for the three
 * below, 0 for every other trace), each as its classes, which reading the trace confirms:
 * cond_var_fp     T12 takes 8 then 10 (lines 17, 21), T13 takes 10 then 8 (lines 40, 44);
 * cond_var_fp_idiomatic  T13 takes 9 then 11 (lines 15, 23), T14 takes 11 then 9 (lines 44, 48);
 * cond_var_tn     T11 takes 8 then 10 (lines 11, 16), T12 takes 10 then 8 (lines 28, 32).
 */
const PUBLISHED_CYCLES: Record<string, string[][]> = {
  apache_42031_dlf: [],
  cond_var_fn_idiomatic_dlf: [],
  cond_var_fp_dlf: [['10', '8']],
  cond_var_fp_idiomatic_dlf: [['11', '9']],
  cond_var_tn_dlf: [['10', '8']],
  lucene_2783_dlf: [],
  memcached_567_dlf: [],
  mysql_50038_dlf: [],
  mysql_68251_dlf: [],
  pool_146_dlf: [],
  pool_149_dlf: [],
};

const traces = readdirSync(DIR).filter((name) => name.endsWith('.std')).sort();

async function check(path: string, stream?: Buffer) {
  const warnings: string[] = [];
  const result = await checkTrace(stream === undefined ? path : '-', {
    onInputWarning: (message, origin) => warnings.push(`${origin.line}: ${message}`),
    ...(stream === undefined ? {} : { read: { input: Readable.from([stream]), displayName: path } }),
  });
  return { result, warnings };
}

describe('real STD traces (SPD/SUnhang condition-variable suite)', () => {
  it('are all listed in the table, at least six', () => {
    expect(traces.map((name) => name.replace(/\.std$/, ''))).toEqual(Object.keys(PUBLISHED_CYCLES).sort());
    expect(traces.length).toBeGreaterThanOrEqual(6);
  });

  for (const name of traces) {
    it(`${name}: exactly the published cycles, no other finding, the same from a stream`, async () => {
      const path = join(DIR, name);
      const { result, warnings } = await check(path);
      const expected = PUBLISHED_CYCLES[name.replace(/\.std$/, '')]!;
      // Detected as STD, every line known: nothing skipped.
      expect(warnings).toEqual([]);
      expect(result.violations.map((v) => v.kind)).toEqual(expected.map(() => 'circular-dependency'));
      expect(result.violations.map((v) => [...v.classes].sort())).toEqual(expected);
      expect(exitCodeFor(result)).toBe(expected.length > 0 ? 1 : 0);
      const fromStream = await check(path, readFileSync(path));
      expect(fromStream.result).toEqual(result);
    });
  }

  it('with progress on (stderr a terminal): the file is read by the same path, every byte counted, same result', async () => {
    const path = join(DIR, 'pool_146_dlf.std');
    const counted: number[] = [];
    const withProgress = await checkOneTrace(path, {}, false, (bytes) => counted.push(bytes));
    expect(withProgress.result).toEqual((await check(path)).result);
    expect(counted.at(-1)).toBe(statSync(path).size);
  });

  it('through the binary: a real trace from standard input gives what its file gives (exit 1)', { timeout: 60_000 }, () => {
    const path = join(DIR, 'cond_var_fp_dlf.std');
    const fromFile = runCli(['check', path, '--format', 'json', '--no-config']);
    const fromStdin = runCli(['check', '-', '--format', 'json', '--no-config'], { input: readFileSync(path, 'utf8') });
    expect([fromFile.status, fromStdin.status]).toEqual([1, 1]);
    const fingerprints = (stdout: string) => (JSON.parse(stdout) as { violations: { fingerprint: string }[] }).violations.map((v) => v.fingerprint);
    expect(fingerprints(fromStdin.stdout)).toEqual(fingerprints(fromFile.stdout));
    expect(fingerprints(fromFile.stdout)).toHaveLength(1);
  });
});
