/**
 * The default runtime: the LockdepRuntime that locks made without one report to (the
 * `lockdep/async-mutex` drop-in). Created on first use with the nearest `lockdep.config.yaml`,
 * and with stacks (each event's `file:line`) when `LOCKDEP_STACKS=1`.
 * Whoever installs a runtime with `setDefaultRuntime` (`lockdep run`, a test) reports it; a
 * runtime created here is reported when the process exits: its findings on stderr (the text
 * report) and exit code 1 when one has error severity (unless the exit code is already
 * non-zero). The exit report is off inside vitest (`VITEST` set: use the `lockdep/testing`
 * helpers) and with `LOCKDEP_REPORT=off`.
 * Invariant: the slot lives on `globalThis` under a registered symbol, so every copy of the
 * package loaded in one process (built and source, ESM and CJS) shares one default runtime.
 */
import { renderText } from '../report/text.js';
import { LockdepRuntime } from './runtime.js';

interface DefaultRuntimeSlot {
  runtime: LockdepRuntime | null;
}

const SLOT = Symbol.for('lockdep.defaultRuntime');

function slot(): DefaultRuntimeSlot {
  const holder = globalThis as unknown as Record<symbol, DefaultRuntimeSlot | undefined>;
  return (holder[SLOT] ??= { runtime: null });
}

/** The default runtime, created on first use (config discovery, exit report). */
export function defaultRuntime(): LockdepRuntime {
  const current = slot();
  if (current.runtime === null) {
    const runtime = new LockdepRuntime({ config: true, name: '<process>', stacks: process.env['LOCKDEP_STACKS'] === '1' });
    current.runtime = runtime;
    if (process.env['VITEST'] === undefined && process.env['LOCKDEP_REPORT'] !== 'off') {
      process.once('exit', () => reportAtExit(runtime));
    }
  }
  return current.runtime;
}

/**
 * Makes `runtime` the default (locks created from now on report to it); `null` drops the
 * current one, so the next lock gets a fresh default runtime. Returns the previous one.
 */
export function setDefaultRuntime(runtime: LockdepRuntime | null): LockdepRuntime | null {
  const current = slot();
  const previous = current.runtime;
  current.runtime = runtime;
  return previous;
}

/** Ends the run synchronously (the process is exiting) and prints its findings. */
function reportAtExit(runtime: LockdepRuntime): void {
  if (slot().runtime !== runtime || runtime.ended || runtime.validator === null) return;
  if (runtime.hasAsyncContext) runtime.context.closeImplicit();
  runtime.validator.end();
  const result = runtime.validator.result();
  if (result.violations.length === 0) return;
  process.stderr.write(renderText(result, { color: false }));
  const failed = result.violations.some((finding) => finding.severity === 'error');
  if (failed && (process.exitCode === undefined || process.exitCode === 0)) process.exitCode = 1;
}
