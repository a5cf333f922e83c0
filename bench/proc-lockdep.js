/**
 * Generated kernel lockdep files for the /proc/lockdep bench row (bench/run.js): a
 * `/proc/lockdep` with `classes` classes and `dependencies` direct dependencies, followed by
 * the `/proc/lockdep_stats` counters with the kernel's `[max: N]` figures, as a debug kernel at
 * its limits prints them. Shape of a real kernel's graph (where `BD:` tops out near 1,200 on
 * the core leaf locks and most classes have a few dozen): subsystems of 60 classes whose locks
 * nest inside each other (sleeping locks, usage `+.+.`, every tenth taken for read, `++++`, then
 * irq-safe spinlocks `-.-.` / `..-.` at the end of each subsystem), all of them taking some of
 * 300 (per 8,192 classes) core irq-safe leaf-ish locks (`&rq->lock`, `&zone->lock` in a real kernel) that nest
 * among themselves only in clusters of 16 and start few dependencies (real `FD:` of those locks
 * is 1 to 16); the core locks are listed first, as the kernel lists classes in registration
 * order and those are registered early in boot. Every dependency goes from a class to a later one and an irq-safe class only
 * to irq-safe ones, so the graph has no cycle and no irq-safety violation and a check must walk
 * all of it. Names carry the kernel's forms (`#N` versions, `/N` subclasses, `(wq_completion)`,
 * names with spaces).
 * Invariant: the same parameters give the same bytes (seeded PRNG).
 */
import { createWriteStream } from 'node:fs';
import { prng } from './generate.js';

/** The kernel's defaults (CONFIG_LOCKDEP_BITS 15, CHAINS_BITS 16, STACK_TRACE_BITS 19). */
export const KERNEL_LIMITS = { classes: 8192, dependencies: 32768, chains: 65536, chainHlocks: 327680, stackTraceEntries: 524288 };

function className(i) {
  switch (i % 5) {
    case 0: return `&obj${i}->lock`;
    case 1: return `&obj${i >> 1}->mutex#${(i % 7) + 2}`;
    case 2: return `&obj${i}->lock/1`;
    case 3: return `(wq_completion)wq${i}`;
    default: return `subsys mutex#${i}`;
  }
}

const key = (i) => (0xffffffff81000000 + i * 64).toString(16).padStart(16, '0');

/**
 * Writes the files to `path`; `scale` multiplies the kernel's limits (1 or 4). Resolves when the
 * file is written.
 */
export function writeProcLockdep(path, scale, seed = 20261207) {
  const classes = KERNEL_LIMITS.classes * scale - 1;
  const dependencies = KERNEL_LIMITS.dependencies * scale;
  const random = prng(seed);
  const core = 300 * scale;
  const firstCore = classes - core;
  const group = 60;
  const safe = (i) => i >= firstCore || i % group >= 50;
  const usage = (i) => (safe(i) ? (i % 3 === 0 ? '..-.' : '-.-.') : i % 10 === 0 ? '++++' : '+.+.');
  // Three in four dependencies nest inside a subsystem, one in four takes a core lock.
  const pick = (from) => {
    // Core locks nest only in small clusters (their FD: stays in the tens, as in a real kernel).
    if (from >= firstCore) return from + 1 + Math.floor(random() * (15 - ((from - firstCore) % 16)));
    if (random() < 0.25) return firstCore + Math.floor(random() * core);
    const end = Math.min(firstCore, (Math.floor(from / group) + 1) * group);
    return from + 1 + Math.floor(random() * (end - from - 1));
  };
  const after = Array.from({ length: classes }, () => new Set());
  let made = 0;
  while (made < dependencies) {
    // Core locks are mostly taken last: few dependencies start at one.
    const from = random() < 0.015 ? firstCore + Math.floor(random() * core) : Math.floor(random() * firstCore);
    const to = pick(from);
    if (to <= from || to >= classes || (safe(from) && !safe(to)) || after[from].has(to)) continue;
    after[from].add(to);
    made++;
  }
  const out = createWriteStream(path);
  const lines = ['all lock classes:'];
  const flush = () => {
    out.write(`${lines.join('\n')}\n`);
    lines.length = 0;
  };
  // Core locks are registered early in boot, so the kernel lists them first (all_lock_classes order).
  for (const i of [...Array.from({ length: core }, (_, k) => firstCore + k), ...Array.from({ length: firstCore }, (_, k) => k)]) {
    lines.push(`${key(i)} FD: ${String(after[i].size + 1).padStart(4)} BD: ${String(1).padStart(4)} ${usage(i)}: ${className(i)}`);
    for (const to of after[i]) lines.push(` -> [${key(to)}] ${className(to)}`);
    lines.push('');
    if (lines.length > 4096) flush();
  }
  const stat = (name, value, max) => ` ${`${name}:`.padEnd(30)} ${String(value).padStart(11)}${max === undefined ? '' : ` [max: ${max}]`}`;
  lines.push(
    stat('lock-classes', classes, KERNEL_LIMITS.classes * scale),
    stat('direct dependencies', dependencies, KERNEL_LIMITS.dependencies * scale),
    stat('dependency chains', KERNEL_LIMITS.chains * scale - 1, KERNEL_LIMITS.chains * scale),
    stat('dependency chain hlocks used', KERNEL_LIMITS.chainHlocks * scale - 5, KERNEL_LIMITS.chainHlocks * scale),
    stat('stack-trace entries', KERNEL_LIMITS.stackTraceEntries * scale - 100, KERNEL_LIMITS.stackTraceEntries * scale),
    stat('debug_locks', 1),
  );
  flush();
  return new Promise((resolve, reject) => {
    out.on('error', reject);
    out.end(resolve);
  });
}
