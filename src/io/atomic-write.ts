/**
 * Atomic file writes: the content goes to a temporary file in the same directory, which is then
 * renamed over the target, so a reader (or a crash) never sees a half-written report, baseline
 * or graph. Several files are written all or nothing as far as the file system allows: every
 * temporary is written first, and only then are they renamed, in the order given.
 * Invariant: on failure the temporaries not yet renamed are removed and an InputError names the
 * target file; temporaries not yet renamed are tracked (temp-files.ts), so an
 * interrupted run (SIGINT, see main.ts) removes them and leaves every target as it was.
 */
import { rename, unlink, writeFile } from 'node:fs/promises';
import { InputError, writeFailureReason } from './input-error.js';
import { settleTemporary, tempPathFor } from './temp-files.js';

export interface FileContent {
  file: string;
  content: string;
}

interface StagedFile {
  file: string;
  temporary: string;
}

function writeError(error: unknown, file: string): InputError {
  return new InputError(`cannot write output: ${writeFailureReason(error)} (choose another path)`, { file });
}

async function discard(staged: readonly StagedFile[]): Promise<void> {
  for (const { temporary } of staged) {
    await unlink(temporary).catch(() => undefined);
    settleTemporary(temporary);
  }
}

/** Writes every file's temporary; when one fails, removes those already written. */
async function stageAll(files: readonly FileContent[]): Promise<StagedFile[]> {
  const staged: StagedFile[] = [];
  for (const { file, content } of files) {
    const temporary = tempPathFor(file);
    staged.push({ file, temporary });
    try {
      await writeFile(temporary, content, { flag: 'wx' });
    } catch (error) {
      await discard(staged);
      throw writeError(error, file);
    }
  }
  return staged;
}

/**
 * Writes the files atomically: all temporaries first, then the renames in the given order (put
 * the file whose replacement matters most, such as a pruned baseline, last). A failed write
 * changes no target; a failed rename leaves the files renamed before it in place.
 */
export async function writeFilesAtomic(files: readonly FileContent[]): Promise<void> {
  const staged = await stageAll(files);
  for (const [index, { file, temporary }] of staged.entries()) {
    try {
      await rename(temporary, file);
      settleTemporary(temporary);
    } catch (error) {
      await discard(staged.slice(index));
      throw writeError(error, file);
    }
  }
}

export async function writeFileAtomic(file: string, content: string): Promise<void> {
  await writeFilesAtomic([{ file, content }]);
}
