/**
 * .ci/run, with `npm` replaced by a stub (`npm ci` and `npm test` exit with chosen statuses;
 * `npm test` writes a chosen vitest JSON report): whatever happens, the last line is exactly
 * `N passed, N failed`, a test file that failed to run counts as failed, a reason goes on the
 * line before, and the exit status is non-zero on any failure.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, SPAWN_TIMEOUT_MS } from './run-cli.js';

const stubs = mkdtempSync(join(tmpdir(), 'lockdep-ci-run-'));
afterAll(() => rmSync(stubs, { recursive: true, force: true }));
writeFileSync(join(stubs, 'npm'), `#!/bin/sh
case "$1" in
  ci) exit "$STUB_CI_STATUS" ;;
  test)
    for arg in "$@"; do case "$arg" in --outputFile.json=*) report="\${arg#--outputFile.json=}" ;; esac; done
    if [ -n "$STUB_REPORT" ]; then printf '%s' "$STUB_REPORT" > "$report"; fi
    exit "$STUB_TEST_STATUS" ;;
esac
exit 99
`);
chmodSync(join(stubs, 'npm'), 0o755);

interface Stub {
  ciStatus?: number;
  testStatus?: number;
  report?: unknown;
}

function ciRun(stub: Stub): { status: number | null; lines: string[] } {
  const result = spawnSync('bash', [join(REPO_ROOT, '.ci', 'run')], {
    env: {
      PATH: `${stubs}:${dirname(process.execPath)}:/usr/bin:/bin`,
      STUB_CI_STATUS: String(stub.ciStatus ?? 0),
      STUB_TEST_STATUS: String(stub.testStatus ?? 0),
      STUB_REPORT: stub.report === undefined ? '' : typeof stub.report === 'string' ? stub.report : JSON.stringify(stub.report),
    },
    encoding: 'utf8',
  });
  return { status: result.status, lines: result.stdout.trimEnd().split('\n') };
}

const tests = (...statuses: string[]) => statuses.map((status) => ({ status }));

describe('.ci/run', { timeout: SPAWN_TIMEOUT_MS }, () => {
  it('ends with the counts and exits 0 when every test passed', () => {
    const run = ciRun({ report: { numPassedTests: 3, numFailedTests: 0, testResults: [{ status: 'passed', assertionResults: tests('passed', 'passed', 'passed') }] } });
    expect(run.status).toBe(0);
    expect(run.lines.at(-1)).toBe('3 passed, 0 failed');
  });

  it('counts failed tests and exits non-zero', () => {
    const run = ciRun({ testStatus: 1, report: { numPassedTests: 2, numFailedTests: 1, testResults: [{ status: 'failed', assertionResults: tests('passed', 'passed', 'failed') }] } });
    expect(run.status).toBe(1);
    expect(run.lines.at(-1)).toBe('2 passed, 1 failed');
  });

  it('counts a test file that failed to load as failed', () => {
    const report = {
      numPassedTests: 3,
      numFailedTests: 0,
      numFailedTestSuites: 1,
      testResults: [{ status: 'passed', assertionResults: tests('passed', 'passed', 'passed') }, { status: 'failed', assertionResults: [] }],
    };
    const run = ciRun({ testStatus: 1, report });
    expect(run.status).toBe(1);
    expect(run.lines.at(-2)).toBe('1 test file(s) failed to run');
    expect(run.lines.at(-1)).toBe('3 passed, 1 failed');
  });

  it.each([
    ['npm ci fails', { ciStatus: 5 }, 5, 'npm ci failed with status 5'],
    ['npm test writes no report', { testStatus: 2 }, 2, 'no test report: npm test exited with status 2'],
    ['the report is unreadable', { testStatus: 1, report: 'not json' }, 1, 'unreadable test report'],
  ])('gives the reason on the line before the counts when %s', (_case, stub, status, reason) => {
    const run = ciRun(stub);
    expect(run.status).toBe(status);
    expect(run.lines.at(-2)).toBe(reason);
    expect(run.lines.at(-1)).toBe('0 passed, 0 failed');
  });
});
