/**
 * The Helgrind row's verdicts (bench/cycle-verdict.js, issue 15, item 1): each tool must report
 * exactly the workload's one lock-order cycle. Helgrind's verdict is checked on the saved output
 * of a real run (`valgrind --tool=helgrind .bench/lockseq` on a 20k-event workload; Valgrind
 * 3.19) and on edits of it; before this, the bench accepted any output of a run that exited 0.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { helgrindVerdict, lockdepVerdict } from '../../bench/cycle-verdict.js';

const fixture = (name: string): string => readFileSync(join(import.meta.dirname, 'fixtures', name), 'utf8');
const stderr = fixture('helgrind-abba.stderr');
const stdout = fixture('helgrind-abba.stdout');

describe('helgrindVerdict', () => {
  test('a real run reporting the ABBA of locks 1 and 2 passes', () => {
    expect(helgrindVerdict(stderr, stdout)).toEqual({ ok: true, detail: '1 error, lock-order violations: {1, 2} (the expected cycle)' });
  });

  test('another pair, a second report, more errors or no report fail, saying what was seen', () => {
    const otherPair = helgrindVerdict(stderr.replace('0x4A4B2F0" violated', '0x4A4B318" violated'), stdout);
    expect(otherPair).toMatchObject({ ok: false });
    expect(otherPair.detail).toContain('lock-order violations: {1, 3}; expected exactly one error, the cycle {1, 2}');
    const twice = stderr.replace(/^(==\d+== Thread #3: lock order .*)$/m, '$1\n$1').replace('ERROR SUMMARY: 1 errors', 'ERROR SUMMARY: 2 errors');
    expect(helgrindVerdict(twice, stdout)).toMatchObject({ ok: false, detail: expect.stringContaining('2 errors, lock-order violations: {1, 2}, {1, 2}') });
    expect(helgrindVerdict(stderr.replace('ERROR SUMMARY: 1 errors', 'ERROR SUMMARY: 3 errors'), stdout).ok).toBe(false);
    const none = helgrindVerdict(stderr.replace(/lock order/g, 'lock ordering').replace('ERROR SUMMARY: 1 errors', 'ERROR SUMMARY: 0 errors'), stdout);
    expect(none).toMatchObject({ ok: false, detail: expect.stringContaining('0 errors, lock-order violations: none') });
  });

  test('an address outside the lock array, a missing layout or summary fail', () => {
    expect(helgrindVerdict(stderr.replace('0x4A4B2F0" violated', '0x1000" violated'), stdout).detail).toContain('unknown lock 0x1000');
    expect(helgrindVerdict(stderr, 'replayed 20000 events')).toEqual({ ok: false, detail: 'lockseq did not print its lock layout ("locks at ... stride ...")' });
    expect(helgrindVerdict(stderr.replace(/ERROR SUMMARY.*/, ''), stdout).ok).toBe(false);
  });
});

describe('lockdepVerdict', () => {
  const finding = (kind: string, classes: string[]) => ({ kind, classes, rule: null, severity: 'error', fingerprint: 'f', message: 'm', events: [] });
  const result = (...violations: unknown[]) => JSON.stringify({ version: 1, violations, summary: {} });

  test('exactly one circular dependency between L1 and L2 passes, in either order', () => {
    expect(lockdepVerdict(result(finding('circular-dependency', ['L2', 'L1'])))).toEqual({ ok: true, detail: '1 finding: circular-dependency {L1, L2} (the expected cycle)' });
  });

  test('no finding, another cycle, another kind, an extra finding or no JSON fail', () => {
    expect(lockdepVerdict(result()).detail).toBe('0 findings: none; expected exactly one circular-dependency {L1, L2}');
    expect(lockdepVerdict(result(finding('circular-dependency', ['L1', 'L3']))).ok).toBe(false);
    expect(lockdepVerdict(result(finding('recursive-locking', ['L1', 'L2']))).ok).toBe(false);
    expect(lockdepVerdict(result(finding('circular-dependency', ['L1', 'L2']), finding('held-lock-at-exit', ['L7']))).ok).toBe(false);
    expect(lockdepVerdict('lockdep: internal error')).toEqual({ ok: false, detail: 'the output is not a JSON result' });
  });
});
