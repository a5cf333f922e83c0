// A program written against async-mutex gets lockdep's findings by changing only its import:
// the fixture runs under plain `node` as is (clean, exit 0), then with the one import line
// switched to `lockdep/async-mutex` (resolved through the package's own exports), which reports
// the ABBA cycle on stderr when the process exits, with exit code 1, and nothing else.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli } from '../cli/run-cli.js';

const PROGRAM = join(REPO_ROOT, 'test', 'sim', 'fixtures', 'async-mutex-program.mjs');
// Inside the repository, so `lockdep/async-mutex` resolves to this package (self-reference).
const SWAPPED = join(REPO_ROOT, 'test', 'sim', 'fixtures', 'async-mutex-program.swapped.tmp.mjs');

function runNode(file: string, env: NodeJS.ProcessEnv = {}): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [file], {
    cwd: REPO_ROOT,
    env: { PATH: process.env['PATH'] ?? '', NO_COLOR: '1', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

afterAll(() => rmSync(SWAPPED, { force: true }));

describe('swapping the async-mutex import', { timeout: 60_000 }, () => {
  const original = readFileSync(PROGRAM, 'utf8');
  const swapped = original.replace("from 'async-mutex';", "from 'lockdep/async-mutex';");

  it('changes exactly one line', () => {
    const before = original.split('\n');
    const after = swapped.split('\n');
    expect(after.length).toBe(before.length);
    expect(after.filter((line, i) => line !== before[i])).toEqual([
      "import { E_TIMEOUT, Mutex, Semaphore, withTimeout } from 'lockdep/async-mutex';",
    ]);
  });

  it('the original program runs clean with async-mutex', () => {
    const run = runNode(PROGRAM);
    expect(run).toEqual({ status: 0, stdout: 'done (timed out)\n', stderr: '' });
  });

  it('with the drop-in, the same run reports exactly the ABBA cycle at exit and exits 1', () => {
    writeFileSync(SWAPPED, swapped);
    const run = runNode(SWAPPED);
    expect(run.stdout).toBe('done (timed out)\n');
    expect(run.status).toBe(1);
    const summary = run.stderr.split('\n').filter((line) => line.startsWith('['));
    expect(summary).toHaveLength(1);
    expect(summary[0]).toMatch(
      /^\[error\] circular-dependency: possible circular locking dependency: Mutex@test\/sim\/fixtures\/async-mutex-program\.swapped\.tmp\.mjs:(7|8):\d+ -> Mutex@\S+:(7|8):\d+ -> Mutex@\S+:(7|8):\d+ /,
    );
    // The timeout left nothing behind: no held lock at exit, no bad unlock balance.
    expect(run.stderr).not.toMatch(/held-lock-at-exit|bad-unlock-balance/);
  });

  it('lockdep run sees the drop-in locks of its module (made at import time too), reported once', () => {
    const run = runCli(['run', 'test/sim/fixtures/dropin-module.mjs']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(1);
    expect(run.stdout.split('\n').filter((line) => line.startsWith('['))).toEqual([
      expect.stringMatching(/^\[error\] circular-dependency: possible circular locking dependency: (cache -> db -> cache|db -> cache -> db) /),
    ]);
  });

  it('LOCKDEP_STACKS=1 points the report at the lines that took the locks', () => {
    writeFileSync(SWAPPED, swapped);
    const run = runNode(SWAPPED, { LOCKDEP_STACKS: '1' });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('at: test/sim/fixtures/async-mutex-program.swapped.tmp.mjs:12');
    // The awaited module top level is a frame of its own, not an unreadable `async file://` path.
    expect(run.stderr).toMatch(/<anonymous> \(test\/sim\/fixtures\/async-mutex-program\.swapped\.tmp\.mjs:\d+:1\)/);
    expect(run.stderr).not.toContain('async file:');
  });

  it('LOCKDEP_REPORT=off leaves the process as it was', () => {
    writeFileSync(SWAPPED, swapped);
    const run = runNode(SWAPPED, { LOCKDEP_REPORT: 'off' });
    expect(run).toEqual({ status: 0, stdout: 'done (timed out)\n', stderr: '' });
  });
});
