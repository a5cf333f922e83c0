/**
 * Property (issue 13, "Done when"): inserting any number of non-lock ftrace lines, of every shape
 * the kernel and trace-cmd print (function tracer calls, function_graph rows, syscall entry and
 * both exit shapes, sys_exit, trace_marker writes, user and kernel stack traces of other tasks,
 * lost-event notes, per-CPU and buffer-started headers, other tracepoints, console log lines around
 * an ftrace_dump), anywhere in an ftrace
 * trace never changes the findings (kinds and fingerprints) nor the graph's size.
 * Traces: generated lock programs (program.ts) written as ftrace text, and the ftrace fixtures,
 * real excerpts included. Noise lines belong to tasks the trace does not have (a line of a traced
 * task would carry its irq state, which is information, not noise) and are never put between an
 * event and its own stack trace (the kernel writes the two together).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { Validator } from '../../src/engine/validator.js';
import type { LockType } from '../../src/events/event.js';
import { FtraceParser } from '../../src/events/ftrace-reader.js';
import { programArbitrary, type Program } from './program.js';

const FIXTURES = join(import.meta.dirname, '..', 'importers', 'fixtures');
const REAL = join(import.meta.dirname, '..', 'fixtures', 'real', 'ftrace');
const BASE_FILES = [
  join(FIXTURES, 'ftrace-abba.txt'),
  join(FIXTURES, 'ftrace-irq.txt'),
  join(FIXTURES, 'ftrace-irqsave.txt'),
  join(FIXTURES, 'ftrace-flags.txt'),
  join(FIXTURES, 'ftrace-trace-cmd.txt'),
  join(FIXTURES, 'ftrace-function-first.txt'),
  join(REAL, 'rostedt-2025-bash-setpgid.txt'),
  join(REAL, 'rostedt-2025-journal-rt.txt'),
  join(REAL, 'leo-yan-2021-sg-policy-softirq.txt'),
  join(REAL, 'rostedt-2021-trace-cmd-report-l.txt'),
];
const CLASS_TYPES = new Map<string, LockType>([
  ['&dev->lock', 'spinlock'],
  ['tasklist_lock', 'rwlock'],
  ['&mm->mmap_lock', 'rwsem'],
]);

/**
 * The program's acquisitions and releases as ftrace text: task `T<i>` is `t<i>-<100+i>` on CPU i,
 * irqs on, no stacks; each instance has its own address. Steps ftrace cannot carry here (irq
 * context changes, subclasses, nest locks, free, exit) are left out: the property compares a text
 * with itself plus noise, so any well-formed text will do.
 */
function programFtrace(program: Program): string[] {
  const classOf = new Map<string, string>();
  const addressOf = new Map<string, string>();
  const lines: string[] = [];
  for (const event of program.events) {
    if (event.op === 'init') {
      classOf.set(String(event.lock), event.class ?? String(event.lock));
      addressOf.set(String(event.lock), (0xa000 + addressOf.size).toString(16).padStart(16, '0'));
      continue;
    }
    if (event.op !== 'acquire' && event.op !== 'release') continue;
    const task = Number(String(event.task).slice(1));
    const prefix = `           t${task}-${100 + task}    [00${task}] .....   ${(1 + lines.length / 1000).toFixed(6)}:`;
    const addr = addressOf.get(String(event.lock))!;
    const cls = classOf.get(String(event.lock))!;
    if (event.op === 'release') {
      lines.push(`${prefix} lock_release: ${addr} ${cls}`);
      continue;
    }
    const read = (event.mode ?? 'write') === 'write' ? '' : 'read ';
    lines.push(`${prefix} lock_acquire: ${addr} ${event.try === true ? 'try ' : ''}${read}${cls}`);
  }
  return lines;
}

const noisePid = fc.integer({ min: 20000, max: 29999 });
const cpu = fc.integer({ min: 0, max: 7 }).map((n) => String(n).padStart(3, '0'));
const flags = fc.constantFrom('.....', 'd..1.', '..s1.', 'd.h2.', 'D..1.', '....1', 'dN.2.', 'X....');
const symbol = fc.constantFrom('do_raw_spin_lock', 'lock_acquire', '_raw_spin_lock_irqsave', 'mutex_lock_nested', 'rcu_read_lock_held');
const prefixOf = (pid: number, cpuText: string, flagText: string): string => `       noise-${pid}   [${cpuText}] ${flagText}  5.000001:`;

/** One block of non-lock lines, as the kernel or trace-cmd prints them. */
const noiseBlock: fc.Arbitrary<string[]> = fc.oneof(
  fc.tuple(noisePid, cpu, flags, symbol, symbol).map(([pid, c, f, a, b]) => [`${prefixOf(pid, c, f)} ${a} <-${b}`]),
  fc.tuple(noisePid, cpu, flags).map(([pid, c, f]) => [`${prefixOf(pid, c, f)} sys_setpgid(pid: 0, pgid: 0)`]),
  fc.tuple(noisePid, cpu, flags).map(([pid, c, f]) => [`${prefixOf(pid, c, f)} sys_setpgid -> 0x0`]),
  fc.tuple(noisePid, cpu, flags).map(([pid, c, f]) => [`${prefixOf(pid, c, f)} sys_exit: NR 109 = 0`]),
  fc.tuple(noisePid, cpu, flags, fc.string({ maxLength: 30 })).map(([pid, c, f, text]) => [`${prefixOf(pid, c, f)} tracing_mark_write: ${text.replace(/[\r\n]/g, ' ')}`]),
  fc.tuple(noisePid, cpu, flags).map(([pid, c, f]) => [`${prefixOf(pid, c, f)} sched_switch: prev_comm=noise prev_pid=${pid} prev_prio=120 prev_state=S ==> next_comm=swapper/1 next_pid=0 next_prio=120`]),
  fc.tuple(noisePid, cpu, flags, fc.array(symbol, { maxLength: 4 })).map(([pid, c, f, frames]) => [`${prefixOf(pid, c, f)} <stack trace>`, ...frames.map((s) => ` => ${s}`)]),
  fc.tuple(noisePid, cpu, flags, fc.array(fc.integer({ min: 0x400000, max: 0x7fffffff }), { maxLength: 3 })).map(([pid, c, f, ips]) => [
    `${prefixOf(pid, c, f)} <user stack trace>`,
    ...ips.map((ip) => ` =>  <${ip.toString(16).padStart(16, '0')}>`),
  ]),
  fc.tuple(fc.integer({ min: 0, max: 7 }), fc.constantFrom('0.311 us', '12.870 us', '')).map(([c, duration]) => [` ${c})   ${duration.padEnd(10)}|  do_raw_spin_lock();`]),
  fc.integer({ min: 0, max: 7 }).map((c) => [`##### CPU ${c} buffer started ####`]),
  fc.integer({ min: 0, max: 7 }).map((c) => [`CPU ${c} is empty`]),
  fc.tuple(fc.integer({ min: 0, max: 7 }), fc.integer({ min: 1, max: 9999 })).map(([c, n]) => [`CPU:${c} [LOST ${n} EVENTS]`]),
  fc.constant<string[]>(['# tracer: nop', '#']),
  fc.constantFrom('Lost 4890096 message(s)!', '---[ end Kernel panic - not syncing: Hard LOCKUP', 'Call Trace:').map((text) => [`[ 1296.805063] ${text}`]),
);

interface Outcome {
  findings: string[];
  classes: number;
  dependencies: number;
}

function check(lines: readonly string[]): Outcome {
  const validator = new Validator({ file: 'noise.txt' });
  const parser = new FtraceParser({ file: 'noise.txt', classTypes: CLASS_TYPES, onWarning: () => undefined }, (event, origin) => validator.process(event, origin));
  lines.forEach((line, i) => parser.line(line, i + 1));
  parser.end();
  validator.end();
  const result = validator.result();
  return {
    findings: result.violations.map((v) => `${v.kind} ${v.fingerprint}`).sort(),
    classes: result.summary.classes,
    dependencies: result.summary.dependencies,
  };
}

/** Inserts the blocks before the given lines, never right before a stack line (frame or header). */
function withNoise(lines: readonly string[], inserts: readonly (readonly [number, readonly string[]])[]): string[] {
  const before = new Map<number, string[]>();
  const allowed = lines.map((_, i) => i).filter((i) => !/^\s*=>|<stack trace>|<user stack trace>/.test(lines[i] ?? ''));
  allowed.push(lines.length);
  for (const [at, block] of inserts) {
    const position = allowed[at % allowed.length]!;
    before.set(position, [...(before.get(position) ?? []), ...block]);
  }
  const out: string[] = [];
  lines.forEach((line, i) => out.push(...(before.get(i) ?? []), line));
  out.push(...(before.get(lines.length) ?? []));
  return out;
}

const inserts = fc.array(fc.tuple(fc.nat(), noiseBlock), { maxLength: 25 });

describe('ftrace: non-lock lines never change the findings', () => {
  test.prop([programArbitrary, inserts], { numRuns: 300 })('generated lock programs', (program, noise) => {
    const lines = programFtrace(program);
    expect(check(withNoise(lines, noise))).toEqual(check(lines));
  });

  test.prop([fc.constantFrom(...BASE_FILES), inserts], { numRuns: 200 })('ftrace fixtures and real excerpts', (file, noise) => {
    const lines = readFileSync(file, 'utf8').split('\n');
    expect(check(withNoise(lines, noise))).toEqual(check(lines));
  });
});
