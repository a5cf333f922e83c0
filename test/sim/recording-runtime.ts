/**
 * Test helper: a LockdepRuntime whose emitted events are also collected in order, to assert on
 * exactly what the primitives feed the validator (and the recorder).
 */
import { LockdepRuntime } from '../../src/index.js';
import type { LockdepRuntimeOptions, TraceEvent } from '../../src/index.js';

export function recordingRuntime(options: LockdepRuntimeOptions = {}): { rt: LockdepRuntime; events: TraceEvent[] } {
  const rt = new LockdepRuntime(options);
  const events: TraceEvent[] = [];
  const emit = rt.emit.bind(rt);
  rt.emit = (event: TraceEvent) => {
    events.push(event);
    emit(event);
  };
  return { rt, events };
}
