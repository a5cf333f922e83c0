/**
 * Atomic file writes: the content goes to a temporary file in the same directory, which is then
 * renamed over the target, so a reader (or a crash) never sees a half-written report, baseline
 * or graph. Invariant: on failure the temporary file is removed and an InputError names the
 * target file; temporaries not yet renamed are tracked (events/temp-files.ts), so an
 * interrupted run (SIGINT, see main.ts) removes them and leaves every target as it was.
 */
import { rename, unlink, writeFile } from 'node:fs/promises';
import { InputError, writeFailureReason } from '../events/input-error.js';
import { settleTemporary, tempPathFor } from '../events/temp-files.js';

export async function writeFileAtomic(file: string, content: string): Promise<void> {
  const temporary = tempPathFor(file);
  try {
    await writeFile(temporary, content, { flag: 'wx' });
    await rename(temporary, file);
    settleTemporary(temporary);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    settleTemporary(temporary);
    throw new InputError(`cannot write output: ${writeFailureReason(error)} (choose another path)`, { file });
  }
}
