/**
 * `failOnDeadlock(runtime, work)`: runs the code under test and fails at once, with lockdep's
 * deadlock report, when its tasks deadlock, instead of letting the test hang until the runner's
 * timeout. Part of the `lockdep/testing` entry; like the rest of it, independent of the runner.
 * Invariants: with `onDeadlock: 'report'` (the default) the first wait-for cycle among the
 * runtime's tasks rejects the returned promise with an AssertionError whose message is the
 * kernel-style report (the deadlocked tasks stay blocked); with `onDeadlock: 'throw'` the victim's
 * acquisition already rejects and the program goes on, so only `work`'s own outcome counts (the
 * deadlock is still a finding for `expectNoLockdepFindings`); the listener is removed once the
 * promise settles.
 */
import type { Finding } from '../engine/finding.js';
import { renderFindingText } from '../report/text.js';
import type { LockdepRuntime } from '../sim/runtime.js';

/** The AssertionError a deadlock fails a test with: its message is the whole report. */
export function deadlockAssertion(finding: Finding): Error {
  const error = new Error(`lockdep: the tasks deadlocked: ${finding.message}\n${renderFindingText(finding, { color: false })}`);
  error.name = 'AssertionError';
  return error;
}

export function failOnDeadlock<T>(runtime: LockdepRuntime, work: () => T | Promise<T>): Promise<T> {
  if (runtime.waitFor.reaction === 'throw') return Promise.resolve().then(work);
  let unsubscribe = (): void => undefined;
  const deadlocked = new Promise<never>((_resolve, reject) => {
    unsubscribe = runtime.waitFor.onDeadlock((finding) => {
      if (finding.deadlock !== undefined && finding.deadlock.cycle.length > 0) reject(deadlockAssertion(finding));
    });
  });
  return Promise.race([Promise.resolve().then(work), deadlocked]).finally(unsubscribe);
}
