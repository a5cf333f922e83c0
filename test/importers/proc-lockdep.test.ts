/**
 * The /proc/lockdep importer (`proc-lockdep`): the line shapes of lockdep_proc.c, real excerpts
 * from mailing lists (test/fixtures/real/kernel, sources in test/fixtures/real/README.md) read
 * with the classes, usage and dependencies read off them by hand, and what a check concludes
 * from a graph: cycles (warnings through read-used classes), irq orders, stats notices, errors.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkTrace, type CheckTraceOptions } from '../../src/check/check-trace.js';
import type { CheckResult } from '../../src/engine/result.js';
import type { GraphSnapshot } from '../../src/engine/snapshot.js';
import { detectFormatOfFile, detectFormatOfText } from '../../src/events/detect-format.js';
import { InputError } from '../../src/io/input-error.js';
import { importTrace } from '../../src/events/import-trace.js';
import { Validator } from '../../src/engine/validator.js';
import { decodeUsage, parseProcLockdepLine } from '../../src/events/proc-lockdep-line.js';

const REAL = join(import.meta.dirname, '..', 'fixtures', 'real', 'kernel');
const DIR = mkdtempSync(join(tmpdir(), 'proc-lockdep-'));

interface Checked {
  result: CheckResult;
  snapshot: GraphSnapshot;
  warnings: string[];
}

async function check(file: string, options: CheckTraceOptions = {}): Promise<Checked> {
  const warnings: string[] = [];
  let snapshot: GraphSnapshot | undefined;
  const result = await checkTrace(file, {
    inputFormat: 'proc-lockdep',
    onSnapshot: (taken) => (snapshot = taken),
    onInputWarning: (message, origin) => warnings.push(`${origin.line}: ${message}`),
    ...options,
  });
  return { result, snapshot: snapshot!, warnings };
}

function text(name: string, content: string): string {
  const file = join(DIR, name);
  writeFileSync(file, content);
  return file;
}

const usageOf = (snapshot: GraphSnapshot, name: string): string | undefined => snapshot.classes.find((c) => c.name === name)?.usage;
const edges = (snapshot: GraphSnapshot): string[] => snapshot.dependencies.map((d) => `${d.from} -> ${d.to}`);

describe('/proc/lockdep lines', () => {
  it('reads class lines with and without OPS, FD/BD and braces, keeping the name as printed', () => {
    expect(parseProcLockdepLine('ffffffffa02b73c8 OPS:      17 FD:   34 BD:    1 +.+.: loop_ctl_mutex')).toEqual({ kind: 'class', name: 'loop_ctl_mutex', usage: '+.+.', forward: 34, backward: 1 });
    expect(parseProcLockdepLine('ffffffff9af54eb8 ....: (console_sem).lock')).toEqual({ kind: 'class', name: '(console_sem).lock', usage: '....' });
    expect(parseProcLockdepLine('c1c9c2e5 FD:   27 BD:    1 {+.+...}: &type->s_umount_key#2/1')).toMatchObject({ name: '&type->s_umount_key#2/1', usage: '+.+...' });
    expect(parseProcLockdepLine(' -> [ffffffffa8032cb0] subsys mutex#7')).toEqual({ kind: 'dependency', name: 'subsys mutex#7' });
    expect(parseProcLockdepLine('irq_context: 3')).toEqual({ kind: 'chain-start', irqContext: 3 });
    expect(parseProcLockdepLine('irq_context: softirq')).toEqual({ kind: 'chain-start', irqContext: 2 });
    expect(parseProcLockdepLine('[ffffffff849587b0] &____s->seqcount')).toEqual({ kind: 'chain-lock', name: '&____s->seqcount' });
    expect(parseProcLockdepLine('(buggered) all lock chains:')).toEqual({ kind: 'chains-header', overflowed: true });
    expect(parseProcLockdepLine(' direct dependencies:                 25574 [max: 32768]')).toEqual({ kind: 'stat', name: 'direct dependencies', value: 25574, max: 32768 });
    expect(parseProcLockdepLine('[root@localhost ~]# grep loop /proc/lockdep')).toEqual({ kind: 'other' });
  });

  it('decodes usage characters: - used in irq, + irq enabled, ? both, write then read per state', () => {
    expect(decodeUsage('-.+?')).toEqual({
      inHardirq: true, inHardirqRead: false, inSoftirq: false, inSoftirqRead: true,
      hardirqOn: false, hardirqOnRead: false, softirqOn: true, softirqOnRead: true,
    });
    // The RECLAIM_FS pair of 2.6.30-4.13 kernels is not read.
    expect(decodeUsage('......')).toMatchObject({ inHardirq: false, hardirqOn: false });
  });
});

describe('real /proc/lockdep excerpts', () => {
  it('Xiongwei Song 2021: detected; 3 classes with 33 direct dependencies, no findings', async () => {
    const file = join(REAL, 'proc-lockdep-xiongwei-song-2021.txt');
    expect(detectFormatOfFile(file)).toBe('proc-lockdep');
    const { result, snapshot } = await check(file);
    expect(result.violations).toEqual([]);
    expect(result.summary.classes).toBe(32);
    expect(snapshot.dependencies).toHaveLength(33);
    expect(edges(snapshot)).toContain('console_lock -> (console_sem).lock');
    expect(edges(snapshot)).toContain('cgroup_mutex -> lock#2');
    expect(usageOf(snapshot, '(console_sem).lock')).toBe('-...');
    expect(usageOf(snapshot, 'console_lock')).toBe('+.+.');
    const witness = snapshot.dependencies.find((d) => d.to === 'subsys mutex#19')?.witness;
    expect(witness?.next).toMatchObject({ line: 39, task: '/proc/lockdep' });
    expect(witness?.prev).toMatchObject({ line: 13 });
  });

  it('reads the same excerpt quoted in a mail reply (> and > > before each line)', async () => {
    const original = readFileSync(join(REAL, 'proc-lockdep-xiongwei-song-2021.txt'), 'utf8');
    const quoted = text('quoted.txt', original.split('\n').map((line, i) => (line === '' ? line : `${i % 2 === 0 ? '> ' : '> > '}${line}`)).join('\n'));
    expect(detectFormatOfFile(quoted)).toBe('proc-lockdep');
    const plain = await check(join(REAL, 'proc-lockdep-xiongwei-song-2021.txt'));
    const { snapshot } = await check(quoted);
    expect(edges(snapshot)).toEqual(edges(plain.snapshot));
    expect(snapshot.classes.map((c) => `${c.name} ${c.usage}`)).toEqual(plain.snapshot.classes.map((c) => `${c.name} ${c.usage}`));
  });

  it('Byungchul Park 2016: 6-character usage (RECLAIM_FS pair dropped), name versions, subclasses, crossrelease classes', async () => {
    const { result, snapshot } = await check(join(REAL, 'proc-lockdep-byungchul-park-2016.txt'));
    expect(result.violations).toEqual([]);
    expect(usageOf(snapshot, 'resource_lock')).toBe('++++');
    expect(usageOf(snapshot, 'cpu_hotplug.lock')).toBe('++++');
    expect(usageOf(snapshot, 'watchdog_lock')).toBe('+.-.');
    expect(usageOf(snapshot, '&rq->lock')).toBe('-.-.');
    expect(usageOf(snapshot, '&cgroup_threadgroup_rwsem')).toBe('.+.+');
    expect(edges(snapshot)).toEqual(expect.arrayContaining([
      'cpu_hotplug.lock -> cpu_hotplug.lock#2',
      'cpu_hotplug.lock#2 -> (complete)&done',
      '&type->s_umount_key#2/1 -> sb_lock',
      'init_task.pi_lock -> &rq->lock',
    ]));
  });

  it('Dmitry Vyukov 2020: lockdep_stats summarised as a notice, egrep output read, mail text skipped', async () => {
    const file = join(REAL, 'proc-lockdep-vyukov-2020-stats-and-egrep.txt');
    const { result, snapshot, warnings } = await check(file);
    expect(result.violations).toEqual([]);
    expect(result.notices).toEqual([
      { kind: 'kernel-stats', file, line: 1, message: 'lockdep_stats: 2901 lock classes [max: 8192], 25574 direct dependencies [max: 32768], 40605 dependency chains [max: 65536]' },
    ]);
    expect(snapshot.classes).toHaveLength(15);
    expect(usageOf(snapshot, 'tk_core.seq.seqcount')).toBe('----');
    expect(usageOf(snapshot, '&per_cpu_ptr(group->pcpu, cpu)->seq')).toBe('-.-.');
    expect(warnings).toEqual([expect.stringMatching(/^7: skipped 2 line\(s\)/)]);
  });

  it('Tetsuo Handa 2021: OPS columns, a workqueue completion class, a repeated grep and debug_locks 1', async () => {
    const { result, snapshot } = await check(join(REAL, 'proc-lockdep-tetsuo-handa-2021-grep.txt'));
    expect(result.violations).toEqual([]);
    expect(snapshot.classes.map((c) => c.name).sort()).toEqual(['(wq_completion)loop0', 'loop_ctl_mutex', 'loop_validate_mutex']);
    expect(result.notices).toBeUndefined();
  });

  it('Andy Walls 2010: lockdep_chains after class lines give held-together edges', async () => {
    const { result, snapshot } = await check(join(REAL, 'proc-lockdep-chains-andy-walls-2010.txt'));
    expect(result.violations).toEqual([]);
    expect(edges(snapshot).sort()).toEqual([
      'cx25840_core:1982:(&state->hdl)->lock -> cx2341x:1534:(hdl)->lock',
      'ivtv_gpio:366:(&itv->hdl_gpio)->lock -> cx2341x:1534:(hdl)->lock',
      'msp3400_driver:756:(hdl)->lock -> cx2341x:1534:(hdl)->lock',
      'saa7115:1581:(hdl)->lock -> cx2341x:1534:(hdl)->lock',
      'wm8775:246:(&state->hdl)->lock -> cx2341x:1534:(hdl)->lock',
    ]);
    expect(snapshot.dependencies[0]?.witness.task).toBe('/proc/lockdep_chains');
  });

  it('Peter Zijlstra 2025: chains holding one class twice (srcu, rcu, nested &dev->mutex) are no recursive locking; softirq chains mark softirq use', async () => {
    const file = join(REAL, 'proc-lockdep-chains-peter-zijlstra-2025.txt');
    expect(detectFormatOfFile(file)).toBe('proc-lockdep');
    const { result, snapshot } = await check(file);
    expect(result.violations).toEqual([]);
    expect(snapshot.dependencies).toHaveLength(15);
    expect(edges(snapshot)).toEqual(expect.arrayContaining(['fs_reclaim -> mmu_notifier_invalidate_range_start', '&dev->mutex -> dquirks_lock']));
    expect(usageOf(snapshot, 'slock-AF_INET/1')).toBe('..-.');
  });
});

describe('the two entrances', () => {
  it('gives the same graph and findings through events as through the engine\'s fast entrance', async () => {
    const file = text('both.txt', `${readFileSync(join(REAL, 'proc-lockdep-byungchul-park-2016.txt'), 'utf8')}\nffff000009 FD:    2 BD:    1 ++++: &c->rw\n -> [c1c8b858] cgroup_mutex\nc1c8b858 FD:    1 BD:    1 +.+...: cgroup_mutex\n -> [ffff000009] &c->rw\n\n${readFileSync(join(REAL, 'proc-lockdep-chains-peter-zijlstra-2025.txt'), 'utf8')}`);
    const viaEvents = new Validator({ file });
    const events = await importTrace(file, (event, origin) => viaEvents.process(event, origin), { format: 'proc-lockdep' });
    viaEvents.end();
    const viaFast = new Validator({ file });
    const calls = await importTrace(file, (event, origin) => viaFast.process(event, origin), { format: 'proc-lockdep', fast: viaFast });
    viaFast.end();
    expect(calls.events).toBe(events.events);
    expect(viaFast.snapshot()).toEqual(viaEvents.snapshot());
    const fast = viaFast.result();
    expect(fast.violations.map((v) => v.kind)).toEqual(['circular-dependency']);
    expect(fast).toEqual(viaEvents.result());
  });
});

const CYCLE = `all lock classes:
ffff000001 FD:    2 BD:    2 +.+.: A
 -> [ffff000002] B

ffff000002 FD:    2 BD:    2 +.+.: B
 -> [ffff000001] A
`;

describe('checking a /proc/lockdep graph', () => {
  it('reports a cycle the kernel never reported, with the input lines as witnesses', async () => {
    const { result } = await check(text('cycle.txt', CYCLE));
    expect(result.violations).toHaveLength(1);
    const cycle = result.violations[0]!;
    expect(cycle).toMatchObject({ kind: 'circular-dependency', severity: 'error' });
    expect(cycle.classes.sort()).toEqual(['A', 'B']);
    expect(cycle.events.map((e) => e.line).sort()).toEqual([2, 3, 5, 6]);
  });

  it('makes a cycle through a class used for read a warning and says why', async () => {
    const { result } = await check(text('read-cycle.txt', CYCLE.replace('+.+.: B', '++++: B')));
    expect(result.violations).toHaveLength(1);
    expect(result.violations[0]).toMatchObject({ kind: 'circular-dependency', severity: 'warning' });
    expect(result.violations[0]!.message).toContain('strength not decidable: B is taken for read');
    expect(result.summary).toMatchObject({ errors: 0, warnings: 1 });
  });

  it('finds an irq-safe lock ordered before an irq-unsafe one from the usage bits', async () => {
    const { result } = await check(text('irq.txt', `ffff000003 FD:    2 BD:    1 -.-.: irqsafe
 -> [ffff000004] unsafe

ffff000004 FD:    1 BD:    2 +.+.: unsafe
`));
    // Once per irq state: the class is hardirq-safe and softirq-safe.
    expect(result.violations.map((v) => `${v.kind} ${v.irq?.state}`)).toEqual(['irq-lock-inversion HARDIRQ', 'irq-lock-inversion SOFTIRQ']);
    expect(result.violations[0]!.classes.sort()).toEqual(['irqsafe', 'unsafe']);
  });

  it('marks chain locks used in hardirq context (irq_context: 1)', async () => {
    const { snapshot } = await check(text('hardirq-chain.txt', 'all lock chains:\nirq_context: 1\n[ffff000001] &desc->lock\n[ffff000002] &port->lock\n'));
    expect(usageOf(snapshot, '&desc->lock')).toBe('-...');
    expect(edges(snapshot)).toEqual(['&desc->lock -> &port->lock']);
  });

  it('takes a chain lock for read where its usage shows it only read in that irq context', async () => {
    const { snapshot, result } = await check(text('read-chain.txt', 'ffff000001 FD:    2 BD:    1 .-..: &tasklist_rw\n\nirq_context: 1\n[ffff000001] &tasklist_rw\n[ffff000002] &sig->lock\n'));
    expect(result.violations).toEqual([]);
    // Write would have added IN-HARDIRQ-W: `--..`.
    expect(usageOf(snapshot, '&tasklist_rw')).toBe('.-..');
    expect(snapshot.dependencies[0]?.types).toEqual(['SN']);
  });

  it('says when the kernel stopped recording: a [max:] reached, debug_locks 0, an overflowed chain table', async () => {
    const file = text('full.txt', ' direct dependencies:                 32768 [max: 32768]\n debug_locks:                             0\n(buggered) all lock chains:\n');
    const { result, warnings } = await check(file);
    expect(result.notices?.filter((n) => n.kind === 'kernel-recording-stopped').map((n) => n.line)).toEqual([3, 1, 2]);
    expect(warnings).toHaveLength(3);
    expect(warnings[1]).toContain('direct dependencies 32768 reached its limit [max: 32768]');
  });

  it.each([
    ['a class line without a name', 'ffff000001 FD:    1 BD:    1 +.+.:\n', 1, 'malformed /proc/lockdep class line'],
    ['a dependency with no class above it', '\n -> [ffff000002] B\n', 2, 'with no class line above it'],
    ['a chain line with no irq_context above it', '[ffff000002] B\n', 1, 'with no "irq_context: N" line above it'],
  ])('rejects %s with file:line', async (_name, content, line, message) => {
    const file = text(`bad-${line}-${content.length}.txt`, content);
    const error: unknown = await check(file).then(() => null, (caught: unknown) => caught);
    expect(error).toBeInstanceOf(InputError);
    expect(error).toMatchObject({ file, line });
    expect(String(error)).toContain(message);
  });

  it('is detected from its first lines, chains alone too', () => {
    expect(detectFormatOfText('all lock classes:\nffff000001 FD:    1 BD:    1 ....: A\n', 't')).toBe('proc-lockdep');
    expect(detectFormatOfText('all lock chains:\nirq_context: 0\n[ffff000001] A\n', 't')).toBe('proc-lockdep');
  });
});
