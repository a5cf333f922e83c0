/**
 * The kernel-trace importers on real excerpts (test/fixtures/real/ftrace and perf, sources in
 * test/fixtures/real/README.md): each is detected as ftrace, read without an input error, and
 * checked in-process to the exit code its content says, with the classes, dependencies and
 * skip warnings read off the excerpt by hand. The rcu_read_lock_trace excerpts are the ones
 * that recorded a false `rcu_read_lock_trace -> &mm->mmap_lock` before that map was known to be
 * unvalidated.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkTrace } from '../../src/check/check-trace.js';
import { exitCodeFor } from '../../src/cli/exit-code.js';
import type { GraphSnapshot } from '../../src/engine/snapshot.js';
import { detectFormatOfFile } from '../../src/events/detect-format.js';

const REAL = join(import.meta.dirname, '..', 'fixtures', 'real', 'ftrace');

interface Expected {
  file: string;
  exit: 0 | 1;
  classes: string[];
  dependencies: string[];
  tasks: number;
  /** The end-of-input skip notes, as `line: count kind`. */
  skips: string[];
}

const SAMPLES: Expected[] = [
  {
    file: 'rostedt-2025-chronyd-rcu-trace.txt',
    exit: 0,
    classes: ['&mm->mmap_lock'],
    dependencies: [],
    tasks: 1,
    skips: ['1: 1 lock_release of locks the task was not seen taking', '2: 2 lock events of RCU read-side maps'],
  },
  {
    file: 'rostedt-2025-journal-rt.txt',
    exit: 0,
    classes: ['&mm->mmap_lock'],
    dependencies: [],
    tasks: 1,
    skips: ['1: 1 lock_release of locks the task was not seen taking', '5: 2 lock events of RCU read-side maps'],
  },
  {
    file: 'rostedt-2025-bash-setpgid.txt',
    exit: 0,
    classes: ['&mm->mmap_lock'],
    dependencies: [],
    tasks: 1,
    skips: ['1: 1 lock_release of locks the task was not seen taking', '3: 3 lock events of RCU read-side maps'],
  },
  {
    file: 'rostedt-2021-trace-cmd-report-l.txt',
    exit: 0,
    classes: [],
    dependencies: [],
    tasks: 1,
    skips: ['1: 3 lock_releases of locks the task was not seen taking'],
  },
  { file: 'leo-yan-2021-sg-policy-softirq.txt', exit: 0, classes: ['&sg_policy->update_lock'], dependencies: [], tasks: 1, skips: [] },
  { file: 'rostedt-2017-ftrace-dump-console.txt', exit: 0, classes: [], dependencies: [], tasks: 1, skips: ['3: 1 lock event of RCU read-side maps'] },
  { file: 'thelen-dumazet-2025-irqsoff-latency.txt', exit: 0, classes: [], dependencies: [], tasks: 1, skips: [] },
  { file: 'kernel-doc-ftrace-irqsoff.txt', exit: 0, classes: [], dependencies: [], tasks: 1, skips: [] },
  { file: 'kernel-doc-ftrace-annotate.txt', exit: 0, classes: [], dependencies: [], tasks: 1, skips: [] },
];

async function checkReal(file: string): Promise<{ exit: number; snapshot: GraphSnapshot; warnings: string[]; tasks: number; violations: string[] }> {
  const warnings: string[] = [];
  let snapshot: GraphSnapshot | undefined;
  const result = await checkTrace(join(REAL, file), {
    onSnapshot: (taken) => (snapshot = taken),
    onInputWarning: (message, origin) => warnings.push(`${origin.line}: ${message}`),
  });
  return { exit: exitCodeFor(result), snapshot: snapshot!, warnings, tasks: result.summary.tasks, violations: result.violations.map((v) => v.kind) };
}

describe('real ftrace / trace-cmd excerpts', () => {
  it.each(SAMPLES)('$file: detected as ftrace, read and checked as its content says', async (expected) => {
    expect(detectFormatOfFile(join(REAL, expected.file))).toBe('ftrace');
    const run = await checkReal(expected.file);
    expect(run.exit).toBe(expected.exit);
    expect(run.violations).toEqual([]);
    expect(run.snapshot.classes.map((c) => c.name).sort()).toEqual(expected.classes);
    expect(run.snapshot.dependencies.map((d) => `${d.from} -> ${d.to}`)).toEqual(expected.dependencies);
    expect(run.tasks).toBe(expected.tasks);
    // One note per kind of skipped lock event: how many, at the line of the first.
    expect(run.warnings).toHaveLength(expected.skips.length);
    expected.skips.forEach((prefix, i) => expect(run.warnings[i]?.startsWith(`${prefix} `), `${run.warnings[i]} starts with ${prefix}`).toBe(true));
  });

  it('records no rcu_read_lock_trace dependency: the kernel takes that map with check=0', async () => {
    for (const file of ['rostedt-2025-chronyd-rcu-trace.txt', 'rostedt-2025-bash-setpgid.txt', 'rostedt-2025-journal-rt.txt']) {
      const run = await checkReal(file);
      expect(run.snapshot.classes.map((c) => c.name)).not.toContain('rcu_read_lock_trace');
      expect(run.snapshot.dependencies.filter((d) => d.from === 'rcu_read_lock_trace')).toEqual([]);
    }
  });

  it('reads real perf script output of another tracepoint: detected as perf, every line skipped', async () => {
    const file = join(REAL, '..', 'perf', 'yang-jihong-2023-sched-switch.txt');
    expect(detectFormatOfFile(file)).toBe('perf');
    const result = await checkTrace(file);
    expect(exitCodeFor(result)).toBe(0);
    expect(result.summary).toMatchObject({ events: 0, classes: 0, violations: 0 });
  });

  it('reads the contention tracepoints of real perf lock record output with callchains: detected as perf, skipped', async () => {
    const file = join(REAL, '..', 'perf', 'kajol-jain-2023-contention-begin-callchain.txt');
    expect(detectFormatOfFile(file)).toBe('perf');
    const warnings: string[] = [];
    const result = await checkTrace(file, { onInputWarning: (message) => warnings.push(message) });
    expect(exitCodeFor(result)).toBe(0);
    expect(result.summary).toMatchObject({ events: 0, tasks: 0, classes: 0, violations: 0 });
    expect(warnings).toEqual([]);
  });

  it('reads trace-cmd report -l whose preempt column is printed as ffffffff: the irq flags of every line, no lock taken', async () => {
    const { readFtraceFile } = await import('../../src/events/ftrace-reader.js');
    const ops: string[] = [];
    readFtraceFile(join(REAL, 'rostedt-2021-trace-cmd-report-l.txt'), { file: 'x' }, (event) => {
      ops.push(event.op === 'irq' ? `${event.task} ${event.kind} ${event.action}` : event.op);
    });
    // Five irq_disable/irq_enable pairs print `2d..ffffffff`; the three lock_releases are of
    // locks taken before the excerpt (skipped with a warning), the rest are other events.
    expect(ops).toEqual(Array.from({ length: 5 }, () => ['sleep/1903 hardirq disable', 'sleep/1903 hardirq enable']).flat());
  });

  it('turns the flags columns of the excerpts into irq state (softirq of the idle task, irqs-off around irq_disable)', async () => {
    const { readFtraceFile } = await import('../../src/events/ftrace-reader.js');
    const ops: string[] = [];
    readFtraceFile(join(REAL, 'leo-yan-2021-sg-policy-softirq.txt'), { file: 'x' }, (event) => {
      ops.push(event.op === 'irq' ? `irq ${event.kind} ${event.action}` : event.op);
    });
    // d.s3: the idle task of CPU 1 is in a softirq (bottom halves implied off) with irqs off.
    expect(ops).toEqual(['irq softirq enter', 'irq hardirq disable', 'init', 'acquire', 'release']);
  });
});
