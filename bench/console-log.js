/**
 * The console-log workload of the bench: a kernel console log of a given size holding a given
 * number of lockdep reports, the rest ordinary boot and driver lines, all with printk
 * timestamps. Reports alternate between a three-lock circular report (with its chain and held
 * locks) and a recursive-locking report; each report's classes carry its number, so every report
 * is a distinct finding and each circular one adds three edges to the graph.
 * Invariant: deterministic for given parameters (no randomness but the seeded one).
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { prng } from './generate.js';

const NOISE = [
  'usb 1-1: new high-speed USB device number 2 using xhci_hcd',
  'EXT4-fs (sda2): mounted filesystem with ordered data mode. Quota mode: none.',
  'e1000e 0000:00:19.0 enp0s25: NIC Link is Up 1000 Mbps Full Duplex, Flow Control: Rx/Tx',
  'audit: type=1400 audit(1700000000.123:42): apparmor="STATUS" operation="profile_load" name="snap"',
  'systemd[1]: Started Journal Service.',
  'WARNING: CPU: 3 PID: 812 at drivers/gpu/drm/drm_vblank.c:728 drm_crtc_vblank_helper_get_vblank_timestamp+0x2a/0x40',
  'BUG: workqueue lockup - pool cpus=0 node=0 flags=0x0 nice=0 stuck for 31s!',
  'INFO: task kworker/u16:3:231 blocked for more than 120 seconds.',
  'random: crng init done',
  'nvme nvme0: 8/0/0 default/read/poll queues',
];

function circular(n, pid) {
  return [
    '======================================================',
    'WARNING: possible circular locking dependency detected',
    '6.14.0+ #64 Not tainted',
    '------------------------------------------------------',
    `(udev-worker)/${pid} is trying to acquire lock:`,
    `ff2f0c75591e74d8 (&q->elevator_lock#${n}){+.+.}-{4:4}, at: elv_iosched_store+0xe9/0x260`,
    '',
    'but task is already holding lock:',
    `ff2f0c75591e6fa8 (&q->q_usage_counter(io)#${n}){++++}-{0:0}, at: blk_mq_freeze_queue_nomemsave+0x12/0x20`,
    '',
    'which lock already depends on the new lock.',
    '',
    'the existing dependency chain (in reverse order) is:',
    '',
    `-> #2 (&q->q_usage_counter(io)#${n}){++++}-{0:0}:`,
    '       blk_alloc_queue+0x30e/0x350',
    '       blk_mq_alloc_queue+0x62/0xd0',
    `-> #1 (fs_reclaim#${n}){+.+.}-{0:0}:`,
    '       fs_reclaim_acquire+0x9d/0xd0',
    '       kmem_cache_alloc_noprof+0x51/0x430',
    `-> #0 (&q->elevator_lock#${n}){+.+.}-{4:4}:`,
    '       __lock_acquire+0x1510/0x2630',
    '       lock_acquire+0xc9/0x2d0',
    '       __mutex_lock+0xca/0xe50',
    '       elv_iosched_store+0xe9/0x260',
    '',
    'other info that might help us debug this:',
    '',
    `2 locks held by (udev-worker)/${pid}:`,
    ` #0: ff2f0c7cd7fb7420 (sb_writers#4){.+.+}-{0:0}, at: ksys_write+0x71/0xf0`,
    ` #1: ff2f0c75591e6fa8 (&q->q_usage_counter(io)#${n}){++++}-{0:0}, at: blk_mq_freeze_queue_nomemsave+0x12/0x20`,
    '',
    'stack backtrace:',
    `CPU: 0 UID: 0 PID: ${pid} Comm: (udev-worker) Not tainted 6.14.0+ #64`,
    'Call Trace:',
    ' <TASK>',
    ' dump_stack_lvl+0x6e/0xa0',
    ' print_circular_bug.cold+0x178/0x1be',
    ' __mutex_lock+0xca/0xe50',
    ' elv_iosched_store+0xe9/0x260',
    ' </TASK>',
  ];
}

function recursive(n, pid) {
  return [
    '============================================',
    'WARNING: possible recursive locking detected',
    '6.3.0-rc1 #1 Not tainted',
    '--------------------------------------------',
    `swapper/0/${pid} is trying to acquire lock:`,
    `ffffffff827ab0b0 (pci_bus_sem#${n}){++++}-{3:3}, at: pci_enable_link_state+0x69/0x1d0`,
    '',
    'but task is already holding lock:',
    `ffffffff827ab0b0 (pci_bus_sem#${n}){++++}-{3:3}, at: pci_walk_bus+0x24/0x90`,
    '',
    'other info that might help us debug this:',
    `1 lock held by swapper/0/${pid}:`,
    ` #0: ffffffff827ab0b0 (pci_bus_sem#${n}){++++}-{3:3}, at: pci_walk_bus+0x24/0x90`,
    '',
    'stack backtrace:',
    `CPU: 0 PID: ${pid} Comm: swapper/0 Not tainted 6.3.0-rc1 #1`,
    'Call Trace:',
    ' <TASK>',
    ' dump_stack_lvl+0x64/0xb0',
    ' pci_enable_link_state+0x69/0x1d0',
    ' </TASK>',
  ];
}

/** Writes a console log of about `bytes` bytes with `splats` lockdep reports spread evenly. */
export function writeConsoleLog(path, { bytes, splats, seed }) {
  const random = prng(seed);
  const fd = openSync(path, 'w');
  let written = 0;
  let micros = 0;
  const stamp = () => {
    micros += 1 + Math.floor(random() * 5000);
    return `[${String(Math.floor(micros / 1e6)).padStart(5)}.${String(micros % 1e6).padStart(6, '0')}] `;
  };
  const between = Math.floor(bytes / splats);
  let chunk = '';
  const flush = () => {
    writeSync(fd, chunk);
    written += Buffer.byteLength(chunk);
    chunk = '';
  };
  try {
    for (let n = 0; n < splats; n++) {
      const target = (n + 1) * between;
      while (written + chunk.length < target - 4096) {
        chunk += `${stamp()}${NOISE[Math.floor(random() * NOISE.length)]}\n`;
        if (chunk.length > 1 << 20) flush();
      }
      const pid = 100 + Math.floor(random() * 30000);
      for (const line of n % 2 === 0 ? circular(n, pid) : recursive(n, pid)) chunk += `${stamp()}${line}\n`;
    }
    flush();
  } finally {
    closeSync(fd);
  }
  return written;
}
