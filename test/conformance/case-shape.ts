/**
 * The shape of a conformance case: its events with every lock id, class, nest lock and task
 * replaced by the order in which it first appears. Two cases of the same shape feed the validator
 * the same thing under other names, so they test one behaviour twice; the conformance test
 * requires every shape to be unique. Everything else (ops, types, modes, irq actions, trylock,
 * subclass, order) is part of the shape.
 */
import type { TraceEvent } from '../../src/events/event.js';

const NAME_FIELDS = ['lock', 'class', 'nest', 'task'] as const;

export function eventShape(events: readonly TraceEvent[]): string {
  const names = new Map<string, number>();
  const renamed = events.map((event) => {
    const copy: Record<string, unknown> = { ...event };
    for (const field of NAME_FIELDS) {
      const value = copy[field];
      if (value === undefined) continue;
      const name = `${typeof value}:${String(value)}`;
      if (!names.has(name)) names.set(name, names.size);
      copy[field] = names.get(name);
    }
    return copy;
  });
  return JSON.stringify(renamed);
}

/** The names of the cases that share a shape, one group per shared shape (empty when all differ). */
export function sameShapeGroups(cases: ReadonlyArray<{ name: string; events: readonly TraceEvent[] }>): string[][] {
  const byShape = new Map<string, string[]>();
  for (const { name, events } of cases) {
    const shape = eventShape(events);
    byShape.set(shape, [...(byShape.get(shape) ?? []), name]);
  }
  return [...byShape.values()].filter((group) => group.length > 1);
}
