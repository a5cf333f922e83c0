/**
 * Real lockdep reports from mailing-list archives (test/fixtures/real/kernel/splats/, sources in
 * its README.md), checked as console logs with the format detected: each gives
 * one finding whose kind, task, classes, title and completeness were read from the report by
 * hand, whatever the kernel version (2.6.30 to 6.16), header form (`[ INFO: ... ]` or
 * `WARNING: ...`), wait-type suffix, console prefixes or mail quoting.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkTrace } from '../../src/check/check-trace.js';
import type { Finding } from '../../src/engine/finding.js';
import { REPO_ROOT } from '../cli/run-cli.js';

const SPLATS = join(REPO_ROOT, 'test', 'fixtures', 'real', 'kernel', 'splats');

interface Expected {
  kind: Finding['kind'];
  task: string;
  classes: string[];
  title: string;
  complete: boolean;
  /** How the kernel line under the header starts (absent: the excerpt has none). */
  kernel?: string;
}

const EXPECTED: Readonly<Record<string, Expected>> = {
  'trojanowski-2009-circular-2.6.30.txt': {
    kind: 'circular-dependency', task: 'swapper/0', classes: ['&cwq->lock', '&q->lock'],
    title: 'possible deadlock in __queue_work', complete: true, kernel: '2.6.30-kvm3-dirty #4',
  },
  'luck-2025-circular-continuation.txt': {
    kind: 'circular-dependency', task: '(udev-worker)/2100', classes: ['&q->elevator_lock', 'fs_reclaim', '&q->q_usage_counter(io)'],
    title: 'possible deadlock in elv_iosched_store', complete: true, kernel: '6.14.0+ #64',
  },
  'syzbot-2023-circular-ext4-compat.txt': {
    kind: 'circular-dependency', task: 'syz-executor.0/10326', classes: ['fs_reclaim', 'sb_internal', 'jbd2_handle', '&ei->xattr_sem'],
    // syzbot's own subject: the acquired lock's `at:` lines are inlined or allocator code, so the held lock's say where.
    title: 'possible deadlock in __ext4_mark_inode_dirty', complete: true, kernel: '6.5.0-rc5-syzkaller',
  },
  'syrjala-2023-recursive-intel-ci.txt': {
    kind: 'recursive-locking', task: 'swapper/0/1', classes: ['pci_bus_sem'],
    title: 'possible deadlock in pci_enable_link_state', complete: true, kernel: '6.3.0-rc1-CI_DRM_12814',
  },
  'durrant-2024-recursive-quoted-cut.txt': {
    kind: 'recursive-locking', task: 'xen_shinfo_test/250013', classes: ['&kvm->arch.xen.xen_lock'],
    title: 'possible deadlock in kvm_xen_set_evtchn', complete: false, kernel: '6.8.0-smp',
  },
  'syzbot-2022-inconsistent-sync-timeline.txt': {
    kind: 'inconsistent-lock-state', task: 'syz-executor333/3645', classes: ['sync_timeline_list_lock'],
    // syzbot's own subject for this report.
    title: 'inconsistent lock state in sync_info_debugfs_show', complete: true, kernel: '6.1.0-rc5-syzkaller',
  },
  'lkp-2024-inconsistent-caller-id.txt': {
    kind: 'inconsistent-lock-state', task: 'systemd-udevd/141', classes: ['&ep->lock'],
    title: 'inconsistent lock state in ep_start_scan', complete: true, kernel: '6.7.0-rc1',
  },
  'dickins-2014-safe-unsafe-garbled.txt': {
    kind: 'irq-safe-to-unsafe', task: 'kswapd0/48', classes: ['&(&mapping->tree_lock)->rlock', '&(&lru->node[i].lock)->rlock'],
    title: 'possible deadlock in list_lru_add', complete: false, kernel: '3.14.0-rc1-mm1 #1',
  },
  'dickins-2023-safe-unsafe-cut.txt': {
    kind: 'irq-safe-to-unsafe', task: 'kworker/3:1/49', classes: ['&sta->rate_ctrl_lock', '&mvm_sta->deflink.lq_sta.rs_drv.pers.lock'],
    title: 'possible deadlock in rs_drv_get_rate', complete: false, kernel: '6.4.0-rc5 #1',
  },
  'hogan-2014-irq-inversion-3.18.txt': {
    kind: 'irq-lock-inversion', task: 'swapper/0/0', classes: ['((&hw->end_timer))', '&(&priv->lock)->rlock#2'],
    title: 'possible deadlock in _call_timer_fn', complete: false, kernel: '3.18.0-rc5+ #957',
  },
  'syzbot-2020-irq-inversion-interrupted.txt': {
    kind: 'irq-lock-inversion', task: 'swapper/0/0', classes: ['&group->lock', '&card->ctl_files_rwlock'],
    title: 'possible deadlock in _snd_pcm_stream_lock_irqsave', complete: false, kernel: '5.9.0-rc4-next-20200908',
  },
  'garg-2022-bad-unlock-wrapped.txt': {
    kind: 'bad-unlock-balance', task: 'sh/173', classes: ['dbg_slave_lock'],
    title: 'WARNING: bad unlock balance in kgdb_cpu_enter', complete: false, kernel: '5.18.0-rc1',
  },
  'syzbot-2025-bad-unlock-mremap.txt': {
    kind: 'bad-unlock-balance', task: 'syz-executor359/6969', classes: ['&mapping->i_mmap_rwsem'],
    // syzbot's own subject: the `[inline]` frames of the release site are skipped.
    title: 'WARNING: bad unlock balance in move_pgt_entry', complete: true, kernel: '6.16.0-rc2-next-20250616',
  },
  'syzbot-2024-held-lock-freed-wq.txt': {
    kind: 'held-lock-freed', task: 'kworker/1:2/28505', classes: ['(wq_completion)events'],
    title: 'WARNING: held lock freed in bpf_prog_free_deferred', complete: true, kernel: '6.13.0-rc4-syzkaller',
  },
  'williams-2020-return-to-user-indented.txt': {
    kind: 'held-lock-at-exit', task: 'lvm/1318', classes: ['&md->io_barrier'],
    title: 'WARNING: lock held when returning to user space in dm_get_live_table', complete: true, kernel: '5.9.0-rc5+ #251',
  },
  'syzbot-2025-return-to-user-vm-lock.txt': {
    kind: 'held-lock-at-exit', task: 'syz.0.22/6068', classes: ['vm_lock'],
    title: 'WARNING: lock held when returning to user space in lock_next_vma', complete: true, kernel: '6.16.0-rc4-next-20250704',
  },
  'king-2019-still-has-locks-arm.txt': {
    kind: 'held-lock-at-exit', task: 'pulseaudio/1297', classes: ['&hcp->lock'],
    title: 'WARNING: still has locks held in futex_wait_queue_me', complete: true, kernel: '5.3.0+ #1826',
  },
  'chen-2024-sleeping-rt-loongarch.txt': {
    kind: 'sleep-in-atomic', task: 'swapper/1/0', classes: ['&pcp->lock', 'rcu_read_lock', '&zone->lock'],
    title: 'BUG: sleeping function called from invalid context in __rmqueue_pcplist', complete: true,
  },
  'idosch-2024-rcu-6.12.txt': {
    kind: 'suspicious-rcu-usage', task: 'ip/362', classes: ['rtnl_mutex'],
    title: 'WARNING: suspicious RCU usage in ip_tunnel_find', complete: true, kernel: '6.12.0-rc3-custom',
  },
  'hiramatsu-2019-rcu-idle-arm64.txt': {
    kind: 'suspicious-rcu-usage', task: 'swapper/0/0', classes: ['rcu_read_lock'],
    // The excerpt's backtrace stops inside lockdep: no function left to name.
    title: 'WARNING: suspicious RCU usage', complete: true, kernel: '5.2.0-08445',
  },
  'planeta-2024-nested-lock-xen.txt': {
    kind: 'nest-lock-not-held', task: 'migration/0/19', classes: ['ptlock_ptr(ptdesc)#2', 'init_mm.page_table_lock'],
    title: 'WARNING: nested lock was not taken in xen_pin_page', complete: true, kernel: '6.12.0+ #16',
  },
  'westphal-2025-max-lock-depth-cut.txt': {
    kind: 'lock-depth-exceeded', task: 'kworker/u16:1/69',
    classes: ['(wq_completion)netns', 'net_cleanup_work', 'pernet_ops_rwsem', 'rtnl_mutex', '&dev_instance_lock_key#3'],
    title: 'BUG: MAX_LOCK_DEPTH too low!', complete: false,
  },
};

async function findingsOf(name: string): Promise<Finding[]> {
  return (await checkTrace(join(SPLATS, name))).violations;
}

describe('real console-log reports (format detected)', () => {
  it('cover every kind of report a console log can hold, old and new kernels', () => {
    const kinds = new Set(Object.values(EXPECTED).map((e) => e.kind));
    expect(kinds.size).toBe(12);
    expect(Object.keys(EXPECTED).length).toBeGreaterThanOrEqual(20);
  });

  for (const [name, expected] of Object.entries(EXPECTED)) {
    it(name, async () => {
      const findings = await findingsOf(name);
      expect(findings).toHaveLength(1);
      const [finding] = findings as [Finding];
      expect(finding.kind).toBe(expected.kind);
      expect(finding.task).toBe(expected.task);
      expect(finding.classes).toEqual(expected.classes);
      expect(finding.splat?.title).toBe(expected.title);
      expect(finding.splat?.incomplete).toBe(!expected.complete);
      expect(finding.message.endsWith('(incomplete report)')).toBe(!expected.complete);
      if (expected.kernel === undefined) expect(finding.splat?.kernel).toBeUndefined();
      else expect(finding.splat?.kernel?.startsWith(expected.kernel)).toBe(true);
      expect(finding.occurrences).toBe(1);
      // The witnesses are lines of the log.
      const lines = readFileSync(join(SPLATS, name), 'utf8').split('\n');
      for (const event of finding.events) expect(lines[(event.line ?? 0) - 1]).toBeDefined();
    });
  }

  it('a circular report points at its lines and gives its chain as edges, each with its stack', async () => {
    const [finding] = (await findingsOf('luck-2025-circular-continuation.txt')) as [Finding];
    const lines = readFileSync(join(SPLATS, 'luck-2025-circular-continuation.txt'), 'utf8').split('\n');
    expect(lines[(finding.trigger?.line ?? 0) - 1]).toContain('(&q->elevator_lock){+.+.}-{4:4}, at: elv_iosched_store+0xe9/0x260');
    expect(finding.chain?.map((edge) => `${edge.from} -> ${edge.to}`)).toEqual([
      '&q->elevator_lock -> fs_reclaim',
      'fs_reclaim -> &q->q_usage_counter(io)',
      '&q->q_usage_counter(io) -> &q->elevator_lock',
    ]);
    // `-> #1 (fs_reclaim)` was taken in fs_reclaim_acquire while holding `-> #0`'s class.
    expect(finding.chain?.[0]?.next.stack?.[0]).toBe('fs_reclaim_acquire');
    expect(finding.held?.map((lock) => lock.class)).toEqual([
      'sb_writers#4', '&of->mutex#2', 'kn->active#87', '&q->q_usage_counter(io)', '&q->q_usage_counter(queue)',
    ]);
  });

  it('the 2.6.30 report keeps its six-character usage and its old frame format', async () => {
    const [finding] = (await findingsOf('trojanowski-2009-circular-2.6.30.txt')) as [Finding];
    expect(finding.held?.[0]).toMatchObject({ class: '&q->lock', usage: '-.-.-.', at: { site: '__wake_up' } });
    expect(finding.chain?.[0]?.next.stack?.slice(0, 3)).toEqual(['__lock_acquire', 'lock_acquire', '_spin_lock_irqsave']);
  });
});

describe('an Invalid wait context report (the wait-type check)', () => {
  it('is a sleep-in-atomic finding naming the lock being taken, then the held locks', async () => {
    const file = join(REPO_ROOT, 'test', 'fixtures', 'real', 'kernel', 'shan-2023-09-05-arm64-mmu-lock-wait-context.txt');
    const findings = (await checkTrace(file, { inputFormat: 'dmesg' })).violations;
    expect(findings).toHaveLength(1);
    const [finding] = findings as [Finding];
    expect(finding.kind).toBe('sleep-in-atomic');
    expect(finding.task).toBe('qemu-system-aar/3598');
    expect(finding.classes).toEqual(['&mmu->fault_ranges_mutex', '&vcpu->mutex', '&kvm->srcu', '&(kvm)->mmu_lock', 'rcu_read_lock']);
    expect(finding.splat?.title).toBe('BUG: Invalid wait context in invalidate_icache_guest_page');
    expect(finding.splat?.kernel?.startsWith('6.5.0-gavin+ #11')).toBe(true);
  });
});
