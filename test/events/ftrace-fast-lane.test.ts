/**
 * The ftrace byte lane (events/ftrace-fast-lane.ts) and the fast entrance of the kernel lock
 * tracker must be invisible: the events (with their lines) and the errors are those of the
 * general path (ftrace-line.ts + lock-payload.ts, every event through the sink), and so are the
 * findings, summary, graph and warnings of whole checks. Property tests over generated lines that
 * vary every field the lane reads (leading blanks, comm, pid, CPU, each flags column, timestamp,
 * event name, address, try/read, class, line end), mixed with noise, stack traces, declines and
 * malformed lock lines; unit tests of what the lane takes and declines; the real ftrace fixtures
 * checked both ways.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { fc, test } from '@fast-check/vitest';
import { afterAll, describe, expect, test as vitest } from 'vitest';
import { checkTrace } from '../../src/check/check-trace.js';
import { Validator } from '../../src/engine/validator.js';
import type { EventOrigin, LockType, TraceEvent } from '../../src/events/event.js';
import { FtraceFastLane } from '../../src/events/ftrace-fast-lane.js';
import { FtraceParser } from '../../src/events/ftrace-reader.js';
import { NAME_BYTES } from '../../src/events/hex-address-table.js';
import { KernelLockTracker } from '../../src/events/kernel-lock-tracker.js';
import type { LiveHandle, LockOpMode, LockOpSink } from '../../src/events/lock-op-sink.js';
import { forEachLine } from '../../src/events/text-line-reader.js';
import { isInputError } from '../../src/io/input-error.js';

const REAL = join(import.meta.dirname, '..', 'fixtures', 'real', 'ftrace');
const FIXTURES = join(import.meta.dirname, '..', 'importers', 'fixtures');
const dir = mkdtempSync(join(tmpdir(), 'lockdep-ftrace-lane-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let fileCount = 0;

const CLASS_TYPES = new Map<string, LockType>([
  ['&mm->mmap_lock', 'rwsem'],
  ['tasklist_lock', 'rwlock'],
  ['&dev->lock', 'spinlock'],
  ['rcu_read_lock', 'map'],
]);

interface Delivered {
  event: TraceEvent;
  line: number;
}

type Recorded = { delivered: Delivered[]; error?: string };

interface RecordedHandle extends LiveHandle {
  readonly id: string;
}

const MODE_NAMES = ['write', 'read', 'recursive-read'] as const;

/** A fast entrance that records each call as the event it stands for (lock-op-sink.ts). */
function recordingEntrance(delivered: Delivered[]): LockOpSink<RecordedHandle, RecordedHandle> {
  const handles = new Map<string, RecordedHandle>();
  const handle = (id: string): RecordedHandle => {
    let found = handles.get(id);
    if (found === undefined) {
      found = { alive: true, id };
      handles.set(id, found);
    }
    return found;
  };
  const idOf = (value: RecordedHandle | string): string => (typeof value === 'string' ? value : value.id);
  const push = (event: TraceEvent, line: number): void => {
    delivered.push({ event, line });
  };
  return {
    acquireAt(task, lock, mode: LockOpMode, trylock, site, _file, line) {
      const event: TraceEvent = { op: 'acquire', task: idOf(task), lock: idOf(lock) };
      if (mode !== 0) event.mode = MODE_NAMES[mode];
      if (trylock) event.try = true;
      if (site !== undefined) event.site = String(site);
      push(event, line);
    },
    releaseAt(task, lock, site, _file, line) {
      const event: TraceEvent = { op: 'release', task: idOf(task), lock: idOf(lock) };
      if (site !== undefined) event.site = String(site);
      push(event, line);
    },
    mightSleepAt(task, _site, _file, line) {
      push({ op: 'might-sleep', task: idOf(task) }, line);
    },
    irqAt(task, kind, action, _site, _file, line) {
      push({ op: 'irq', task: idOf(task), kind, action }, line);
    },
    accessAt(task, variable, write, _site, _file, line) {
      push({ op: 'access', task: idOf(task), var: variable, write }, line);
    },
    initAt(lock, cls, type, _file, line) {
      push({ op: 'init', lock, class: cls, type }, line);
    },
    taskHandle: handle,
    lockHandle: handle,
  };
}

/** The events of `text` by the general path: decoded lines, every event through the sink; `ts` dropped (the engine never reads it). */
function generalPath(text: string, classTypes?: ReadonlyMap<string, LockType>): Recorded {
  const delivered: Delivered[] = [];
  const parser = new FtraceParser({ file: 'lane.txt', ...(classTypes ? { classTypes } : {}) }, (event, origin) => {
    const { ts: _ts, ...rest } = event;
    delivered.push({ event: rest, line: origin.line });
  });
  try {
    text.split('\n').forEach((raw, index, all) => {
      if (index === all.length - 1 && raw === '') return;
      parser.line(raw.endsWith('\r') ? raw.slice(0, -1) : raw, index + 1);
    });
    parser.end();
  } catch (error) {
    if (!isInputError(error)) throw error;
    return { delivered, error: String(error) };
  }
  return { delivered };
}

/** The events of `text` by bytes: the lane, and the fast entrance for plain events; blocks cut after the given lines. */
function lanePath(text: string, cutsAfter: readonly number[], classTypes?: ReadonlyMap<string, LockType>): Recorded {
  const delivered: Delivered[] = [];
  const parser = new FtraceParser(
    { file: 'lane.txt', fast: recordingEntrance(delivered), ...(classTypes ? { classTypes } : {}) },
    (event, origin) => {
      const { ts: _ts, ...rest } = event;
      delivered.push({ event: rest, line: origin.line });
    },
  );
  const bytes = Buffer.from(text, 'utf8');
  const lineStarts = [0];
  for (let i = 0; i < bytes.length; i++) if (bytes[i] === 0x0a && i + 1 < bytes.length) lineStarts.push(i + 1);
  const cuts = [...new Set(cutsAfter.map((n) => lineStarts[n % lineStarts.length]!))].filter((at) => at > 0).sort((a, b) => a - b);
  try {
    let start = 0;
    for (const end of [...cuts, bytes.length]) {
      // A reused buffer, as the block reader's: the lane must not keep it.
      const block = Buffer.alloc(end - start + 7, 0x58);
      bytes.copy(block, 0, start, end);
      parser.block(block, end - start);
      start = end;
    }
    parser.end();
  } catch (error) {
    if (!isInputError(error)) throw error;
    return { delivered, error: String(error) };
  }
  return { delivered };
}

// ─── generated lines ─────────────────────────────────────────────────────────────────────

const pick = <T>(...values: T[]) => fc.constantFrom(...values);

const lockLineParts = fc.record({
  lead: pick('', ' ', '        ', '\t'),
  comm: pick('bash', 'systemd-journal', 'jbd2/sda1-8', '<...>', 'kworker/u16:3', 'a b', 'x-1y', '[x]', 'cc\u00e9'),
  pid: pick('1040', '1040', '7', '0', '0100', '4194304', '1234567890'),
  pidGap: pick(' ', '     ', '\t'),
  tgid: pick('', '', '', '(1040) '),
  cpu: pick('[004]', '[004]', '[1]', '[]', '004'),
  flagsGap: pick(' ', ' ', '  ', ''),
  flags: pick('.....', 'd..1.', '...1.', '..s1.', 'd.h2.', 'D..1.', 'b....', 'X....', 'dNH2.', '.Nz1.', '...1ffffffff', '....', 'd..123456789', 'q....', 'd .1.', ''),
  tsGap: pick(' ', '    ', ' '),
  ts: pick('49.339890', '110.216640', '5', '1234567890.12345678', '0.000001', '12.5us', '3.1!', '.5'),
  afterColon: pick(' ', ' ', '  ', '\t', ''),
  event: pick('lock_acquire', 'lock_acquire', 'lock_release', 'lock_release', 'lock_acquired', 'lock_contended', 'irq_enable', 'sched_process_free', 'lock_acquire_x'),
  nameGap: pick(' ', ' ', '', '  ', '\t'),
  address: pick('0000000084e3738a', '0000000084e3738a', '00000000f5b22878', 'ffffffff81c5c940', 'FFFF89B981318430', '0x1234abcd', '123', '12345678901234567', 'abcd', ''),
  addressGap: pick(' ', ' ', '  ', ''),
  prefix: pick('', '', '', 'try ', 'read ', 'try read ', 'read try ', 'try  ', 'read  '),
  cls: pick('&mm->mmap_lock', 'rcu_read_lock', 'tasklist_lock', '&dev->lock', 'a b', 'x=y', '', ' ', 'read', 'try', 'name ', 'pid=7', '\u00fc'),
  end: pick('', '', '', '\r', ' \r', '\r\r'),
});

const lockLine = lockLineParts.map(
  (p) =>
    `${p.lead}${p.comm}-${p.pid}${p.pidGap}${p.tgid}${p.cpu}${p.flagsGap}${p.flags}${p.tsGap}${p.ts}:${p.afterColon}${p.event}:${p.nameGap}${p.address}${p.addressGap}${p.prefix}${p.cls}${p.end}`,
);

/**
 * Well-formed lock lines of a few tasks and locks (the lane's shape, the comm as `%16s`), so held
 * locks, subclasses and irq changes happen; the idle task (pid 0) on several CPUs is several
 * tasks. The lane keeps each task's prefix per pid slot: pid 2064 shares the slot of 1040, `sh`
 * is pid 1040 under another comm (the task keeps its first name), a task changes CPU, and
 * `ab-12 cd` has a `-<digits> ` inside its comm column (the lane declines it, every time).
 */
const plainLockLine = fc
  .record({
    task: fc.integer({ min: 0, max: 6 }),
    cpu: fc.integer({ min: 0, max: 2 }),
    acquire: fc.boolean(),
    lock: fc.integer({ min: 0, max: 8 }),
    flags: pick('.....', '.....', 'd..1.', '..s1.', 'd.h2.', 'b....', 'X....', '..H1.', 'dN.3.', '.N.f1', 'D.s2.', 'd...'),
    prefix: pick('', '', 'read ', 'try ', 'try read '),
  })
  .map(({ task, cpu, acquire, lock, flags, prefix }) => {
    const comms = ['bash', 'systemd-journal', 'jbd2/sda1-8', '<idle>', 'kworker/2:1H', 'sh', 'ab-12 cd'];
    const pids = ['1040', '435', '245', '0', '2064', '1040', '77'];
    const classes = ['&mm->mmap_lock', 'tasklist_lock', '&dev->lock', 'rcu_read_lock'];
    // Locks 6 and 7 are one address with two class names longer than the address table keeps
    // (hex-address-table.ts NAME_BYTES), of one length, that differ only past those bytes; lock 8
    // has a 300-byte class name.
    const longNames = ['(work_completion)(&(&wb->dwork)->work)', '(work_completion)(&(&wb->dwork)->wait)', `&${'x'.repeat(298)}k`];
    const address = (0x84e37380 + (lock < 6 ? lock % 4 : lock === 8 ? 8 : 6)).toString(16).padStart(16, '0');
    const cls = lock < 6 ? classes[lock % 4]! : longNames[lock - 6]!;
    const prefixText = `${comms[task]!.padStart(16)}-${pids[task]!.padEnd(7)} [00${cpu}] ${flags}    49.3398${task}0:`;
    // Locks 4 and 5 are other classes at the addresses of locks 0 and 1 (an instance declared
    // again); `&dev->lock` at two addresses makes a task hold two instances of one class.
    const acquired = lock === 4 ? 'rcu_read_lock_sched' : lock === 5 ? '&dev->lock' : cls;
    return acquire ? `${prefixText} lock_acquire: ${address} ${prefix}${acquired}` : `${prefixText} lock_release: ${address} ${cls}`;
  });

const noiseLine = pick(
  '            bash-1040    [004] d..2.    49.339890: irq_enable: caller=_raw_write_unlock_irq+0x28/0x50 parent=0x0',
  '            bash-1040    [004] .....    49.339893: sys_exit: NR 109 = 0',
  '            bash-1040    [004] ..s1.    49.339894: sys_setpgid -> 0x0',
  '            bash-1040    [004] .....    49.339895: <stack trace>',
  ' => lock_acquire+0xd4/0x2f0',
  ' => down_read+0x44/0x150',
  ' => do_user_addr_fault+0x1b3/0x8b0',
  // A kernel stack trace of the task of most lock lines: it belongs to the lock event before it.
  '            bash-1040    [004] .....    49.339895: <stack trace>\n => lock_acquire+0xd4/0x2f0\n => down_read+0x44/0x150\n => do_user_addr_fault+0x1b3/0x8b0',
  '            bash-1040    [004] .....    49.339895: <user stack trace>',
  ' =>  <00007f1b2c3d4e5f>',
  '     kworker/1:0-25      [001] d..1.    49.339896: sched_process_free: comm=bash pid=1040 prio=120',
  '     kworker/1:0-25      [001] d..1.    49.339896: sched_process_free: comm=systemd-journal pid=435 prio=120',
  '          <idle>-0       [000] d.h2.    49.339897: irq_handler_entry: irq=11 name=eth0',
  // The other lock tracepoints of the lane's tasks and locks: neither lane nor tracker reads them.
  '            bash-1040    [000] d..1.    49.339897: lock_contended: 0000000084e37380 &mm->mmap_lock',
  '    kworker/2:1H-2064    [001] .....    49.339897: lock_acquired: 0000000084e37382 &dev->lock',
  '     kworker/1:0-25      [001] d..1.    49.339896: sched_process_free: comm=kworker/2:1H pid=2064 prio=120',
  'CPU:2 [LOST 17 EVENTS]',
  '##### CPU 3 buffer started ####',
  '# tracer: nop',
  '',
  ' 1)   0.311 us    |  /* lock_acquire: 0000000084e3738a &mm->mmap_lock */',
  'lock_acquire: 0000000084e3738a &mm->mmap_lock',
  'garbage that is no ftrace line',
);

/** A plain lock line and a kernel stack trace of its task: the stack belongs to its event. */
const lockLineWithStack = plainLockLine.map(
  (line) => `${line}\n${line.slice(0, line.indexOf(': lock_'))}: <stack trace>\n => lock_acquire+0xd4/0x2f0\n => down_read+0x44/0x150`,
);

const traceLines = fc.array(
  fc.oneof({ weight: 6, arbitrary: plainLockLine }, { weight: 3, arbitrary: lockLine }, { weight: 2, arbitrary: noiseLine }, { weight: 1, arbitrary: lockLineWithStack }),
  {
    minLength: 1,
    maxLength: 40,
  },
);

describe('ftrace byte lane: same events, lines and errors as the general path', () => {
  test.prop([traceLines, fc.array(fc.nat(), { maxLength: 4 }), fc.boolean(), fc.boolean()], { numRuns: 600 })(
    'generated traces, any block cuts, with and without class types',
    (lines, cuts, typed, finalNewline) => {
      const text = lines.join('\n') + (finalNewline ? '\n' : '');
      const classTypes = typed ? CLASS_TYPES : undefined;
      expect(lanePath(text, cuts, classTypes)).toEqual(generalPath(text, classTypes));
    },
  );

  test.prop([lockLine], { numRuns: 1500 })('any single line after a plain acquisition of the same lock', (line) => {
    const text = `            bash-1040    [004] .....    49.339891: lock_acquire: 0000000084e3738a read &mm->mmap_lock\n${line}\n`;
    expect(lanePath(text, [])).toEqual(generalPath(text));
  });
});

describe('ftrace byte lane: class names longer than the address table keeps', () => {
  vitest('a class that changes at an address only past the bytes kept in its slot is declared again', () => {
    const work = '(work_completion)(&(&wb->dwork)->work)';
    const wait = '(work_completion)(&(&wb->dwork)->wait)';
    expect(work.slice(0, NAME_BYTES)).toBe(wait.slice(0, NAME_BYTES));
    expect(work.length).toBe(wait.length);
    const line = (event: string, cls: string) => `            bash-1040    [004] .....    49.339891: ${event}: 0000000084e3738a ${cls}`;
    const text = `${[line('lock_acquire', work), line('lock_release', work), line('lock_acquire', wait), line('lock_release', wait), line('lock_acquire', work)].join('\n')}\n`;
    const lane = lanePath(text, []);
    expect(lane).toEqual(generalPath(text));
    expect(lane.delivered.flatMap(({ event }) => (event.op === 'init' ? [event.class] : []))).toEqual([work, wait, work]);
  });
});

describe('ftrace byte lane: the task prefix it keeps per pid', () => {
  vitest('a line with the prefix of a task that exited starts a new task (held locks and irq state start over)', () => {
    const prefix = '    kworker/2:1H-2064    [001] d..1.    49.3398';
    const text = [
      `${prefix}90: lock_acquire: 0000000084e37382 &dev->lock`,
      '     kworker/1:0-25      [001] d..1.    49.339896: sched_process_free: comm=kworker/2:1H pid=2064 prio=120',
      `${prefix}97: lock_release: 0000000084e37382 &dev->lock`,
      `${prefix}98: lock_acquire: 0000000084e37382 &dev->lock`,
      '',
    ].join('\n');
    const lane = lanePath(text, []);
    expect(lane).toEqual(generalPath(text));
    expect(lane.delivered.map(({ event, line }) => `${line} ${event.op}${event.op === 'irq' ? ` ${event.action}` : ''} ${'task' in event ? event.task : ''}`)).toEqual([
      '1 irq disable kworker/2:1H/2064',
      '1 init ',
      '1 acquire kworker/2:1H/2064',
      '2 irq disable kworker/1:0/25',
      '2 exit kworker/2:1H/2064',
      // The new task's first line: irqs off again; its release is of a lock it was not seen taking.
      '3 irq disable kworker/2:1H/2064',
      '4 acquire kworker/2:1H/2064',
    ]);
  });

  vitest('a pid in the slot of another (1040 and 2064) or on another CPU reads as its own task', () => {
    const text = [
      '            bash-1040    [000] .....    49.339890: lock_acquire: 0000000084e37380 &mm->mmap_lock',
      '    kworker/2:1H-2064    [000] .....    49.339891: lock_acquire: 0000000084e37381 tasklist_lock',
      '            bash-1040    [001] .....    49.339892: lock_release: 0000000084e37380 &mm->mmap_lock',
      '    kworker/2:1H-2064    [000] .....    49.339893: lock_release: 0000000084e37381 tasklist_lock',
      '            bash-1040    [001] .....    49.339894: lock_release: 0000000084e37380 &mm->mmap_lock',
      '',
    ].join('\n');
    const lane = lanePath(text, []);
    expect(lane).toEqual(generalPath(text));
    expect(lane.delivered.filter(({ event }) => event.op === 'acquire' || event.op === 'release').map(({ event, line }) => `${line} ${event.op} ${'task' in event ? event.task : ''}`)).toEqual([
      '1 acquire bash/1040',
      '2 acquire kworker/2:1H/2064',
      '3 release bash/1040',
      '4 release kworker/2:1H/2064',
    ]);
  });
});

describe('ftrace byte lane: timestamps', () => {
  const digits = (min: number, max: number) => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: min, maxLength: max }).map((d) => d.join(''));
  test.prop([digits(1, 10), digits(1, 10)], { numRuns: 500 })('an event that keeps its ts (a stack follows) has Number() of the printed timestamp', (whole, fraction) => {
    const ts = `${whole}.${fraction}`;
    const prefix = `            bash-1040    [004] .....  ${ts}:`;
    const text = `${prefix} lock_acquire: 0000000084e3738a &mm->mmap_lock\n${prefix} <stack trace>\n => down_read+0x44/0x150\n`;
    const events: TraceEvent[] = [];
    const parser = new FtraceParser({ file: 'ts.txt', fast: recordingEntrance([]) }, (event) => events.push(event));
    const bytes = Buffer.from(text, 'latin1');
    // The lane reads each part as a small integer: up to 9 digits each, 15 in all.
    expect(laneTakes(text.slice(0, text.indexOf('\n')))).toBe(whole.length <= 9 && fraction.length <= 9 && whole.length + fraction.length <= 15);
    parser.block(bytes, bytes.length);
    parser.end();
    expect(events).toEqual([{ op: 'acquire', task: 'bash/1040', lock: '0000000084e3738a', ts: Number(ts), stack: ['down_read+0x44/0x150'] }]);
  });
});

// ─── what the lane takes ───────────────────────────────────────────────────────────────────

/** Whether the lane takes `line` (returns where the next line starts), on a fresh tracker. */
function laneTakes(line: string): boolean {
  const tracker = new KernelLockTracker({ file: 'x', fast: recordingEntrance([]) }, () => undefined);
  const bytes = Buffer.from(`${line}\n`, 'utf8');
  return new FtraceFastLane(tracker).line(bytes, 0, bytes.length, 1) === bytes.length;
}

describe('ftrace byte lane: what it takes', () => {
  vitest.each([
    '            bash-1040    [004] .....    49.339891: lock_acquire: 0000000084e3738a read &mm->mmap_lock',
    '         chronyd-544     [006] ...1.   110.216644: lock_release: 000000003660b68f rcu_read_lock_trace',
    ' systemd-journal-435     [006] ....1    63.884926: lock_acquire: 00000000501e1144 try read &mm->mmap_lock',
    '     jbd2/sda1-8-245     [001] d..2.     7.000001: lock_acquire: 00000000501e1144 try &journal->j_state_lock',
    '  <idle>-7 [1] dNH2.  5: lock_release: abcd (&timer)',
    `            bash-1040    [004] .....    49.339891: lock_acquire: 0000000084e3738a &${'x'.repeat(300)}->lock`,
  ])('takes %s', (line) => {
    expect(laneTakes(line)).toBe(true);
  });

  vitest.each([
    ['idle task (keyed by CPU)', '          <idle>-0       [001] d.s3. 20803.501685: lock_acquire: 0000000008b91ab4 &sg_policy->update_lock'],
    ['NMI context', '            bash-1040    [004] d.Z1.    49.339891: lock_acquire: 0000000084e3738a &mm->mmap_lock'],
    ['console stamp', '[ 1295.168496]    <...>-67423  [010] d.h1. 382171.111: lock_acquire: ffffffff81c5c940 read rcu_read_lock'],
    ['latency layout', '   sleep-1903    2...ffffffff   743.721748: lock_release:         0xffffffffb1a2f428 trace_types_lock'],
    ['tgid column', '            bash-1040    (1040) [004] .....    49.339891: lock_acquire: 0000000084e3738a &mm->mmap_lock'],
    ['no flags column', '            bash-1040    [004]    49.339891: lock_acquire: 0000000084e3738a &mm->mmap_lock'],
    ['uppercase address', '            bash-1040    [004] .....    49.339891: lock_acquire: 0000000084E3738A &mm->mmap_lock'],
    ['no address', '            bash-1040    [004] .....    49.339891: lock_acquire: &mm->mmap_lock'],
    ['raw fields', '            bash-1040    [004] .....    49.339891: lock_acquire: flags=2 name=&mm->mmap_lock lockdep_addr=0x1'],
    ['other event', '            bash-1040    [004] .....    49.339891: lock_acquired: 0000000084e3738a &mm->mmap_lock'],
    ['non-ASCII class', '            bash-1040    [004] .....    49.339891: lock_acquire: 0000000084e3738a &m\u00fc->lock'],
    ['empty class (an error, the general path says which)', '            bash-1040    [004] .....    49.339891: lock_acquire: 0000000084e3738a read '],
  ])('declines: %s', (_why, line) => {
    expect(laneTakes(line)).toBe(false);
  });
});

describe('ftrace byte lane: the entrance of a lock\'s first sight', () => {
  const lines = [
    '            bash-1040    [004] .....    49.339891: lock_acquire: 0000000084e3738a &mm->mmap_lock',
    '            bash-1040    [004] .....    49.339892: lock_release: 0000000084e3738a &mm->mmap_lock',
    '            bash-1040    [004] .....    49.339893: lock_acquire: 0000000084e3738a read &mm->mmap_lock',
  ];
  /** Feeds `lines` through the lane and the tracker; returns the entrance's calls, in order. */
  function entranceCalls(withById: boolean): string[] {
    const delivered: Delivered[] = [];
    const entrance = recordingEntrance(delivered);
    const calls: string[] = [];
    const acquireAt = entrance.acquireAt.bind(entrance);
    const idOf = (value: RecordedHandle | string): string => (typeof value === 'string' ? `id ${value}` : `handle ${value.id}`);
    entrance.acquireAt = (task, lock, ...rest) => {
      calls.push(`acquireAt ${idOf(lock)}`);
      acquireAt(task, lock, ...rest);
    };
    if (withById) entrance.acquireByIdAt = (_task, lock) => void calls.push(`acquireByIdAt id ${lock}`);
    const tracker = new KernelLockTracker({ file: 'x', fast: entrance }, () => undefined);
    const lane = new FtraceFastLane(tracker);
    const bytes = Buffer.from(`${lines.join('\n')}\n`, 'utf8');
    for (let at = 0, lineNo = 1; at < bytes.length; lineNo++) at = lane.line(bytes, at, bytes.length, lineNo);
    tracker.end();
    return calls;
  }

  vitest('goes by id to the sink\'s acquireByIdAt when it has one, later acquisitions pass the handle', () => {
    expect(entranceCalls(true)).toEqual(['acquireByIdAt id 0000000084e3738a', 'acquireAt handle 0000000084e3738a']);
  });

  vitest('goes by id through acquireAt for a sink without acquireByIdAt', () => {
    expect(entranceCalls(false)).toEqual(['acquireAt id 0000000084e3738a', 'acquireAt handle 0000000084e3738a']);
  });
});

// ─── whole checks ──────────────────────────────────────────────────────────────────────────

type Outcome = { result: unknown; snapshot: unknown; warnings: string[] } | { error: string };

/** `lockdep check` as it runs: the lane and the fast entrance on. */
async function checkWithLane(path: string, classTypes?: ReadonlyMap<string, LockType>): Promise<Outcome> {
  let snapshot: unknown;
  const warnings: string[] = [];
  try {
    const result = await checkTrace(path, {
      inputFormat: 'ftrace',
      ...(classTypes ? { classTypes } : {}),
      onSnapshot: (s) => (snapshot = s),
      onInputWarning: (message, origin) => warnings.push(`${origin.line}: ${message}`),
    });
    return { result, snapshot, warnings };
  } catch (error) {
    if (!isInputError(error)) throw error;
    return { error: String(error) };
  }
}

/** The same check with every event through `Validator.process`, lines decoded one by one. */
function checkByEvents(path: string, classTypes?: ReadonlyMap<string, LockType>): Outcome {
  const validator = new Validator({ file: path });
  const warnings: string[] = [];
  const parser = new FtraceParser(
    { file: path, ...(classTypes ? { classTypes } : {}), onWarning: (message: string, origin: EventOrigin) => warnings.push(`${origin.line}: ${message}`) },
    (event, origin) => validator.process(event, origin),
  );
  try {
    forEachLine(path, (text, lineNo) => parser.line(text, lineNo));
    parser.end();
  } catch (error) {
    if (!isInputError(error)) throw error;
    return { error: String(error) };
  }
  validator.end();
  return { result: validator.result(), snapshot: validator.snapshot([path]), warnings };
}

function traceFile(text: string): string {
  const path = join(dir, `t${fileCount++}.txt`);
  writeFileSync(path, text);
  return path;
}

describe('ftrace byte lane: whole checks', () => {
  test.prop([traceLines, fc.boolean()], { numRuns: 150 })('generated traces: same findings, summary, graph, warnings and errors', async (lines, typed) => {
    const path = traceFile(`${lines.join('\n')}\n`);
    const classTypes = typed ? CLASS_TYPES : undefined;
    expect(await checkWithLane(path, classTypes)).toEqual(checkByEvents(path, classTypes));
  });

  const files = [...readdirSync(REAL).map((name) => join(REAL, name)), ...readdirSync(FIXTURES).filter((name) => name.startsWith('ftrace-')).map((name) => join(FIXTURES, name))];
  vitest.each(files)('%s', async (path) => {
    for (const classTypes of [undefined, CLASS_TYPES]) {
      expect(await checkWithLane(path, classTypes)).toEqual(checkByEvents(path, classTypes));
    }
  });

  vitest('a trace whose lock lines all take the lane finds its ABBA cycle', async () => {
    const lines = [
      '            bash-1040    [004] .....    49.339891: lock_acquire: 0000000084e3738a &a->lock',
      '            bash-1040    [004] .....    49.339892: lock_acquire: 00000000f5b22878 &b->lock',
      '            bash-1040    [004] .....    49.339893: lock_release: 00000000f5b22878 &b->lock',
      '            bash-1040    [004] .....    49.339894: lock_release: 0000000084e3738a &a->lock',
      ' systemd-journal-435     [001] d..1.    49.339895: lock_acquire: 00000000f5b22878 &b->lock',
      ' systemd-journal-435     [001] d..1.    49.339896: lock_acquire: 0000000084e3738a &a->lock',
    ];
    expect(lines.every(laneTakes)).toBe(true);
    const path = traceFile(`${lines.join('\n')}\n`);
    const outcome = await checkWithLane(path);
    expect(outcome).toEqual(checkByEvents(path));
    expect('result' in outcome && (outcome.result as { violations: { kind: string }[] }).violations.map((v) => v.kind)).toEqual(['circular-dependency']);
  });

  vitest('the bench workload (bench/ftrace-render.js): every lock line takes the lane, and the check finds its one ABBA', async () => {
    const path = join(dir, 'bench.ftrace');
    const generator = pathToFileURL(join(import.meta.dirname, '..', '..', 'bench', 'generate.js')).href;
    const params = JSON.stringify({ kind: 'lock', events: 3000, classes: 200, tasks: 8, seed: 7, format: 'ftrace' });
    execFileSync(process.execPath, ['--input-type=module', '-e', `const { writeWorkload } = await import(${JSON.stringify(generator)}); writeWorkload(${JSON.stringify(path)}, ${params});`], { timeout: 60_000 });
    const lines = readFileSync(path, 'utf8').split('\n').filter((line) => line !== '');
    const events = lines.filter((line) => !line.startsWith('#'));
    expect(events).toHaveLength(3000);
    expect(events.filter((line) => !laneTakes(line))).toEqual([]);
    expect(events.some((line) => line.includes(': lock_acquire: ') && line.includes(' try read '))).toBe(true);
    expect(events.some((line) => / d\.\.[0-9a-f]\. /.test(line))).toBe(true);
    const outcome = await checkWithLane(path);
    expect(outcome).toEqual(checkByEvents(path));
    expect('result' in outcome && (outcome.result as { violations: { kind: string }[] }).violations.map((v) => v.kind)).toEqual(['circular-dependency']);
  });
});
