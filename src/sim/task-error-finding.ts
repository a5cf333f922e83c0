/**
 * The `task-error` finding: a simulation task's function threw (or its exit did). A run whose
 * tasks fail did not show what the program does, so the finding has error severity and goes
 * through the same path as every other finding: the validator's list (deduplicated), the
 * reports and the CLI's exit policy.
 * Invariants: the message is one line naming the task and the error; the fingerprint depends on
 * the task name and the error's name and message only (never on stacks, paths or times).
 */
import type { Finding, HeldLockRef } from '../engine/finding.js';
import { fingerprintOf } from '../engine/fingerprint.js';

/** `Error: message` for an Error (its name and message), else the value as a string; one line. */
export function thrownText(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.replace(/\s*\n\s*/g, '; ').trim();
}

/** The finding for `error`, thrown by the function of `task` while it held `held`. */
export function taskErrorFinding(task: string, error: unknown, held: HeldLockRef[]): Finding {
  const text = thrownText(error);
  return {
    kind: 'task-error',
    rule: null,
    severity: 'error',
    fingerprint: fingerprintOf('task-error', null, [], [task, text]),
    message: `task ${task} threw ${text}`,
    classes: [],
    events: [],
    task,
    held,
  };
}
