/**
 * `lockdep check --jobs N` with this thread as one of the N (src/cli/parallel-check.ts): traces
 * are taken largest first by this thread and N-1 workers, results still come back in input
 * order, and an input error is still the first failing trace's in input order, even when a
 * larger failing trace later in the list is checked first. Spawned: the workers run dist/.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, SPAWN_TIMEOUT_MS } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'lockdep-jobs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function trace(name: string, lines: readonly string[]): string {
  const path = join(dir, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

/** `count` nested acquire/release pairs over `classes` in ascending order, on one task. */
function ordered(task: string, classes: readonly string[], count: number): string[] {
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const [outer, inner] = [classes[i % classes.length], classes[(i + 1) % classes.length]];
    if (outer === undefined || inner === undefined || outer >= inner) continue;
    lines.push(
      JSON.stringify({ op: 'acquire', task, lock: outer }),
      JSON.stringify({ op: 'acquire', task, lock: inner }),
      JSON.stringify({ op: 'release', task, lock: inner }),
      JSON.stringify({ op: 'release', task, lock: outer }),
    );
  }
  return lines;
}

const INVERSION = ['{"op":"acquire","task":"x","lock":"C"}', '{"op":"acquire","task":"x","lock":"A"}', '{"op":"release","task":"x","lock":"A"}', '{"op":"release","task":"x","lock":"C"}'];

describe('check --jobs with this thread as one of the jobs', { timeout: SPAWN_TIMEOUT_MS }, () => {
  it('gives the serial result in input order, whatever the traces\' sizes', () => {
    const traces = [
      trace('small-clean.jsonl', ordered('s', ['A', 'B'], 10)),
      trace('large-cycle.jsonl', [...ordered('l', ['A', 'B', 'C'], 20_000), ...INVERSION]),
      trace('medium-clean.jsonl', ordered('m', ['D', 'E', 'F'], 2_000)),
      trace('small-cycle.jsonl', [...ordered('c', ['A', 'B', 'C'], 30), ...INVERSION]),
    ];
    const serial = runCli(['check', '--no-config', '--jobs', '1', '-f', 'json', ...traces]);
    expect(serial.status, serial.stderr).toBe(1);
    for (const jobs of ['2', '3']) {
      const parallel = runCli(['check', '--no-config', '--jobs', jobs, '-f', 'json', ...traces]);
      expect(parallel.status, parallel.stderr).toBe(1);
      expect(parallel.stdout).toBe(serial.stdout);
    }
    const files = (JSON.parse(serial.stdout) as { traces: Array<{ file: string; summary: { violations: number } }> }).traces;
    expect(files.map((t) => t.file)).toEqual(traces);
    expect(files.map((t) => t.summary.violations)).toEqual([0, 1, 0, 1]);
  });

  it('gives the serial graph: snapshots from workers (sent as JSON) in --save-graph and graph formats', () => {
    const traces = [
      trace('graph-a.jsonl', [...ordered('a', ['A', 'B', 'C'], 3_000), ...INVERSION]),
      trace('graph-b.jsonl', ordered('b', ['D', 'E', 'F', 'G'], 2_000)),
    ];
    const runs = ['1', '2'].map((jobs) => {
      const saved = join(dir, `saved-${jobs}.graph.json`);
      const run = runCli(['check', '--no-config', '--jobs', jobs, '--save-graph', saved, '-f', 'dot', ...traces]);
      expect(run.status, run.stderr).toBe(1);
      return { stdout: run.stdout, saved: readFileSync(saved, 'utf8') };
    });
    expect(runs[1]).toEqual(runs[0]);
    expect(runs[0]?.saved).toContain('"E"');
  });

  it('reports the first failing trace in input order when a larger later one fails first', () => {
    const good = trace('good.jsonl', ordered('g', ['A', 'B'], 10));
    const smallBad = trace('small-bad.jsonl', ['{"op":"acquire","task":"t"}']);
    // Largest: taken first, and it fails at once (its first line).
    const largeBad = trace('large-bad.jsonl', ['{"op":"nope"}', ...ordered('b', ['A', 'B', 'C'], 20_000)]);
    for (const jobs of ['2', '3']) {
      const run = runCli(['check', '--no-config', '--jobs', jobs, good, smallBad, largeBad]);
      expect(run.status).toBe(2);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.stderr).toContain(`${smallBad}:1:`);
    }
  });
});
