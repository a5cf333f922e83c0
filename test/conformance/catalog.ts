/**
 * The conformance catalog as data: the kernel's lib/locking-selftest.c (groups
 * §2.1–§2.9 below) and the liblockdep tests (§2.10), expanded family × lock-type column × hard/soft ×
 * permutation exactly as the selftest macros expand them, plus a few mapped wait-context cases
 * and the two clone-only gap cases of §3.2.
 *
 * A case = the `init` events of its locks + segments (the selftest's E1..En, in the order the
 * case runs them) + the expected verdict (F: at least one finding; S: none) and, for F, the
 * expected kind of the FIRST finding (the kernel stops at its first report). `permutable` marks
 * cases whose segments are independent events in lockdep's sense (§2.0: the verdict is the same
 * for every order); the permutation test runs them in every order.
 * Invariants: pure and deterministic (the generator's output is committed and compared); every
 * lock a segment names is declared in `locks`; names are unique.
 */
import type { FindingKind } from '../../src/engine/finding.js';
import type { LockMode, TraceEvent } from '../../src/events/event.js';
import {
  acq,
  BHOFF,
  def,
  free,
  HI,
  init,
  IRQOFF,
  irq,
  lu,
  lu2,
  mightSleep,
  rel,
  SI,
  type LockDef,
} from './events.js';

export type Verdict = 'F' | 'S';

export interface ConformanceCase {
  /** Unique case name; for selftest cases the kernel's function name. */
  name: string;
  /** The family (directory under cases/). */
  family: string;
  /** Group of the catalog the case comes from (the `// §` headings below). */
  section: string;
  expect: Verdict;
  /** Kind of the first finding (expect F only). */
  kind?: FindingKind;
  /** Kinds that must also be reported, after the first one. */
  also?: FindingKind[];
  /** For a circular-dependency first finding: the classes of the reported cycle (sorted set). */
  cycle?: string[];
  /** Why this is the expected verdict (and kind). */
  why: string;
  locks: LockDef[];
  segments: TraceEvent[][];
  permutable: boolean;
}

interface CaseSpec {
  name: string;
  family: string;
  section: string;
  expect: Verdict;
  kind?: FindingKind;
  also?: FindingKind[];
  cycle?: string[];
  why: string;
  locks: LockDef[];
  segments: TraceEvent[][];
  permutable?: boolean;
}

function makeCase(spec: CaseSpec): ConformanceCase {
  const result: ConformanceCase = {
    name: spec.name,
    family: spec.family,
    section: spec.section,
    expect: spec.expect,
    why: spec.why,
    locks: spec.locks,
    segments: spec.segments,
    permutable: spec.permutable ?? false,
  };
  if (spec.expect === 'F') {
    if (spec.kind === undefined) throw new Error(`case ${spec.name}: an F case needs a kind`);
    result.kind = spec.kind;
  } else if (spec.kind !== undefined) {
    throw new Error(`case ${spec.name}: an S case has no kind`);
  }
  if (spec.also !== undefined) result.also = spec.also;
  if (spec.cycle !== undefined) {
    if (spec.kind !== 'circular-dependency') throw new Error(`case ${spec.name}: a cycle needs kind circular-dependency`);
    result.cycle = [...new Set(spec.cycle)].sort();
  }
  return result;
}

/** All events of a case in run order: inits, then the segments in the given order. */
export function caseEvents(c: ConformanceCase, order?: readonly number[]): TraceEvent[] {
  const segmentOrder = order ?? c.segments.map((_, i) => i);
  const events: TraceEvent[] = c.locks.map(init);
  for (const index of segmentOrder) {
    const segment = c.segments[index];
    if (segment === undefined) throw new Error(`case ${c.name}: no segment ${index}`);
    events.push(...segment);
  }
  return events;
}

// ---------------------------------------------------------------------------------------------
// Lock-type columns (§2.0)

/**
 * The selftest's lock-type columns. Its seventh, `rtmutex` (CONFIG_RT_MUTEXES), is left out: an
 * rt_mutex is acquired in lockdep exactly as a mutex (exclusive, sleeping), so its traces were the
 * `mutex` column's traces with the locks renamed.
 */
export const COLUMNS = ['spin', 'wlock', 'rlock', 'mutex', 'wsem', 'rsem'] as const;
export type ColumnName = (typeof COLUMNS)[number];

interface Column {
  /** Prefix of the kernel's lock variables: lock_A, rwlock_A, mutex_A, rwsem_A. */
  prefix: string;
  type: LockDef['type'];
  mode: LockMode;
}

export const COLUMN: ReadonlyMap<ColumnName, Column> = new Map<ColumnName, Column>([
  ['spin', { prefix: 'lock', type: 'spinlock', mode: 'write' }],
  ['wlock', { prefix: 'rwlock', type: 'rwlock', mode: 'write' }],
  ['rlock', { prefix: 'rwlock', type: 'rwlock', mode: 'recursive-read' }],
  ['mutex', { prefix: 'mutex', type: 'mutex', mode: 'write' }],
  ['wsem', { prefix: 'rwsem', type: 'rwsem', mode: 'write' }],
  ['rsem', { prefix: 'rwsem', type: 'rwsem', mode: 'read' }],
]);

function column(name: ColumnName): Column {
  const c = COLUMN.get(name);
  if (c === undefined) throw new Error(`unknown column ${name}`);
  return c;
}

/**
 * The lock named `x` (A..D static, X1/X2/Y1/Y2/Z1/Z2 dynamic) of a kernel lock family:
 * static locks are their own class; X1 and X2 share class X (init_shared_classes).
 */
function kernelLock(prefix: string, type: LockDef['type'], x: string): LockDef {
  const lock = `${prefix}_${x}`;
  const shared = /^([XYZ])[12]$/.exec(x);
  return def(lock, shared ? `${prefix}_${shared[1]}` : lock, type);
}

const spinLock = (x: string): LockDef => kernelLock('lock', 'spinlock', x);
const rwLock = (x: string): LockDef => kernelLock('rwlock', 'rwlock', x);
const mutexLock = (x: string): LockDef => kernelLock('mutex', 'mutex', x);
const rwsemLock = (x: string): LockDef => kernelLock('rwsem', 'rwsem', x);

function columnLock(col: ColumnName, x: string): LockDef {
  const c = column(col);
  return kernelLock(c.prefix, c.type, x);
}

const W: LockMode = 'write';
const R: LockMode = 'recursive-read';
const r: LockMode = 'read';

const PERMS_2 = ['12', '21'] as const;
const PERMS_3 = ['123', '132', '213', '231', '312', '321'] as const;

/** Segment order (0-based indexes) of a permutation suffix such as `231`. */
function permOrder(perm: string): number[] {
  return Array.from(perm, (digit) => Number(digit) - 1);
}

function inOrder(perm: string, events: TraceEvent[][]): TraceEvent[][] {
  return permOrder(perm).map((i) => {
    const segment = events[i];
    if (segment === undefined) throw new Error(`permutation ${perm} out of range`);
    return segment;
  });
}

// ---------------------------------------------------------------------------------------------
// §2.1 basic families × 7 columns

/** Family, LOCK_UNLOCK_2 pairs, the cycle's locks, description. */
const CYCLE_FAMILIES: ReadonlyArray<
  readonly [string, ReadonlyArray<readonly [string, string]>, readonly string[], string]
> = [
  ['ABBA', [['A', 'B'], ['B', 'A']], ['A', 'B'], 'A->B->A'],
  ['ABBCCA', [['A', 'B'], ['B', 'C'], ['C', 'A']], ['A', 'B', 'C'], 'A->B->C->A'],
  ['ABCABC', [['A', 'B'], ['C', 'A'], ['B', 'C']], ['A', 'B', 'C'], 'A->B->C->A, edges in another order'],
  ['ABBCCDDA', [['A', 'B'], ['B', 'C'], ['C', 'D'], ['D', 'A']], ['A', 'B', 'C', 'D'], 'A->B->C->D->A'],
  ['ABCDBDDA', [['A', 'B'], ['C', 'D'], ['B', 'D'], ['D', 'A']], ['A', 'B', 'D'], 'A->B->D->A (C->D is a side edge)'],
  ['ABCDBCDA', [['A', 'B'], ['C', 'D'], ['B', 'C'], ['D', 'A']], ['A', 'B', 'C', 'D'], 'A->B->C->D->A'],
];

function basicFamilies(): ConformanceCase[] {
  const cases: ConformanceCase[] = [];
  const section = '2.1';
  for (const col of COLUMNS) {
    const { mode } = column(col);
    const L = (x: string): string => columnLock(col, x).lock;
    const rlock = col === 'rlock';
    cases.push(
      makeCase({
        name: `AA_${col}`,
        family: 'AA',
        section,
        expect: rlock ? 'S' : 'F',
        ...(rlock ? {} : { kind: 'recursive-locking' as const }),
        why: rlock
          ? 'recursive read after recursive read of the same class is allowed'
          : 'same-class recursion (X1 and X2 share a class)',
        locks: [columnLock(col, 'X1'), columnLock(col, 'X2')],
        segments: [[acq(L('X1'), mode), acq(L('X2'), mode)]],
      }),
    );
    for (const [family, pairs, cycle, shape] of CYCLE_FAMILIES) {
      const names = [...new Set(pairs.flat())].sort();
      cases.push(
        makeCase({
          name: `${family}_${col}`,
          family,
          section,
          expect: rlock ? 'S' : 'F',
          ...(rlock ? {} : { kind: 'circular-dependency' as const, cycle: cycle.map((x) => columnLock(col, x).class) }),
          why: rlock
            ? `cycle ${shape} of -(SR)-> edges only: not a strong cycle`
            : `cycle ${shape}${col === 'rsem' ? ' of -(SN)-> edges (strong)' : ''}`,
          locks: names.map((x) => columnLock(col, x)),
          segments: pairs.map(([x, y]) => lu2(L(x), mode, L(y))),
          permutable: true,
        }),
      );
    }
    cases.push(
      makeCase({
        name: `double_unlock_${col}`,
        family: 'double_unlock',
        section,
        expect: 'F',
        kind: 'bad-unlock-balance',
        why: 'second release of a lock that is no longer held',
        locks: [columnLock(col, 'A')],
        segments: [[acq(L('A'), mode), rel(L('A')), rel(L('A'))]],
      }),
    );
    cases.push(
      makeCase({
        name: `init_held_${col}`,
        family: 'init_held',
        section,
        expect: 'F',
        kind: 'held-lock-freed',
        why: 're-initialising a held lock (init calls debug_check_no_locks_freed on itself)',
        locks: [columnLock(col, 'A')],
        segments: [[acq(L('A'), mode), init(columnLock(col, 'A'))]],
      }),
    );
  }
  return cases;
}

// ---------------------------------------------------------------------------------------------
// §2.2 same-class read recursion and mixed R/W ABBA

function readRecursion(): ConformanceCase[] {
  const family = 'read_recursion';
  const section = '2.2';
  const X1 = rwLock('X1');
  const X2 = rwLock('X2');
  const sX1 = rwsemLock('X1');
  const sX2 = rwsemLock('X2');
  const Y1 = spinLock('Y1');
  const mY1 = mutexLock('Y1');
  const same = (
    name: string,
    locks: LockDef[],
    events: TraceEvent[],
    expect: Verdict,
    why: string,
  ): ConformanceCase =>
    makeCase({
      name,
      family,
      section,
      expect,
      ...(expect === 'F' ? { kind: 'recursive-locking' as const } : {}),
      why,
      locks,
      segments: [events],
    });
  const abba = (
    name: string,
    locks: LockDef[],
    segments: TraceEvent[][],
    expect: Verdict,
    why: string,
  ): ConformanceCase =>
    makeCase({
      name,
      family,
      section,
      expect,
      ...(expect === 'F' ? { kind: 'circular-dependency' as const, cycle: locks.map((l) => l.class) } : {}),
      why,
      locks,
      segments,
      permutable: true,
    });
  return [
    same('rlock_AA1', [X1], [acq(X1.lock, R), acq(X1.lock, R)], 'S', 'R after R on the same instance'),
    same('rsem_AA1', [sX1], [acq(sX1.lock, r), acq(sX1.lock, r)], 'F', 'non-recursive read after read'),
    // rlock_AA1B (RL(X1) RL(X2)) and rsem_AA1B (RSL(X1) RSL(X2)) are, in the selftest itself,
    // the sequences of AA_rlock and AA_rsem (§2.1): those cases cover them.
    same('rlock_AA2', [X1, X2], [acq(X1.lock, R), acq(X2.lock, W)], 'F', 'W after R of the same class'),
    same('rsem_AA2', [sX1, sX2], [acq(sX1.lock, r), acq(sX2.lock, W)], 'F', 'W after r of the same class'),
    same('rlock_AA3', [X1, X2], [acq(X1.lock, W), acq(X2.lock, R)], 'F', 'R after W of the same class'),
    same('rsem_AA3', [sX1, sX2], [acq(sX1.lock, W), acq(sX2.lock, r)], 'F', 'r after W of the same class'),
    abba(
      'rlock_ABBA1',
      [X1, Y1],
      [lu2(X1.lock, R, Y1.lock, W), lu2(Y1.lock, W, X1.lock, W)],
      'F',
      'X-(SN)->Y, Y-(EN)->X: strong',
    ),
    abba(
      'rwsem_ABBA1',
      [sX1, mY1],
      [lu2(sX1.lock, r, mY1.lock, W), lu2(mY1.lock, W, sX1.lock, W)],
      'F',
      'X-(SN)->Y, Y-(EN)->X: strong',
    ),
    abba(
      'rlock_ABBA2',
      [X1, Y1],
      [lu2(X1.lock, R, Y1.lock, W), lu2(Y1.lock, W, X1.lock, R)],
      'S',
      'Y-(ER)->X then X-(SN)->Y: -(xR)-> followed by -(Sx)-> is not strong',
    ),
    abba(
      'rwsem_ABBA2',
      [sX1, mY1],
      [lu2(sX1.lock, r, mY1.lock, W), lu2(mY1.lock, W, sX1.lock, r)],
      'F',
      'X-(SN)->Y, Y-(EN)->X: a non-recursive reader is blocked by a queued writer',
    ),
    abba(
      'rlock_ABBA3',
      [X1, Y1],
      [lu2(X1.lock, W, Y1.lock, W), lu2(Y1.lock, W, X1.lock, W)],
      'F',
      'plain ABBA',
    ),
    abba(
      'rwsem_ABBA3',
      [sX1, mY1],
      [lu2(sX1.lock, W, mY1.lock, W), lu2(mY1.lock, W, sX1.lock, W)],
      'F',
      'plain ABBA',
    ),
    abba(
      'rlock_chaincache_ABBA1',
      [X1, Y1],
      [lu2(X1.lock, R, Y1.lock, W), lu2(Y1.lock, W, X1.lock, R), lu2(Y1.lock, W, X1.lock, W)],
      'F',
      'the third chain (Y, W X) differs from the second (Y, R X) only in the mode: it must miss the chain cache and close X-(SN)->Y-(EN)->X',
    ),
  ];
}

// ---------------------------------------------------------------------------------------------
// §2.3 three-lock W/R cycles on rwlocks X1, Y1, Z1 (6 permutations each)

function wrCycles(): ConformanceCase[] {
  const X = rwLock('X1');
  const Y = rwLock('Y1');
  const Z = rwLock('Z1');
  const symbols: ReadonlyArray<readonly [string, TraceEvent[][], Verdict, string]> = [
    [
      'W1R2_W2R3_W3R1',
      [lu2(X.lock, W, Y.lock, R), lu2(Y.lock, W, Z.lock, R), lu2(Z.lock, W, X.lock, R)],
      'F',
      'X-(ER)->Y-(ER)->Z-(ER)->X: strong (every -(xR)-> is followed by -(Ex)->)',
    ],
    [
      'W1W2_R2R3_W3R1',
      [lu2(X.lock, W, Y.lock, W), lu2(Y.lock, R, Z.lock, R), lu2(Z.lock, W, X.lock, R)],
      'F',
      'X-(EN)->Y-(SR)->Z-(ER)->X: strong',
    ],
    [
      'W1R2_R2R3_W3W1',
      [lu2(X.lock, W, Y.lock, W), lu2(Y.lock, R, Z.lock, R), lu2(Z.lock, R, X.lock, W)],
      'S',
      'X-(EN)->Y-(SR)->Z-(SN)->X: -(SR)-> then -(SN)-> is not strong',
    ],
    [
      'W1W2_R2R3_R3W1',
      [lu2(X.lock, W, Y.lock, R), lu2(Y.lock, R, Z.lock, R), lu2(Z.lock, W, X.lock, W)],
      'S',
      'X-(ER)->Y-(SR)->Z-(EN)->X: -(ER)-> then -(SR)-> is not strong',
    ],
  ];
  const cases: ConformanceCase[] = [];
  for (const [symbol, events, expect, why] of symbols) {
    for (const perm of PERMS_3) {
      cases.push(
        makeCase({
          name: `${symbol}_${perm}`,
          family: symbol,
          section: '2.3',
          expect,
          ...(expect === 'F' ? { kind: 'circular-dependency' as const, cycle: [X.class, Y.class, Z.class] } : {}),
          why,
          locks: [X, Y, Z],
          segments: inOrder(perm, events),
          permutable: true,
        }),
      );
    }
  }
  return cases;
}

// ---------------------------------------------------------------------------------------------
// §2.4 and §2.5 irq families

type IrqVariant = 'hard' | 'soft';
const IRQ_COLUMNS = ['spin', 'wlock', 'rlock'] as const;
type IrqColumn = (typeof IRQ_COLUMNS)[number];

interface IrqContext {
  variant: IrqVariant;
  /** IRQ_ENTER..IRQ_EXIT of the variant: HI{} for hard, SI{} for soft. */
  enter: (...body: TraceEvent[]) => TraceEvent[];
  /** IRQ_DISABLE..IRQ_ENABLE of the variant: IRQOFF{} for hard, BHOFF{} for soft. */
  off: (...body: TraceEvent[]) => TraceEvent[];
  /** The bare IRQ_DISABLE and IRQ_ENABLE events of the variant. */
  disable: TraceEvent;
  enable: TraceEvent;
}

function irqContext(variant: IrqVariant): IrqContext {
  const kind = variant === 'hard' ? 'hardirq' : 'softirq';
  return {
    variant,
    enter: variant === 'hard' ? HI : SI,
    off: variant === 'hard' ? IRQOFF : BHOFF,
    disable: irq(kind, 'disable'),
    enable: irq(kind, 'enable'),
  };
}

/** Expected first kind of the families whose F comes from irq safe -> unsafe through an edge. */
function edgeOrUsageKind(perm: string): FindingKind {
  // §2.0: the edge-closing event (E1) last -> "X-safe -> X-unsafe lock order"; a usage-setting
  // event last -> "irq lock inversion" (the usage change finds the other end in the graph).
  return perm.endsWith('1') ? 'irq-safe-to-unsafe' : 'irq-lock-inversion';
}

interface IrqFamily {
  name: string;
  section: string;
  variants: readonly IrqVariant[];
  /** Kernel name infix for the variant (`hard`/`soft`), absent for irqsafe2A. */
  variantInName: boolean;
  columns: readonly IrqColumn[];
  perms: readonly string[];
  /** The events E1..En for a column and variant. */
  events: (col: IrqColumn, ctx: IrqContext) => { locks: LockDef[]; segments: TraceEvent[][] };
  expect: (col: IrqColumn) => Verdict;
  kind: (perm: string) => FindingKind;
  why: (col: IrqColumn, ctx: IrqContext) => string;
}

/** The column's `LOCK(x)` for the irq families: spin -> spinlock lock_x; wlock/rlock -> rwlock_x. */
function irqColumnLock(col: IrqColumn, x: string): LockDef {
  return col === 'spin' ? spinLock(x) : rwLock(x);
}

const IRQ_FAMILIES: readonly IrqFamily[] = [
  {
    name: 'irqsafe1',
    section: '2.4',
    variants: ['hard', 'soft'],
    variantInName: true,
    columns: IRQ_COLUMNS,
    perms: PERMS_2,
    events: (col, ctx) => {
      const A = irqColumnLock(col, 'A');
      const m = column(col).mode;
      return { locks: [A], segments: [ctx.enter(...lu(A.lock, m)), lu(A.lock, m)] };
    },
    expect: (col) => (col === 'rlock' ? 'S' : 'F'),
    kind: () => 'inconsistent-lock-state',
    why: (col) =>
      col === 'rlock'
        ? 'A read in irq and read with irqs on: USED_IN_*_READ and ENABLED_*_READ do not conflict'
        : 'A is used in irq and taken with irqs on: USED_IN_X vs ENABLED_X on one lock',
  },
  {
    name: 'irqsafe2A',
    section: '2.4',
    variants: ['soft'],
    variantInName: false,
    columns: IRQ_COLUMNS,
    perms: PERMS_2,
    events: (col) => {
      const A = irqColumnLock(col, 'A');
      const m = column(col).mode;
      return {
        locks: [A],
        segments: [
          SI(...lu(A.lock, m)),
          [irq('hardirq', 'disable'), acq(A.lock, m), irq('hardirq', 'enable'), rel(A.lock)],
        ],
      };
    },
    expect: (col) => (col === 'rlock' ? 'S' : 'F'),
    kind: () => 'inconsistent-lock-state',
    why: (col) =>
      col === 'rlock'
        ? 'softirq-safe reader; ENABLED_SOFTIRQ_READ does not conflict with USED_IN_SOFTIRQ_READ'
        : 'enabling hardirqs with softirq-safe A held (softirqs on) marks A ENABLED_SOFTIRQ',
  },
  {
    name: 'irqsafe2B',
    section: '2.4',
    variants: ['hard', 'soft'],
    variantInName: true,
    columns: IRQ_COLUMNS,
    perms: PERMS_2,
    events: (col, ctx) => {
      const A = irqColumnLock(col, 'A');
      const m = column(col).mode;
      return {
        locks: [A],
        segments: [ctx.enter(...lu(A.lock, m)), [ctx.disable, acq(A.lock, m), ctx.enable, rel(A.lock)]],
      };
    },
    expect: (col) => (col === 'rlock' ? 'S' : 'F'),
    kind: () => 'inconsistent-lock-state',
    why: (col) =>
      col === 'rlock'
        ? 'read usages only: no conflict'
        : 'enabling irqs with irq-safe A held marks A ENABLED_X: inconsistent with USED_IN_X',
  },
  {
    name: 'irqsafe3',
    section: '2.4',
    variants: ['hard', 'soft'],
    variantInName: true,
    columns: IRQ_COLUMNS,
    perms: PERMS_3,
    events: (col, ctx) => {
      const A = irqColumnLock(col, 'A');
      const B = irqColumnLock(col, 'B');
      const m = column(col).mode;
      return {
        locks: [A, B],
        segments: [lu2(A.lock, m, B.lock), lu(B.lock, m), ctx.enter(...lu(A.lock, m))],
      };
    },
    expect: (col) => (col === 'rlock' ? 'S' : 'F'),
    kind: () => 'inconsistent-lock-state',
    why: (col) =>
      col === 'rlock'
        ? 'read usages only: no conflict, and A-(SR)->B only matters for write usages'
        : 'E1 takes A with irqs on and E3 uses A in irq: A alone is inconsistent (checked before the graph)',
  },
  {
    name: 'irqsafe4',
    section: '2.4',
    variants: ['hard', 'soft'],
    variantInName: true,
    columns: IRQ_COLUMNS,
    perms: PERMS_3,
    events: (col, ctx) => {
      const A = irqColumnLock(col, 'A');
      const B = irqColumnLock(col, 'B');
      const m = column(col).mode;
      return {
        locks: [A, B],
        segments: [ctx.off(...lu2(A.lock, m, B.lock)), lu(B.lock, m), ctx.enter(...lu(A.lock, m))],
      };
    },
    expect: (col) => (col === 'rlock' ? 'S' : 'F'),
    kind: edgeOrUsageKind,
    why: (col) =>
      col === 'rlock'
        ? 'A only IN-*-R, B only *-ON-R, edge A-(SR)->B: read usages through S/R hops do not conflict'
        : 'irq-safe A -> irq-unsafe B',
  },
  {
    name: 'irq_inversion',
    section: '2.4',
    variants: ['hard', 'soft'],
    variantInName: true,
    columns: IRQ_COLUMNS,
    perms: PERMS_3,
    events: (col, ctx) => {
      const A = rwLock('A');
      const B = irqColumnLock(col, 'B');
      const m = column(col).mode;
      return {
        locks: [A, B],
        segments: [
          ctx.off(acq(A.lock, W), acq(B.lock, m), rel(B.lock), rel(A.lock)),
          lu(B.lock, m),
          ctx.enter(...lu(A.lock, R)),
        ],
      };
    },
    expect: (col) => (col === 'rlock' ? 'S' : 'F'),
    kind: edgeOrUsageKind,
    why: (col) =>
      col === 'rlock'
        ? 'A-(ER)->B and B only ENABLED_*_READ: the last hop enters B as a recursive reader'
        : 'A read in irq (IN-*-R), A-(EN)->B, B taken with irqs on',
  },
  {
    name: 'irq_read_recursion',
    section: '2.5',
    variants: ['hard', 'soft'],
    variantInName: true,
    columns: ['rlock', 'wlock'],
    perms: PERMS_3,
    events: (col, ctx) => {
      const A = rwLock('A');
      const B = spinLock('B');
      const m = column(col).mode;
      return {
        locks: [A, B],
        segments: [
          ctx.off(...lu(A.lock, W)),
          lu(A.lock, R),
          ctx.enter(acq(A.lock, m), acq(B.lock, W), rel(B.lock), rel(A.lock)),
        ],
      };
    },
    expect: (col) => (col === 'rlock' ? 'S' : 'F'),
    kind: () => 'inconsistent-lock-state',
    why: (col) =>
      col === 'rlock'
        ? 'A read in irq and read with irqs on: allowed'
        : 'A written in irq (USED_IN_X) and read with irqs on (ENABLED_X_READ)',
  },
  {
    name: 'irq_read_recursion2',
    section: '2.5',
    variants: ['hard', 'soft'],
    variantInName: true,
    columns: ['rlock', 'wlock'],
    perms: PERMS_3,
    events: (col, ctx) => {
      const A = rwLock('A');
      const B = spinLock('B');
      const m = column(col).mode;
      return {
        locks: [A, B],
        segments: [
          ctx.off(acq(B.lock, W), acq(A.lock, m), rel(A.lock), rel(B.lock)),
          lu(A.lock, R),
          ctx.enter(...lu(B.lock, W)),
        ],
      };
    },
    expect: (col) => (col === 'rlock' ? 'S' : 'F'),
    kind: edgeOrUsageKind,
    why: (col) =>
      col === 'rlock'
        ? 'B-(ER)->A: entering A as a recursive reader only conflicts with write ENABLED usage'
        : 'irq-safe B -(EN)-> A, A read with irqs on (ENABLED_X_READ)',
  },
  {
    name: 'irq_read_recursion3',
    section: '2.5',
    variants: ['hard', 'soft'],
    variantInName: true,
    columns: ['rlock', 'wlock'],
    perms: PERMS_3,
    events: (col, ctx) => {
      const A = rwLock('A');
      const B = rwLock('B');
      const m = column(col).mode;
      return {
        locks: [A, B],
        segments: [
          ctx.off(acq(B.lock, W), acq(A.lock, m), rel(A.lock), rel(B.lock)),
          lu(A.lock, R),
          ctx.enter(...lu(B.lock, R)),
        ],
      };
    },
    expect: (col) => (col === 'rlock' ? 'S' : 'F'),
    kind: edgeOrUsageKind,
    why: (col) =>
      col === 'rlock'
        ? 'B-(ER)->A: entering A as a recursive reader only conflicts with write ENABLED usage'
        : 'B read in irq (IN-*-R), B-(EN)->A, A read with irqs on (*-ON-R): both hops are exclusive',
  },
];

function irqFamilies(): ConformanceCase[] {
  const cases: ConformanceCase[] = [];
  for (const family of IRQ_FAMILIES) {
    for (const perm of family.perms) {
      for (const variant of family.variants) {
        const ctx = irqContext(variant);
        for (const col of family.columns) {
          const { locks, segments } = family.events(col, ctx);
          const expect = family.expect(col);
          const infix = family.variantInName ? `_${variant}` : '';
          cases.push(
            makeCase({
              name: `${family.name}${infix}_${col}_${perm}`,
              family: family.name,
              section: family.section,
              expect,
              ...(expect === 'F' ? { kind: family.kind(perm) } : {}),
              why: family.why(col, ctx),
              locks,
              segments: inOrder(perm, segments),
              permutable: true,
            }),
          );
        }
      }
    }
  }
  return cases;
}

// ---------------------------------------------------------------------------------------------
// §2.6 queued-rwlock tests (process-context read_lock = r, in hardirq = R)

function queuedReadLock(): ConformanceCase[] {
  const family = 'queued_read_lock';
  const section = '2.6';
  const A = rwLock('A');
  const B = rwLock('B');
  return [
    makeCase({
      name: 'queued_read_lock_hardirq_RE_Er',
      family,
      section,
      expect: 'F',
      kind: 'circular-dependency',
      cycle: [A.class, B.class],
      why: 'A-(SN)->B in hardirq, B-(EN)->A with irqs off: strong cycle',
      locks: [A, B],
      segments: [HI(...lu2(A.lock, R, B.lock, W)), IRQOFF(...lu2(B.lock, W, A.lock, r))],
      permutable: true,
    }),
    makeCase({
      name: 'queued_read_lock_hardirq_ER_rE',
      family,
      section,
      expect: 'S',
      why: 'B-(ER)->A then A-(SN)->B: not strong',
      locks: [A, B],
      segments: [HI(...lu2(B.lock, W, A.lock, R)), IRQOFF(...lu2(A.lock, r, B.lock, W))],
      permutable: true,
    }),
    makeCase({
      name: 'queued_read_lock_hardirq_inversion',
      family,
      section,
      expect: 'F',
      kind: 'irq-lock-inversion',
      why: 'irq-safe B -(EN)-> A, then A read (non-recursive) with irqs on: the usage change finds B',
      locks: [A, B],
      segments: [HI(...lu(B.lock, W)), IRQOFF(...lu2(B.lock, W, A.lock, r)), lu(A.lock, r)],
      permutable: true,
    }),
  ];
}

// ---------------------------------------------------------------------------------------------
// §2.7 ww_mutex, graph-relevant (★) cases

function wwMutex(): ConformanceCase[] {
  const family = 'ww_mutex';
  const section = '2.7';
  const o = def('o', 'ww_lockdep_mutex', 'mutex');
  const o2 = def('o2', 'ww_lockdep_mutex', 'mutex');
  const t = def('ctx_t', 'ww_lockdep_acquire', 'map');
  const t2 = def('ctx_t2', 'ww_lockdep_acquire', 'map');
  const A = spinLock('A');
  const X1 = spinLock('X1');
  const Y1 = spinLock('Y1');
  const Y2 = spinLock('Y2');
  const WWAI = (ctx: LockDef): TraceEvent => acq(ctx.lock, W);
  const WWL = (obj: LockDef, ctx: LockDef): TraceEvent => acq(obj.lock, W, { nest: ctx.lock });
  const WWL1 = (obj: LockDef): TraceEvent => acq(obj.lock, W);
  const WWT = (obj: LockDef): TraceEvent => acq(obj.lock, W, { try: true });
  const WWU = (obj: LockDef): TraceEvent => rel(obj.lock);
  const single = (
    name: string,
    locks: LockDef[],
    events: TraceEvent[],
    expect: Verdict,
    why: string,
    kind?: FindingKind,
  ): ConformanceCase =>
    makeCase({
      name: `ww_test_${name}`,
      family,
      section,
      expect,
      ...(kind === undefined ? {} : { kind }),
      why,
      locks,
      segments: [events],
    });
  return [
    single('two_contexts', [t, t2], [WWAI(t), WWAI(t2)], 'F', 'two acquire contexts of one class held', 'recursive-locking'),
    single(
      'object_unlock_twice',
      [o],
      [WWL1(o), WWU(o), WWU(o)],
      'F',
      'second unlock of o',
      'bad-unlock-balance',
    ),
    single(
      'spin_nest_unlocked',
      [A, o],
      [acq(A.lock, W, { nest: o.lock }), rel(A.lock)],
      'F',
      'spin_lock_nest_lock(A, &o.base) with o not held',
      'nest-lock-not-held',
    ),
    single(
      'spin_nest_lock',
      [X1, Y1, Y2, A],
      [
        acq(X1.lock, W),
        acq(Y1.lock, W, { nest: X1.lock }),
        acq(A.lock, W),
        acq(Y2.lock, W, { nest: X1.lock }),
        rel(A.lock),
        rel(Y2.lock),
        rel(Y1.lock),
        rel(X1.lock),
      ],
      'S',
      'Y1 and Y2 (one class) are serialised by X1, held below both: no recursion report and no edges for Y2',
    ),
    single(
      'context_block',
      [t, o, o2],
      [WWAI(t), WWL(o, t), WWL1(o2)],
      'F',
      'o2 taken without the context while o (same class) is held',
      'recursive-locking',
    ),
    single('context_try', [t, o, o2], [WWAI(t), WWL(o, t), WWT(o2), WWU(o2), WWU(o)], 'S', 'a trylock is not validated'),
    single(
      'context_context',
      [t, o, o2],
      [WWAI(t), WWL(o, t), WWL(o2, t), WWU(o2), WWU(o)],
      'S',
      'same class on top with the same nest lock: merged into one held entry',
    ),
    single('try_block', [o, o2], [WWT(o), WWL1(o2), WWU(o2), WWU(o)], 'F', 'held trylock o, then o2 of the same class blocking', 'recursive-locking'),
    single('try_try', [o, o2], [WWT(o), WWT(o2), WWU(o2), WWU(o)], 'S', 'trylocks are not validated'),
    single(
      'try_context',
      [o, t, o2],
      [WWT(o), WWAI(t), WWL(o2, t)],
      'F',
      'same-class o is held below the nest lock t, so t does not serialise it',
      'recursive-locking',
    ),
    // block_block (WWL1(o) WWL1(o2): two mutexes of one class, no context) is AA_mutex's sequence.
    single('block_try', [o, o2], [WWL1(o), WWT(o2)], 'S', 'a trylock is not validated'),
    single(
      'block_context',
      [o, t, o2],
      [WWL1(o), WWAI(t), WWL(o2, t)],
      'F',
      'same-class o is held below the nest lock t',
      'recursive-locking',
    ),
    makeCase({
      name: 'ww_test_spin_block',
      family,
      section,
      expect: 'F',
      kind: 'sleep-in-atomic',
      also: ['circular-dependency'],
      why:
        'o -> A, then A -> o. The kernel checks the wait context (a mutex inside a spinlock) before the ' +
        'graph, so the first report is ours sleep-in-atomic; the cycle must be reported as well',
      locks: [A, o],
      segments: [
        lu(A.lock, W),
        [WWL1(o), acq(A.lock, W), rel(A.lock), WWU(o)],
        [acq(A.lock, W), WWL1(o), WWU(o), rel(A.lock)],
      ],
      permutable: true,
    }),
    makeCase({
      name: 'ww_test_spin_try',
      family,
      section,
      expect: 'S',
      why: 'a trylock gets no incoming edge (no A -> o) and no wait-context check',
      locks: [A, o],
      segments: [
        lu(A.lock, W),
        [WWT(o), acq(A.lock, W), rel(A.lock), WWU(o)],
        [acq(A.lock, W), WWT(o), WWU(o), rel(A.lock)],
      ],
      permutable: true,
    }),
    makeCase({
      name: 'ww_test_spin_context',
      family,
      section,
      expect: 'F',
      kind: 'sleep-in-atomic',
      also: ['circular-dependency'],
      why:
        'o -> A, then A -> o under the context t. The mutex inside the spinlock is reported first ' +
        '(wait context), then the cycle',
      locks: [A, t, o],
      segments: [
        [
          ...lu(A.lock, W),
          WWAI(t),
          WWL(o, t),
          acq(A.lock, W),
          rel(A.lock),
          WWU(o),
          acq(A.lock, W),
          WWL(o, t),
          WWU(o),
          rel(A.lock),
        ],
      ],
    }),
  ];
}

// ---------------------------------------------------------------------------------------------
// §2.8 remaining modern groups

function fsReclaim(): ConformanceCase[] {
  const family = 'fs_reclaim';
  const section = '2.8';
  const fs = def('__fs_reclaim_map', 'fs_reclaim', 'map');
  const mmu = def('__mmu_notifier_invalidate_range_start_map', 'mmu_notifier_invalidate_range_start', 'map');
  const locks = [fs, mmu];
  /** fs_reclaim_acquire(gfp): fs_reclaim exclusively if __GFP_FS, and touch the mmu-notifier map. */
  const reclaimAcquire = (gfpFs: boolean): TraceEvent[] => [
    ...(gfpFs ? [acq(fs.lock, W)] : []),
    ...lu(mmu.lock, W),
  ];
  const reclaimRelease = (gfpFs: boolean): TraceEvent[] => (gfpFs ? [rel(fs.lock)] : []);
  /** might_alloc(gfp) = might_sleep + fs_reclaim_acquire + fs_reclaim_release. */
  const mightAlloc = (gfpFs: boolean): TraceEvent[] => [
    mightSleep(),
    ...reclaimAcquire(gfpFs),
    ...reclaimRelease(gfpFs),
  ];
  return [
    makeCase({
      name: 'fs_reclaim_correct_nesting',
      family,
      section,
      expect: 'S',
      why: 'GFP_NOFS allocation inside reclaim does not take fs_reclaim',
      locks,
      segments: [[...reclaimAcquire(true), ...mightAlloc(false), ...reclaimRelease(true)]],
    }),
    makeCase({
      name: 'fs_reclaim_wrong_nesting',
      family,
      section,
      expect: 'F',
      kind: 'recursive-locking',
      why: 'GFP_KERNEL allocation inside reclaim takes fs_reclaim again',
      locks,
      segments: [[...reclaimAcquire(true), ...mightAlloc(true), ...reclaimRelease(true)]],
    }),
    // fs_reclaim_protected_nesting is left out: memalloc_nofs_save() acts in the allocator, before
    // lockdep sees anything (current_gfp_context strips __GFP_FS), so the lock events it produces
    // are correct_nesting's; no event of a trace can say "inside memalloc_nofs_save()".
  ];
}

function localLock(): ConformanceCase[] {
  const family = 'local_lock';
  const section = '2.8';
  const local = def('local_A', 'local_A', 'spinlock', true);
  const A = spinLock('A');
  const B = spinLock('B');
  const prologue2 = lu(local.lock, W);
  const prologue3 = [acq(local.lock, W), ...lu(B.lock, W), rel(local.lock)];
  const inIrq = HI(...lu(A.lock, W));
  const aThenLocal = IRQOFF(acq(A.lock, W), acq(local.lock, W), rel(local.lock), rel(A.lock));
  return [
    makeCase({
      name: 'local_lock_2',
      family,
      section,
      expect: 'S',
      why: 'irq-safe A -> local_A (taken with irqs on): local locks are skipped by the irq-safety searches',
      locks: [local, A],
      segments: [prologue2, inIrq, aThenLocal],
      permutable: true,
    }),
    makeCase({
      name: 'local_lock_3A',
      family,
      section,
      expect: 'S',
      why: 'irq-safe A -> local_A -> irq-unsafe B: the only path goes through the skipped local lock',
      locks: [local, A, B],
      segments: [prologue3, inIrq, aThenLocal],
      permutable: true,
    }),
    makeCase({
      name: 'local_lock_3B',
      family,
      section,
      expect: 'F',
      kind: 'irq-safe-to-unsafe',
      why: 'as 3A plus a direct edge irq-safe A -> irq-unsafe B',
      locks: [local, A, B],
      segments: [prologue3, inIrq, aThenLocal, IRQOFF(...lu2(A.lock, W, B.lock, W))],
      permutable: true,
    }),
  ];
}

function hardirqDeadlockSoftirqNotDeadlock(): ConformanceCase {
  const mA = mutexLock('A');
  const A = spinLock('A');
  const B = spinLock('B');
  const C = spinLock('C');
  const D = spinLock('D');
  return makeCase({
    name: 'hardirq_deadlock_softirq_not_deadlock',
    family: 'hardirq_unsafe_softirq_safe',
    section: '2.8',
    expect: 'F',
    kind: 'irq-safe-to-unsafe',
    why:
      'the last edge C->D closes hardirq-safe A -> B -> C -> hardirq-unsafe D; ' +
      'mutex_A -> C -> D is softirq-unsafe -> softirq-safe, which is fine',
    locks: [mA, A, B, C, D],
    segments: [
      [acq(mA.lock, W), ...IRQOFF(...lu(C.lock, W)), rel(mA.lock)],
      HI(...lu(A.lock, W)),
      IRQOFF(...lu2(A.lock, W, B.lock, W)),
      IRQOFF(...lu2(B.lock, W, C.lock, W)),
      SI(...lu(D.lock, W)),
      BHOFF(...lu(D.lock, W)),
      IRQOFF(...lu2(C.lock, W, D.lock, W)),
    ],
    permutable: true,
  });
}

function setSubclassName(): ConformanceCase {
  const X1 = rwsemLock('X1');
  return makeCase({
    name: 'lockdep_set_subclass_name_test',
    family: 'set_subclass_name',
    section: '2.8',
    expect: 'S',
    why: 'a subclass of an initialised class is a valid, distinct class (lockdep_set_subclass keeps the name)',
    locks: [X1],
    segments: [[acq(X1.lock, W, { subclass: 1 }), rel(X1.lock), ...lu(X1.lock, W)]],
  });
}

/**
 * §2.8 wait-context matrix, the mapped part: our model has one non-sleeping spinlock type (raw
 * and non-raw alike) and no RCU, so raw_spinlock maps to spinlock, and a sleeping lock taken in
 * an atomic context is our sleep-in-atomic. See docs/conformance.md for the unmapped cells.
 */
/**
 * The wait-context matrix as the model can tell it apart: a non-sleeping lock (`spinlock`, for
 * the kernel's raw_spinlock_t and spinlock_t alike) or a sleeping one (`mutex`) taken inside a
 * hardirq (threaded or not: the model has no threaded irqs), a softirq, a held spinlock or a held
 * mutex. Each of the 8 traces stands for the kernel cells named in its `why`.
 */
function waitContext(): ConformanceCase[] {
  const family = 'wait_context';
  const section = '2.8';
  const outerA = { spinlock: spinLock('A'), mutex: mutexLock('A') };
  const innerB = { spinlock: spinLock('B'), mutex: mutexLock('B') };
  type Outer = 'HARDIRQ' | 'SOFTIRQ' | 'spinlock' | 'mutex';
  type Inner = 'spinlock' | 'mutex';
  const cells: ReadonlyArray<readonly [Inner, Outer, Verdict, string]> = [
    ['spinlock', 'HARDIRQ', 'S', 'raw_spinlock and spinlock in a threaded hardirq, raw_spinlock in a not-threaded one'],
    ['mutex', 'HARDIRQ', 'F', 'mutex in a threaded and in a not-threaded hardirq'],
    ['spinlock', 'SOFTIRQ', 'S', 'raw_spinlock and spinlock in a softirq'],
    ['mutex', 'SOFTIRQ', 'F', 'mutex in a softirq'],
    ['spinlock', 'spinlock', 'S', 'raw_spinlock in raw_spinlock and in spinlock, spinlock in spinlock'],
    ['mutex', 'spinlock', 'F', 'mutex in raw_spinlock and in spinlock'],
    ['spinlock', 'mutex', 'S', 'raw_spinlock and spinlock in mutex'],
    ['mutex', 'mutex', 'S', 'mutex in mutex'],
  ];
  return cells.map(([inner, outer, expect, kernelCells]) => {
    const innerLock = innerB[inner];
    const body = lu(innerLock.lock, W);
    let events: TraceEvent[];
    const locks: LockDef[] = [];
    if (outer === 'HARDIRQ') {
      events = HI(...body);
    } else if (outer === 'SOFTIRQ') {
      events = SI(...body);
    } else {
      const outerLock = outerA[outer];
      locks.push(outerLock);
      events = [acq(outerLock.lock, W), ...body, rel(outerLock.lock)];
    }
    locks.push(innerLock);
    return makeCase({
      name: `${inner}_in_${outer}`,
      family,
      section,
      expect,
      ...(expect === 'F' ? { kind: 'sleep-in-atomic' as const } : {}),
      why: `${
        expect === 'F'
          ? `a sleeping lock (${inner}) taken in an atomic context (${outer})`
          : `${inner} may be taken in ${outer} context`
      }; kernel cells: ${kernelCells}`,
      locks,
      segments: [events],
    });
  });
}

// ---------------------------------------------------------------------------------------------
// §2.9 historic cases: must not report in modern mode

function historic(): ConformanceCase[] {
  return COLUMNS.map((col) => {
    const { mode } = column(col);
    const A = columnLock(col, 'A');
    const B = columnLock(col, 'B');
    return makeCase({
      name: `bad_unlock_order_${col}`,
      family: 'historic',
      section: '2.9',
      expect: 'S',
      why: 'out-of-order unlock was F in 2006; modern lockdep is silent',
      locks: [A, B],
      segments: [[acq(A.lock, mode), acq(B.lock, mode), rel(A.lock), rel(B.lock)]],
    });
  });
}

// ---------------------------------------------------------------------------------------------
// §2.10 liblockdep tests (pthread wrappers: every init call site its own class)

function liblockdep(): ConformanceCase[] {
  const family = 'liblockdep';
  const section = '2.10';
  const m = (x: string): LockDef => def(x, x, 'mutex');
  const [a, b, c, d] = [m('a'), m('b'), m('c'), m('d')];
  const rwa = def('a', 'a', 'rwsem');
  const rwb = def('b', 'b', 'rwsem');
  /** pthread_mutex_destroy of each lock in reverse order of init, as the tests end. */
  const destroyAll = (locks: readonly LockDef[]): TraceEvent[] => [...locks].reverse().map((l) => free(l.lock));
  const cycle = (
    name: string,
    locks: LockDef[],
    pairs: ReadonlyArray<readonly [LockDef, LockDef]>,
    inCycle: readonly LockDef[] = locks,
  ): ConformanceCase =>
    makeCase({
      name: `liblockdep_${name}`,
      family,
      section,
      expect: 'F',
      kind: 'circular-dependency',
      cycle: inCycle.map((l) => l.class),
      why: 'possible circular locking dependency detected; then every mutex is destroyed, last first, as the test does',
      locks,
      segments: [[...pairs.flatMap(([x, y]) => lu2(x.lock, W, y.lock)), ...destroyAll(locks)]],
    });
  return [
    makeCase({
      name: 'liblockdep_AA',
      family,
      section,
      expect: 'F',
      kind: 'recursive-locking',
      why: 'possible recursive locking detected',
      locks: [a],
      segments: [[acq(a.lock, W), acq(a.lock, W)]],
    }),
    makeCase({
      name: 'liblockdep_ABA',
      family,
      section,
      expect: 'F',
      kind: 'recursive-locking',
      why: 'possible recursive locking detected',
      locks: [a, b],
      segments: [[acq(a.lock, W), acq(b.lock, W), acq(a.lock, W)]],
    }),
    makeCase({
      name: 'liblockdep_WW',
      family,
      section,
      expect: 'F',
      kind: 'recursive-locking',
      why: 'wrlock(a) rdlock(b) wrlock(a): possible recursive locking detected (rdlock is read=2)',
      locks: [rwa, rwb],
      segments: [[acq(rwa.lock, W), acq(rwb.lock, R), acq(rwa.lock, W)]],
    }),
    makeCase({
      name: 'liblockdep_ABBA',
      family,
      section,
      expect: 'F',
      kind: 'circular-dependency',
      cycle: ['a', 'b'],
      why: 'possible circular locking dependency detected (first round; destroy + re-init, then again)',
      locks: [a, b],
      segments: [
        [
          ...lu2(a.lock, W, b.lock),
          ...lu2(b.lock, W, a.lock),
          free(b.lock),
          free(a.lock),
          init(a),
          init(b),
          ...lu2(a.lock, W, b.lock),
          ...lu2(b.lock, W, a.lock),
          free(b.lock),
          free(a.lock),
        ],
      ],
    }),
    makeCase({
      name: 'liblockdep_ABBA_2threads',
      family,
      section,
      expect: 'F',
      kind: 'circular-dependency',
      cycle: ['a', 'b'],
      why: 'two threads, each holding one lock and waiting for the other (recorded up to the hang)',
      locks: [a, b],
      segments: [
        [
          acq(a.lock, W, { task: 't1' }),
          acq(b.lock, W, { task: 't2' }),
          acq(b.lock, W, { task: 't1' }),
          acq(a.lock, W, { task: 't2' }),
        ],
      ],
    }),
    cycle('ABBCCA', [a, b, c], [[a, b], [b, c], [c, a]]),
    cycle('ABCABC', [a, b, c], [[a, b], [c, a], [b, c]]),
    cycle('ABBCCDDA', [a, b, c, d], [[a, b], [b, c], [c, d], [d, a]]),
    cycle('ABCDBDDA', [a, b, c, d], [[a, b], [c, d], [b, d], [d, a]], [a, b, d]),
    cycle('ABCDBCDA', [a, b, c, d], [[a, b], [c, d], [b, c], [d, a]]),
    makeCase({
      name: 'liblockdep_unlock_balance',
      family,
      section,
      expect: 'F',
      kind: 'bad-unlock-balance',
      why: 'bad unlock balance detected; then the mutex is destroyed, as the test does',
      locks: [a],
      segments: [[acq(a.lock, W), rel(a.lock), rel(a.lock), ...destroyAll([a])]],
    }),
  ];
}

// ---------------------------------------------------------------------------------------------
// §3.2 gaps the clone closes (the kernel stays silent on the F cases: known false negatives)

function cloneGaps(): ConformanceCase[] {
  const family = 'clone_gaps';
  const section = '3.2';
  const [A, B, C, X, Y] = ['A', 'B', 'C', 'X', 'Y'].map((x) => def(x, x, 'rwlock')) as [
    LockDef,
    LockDef,
    LockDef,
    LockDef,
    LockDef,
  ];
  return [
    makeCase({
      name: 'gap_b_reader_in_the_middle',
      family,
      section,
      expect: 'F',
      kind: 'circular-dependency',
      why:
        'held R(A) R(B) then W(C): the kernel records only A-(SR)->B-(SN)->C, so C-(EN)->A closes no strong ' +
        'cycle; but T1 [R(A) R(B) wants C] and T2 [W(C) wants W(A)] deadlock: the A-(SN)->C dependency is real',
      locks: [A, B, C],
      segments: [
        [acq(A.lock, R), acq(B.lock, R), acq(C.lock, W), rel(C.lock), rel(B.lock), rel(A.lock)],
        lu2(C.lock, W, A.lock, W),
      ],
      permutable: true,
    }),
    makeCase({
      name: 'gap_b_reader_in_the_middle_recursive_reader',
      family,
      section,
      expect: 'S',
      why:
        'as gap_b but the second task takes A as a recursive reader: A-(SN)->C-(ER)->A is not strong (a ' +
        'recursive reader is not blocked by the other reader) - closing gap (b) must not report this',
      locks: [A, B, C],
      segments: [
        [acq(A.lock, R), acq(B.lock, R), acq(C.lock, W), rel(C.lock), rel(B.lock), rel(A.lock)],
        lu2(C.lock, W, A.lock, R),
      ],
      permutable: true,
    }),
    makeCase({
      name: 'gap_a_visited_by_class',
      family,
      section,
      expect: 'F',
      kind: 'circular-dependency',
      why:
        'closing B-(EN)->A: BFS from A reaches X first through A-(ER)->X (only *R, so X-(SN)->B is masked) and ' +
        'then skips X when A-(EN)->Y-(EN)->X reaches it strongly; keyed by (class, only_xr) the strong cycle ' +
        'A->Y->X->B->A is found',
      locks: [A, X, Y, B],
      segments: [
        [
          ...lu2(A.lock, W, X.lock, R),
          ...lu2(A.lock, W, Y.lock, W),
          ...lu2(Y.lock, W, X.lock, W),
          ...lu2(X.lock, R, B.lock, W),
          ...lu2(B.lock, W, A.lock, W),
        ],
      ],
    }),
    makeCase({
      name: 'gap_a_weak_path_only',
      family,
      section,
      expect: 'S',
      why: 'A-(ER)->X-(SN)->B-(EN)->A alone is not strong: no report',
      locks: [A, X, B],
      segments: [
        [...lu2(A.lock, W, X.lock, R), ...lu2(X.lock, R, B.lock, W), ...lu2(B.lock, W, A.lock, W)],
      ],
    }),
  ];
}

/** The whole catalog, in a stable order. */
export function buildCatalog(): ConformanceCase[] {
  const cases = [
    ...basicFamilies(),
    ...readRecursion(),
    ...wrCycles(),
    ...irqFamilies(),
    ...queuedReadLock(),
    ...wwMutex(),
    ...fsReclaim(),
    ...localLock(),
    hardirqDeadlockSoftirqNotDeadlock(),
    setSubclassName(),
    ...waitContext(),
    ...historic(),
    ...liblockdep(),
    ...cloneGaps(),
  ];
  const seen = new Set<string>();
  for (const c of cases) {
    if (seen.has(c.name)) throw new Error(`duplicate case name ${c.name}`);
    seen.add(c.name);
  }
  return cases;
}
