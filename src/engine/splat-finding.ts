/**
 * A lockdep report read from a kernel console log (events/kernel-splat.ts) as a finding of the
 * matching kind, and the dependency edges a circular report shows, as a mergeable graph.
 * Owns the fingerprint rule of console-log findings: the kind and the class names only (a cycle
 * rotated to its smallest class, as for the engine's own cycles), so the same bug on another
 * boot or machine, at other addresses, pids, timestamps and offsets, has the same fingerprint;
 * a report that names no class at all (a sleep with no lock held) takes its title's function
 * in place of the classes.
 * Invariants: the witnesses are the log's lines (`file:line`); a cut report gives a finding
 * marked incomplete and only the edges it printed.
 */
import type { KernelSplat, SplatLock } from '../events/kernel-splat.js';
import { splatTitle } from '../events/kernel-splat.js';
import type { DependencyWitness, EventRef, Finding, HeldLockRef } from './finding.js';
import { canonicalCycle, fingerprintOf } from './fingerprint.js';
import { GRAPH_SNAPSHOT_VERSION, type GraphSnapshot, type SnapshotDependency } from './snapshot.js';

/** Dependency-type bit of an exclusive -> non-recursive edge (snapshot.ts: bit3 EN). */
const EXCLUSIVE_EDGE_MASK = 8;

/** The classes of a report in the order its kind reads them (for a cycle: `-> #0` first). */
export function splatClasses(splat: KernelSplat): string[] {
  const names: (string | undefined)[] = [];
  switch (splat.kind) {
    case 'circular-dependency':
      for (const [, cls] of chainByIndex(splat)) names.push(cls);
      break;
    case 'recursive-locking':
    case 'irq-safe-to-unsafe':
      names.push(splat.holding?.class, splat.acquiring?.class);
      break;
    case 'inconsistent-lock-state':
    case 'held-lock-freed':
      names.push(splat.acquiring?.class);
      break;
    case 'irq-lock-inversion':
      names.push(splat.acquiring?.class, splat.other?.class);
      break;
    case 'bad-unlock-balance':
      names.push(splat.named?.class);
      break;
    case 'nest-lock-not-held':
      names.push(splat.acquiring?.class, splat.named?.class);
      break;
    case 'sleep-in-atomic':
      // An invalid-wait-context report names the lock being taken first; the other kind has none.
      names.push(splat.acquiring?.class);
      for (const lock of splat.held) names.push(lock.class);
      break;
    case 'held-lock-at-exit':
    case 'suspicious-rcu-usage':
    case 'lock-depth-exceeded':
      for (const lock of splat.held) names.push(lock.class);
      break;
  }
  return [...new Set(names.filter((name): name is string => name !== undefined && name !== ''))];
}

/**
 * The classes of a circular report by chain index: `-> #0` is the lock being acquired, the
 * highest index the lock already held; a cut report keeps the indices it printed.
 */
function chainByIndex(splat: KernelSplat): Map<number, string> {
  const byIndex = new Map<number, string>();
  for (const link of splat.chain) byIndex.set(link.index, link.class);
  if (splat.acquiring !== undefined && !byIndex.has(0)) byIndex.set(0, splat.acquiring.class);
  const top = Math.max(0, ...splat.chain.map((link) => link.index));
  if (splat.holding !== undefined && !byIndex.has(top === 0 ? 1 : top)) byIndex.set(top === 0 ? 1 : top, splat.holding.class);
  return new Map([...byIndex].sort(([a], [b]) => a - b));
}

/** The finding of a report (the engine adds severity counts and occurrences when it records it). */
export function splatFinding(splat: KernelSplat, file: string): Finding {
  const title = splatTitle(splat);
  const classes = splatClasses(splat);
  const task = splat.task ?? '?';
  const cycle = splat.kind === 'circular-dependency';
  const printed = cycle ? canonicalCycle(classes) : classes;
  const fingerprint = classes.length > 0 ? fingerprintOf(splat.kind, null, printed) : fingerprintOf(splat.kind, null, [], [title]);
  const named = cycle && classes.length > 0 ? [...classes, classes[0] ?? ''].join(' -> ') : classes.join(', ');
  const header: EventRef = { file, line: splat.firstLine, task, op: 'report' };
  const locks = [splat.acquiring, splat.holding, splat.other].filter((lock): lock is SplatLock => lock !== undefined);
  const events = [header, ...locks.map((lock) => lockRef(lock, file, task))];
  if (splat.named !== undefined) events.push({ file, line: splat.named.line, task, class: splat.named.class });
  const finding: Finding = {
    kind: splat.kind,
    rule: null,
    severity: 'error',
    fingerprint,
    message: `${title}${named === '' ? '' : `: ${named}`}${splat.complete ? '' : ' (incomplete report)'}`,
    classes,
    events,
    task,
    trigger: splat.acquiring === undefined ? header : lockRef(splat.acquiring, file, task),
    held: splat.held.map((lock): HeldLockRef => ({ class: lock.class, lock: lock.address, mode: 'write', try: false, usage: lock.usage, at: lockRef(lock, file, task) })),
    splat: {
      title,
      header: splat.header,
      ...(splat.kernel === undefined ? {} : { kernel: splat.kernel }),
      ...(splat.detail === undefined ? {} : { detail: splat.detail }),
      incomplete: !splat.complete,
      firstLine: splat.firstLine,
      lastLine: splat.lastLine,
      text: splat.text,
    },
  };
  const chain = cycle ? cycleWitnesses(splat, file, task) : [];
  if (chain.length > 0 && chain.length === classes.length) finding.chain = chain;
  return finding;
}

/**
 * The edges a circular report shows: `#k -> #k+1` for each printed pair (the existing chain,
 * each with the stack printed under `#k+1`) and the closing `held -> acquiring` the task tried.
 */
function cycleWitnesses(splat: KernelSplat, file: string, task: string): DependencyWitness[] {
  const byIndex = chainByIndex(splat);
  const stackOf = (index: number): string[] => splat.chain.find((link) => link.index === index)?.stack ?? [];
  const lineOf = (index: number): number => splat.chain.find((link) => link.index === index)?.line ?? splat.firstLine;
  const ref = (index: number, cls: string): EventRef => ({ file, line: lineOf(index), task, class: cls, stack: stackOf(index) });
  const witnesses: DependencyWitness[] = [];
  const indices = [...byIndex.keys()];
  for (const index of indices) {
    const from = byIndex.get(index);
    const to = byIndex.get(index + 1);
    // Only a printed `-> #k+1` link shows the edge; a cut report's two lock lines show a path, not an edge.
    if (from === undefined || to === undefined || !splat.chain.some((link) => link.index === index + 1)) continue;
    witnesses.push({ from, to, types: ['EN'], task, prev: ref(index, from), next: ref(index + 1, to) });
  }
  const top = indices.at(-1);
  const held = top === undefined ? undefined : byIndex.get(top);
  const acquiring = byIndex.get(0);
  if (top !== undefined && top > 0 && held !== undefined && acquiring !== undefined) {
    const prev = splat.holding === undefined ? ref(top, held) : lockRef(splat.holding, file, task);
    const next = splat.acquiring === undefined ? ref(0, acquiring) : { ...lockRef(splat.acquiring, file, task), stack: stackOf(0) };
    witnesses.push({ from: held, to: acquiring, types: ['EN'], task, prev, next });
  }
  return witnesses;
}

/** The dependency edges of a circular report as a graph to merge, or null for other kinds. */
export function splatGraph(splat: KernelSplat, file: string): GraphSnapshot | null {
  if (splat.kind !== 'circular-dependency') return null;
  const witnesses = cycleWitnesses(splat, file, splat.task ?? '?');
  if (witnesses.length === 0) return null;
  const dependencies = witnesses.map((witness): SnapshotDependency => ({ from: witness.from, to: witness.to, mask: EXCLUSIVE_EDGE_MASK, types: ['EN'], witness }));
  return { format: 'lockdep-graph', version: GRAPH_SNAPSHOT_VERSION, sources: [file], classes: [], dependencies };
}

function lockRef(lock: SplatLock, file: string, task: string): EventRef {
  const ref: EventRef = { file, line: lock.line, task, class: lock.class };
  if (lock.address !== '') ref.lock = lock.address;
  if (lock.at[0] !== undefined) ref.site = lock.at[0];
  return ref;
}
