/**
 * Atomic file writes: the content goes to a temporary file in the same directory, which is then
 * renamed over the target, so a reader (or a crash) never sees a half-written report, baseline
 * or graph. Invariant: on failure the temporary file is removed and an InputError names the
 * target file; temporaries not yet renamed are tracked, so an interrupted run (SIGINT, see
 * main.ts) removes them and leaves every target as it was.
 */
import { unlinkSync } from 'node:fs';
import { rename, unlink, writeFile } from 'node:fs/promises';
import { InputError } from '../events/input-error.js';
import { tempPathFor } from '../events/jsonl-writer.js';

/** Temporary files written but not yet renamed over their target. */
const pendingTemporaries = new Set<string>();

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

export async function writeFileAtomic(file: string, content: string): Promise<void> {
  const temporary = tempPathFor(file);
  pendingTemporaries.add(temporary);
  try {
    await writeFile(temporary, content, { flag: 'wx' });
    await rename(temporary, file);
    pendingTemporaries.delete(temporary);
  } catch (error) {
    pendingTemporaries.delete(temporary);
    await unlink(temporary).catch(() => undefined);
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'its directory does not exist' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'EISDIR' ? 'it is a directory' : (error as Error).message;
    throw new InputError(`cannot write output: ${reason} (choose another path)`, { file });
  }
}
