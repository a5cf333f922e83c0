/**
 * `lockdep infer` on real inputs (test/fixtures/real/README.md names their sources): a
 * /proc/lockdep dump from a 5.13-rc kernel (the graph gives order and leaf rules; its replayed
 * acquisitions give no must-hold, guarded-by or forbid-inside guesses; its support is a floor),
 * and STD traces of Apache Commons Pool (guarded-by from their memory accesses, single classes
 * and locksets of two), each round-tripped through `rules lint` and `check --rules` on the same file.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { runCliInProcess } from '../cli/run-cli.js';

const PROC_LOCKDEP = 'test/fixtures/real/kernel/proc-lockdep-xiongwei-song-2021.txt';
const POOL = 'test/fixtures/real/std/pool_149_dlf.std';
const POOL_146 = 'test/fixtures/real/std/pool_146_dlf.std';

interface JsonRule {
  kind: string;
  rule: Record<string, string | string[]>;
  lockset?: string[];
  evidence: Array<{ about: string; support: { witnesses: number; tasks: number; witnessesAtLeast?: true }; confidence?: number; lockset?: string[] }>;
}

async function infer(args: readonly string[]): Promise<JsonRule[]> {
  const run = await runCliInProcess(['infer', '-f', 'json', ...args]);
  expect(run.status).toBe(0);
  return JSON.parse(run.stdout).rules;
}

async function ruleFindingsOfRoundTrip(input: string, args: readonly string[] = []): Promise<unknown[]> {
  const rules = join(mkdtempSync(join(tmpdir(), 'lockdep-infer-real-')), 'proposed.yaml');
  expect((await runCliInProcess(['infer', ...args, input, '-o', rules])).status).toBe(0);
  expect((await runCliInProcess(['rules', 'lint', '-q', rules])).status).toBe(0);
  const check = await runCliInProcess(['check', '--no-config', '--rules', rules, '-f', 'json', input]);
  return JSON.parse(check.stdout).violations.filter((finding: { kind: string }) => finding.kind === 'rule-violation');
}

test('/proc/lockdep (5.13-rc): cgroup_mutex and console_lock outside what the dump lists, the rest leaves', async () => {
  const rules = await infer([PROC_LOCKDEP]);
  expect(rules.map((proposed) => proposed.kind)).toEqual(['order', 'order', 'leaf']);
  expect(rules[0]!.rule).toMatchObject({
    outer: 'cgroup_mutex',
    inner: ['pcpu_alloc_mutex', 'lock#2', 'iattr_mutex', 'kernfs_mutex', 'cgroup_file_kn_lock', 'css_set_lock', 'freezer_mutex'],
  });
  expect(rules[1]!.rule['outer']).toBe('console_lock');
  expect(rules[1]!.rule['inner']).toHaveLength(26);
  expect(rules[1]!.rule['inner']).toContain('fs_reclaim');
  expect(rules[2]!.rule['lock']).toHaveLength(30);
  expect(rules[2]!.rule['lock']).not.toContain('console_lock');
  // A class the dump shows under both outer classes (lock#2) has both as support.
  expect(rules[2]!.evidence.find((entry) => entry.about === 'lock#2')!.support.witnesses).toBe(2);
  // The dump keeps one witness per dependency: every count is a floor.
  expect(rules.every((proposed) => proposed.evidence.every((entry) => entry.support.witnessesAtLeast === true))).toBe(true);
  expect(await ruleFindingsOfRoundTrip(PROC_LOCKDEP)).toEqual([]);
});

test('STD trace of Apache Commons Pool 149: the lock each shared field is read under', async () => {
  const rules = await infer(['--kinds', 'order,guarded-by', '--min-support', '4', POOL]);
  expect(rules.map((proposed) => [proposed.rule['var'] ?? proposed.rule['outer'], proposed.rule['access'] ?? '', proposed.rule['lock'] ?? proposed.rule['inner']])).toEqual([
    ['700079669285', 'read', '163'],
    ['700079669293', 'read', '163'],
    ['700079669268', 'read', '163'],
    ['700079669282', 'read', '163'],
    ['700079669284', 'read', '163'],
    ['743029342281', 'read', '173'],
  ]);
  expect(rules[0]!.evidence[0]!.support).toMatchObject({ witnesses: 10, tasks: 2 });
  expect(await ruleFindingsOfRoundTrip(POOL)).toEqual([]);
});

test('STD trace of Apache Commons Pool 146: fields read and written with two locks held together give lockset rules', async () => {
  const rules = (await infer(['--kinds', 'guarded-by', POOL_146])).filter((proposed) => proposed.rule['var'] === '777389080659' || proposed.rule['var'] === '777389080658');
  expect(rules.map((proposed) => [proposed.rule['var'], proposed.rule['access'], proposed.rule['lock'], proposed.lockset])).toEqual([
    ['777389080659', 'read', '181', ['181', '165']],
    ['777389080659', 'read', '165', ['181', '165']],
    ['777389080658', 'write', '181', ['181', '165']],
    ['777389080658', 'write', '165', ['181', '165']],
  ]);
  expect(rules[0]!.evidence).toEqual([{ about: 'reads of 777389080659', support: { witnesses: 2, tasks: 2, firstSeen: `${POOL_146}:412` }, confidence: 1, lockset: ['181', '165'] }]);
  expect(rules[1]!.evidence).toEqual([]);
  expect(await ruleFindingsOfRoundTrip(POOL_146, ['--kinds', 'guarded-by,must-hold'])).toEqual([]);
});
