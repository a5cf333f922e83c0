/**
 * Options the commands share with check (the CLI run in-process, in a scratch directory):
 *  - `merge` applies the config file's CI gate (`baseline`, `maxWarnings`) as check does;
 *  - `baseline` takes check's trace options (`--input-format`, `--max-classes`, ...) and
 *    writes, by default, the config file's `baseline`;
 *  - `run --max-depth` is checked as the other commands check integer options.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, runCliInProcess } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'lockdep-commands-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const inDir = (args: readonly string[]) => runCliInProcess(args, { cwd: dir });
const readJson = (name: string) => JSON.parse(readFileSync(join(dir, name), 'utf8'));

const HEADER = '{"format":"lockdep-trace","version":1}';

describe('lockdep merge and the config file', () => {
  it('uses the config file\'s baseline: a baselined cross-run cycle does not fail the merge', async () => {
    const nested = (task: string, outer: string, inner: string): string => [
      HEADER,
      ...[['acquire', outer], ['acquire', inner], ['release', inner], ['release', outer]].map(([op, lock]) => JSON.stringify({ op, task, lock })),
    ].join('\n');
    writeFileSync(join(dir, 'ab.jsonl'), nested('t1', 'A', 'B'));
    writeFileSync(join(dir, 'ba.jsonl'), nested('t2', 'B', 'A'));
    expect((await inDir(['check', '--no-config', '--save-graph', 'g1.json', 'ab.jsonl'])).status).toBe(0);
    expect((await inDir(['check', '--no-config', '--save-graph', 'g2.json', 'ba.jsonl'])).status).toBe(0);
    const merged = await inDir(['merge', '--no-config', '-f', 'json:merged.json', 'g1.json', 'g2.json']);
    expect(merged.status, merged.stderr).toBe(1);
    expect(readJson('merged.json').violations.map((finding: { kind: string }) => finding.kind)).toEqual(['circular-dependency']);
    expect((await inDir(['baseline', '--no-config', '--from', 'merged.json', '-o', 'known.json'])).status).toBe(0);

    writeFileSync(join(dir, 'gate.yaml'), 'baseline: known.json\n');
    const gated = await inDir(['merge', '-c', 'gate.yaml', '-f', 'json', 'g1.json', 'g2.json']);
    expect(gated.status, gated.stderr).toBe(0);
    expect(JSON.parse(gated.stdout).violations[0].baselined).toBe(true);
  });
});

describe('lockdep baseline takes check\'s trace options', () => {
  const stdTrace = join(REPO_ROOT, 'test', 'importers', 'fixtures', 'std-abba.std');

  it('reads STD with --input-format and finds what check finds', async () => {
    const checked = await inDir(['check', '--no-config', '--input-format', 'std', '-f', 'json', stdTrace]);
    const written = await inDir(['baseline', '--no-config', '--input-format', 'std', '-o', 'std-baseline.json', stdTrace]);
    expect(written.status, written.stderr).toBe(0);
    const fingerprints = JSON.parse(checked.stdout).violations.map((finding: { fingerprint: string }) => finding.fingerprint);
    expect(fingerprints.length).toBeGreaterThan(0);
    expect(readJson('std-baseline.json').findings.map((entry: { fingerprint: string }) => entry.fingerprint)).toEqual(fingerprints);
  });

  it('honours the capacity limits (--max-classes, --max-tasks, --max-locks)', async () => {
    writeFileSync(join(dir, 'abba.jsonl'), readFileSync(join(REPO_ROOT, 'examples', 'abba.jsonl')));
    const limited = await inDir(['baseline', '--no-config', '--max-classes', '1', '-o', 'limited.json', 'abba.jsonl']);
    expect(limited.status).toBe(2);
    expect(limited.stderr).toContain('the lock class limit (1) is reached');
    const roomy = await inDir(['baseline', '--no-config', '--max-classes', '10', '--max-tasks', '10', '--max-locks', '10', '-o', 'roomy.json', 'abba.jsonl']);
    expect(roomy.status, roomy.stderr).toBe(0);
  });

  it('writes the config file\'s baseline by default', async () => {
    const project = join(dir, 'project');
    mkdirSync(join(project, 'ci'), { recursive: true });
    writeFileSync(join(project, 'lockdep.config.yaml'), 'baseline: ci/known.json\n');
    writeFileSync(join(project, 'abba.jsonl'), readFileSync(join(REPO_ROOT, 'examples', 'abba.jsonl')));
    const written = await runCliInProcess(['baseline', 'abba.jsonl'], { cwd: project });
    expect(written.status, written.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(project, 'ci', 'known.json'), 'utf8')).findings).toHaveLength(1);
    expect(existsSync(join(project, 'lockdep-baseline.json'))).toBe(false);
  });
});

describe('lockdep run --max-depth', () => {
  it('is checked as an integer option', async () => {
    writeFileSync(join(dir, 'sim.mjs'), 'export default async function () {}\n');
    const run = await inDir(['run', 'sim.mjs', '--max-depth', 'many']);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe('lockdep: --max-depth must be a positive integer, got a non-number (see lockdep --help)\n');
  });
});
