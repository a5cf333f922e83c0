/**
 * writeFilesAtomic: several outputs are written all or nothing. Every temporary is written
 * before any target is replaced, so a write that fails part-way changes no target and leaves
 * no temporary behind; renames follow the order given.
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeFilesAtomic } from '../../src/io/atomic-write.js';
import { InputError } from '../../src/io/input-error.js';

const dir = mkdtempSync(join(tmpdir(), 'lockdep-atomic-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const temporaries = (): string[] => readdirSync(dir).filter((name) => name.endsWith('.tmp'));

describe('writeFilesAtomic', () => {
  it('replaces every file when all writes succeed', async () => {
    const report = join(dir, 'report.json');
    const baseline = join(dir, 'baseline.json');
    writeFileSync(report, 'old report');
    writeFileSync(baseline, 'old baseline');
    await writeFilesAtomic([{ file: report, content: 'new report' }, { file: baseline, content: 'new baseline' }]);
    expect(readFileSync(report, 'utf8')).toBe('new report');
    expect(readFileSync(baseline, 'utf8')).toBe('new baseline');
    expect(temporaries()).toEqual([]);
  });

  it('changes no file when a later write fails, and names the file that failed', async () => {
    const baseline = join(dir, 'kept-baseline.json');
    const unwritable = join(dir, 'missing', 'report.json');
    writeFileSync(baseline, 'old baseline');
    const writing = writeFilesAtomic([{ file: baseline, content: 'pruned baseline' }, { file: unwritable, content: 'report' }]);
    await expect(writing).rejects.toThrow(InputError);
    await writing.catch((error: InputError) => expect(error.file).toBe(unwritable));
    expect(readFileSync(baseline, 'utf8')).toBe('old baseline');
    expect(temporaries()).toEqual([]);
  });

  it('renames in the order given: a failed rename leaves the files before it replaced and those after it as they were', async () => {
    // A non-empty directory as a target: its temporary is written, its rename fails.
    const blocked = join(dir, 'blocked');
    mkdirSync(blocked);
    writeFileSync(join(blocked, 'inside'), 'x');
    const [first, last] = [join(dir, 'first.json'), join(dir, 'last.json')];
    for (const [before, after] of [[first, last], [last, first]] as const) {
      writeFileSync(first, 'old first');
      writeFileSync(last, 'old last');
      const writing = writeFilesAtomic([
        { file: before, content: 'new' },
        { file: blocked, content: 'report' },
        { file: after, content: 'new' },
      ]);
      await expect(writing).rejects.toThrow(InputError);
      await writing.catch((error: InputError) => expect(error.file).toBe(blocked));
      expect(readFileSync(before, 'utf8')).toBe('new');
      expect(readFileSync(after, 'utf8')).toBe(after === first ? 'old first' : 'old last');
      expect(temporaries()).toEqual([]);
    }
  });
});
