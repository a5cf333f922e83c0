/**
 * A lockdep report ("splat") as read from a kernel console log: its kind, the task, the lock
 * classes it names, the dependency chain of a circular report, the held locks, the kernel
 * version line and the log lines it spans. Owns the report headers the kernel prints (current
 * `WARNING: ...` and the older `[ INFO: ... ]` / `[ BUG: ... ]` forms) and the syzbot-style title.
 * Invariants: plain data; `kind` is one of the finding kinds of the engine (engine/finding.ts);
 * addresses, timestamps and offsets are kept apart from class names, so nothing volatile reaches
 * a class name.
 */

/** The finding kinds a console-log report can have. */
export const SPLAT_KINDS = [
  'circular-dependency',
  'recursive-locking',
  'inconsistent-lock-state',
  'irq-safe-to-unsafe',
  'irq-lock-inversion',
  'bad-unlock-balance',
  'held-lock-freed',
  'held-lock-at-exit',
  'sleep-in-atomic',
  'suspicious-rcu-usage',
  'nest-lock-not-held',
  'lock-depth-exceeded',
] as const;
export type SplatKind = (typeof SPLAT_KINDS)[number];

/** A lock as a report prints it: `<addr> (<class>){<usage>}-{<outer>:<inner>}, at: <where>`. */
export interface SplatLock {
  class: string;
  /** The usage characters without braces (`+.+.`), empty when not printed. */
  usage: string;
  /** The instance address as printed (hashed or raw), empty when not printed. */
  address: string;
  /** The functions of the `at:` lines (one per inlined frame), without offsets. */
  at: string[];
  /** The log line of the lock. */
  line: number;
}

/** One `-> #N (<class>)...:` entry of a circular report, with the stack printed under it. */
export interface SplatChainLink {
  index: number;
  class: string;
  usage: string;
  line: number;
  /** Function names of the stack, innermost first, without offsets. */
  stack: string[];
}

export interface KernelSplat {
  kind: SplatKind;
  /** The header line as printed, without brackets (`WARNING: possible recursive locking detected`). */
  header: string;
  /** The line after the header naming the kernel (`6.1.0-rc5 #0 Not tainted`), when printed. */
  kernel?: string;
  /** `comm/pid` of the task the report is about, when printed. */
  task?: string;
  /** The lock being acquired (or taken, changed, freed while held, locked without its nest lock). */
  acquiring?: SplatLock;
  /** The lock already held (`but task is already holding lock:`). */
  holding?: SplatLock;
  /** The other lock of an irq report (`but this lock took another, ... lock in the past:`). */
  other?: SplatLock;
  /** The class named by `is trying to release lock (...)` or `but this task is not holding:`. */
  named?: { class: string; line: number; at: string[] };
  /** A one-line detail: `inconsistent {IN-HARDIRQ-W} -> {HARDIRQ-ON-W} usage.`, the RCU message... */
  detail?: string;
  chain: SplatChainLink[];
  /** `N locks held by ...`: the count printed, and the locks listed. */
  heldCount?: number;
  held: SplatLock[];
  /** Function names of the backtrace (unreliable `?` frames left out), innermost first. */
  frames: string[];
  firstLine: number;
  lastLine: number;
  /** False when the log stops (or another report starts) before the report's end. */
  complete: boolean;
  /** The report's text, console prefixes stripped (bounded). */
  text: string[];
}

const HEADER_PREFIX = /^(?:\[ )?(?:WARNING|BUG|INFO|Debug): (.*?)\.?(?: \])?$/;

const HEADERS: readonly (readonly [RegExp, SplatKind])[] = [
  [/^possible circular locking dependency detected/, 'circular-dependency'],
  [/^possible recursive locking detected/, 'recursive-locking'],
  [/^inconsistent lock state/, 'inconsistent-lock-state'],
  [/^(?:HARDIRQ|SOFTIRQ)(?:-READ)?-safe -> (?:HARDIRQ|SOFTIRQ)(?:-READ)?-unsafe lock order detected/, 'irq-safe-to-unsafe'],
  [/^possible irq lock inversion dependency detected/, 'irq-lock-inversion'],
  [/^bad unlock balance detected!/, 'bad-unlock-balance'],
  [/^held lock freed!/, 'held-lock-freed'],
  [/^lock held when returning to user space!/, 'held-lock-at-exit'],
  [/^\S+ still has locks held!/, 'held-lock-at-exit'],
  [/^sleeping function called from invalid context/, 'sleep-in-atomic'],
  // The wait-type check (CONFIG_PROVE_RAW_LOCK_NESTING): a lock that may sleep taken where
  // the held locks forbid it; the report names the lock being taken.
  [/^Invalid wait context/, 'sleep-in-atomic'],
  [/^suspicious RCU usage/, 'suspicious-rcu-usage'],
  [/^Nested lock was not taken/, 'nest-lock-not-held'],
  [/^MAX_LOCK_DEPTH too low!/, 'lock-depth-exceeded'],
];

/** The kind of a report header line (trimmed console text), or null for any other line. */
export function splatHeaderKind(text: string): SplatKind | null {
  const match = HEADER_PREFIX.exec(text);
  if (match === null) return null;
  const rest = match[1] ?? '';
  for (const [pattern, kind] of HEADERS) if (pattern.test(rest)) return kind;
  return null;
}

/**
 * Functions a title never names: lock primitives, lockdep and debug internals, stack dumping.
 * The title names the first function of the report that is not one of them (syzbot's rule).
 */
const NOT_A_TITLE_FUNCTION = [
  /^_*(?:raw_|do_raw_|rt_)?(?:spin|read|write)_(?:un)?lock/,
  /^_*(?:raw_)?(?:spin|read|write)_trylock/,
  /^_*(?:mutex|rt_mutex|ww_mutex|down|up|percpu_down|percpu_up|local_lock|rt_spin)(?:_|$)/,
  /^_*(?:inode_lock|inode_unlock|lock_sock|release_sock|rcu_read_lock|rcu_read_unlock|srcu_read_lock|srcu_read_unlock)/,
  /^_*lock_(?:acquire|release|sync|acquired|contended|is_held)/,
  /^_*(?:lockdep|print_|dump_stack|show_stack|dump_backtrace|unwind_|might_|_might_|debug_check|check_|validate_chain|mark_|valid_state|kasan|trace_hardirqs|queued_|find_held_lock|lock_chain)/,
  /^_*(?:warn|report_bug|schedule_bug|rcu_lockdep|lockdep_rcu)/,
  /^_*(?:kfree|vfree|kmem_cache_free|remove_vm_area)/,
  /^_*(?:kmem_cache_alloc|kmalloc|kvmalloc|slab_|might_alloc|alloc_pages|fs_reclaim_acquire)/,
  /^__pfx_/,
  /^0x[0-9a-f]+$/,
];

/** The first function of `candidates` a title may name. */
export function titleFunction(candidates: Iterable<string>): string | undefined {
  for (const name of candidates) {
    if (!NOT_A_TITLE_FUNCTION.some((pattern) => pattern.test(name))) return name.replace(/^\./, '');
  }
  return undefined;
}

/** The lock being acquired says where; when all its `at:` functions are primitives, the held lock does. */
const acquiringThenHolding = (s: KernelSplat): string[] => [...(s.acquiring?.at ?? []), ...(s.holding?.at ?? [])];

/** Where each kind's title takes its function from, and how it reads. */
const TITLES: Readonly<Record<SplatKind, { text: string; from: (splat: KernelSplat) => Iterable<string> }>> = {
  'circular-dependency': { text: 'possible deadlock', from: acquiringThenHolding },
  'recursive-locking': { text: 'possible deadlock', from: acquiringThenHolding },
  'irq-safe-to-unsafe': { text: 'possible deadlock', from: acquiringThenHolding },
  'irq-lock-inversion': { text: 'possible deadlock', from: (s) => s.acquiring?.at ?? [] },
  'inconsistent-lock-state': { text: 'inconsistent lock state', from: (s) => s.acquiring?.at ?? [] },
  'bad-unlock-balance': { text: 'WARNING: bad unlock balance', from: (s) => s.named?.at ?? [] },
  'held-lock-freed': { text: 'WARNING: held lock freed', from: (s) => s.frames },
  'held-lock-at-exit': { text: '', from: (s) => (s.header.includes('returning to user space') ? s.held[0]?.at ?? [] : s.frames) },
  'sleep-in-atomic': { text: 'BUG: sleeping function called from invalid context', from: (s) => s.frames },
  'suspicious-rcu-usage': { text: 'WARNING: suspicious RCU usage', from: (s) => s.frames },
  'nest-lock-not-held': { text: 'WARNING: nested lock was not taken', from: (s) => s.frames },
  'lock-depth-exceeded': { text: 'BUG: MAX_LOCK_DEPTH too low!', from: () => [] },
};

/** An `Invalid wait context` report (kind sleep-in-atomic, with the lock being taken). */
export function isWaitContextReport(splat: KernelSplat): boolean {
  return splat.kind === 'sleep-in-atomic' && /Invalid wait context/.test(splat.header);
}

/** The syzbot-style title: `possible deadlock in elv_iosched_store`, `inconsistent lock state in f`. */
export function splatTitle(splat: KernelSplat): string {
  const title = TITLES[splat.kind];
  let text = title.text;
  let from = title.from(splat);
  if (splat.kind === 'held-lock-at-exit') {
    text = splat.header.includes('returning to user space') ? 'WARNING: lock held when returning to user space' : 'WARNING: still has locks held';
  } else if (isWaitContextReport(splat)) {
    text = 'BUG: Invalid wait context';
    from = [...(splat.acquiring?.at ?? []), ...splat.frames];
  }
  const where = titleFunction(from);
  return where === undefined ? text : `${text} in ${where}`;
}
