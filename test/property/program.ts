/**
 * Random lock programs for the oracle property test. 2-4 lock classes of type rwlock with one or
 * two instances each (`L0a`, `L0b` share class `L0`), 1-3 tasks, and steps on an interleaved
 * schedule: acquire (write, read, recursive-read; a trylock one in six; class L0 also as
 * subclass 1; one in eight naming a `nest` lock, held or not), release of any lock held in the
 * current irq context (out of order allowed), hardirq/softirq enter and exit (locks taken inside
 * are released before the exit) and disable/enable in process context, free (followed by a new
 * `init` of the id, as a recycled object), and task exit. A task may take a class or an instance
 * it already holds (same-class recursion). Inside an irq a `read` is taken as a recursive read,
 * as the kernel's read_lock is there.
 * Invariant of a normalized program: every release names a lock the task holds in its current
 * irq context (so no bad-unlock-balance), irq actions keep contexts properly nested, and no lock
 * sleeps (rwlocks only: no sleep-in-atomic).
 */
import { fc } from '@fast-check/vitest';
import type { LockMode, TraceEvent } from '../../src/events/event.js';
import { HeldModel } from './held-model.js';

export const MODES: readonly LockMode[] = ['write', 'read', 'recursive-read'];

export interface Program {
  /** The whole trace: one `init` per instance, then the schedule. */
  events: TraceEvent[];
}

export type StepKind = 'acquire' | 'release' | 'irq' | 'free' | 'exit';

/** One generated step before normalization; fields a kind does not use are ignored. */
export interface RawStep {
  kind: StepKind;
  task: number;
  /** The instance (an index into the program's instances). */
  lock: number;
  mode: LockMode;
  try: boolean;
  subclass: number;
  /** The instance named as `nest`, or null. */
  nest: number | null;
  hard: boolean;
  action: 'enter' | 'exit' | 'toggle';
  /** Which releasable lock a release drops. */
  pick: number;
}

export interface RawProgram {
  classes: number;
  /** Instances per class (1 or 2). */
  instances: number;
  tasks: number;
  steps: RawStep[];
}

export const taskName = (task: number): string => `T${task}`;

function instanceIds(raw: RawProgram): Array<{ lock: string; cls: string }> {
  const ids: Array<{ lock: string; cls: string }> = [];
  for (let c = 0; c < raw.classes; c++) {
    for (let i = 0; i < raw.instances; i++) ids.push({ lock: `L${c}${'ab'[i]}`, cls: `L${c}` });
  }
  return ids;
}

/** Turns raw steps into a valid program (see the invariant above): impossible steps are dropped. */
export function normalize(raw: RawProgram): Program {
  const ids = instanceIds(raw);
  const events: TraceEvent[] = [];
  const model = new HeldModel();
  const emit = (event: TraceEvent): void => {
    events.push(event);
    model.apply(event);
  };
  for (const { lock, cls } of ids) emit({ op: 'init', lock, class: cls, type: 'rwlock' });
  const releaseContext = (task: string): void => {
    for (const entry of model.releasable(model.task(task))) emit({ op: 'release', task, lock: entry.id });
  };
  for (const step of raw.steps) {
    const task = taskName(step.task % raw.tasks);
    const state = model.task(task);
    const target = ids[step.lock % ids.length]!;
    switch (step.kind) {
      case 'acquire': {
        const mode: LockMode = state.ctx !== 0 && step.mode === 'read' ? 'recursive-read' : step.mode;
        const subclass = target.cls === 'L0' ? step.subclass : 0;
        const nest = step.nest === null ? undefined : ids[step.nest % ids.length]!.lock;
        emit({
          op: 'acquire',
          task,
          lock: target.lock,
          mode,
          ...(step.try ? { try: true } : {}),
          ...(subclass !== 0 ? { subclass } : {}),
          ...(nest !== undefined ? { nest } : {}),
        });
        break;
      }
      case 'release': {
        const releasable = model.releasable(state);
        const entry = releasable[step.pick % Math.max(1, releasable.length)];
        if (entry !== undefined) emit({ op: 'release', task, lock: entry.id });
        break;
      }
      case 'irq': {
        const kind = step.hard ? 'hardirq' : 'softirq';
        if (step.action === 'enter') {
          if (step.hard ? state.hardirqDepth === 0 : state.softirqDepth === 0 && state.hardirqDepth === 0) emit({ op: 'irq', task, kind, action: 'enter' });
        } else if (step.action === 'exit') {
          if (step.hard ? state.hardirqDepth > 0 : state.softirqDepth > 0 && state.hardirqDepth === 0) {
            releaseContext(task);
            emit({ op: 'irq', task, kind, action: 'exit' });
          }
        } else if (state.ctx === 0) {
          const enabled = step.hard ? state.hardirqsEnabled : state.softirqsEnabled;
          emit({ op: 'irq', task, kind, action: enabled ? 'disable' : 'enable' });
        }
        break;
      }
      case 'free':
        emit({ op: 'free', task, lock: target.lock });
        emit({ op: 'init', lock: target.lock, class: target.cls, type: 'rwlock' });
        break;
      case 'exit':
        emit({ op: 'exit', task });
        break;
    }
  }
  return { events };
}

const rawStep: fc.Arbitrary<RawStep> = fc.record({
  kind: fc.oneof(
    ...([['acquire', 10], ['release', 6], ['irq', 4], ['free', 1], ['exit', 1]] as const).map(([kind, weight]) => ({ weight, arbitrary: fc.constant<StepKind>(kind) })),
  ),
  task: fc.nat(2),
  lock: fc.nat(7),
  mode: fc.constantFrom(...MODES),
  try: fc.integer({ min: 0, max: 5 }).map((n) => n === 0),
  subclass: fc.integer({ min: 0, max: 5 }).map((n) => (n === 0 ? 1 : 0)),
  nest: fc.tuple(fc.nat(7), fc.nat(7)).map(([dice, lock]) => (dice === 0 ? lock : null)),
  hard: fc.boolean(),
  action: fc.constantFrom<RawStep['action']>('enter', 'exit', 'toggle'),
  pick: fc.nat(7),
});

export const rawProgramArbitrary: fc.Arbitrary<RawProgram> = fc.record({
  classes: fc.integer({ min: 2, max: 4 }),
  instances: fc.integer({ min: 1, max: 2 }),
  tasks: fc.integer({ min: 1, max: 3 }),
  steps: fc.array(rawStep, { minLength: 2, maxLength: 40, size: 'max' }),
});

export const programArbitrary: fc.Arbitrary<Program> = rawProgramArbitrary.map(normalize);

/** The trace as JSONL text, for failure messages (`lockdep check` runs it as is). */
export function programText(program: Program): string {
  return program.events.map((event) => JSON.stringify(event)).join('\n');
}
