/**
 * `lockdep rules lint --names FILE`: the classes a rule file names that a kernel never printed,
 * read from real KVM splats (test/fixtures/real/kernel/), a /proc/lockdep class list, a plain
 * list or a trace; each with its rule file:line:col and the nearest printed name.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { classNamesOfText } from '../../src/cli/printed-names.js';
import { nearestName } from '../../src/rules/unprinted-classes.js';
import { runCliInProcess } from '../cli/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'lockdep-names-'));
const cli = (...args: string[]) => runCliInProcess(args);
const REAL = 'test/fixtures/real/kernel';

/** A pack written with the pre-5.12 spelling of mmu_lock and no alias, as the packs were. */
const OLD_SPELLING = join(dir, 'old-spelling.yaml');
writeFileSync(
  OLD_SPELLING,
  [
    'version: 1',
    'classes:',
    "  '&kvm->mmu_lock': rwlock",
    "  '&kvm->arch.tdp_mmu_pages_lock': spinlock",
    'rules:',
    '  - id: tdp-mmu-pages-lock-needs-mmu-lock',
    '    kind: must-hold',
    "    lock: '&kvm->arch.tdp_mmu_pages_lock'",
    "    held: '&kvm->mmu_lock'",
    '    description: cannot be taken without already holding kvm->arch.mmu_lock',
    '',
  ].join('\n'),
);

/** Lines after the summary, `class ... also matches` and `...: class names for` lines. */
const warningsOf = (stderr: string) => stderr.split('\n').filter((line) => line.includes(': warning: '));

describe('rules lint --names on real KVM splats', () => {
  test('a name the kernel never printed is a warning with file:line:col and the printed spelling', async () => {
    const run = await cli('rules', 'lint', '-q', OLD_SPELLING, '--names', `${REAL}/wanpeng-li-2021-04-08-mmu-lock-sleep.txt`);
    expect(run.status).toBe(0);
    expect(warningsOf(run.stderr)).toEqual([
      `${OLD_SPELLING}:8:11: warning: class "&kvm->arch.tdp_mmu_pages_lock" is never printed in ${REAL}/wanpeng-li-2021-04-08-mmu-lock-sleep.txt`,
      `${OLD_SPELLING}:9:11: warning: class "&kvm->mmu_lock" is never printed in ${REAL}/wanpeng-li-2021-04-08-mmu-lock-sleep.txt (did you mean "&(kvm)->mmu_lock"?)`,
    ]);
  });

  test('the shipped packs name mmu_lock, vcpu->mutex and kvm->srcu as the 5.12 splat prints them', async () => {
    const run = await cli('rules', 'lint', '-q', 'rules/kvm-2021.yaml', '--names', `${REAL}/wanpeng-li-2021-04-08-mmu-lock-sleep.txt`);
    const unprinted = warningsOf(run.stderr).map((line) => /class "([^"]+)"/.exec(line)?.[1]);
    expect(unprinted).not.toContain('&(kvm)->mmu_lock');
    expect(unprinted).not.toContain('&vcpu->mutex');
    expect(unprinted).not.toContain('&kvm->srcu');
    expect(unprinted).toContain('&kvm->slots_lock');
  });

  test('kvm-locking.yaml against the 2024 console log (timestamps, wrapped lines): its four classes are printed', async () => {
    const run = await cli('rules', 'lint', '-q', 'rules/kvm-locking.yaml', '--names', `${REAL}/christopherson-2024-05-07-slots-lock-cpu-hotplug.txt`);
    expect(run.status).toBe(0);
    const unprinted = warningsOf(run.stderr).map((line) => /class "([^"]+)"/.exec(line)?.[1]);
    for (const printed of ['cpu_hotplug_lock', 'kvm_lock', '&kvm->slots_lock', '&kvm->srcu']) expect(unprinted).not.toContain(printed);
    expect(unprinted).toContain('&kvm->lock');
  });

  test('a kernel that printed only the alias (pre-5.12) counts the class as printed', async () => {
    const names = join(dir, 'pre-5.12.txt');
    writeFileSync(names, '# classes of a 5.11 kernel\n&kvm->mmu_lock\n&kvm->arch.tdp_mmu_pages_lock\n&kvm->mmu_notifier_slots_lock\n');
    const run = await cli('rules', 'lint', '-q', 'rules/kvm-2021.yaml', '--names', names);
    const unprinted = warningsOf(run.stderr).map((line) => /class "([^"]+)"/.exec(line)?.[1]);
    expect(unprinted).not.toContain('&(kvm)->mmu_lock');
    expect(unprinted).not.toContain('&kvm->arch.tdp_mmu_pages_lock');
    expect(unprinted).toContain('&kvm->slots_lock');
  });

  test('a trace gives the classes of its events', async () => {
    const run = await cli('rules', 'lint', '-q', OLD_SPELLING, '--names', `${REAL}/wanpeng-li-2021-04-08-mmu-lock-sleep.jsonl`);
    expect(warningsOf(run.stderr)[1]).toContain('class "&kvm->mmu_lock" is never printed in');
    expect(warningsOf(run.stderr)[1]).toContain('(did you mean "&(kvm)->mmu_lock"?)');
  });

  test('every class printed: one line says so', async () => {
    const names = join(dir, 'all.txt');
    writeFileSync(names, '&(kvm)->mmu_lock\n&kvm->arch.tdp_mmu_pages_lock\n');
    const pack = join(dir, 'printed.yaml');
    writeFileSync(
      pack,
      "version: 1\nrules:\n  - id: r\n    kind: must-hold\n    lock: '&kvm->arch.tdp_mmu_pages_lock'\n    held: '&(kvm)->mmu_lock'\n    description: d\n",
    );
    const run = await cli('rules', 'lint', '-q', pack, '--names', names);
    expect(run.stderr.split('\n').slice(1)).toEqual([`every class the rules name is printed in ${names}`, '']);
  });

  test('rules lint shows the kernels a pack is for and its aliases', async () => {
    const run = await cli('rules', 'lint', '-q', 'rules/kvm-locking.yaml');
    expect(run.stderr.split('\n').slice(1, 3)).toEqual([
      'rules/kvm-locking.yaml: class names for v5.15 and later (the text at 918e37d50a2f); names as v5.12 and later print them, aliases for older kernels',
      'class "&(kvm)->mmu_lock" also matches "&kvm->mmu_lock"',
    ]);
  });

  test('a names file that does not exist exits 2 with one line', async () => {
    const run = await cli('rules', 'lint', '-q', 'rules/kvm-2021.yaml', '--names', join(dir, 'missing.txt'));
    expect(run.status).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain('missing.txt');
  });
});

describe('the printed names of kernel text', () => {
  test('/proc/lockdep class lines, with and without OPS:, and their dependency lines', () => {
    const proc = [
      'all lock classes:',
      'ffffffffc0b6e830 OPS:      12 FD:    3 BD:    9 ++++: &(kvm)->mmu_lock',
      ' -> [ffffffffc0b6e840] &kvm->arch.tdp_mmu_pages_lock',
      '',
      'ffffffff82a5e1a8 FD:   36 BD:    1 +.+.: kvm_lock',
    ].join('\n');
    expect([...classNamesOfText(proc)].sort()).toEqual(['&(kvm)->mmu_lock', '&kvm->arch.tdp_mmu_pages_lock', 'kvm_lock']);
  });

  test('splat lines: names with parentheses inside, and wrapped lines', () => {
    const text = '  #2: ffffb1b540f7d018 (&(kvm)->mmu_lock){+.+.}-{2:2}, at:\nkvm_mmu_load+0xb5/0x540 [kvm]\n -> #1 (&per_cpu(wakeup_vcpus_on_cpu_lock, cpu)){....}-{2:2}:';
    expect([...classNamesOfText(text)]).toEqual(['&(kvm)->mmu_lock', '&per_cpu(wakeup_vcpus_on_cpu_lock, cpu)']);
  });
});

describe('the nearest printed name', () => {
  test('same shape first: &, parentheses and #N/N suffixes do not count', () => {
    expect(nearestName('&kvm->mmu_lock', ['&kvm->srcu', '&(kvm)->mmu_lock#2'])).toBe('&(kvm)->mmu_lock#2');
  });

  test('then the same member: the document\'s kvm->arch.hyperv.hv_lock is printed &hv->hv_lock', () => {
    expect(nearestName('&kvm->arch.hyperv.hv_lock', ['&hv->hv_lock', '&kvm->lock'])).toBe('&hv->hv_lock');
  });

  test('then a few edits; a different lock is no suggestion', () => {
    expect(nearestName('&kvm->slots_lok', ['&kvm->slots_lock', '&kvm->srcu'])).toBe('&kvm->slots_lock');
    expect(nearestName('&kvm->lock', ['&kvm->srcu', '&vcpu->mutex'])).toBeUndefined();
  });
});
