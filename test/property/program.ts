/**
 * Random lock programs for the oracle property test: up to 6 classes (one lock instance each,
 * type rwlock) and 3 tasks, each task acquiring (write, read, recursive-read; blocking or
 * trylock) and releasing (in any order) on an interleaved schedule. All in process context
 * with irqs enabled, so the only finding the engine can make is a circular dependency.
 * Invariants of a normalised program: a task never acquires a class it already holds (same-class
 * recursion is the conformance suite's business) and only releases what it holds.
 */
import { fc } from '@fast-check/vitest';
import type { LockMode, TraceEvent } from '../../src/events/event.js';

export const MAX_CLASSES = 6;
export const MAX_TASKS = 3;
export const MODES: readonly LockMode[] = ['write', 'read', 'recursive-read'];

export interface AcquireOp {
  op: 'acquire';
  task: number;
  cls: number;
  mode: LockMode;
  try: boolean;
}

export interface ReleaseOp {
  op: 'release';
  task: number;
  cls: number;
}

export type ProgramOp = AcquireOp | ReleaseOp;

/** A normalised program: `ops` is the schedule (the interleaving of the tasks). */
export interface Program {
  classes: number;
  tasks: number;
  ops: ProgramOp[];
}

/** One generated step before normalisation; `pick` chooses which held lock a release drops. */
export interface RawStep {
  task: number;
  acquire: boolean;
  cls: number;
  mode: LockMode;
  try: boolean;
  pick: number;
}

export interface RawProgram {
  classes: number;
  tasks: number;
  steps: RawStep[];
}

export const lockName = (cls: number): string => `L${cls}`;
export const taskName = (task: number): string => `T${task}`;

/**
 * Turns raw steps into a valid program: an acquire of a class the task holds, and a release by a
 * task that holds nothing, are dropped; a release drops the `pick`-th held lock (any order).
 */
export function normalize(raw: RawProgram): Program {
  const held: number[][] = Array.from({ length: raw.tasks }, () => []);
  const ops: ProgramOp[] = [];
  for (const step of raw.steps) {
    const task = step.task % raw.tasks;
    const stack = held[task];
    if (stack === undefined) continue;
    if (step.acquire) {
      const cls = step.cls % raw.classes;
      if (stack.includes(cls)) continue;
      stack.push(cls);
      ops.push({ op: 'acquire', task, cls, mode: step.mode, try: step.try });
    } else {
      if (stack.length === 0) continue;
      const [cls] = stack.splice(step.pick % stack.length, 1);
      if (cls === undefined) continue;
      ops.push({ op: 'release', task, cls });
    }
  }
  return { classes: raw.classes, tasks: raw.tasks, ops };
}

const rawStep: fc.Arbitrary<RawStep> = fc.record({
  task: fc.nat(MAX_TASKS - 1),
  acquire: fc.integer({ min: 0, max: 4 }).map((n) => n < 3),
  cls: fc.nat(MAX_CLASSES - 1),
  mode: fc.constantFrom(...MODES),
  try: fc.integer({ min: 0, max: 5 }).map((n) => n === 0),
  pick: fc.nat(MAX_CLASSES - 1),
});

export const rawProgramArbitrary: fc.Arbitrary<RawProgram> = fc.record({
  classes: fc.integer({ min: 2, max: MAX_CLASSES }),
  tasks: fc.integer({ min: 1, max: MAX_TASKS }),
  steps: fc.array(rawStep, { minLength: 4, maxLength: 40, size: 'max' }),
});

export const programArbitrary: fc.Arbitrary<Program> = rawProgramArbitrary.map(normalize);

/** The program as a trace of spec events: one `init` per class, then the schedule. */
export function programTrace(program: Program): TraceEvent[] {
  const events: TraceEvent[] = [];
  for (let cls = 0; cls < program.classes; cls++) {
    events.push({ op: 'init', lock: lockName(cls), class: lockName(cls), type: 'rwlock' });
  }
  for (const op of program.ops) {
    if (op.op === 'release') {
      events.push({ op: 'release', task: taskName(op.task), lock: lockName(op.cls) });
    } else {
      events.push({
        op: 'acquire',
        task: taskName(op.task),
        lock: lockName(op.cls),
        mode: op.mode,
        ...(op.try ? { try: true } : {}),
      });
    }
  }
  return events;
}

/** The trace as JSONL text, for failure messages. */
export function programText(program: Program): string {
  return programTrace(program).map((event) => JSON.stringify(event)).join('\n');
}
