/**
 * bench/helgrind/lockseq.c refuses a sequence file that does not hold exactly the events its
 * header announces (issue 15, item 1): before, a truncated workload replayed without complaint
 * and Helgrind's row timed a shorter sequence than lockdep's. Compiled with the system's `cc`;
 * skipped, saying so, where there is none (the bench skips its Helgrind row there too).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';

const source = join(import.meta.dirname, '..', '..', 'bench', 'helgrind', 'lockseq.c');
const dir = mkdtempSync(join(tmpdir(), 'lockdep-lockseq-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const binary = join(dir, 'lockseq');
const compiled = spawnSync('cc', ['-O2', '-pthread', '-o', binary, source], { encoding: 'utf8', timeout: 60_000 });
const hasCompiler = compiled.error === undefined && compiled.status === 0;

function replay(name: string, text: string) {
  const path = join(dir, name);
  writeFileSync(path, text);
  return { path, ...spawnSync(binary, [path], { encoding: 'utf8', timeout: 60_000 }) };
}

// Two tasks taking locks 1 and 2 in opposite orders (the bench's ABBA), 8 events.
const ABBA = ['2 3 8', '0 0 1', '0 0 2', '0 1 2', '0 1 1', '1 0 2', '1 0 1', '1 1 1', '1 1 2'];

describe.skipIf(!hasCompiler)(`lockseq (${hasCompiler ? 'compiled with cc' : 'skipped: no C compiler (cc)'})`, () => {
  test('replays a whole sequence and prints its lock layout', () => {
    const run = replay('whole.seq', `${ABBA.join('\n')}\n`);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^locks at 0x[0-9a-f]+ stride \d+\nreplayed 8 events on 2 threads, 3 locks\n$/);
  });

  test('a sequence cut short, or longer than its header says, exits 2 naming the counts', () => {
    const short = replay('short.seq', `${ABBA.slice(0, 6).join('\n')}\n`);
    expect(short.status).toBe(2);
    expect(short.stderr).toBe(`${short.path}: truncated or padded: the header says 8 events, the file has 5\n`);
    const long = replay('long.seq', `${[...ABBA, '0 0 1'].join('\n')}\n`);
    expect(long.status).toBe(2);
    expect(long.stderr).toContain('the header says 8 events, the file has 9');
  });

  test('a line cut in the middle exits 2 naming the line', () => {
    const cut = replay('cut.seq', `${ABBA.slice(0, 5).join('\n')}\n1 0\n`);
    expect(cut.status).toBe(2);
    expect(cut.stderr).toBe(`${cut.path}:6: bad event (expected "task op lock")\n`);
  });
});
