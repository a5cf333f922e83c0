/**
 * Test helper: a tiny DSL for building event lists and running them through a fresh Validator.
 */
import type { LockMode, LockType, TraceEvent } from '../../src/events/event.js';
import type { Finding } from '../../src/engine/finding.js';
import { Validator, type ValidatorOptions } from '../../src/engine/validator.js';

export const init = (lock: string, type: LockType, cls?: string): TraceEvent => ({ op: 'init', lock, type, ...(cls ? { class: cls } : {}) });
export const acq = (task: string, lock: string, mode?: LockMode, extra: Partial<Extract<TraceEvent, { op: 'acquire' }>> = {}): TraceEvent => ({
  op: 'acquire', task, lock, ...(mode ? { mode } : {}), ...extra,
});
export const rel = (task: string, lock: string): TraceEvent => ({ op: 'release', task, lock });
export const irq = (task: string, kind: 'hardirq' | 'softirq', action: 'enter' | 'exit' | 'disable' | 'enable'): TraceEvent => ({ op: 'irq', task, kind, action });
/** L(a) L(b) U(b) U(a). */
export const lu2 = (task: string, a: string, b: string, ma?: LockMode, mb?: LockMode): TraceEvent[] => [acq(task, a, ma), acq(task, b, mb), rel(task, b), rel(task, a)];

export function check(events: readonly TraceEvent[], options: ValidatorOptions = {}): Finding[] {
  const v = new Validator({ file: 'test.jsonl', ...options });
  events.forEach((e, i) => v.process(e, { file: 'test.jsonl', line: i + 1 }));
  v.end();
  return [...v.findings];
}

export function kinds(events: readonly TraceEvent[], options: ValidatorOptions = {}): string[] {
  return check(events, options).map((f) => f.kind);
}
