/**
 * Temporary files for atomic writes: every output (reports, baselines, saved graphs, recorded and
 * converted traces) is written to a temporary file next to its target and renamed over it.
 * Owns the temporaries' names and the list of those not yet settled (renamed or deleted), so an
 * interrupted run (SIGINT, see cli/main.ts) removes them and leaves every target as it was.
 */
import { randomBytes } from 'node:crypto';
import { unlinkSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

const pendingTemporaries = new Set<string>();

/**
 * A fresh temporary-file name next to `path` (hidden, with the pid and random bytes, so the final
 * rename stays on one file system), tracked until `settleTemporary`.
 */
export function tempPathFor(path: string): string {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  pendingTemporaries.add(temporary);
  return temporary;
}

/** The temporary was renamed into place or deleted: nothing to clean up any more. */
export function settleTemporary(temporary: string): void {
  pendingTemporaries.delete(temporary);
}

/** Removes the temporaries of writes still in flight (synchronously: called on SIGINT). */
export function removePendingTemporaries(): void {
  for (const temporary of pendingTemporaries) {
    try {
      unlinkSync(temporary);
    } catch {
      // already renamed or never created
    }
  }
  pendingTemporaries.clear();
}
