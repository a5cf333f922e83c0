/**
 * Golden files of `lockdep infer` on the bundled KVM 2021 trace, in every format (yaml, json,
 * markdown): byte for byte what test/infer/golden/kvm-2021.<ext> holds (docs/graph.md shows
 * the YAML). Regenerate after an intended change with
 * `LOCKDEP_UPDATE_GOLDEN=1 npx vitest run test/infer/golden.test.ts`, then review the diff.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { runCliInProcess } from '../cli/run-cli.js';

const GOLDEN = join(dirname(fileURLToPath(import.meta.url)), 'golden');
const UPDATE = process.env['LOCKDEP_UPDATE_GOLDEN'] === '1';

test.each([['yaml', 'yaml'], ['json', 'json'], ['markdown', 'md']])('lockdep infer -f %s examples/kvm/kvm-2021.jsonl', async (format, extension) => {
  const run = await runCliInProcess(['infer', '-f', format, 'examples/kvm/kvm-2021.jsonl']);
  expect(run.status).toBe(0);
  const file = join(GOLDEN, `kvm-2021.${extension}`);
  if (UPDATE) writeFileSync(file, run.stdout);
  expect(existsSync(file), `missing golden file ${file} (write it with LOCKDEP_UPDATE_GOLDEN=1)`).toBe(true);
  expect(run.stdout).toBe(readFileSync(file, 'utf8'));
});

test('the YAML excerpt in docs/graph.md is real output (every line shown is in the golden file)', () => {
  const docs = readFileSync(join(GOLDEN, '..', '..', '..', 'docs', 'graph.md'), 'utf8');
  const start = docs.indexOf('$ cat proposed.yaml   # (excerpt)\n');
  const end = docs.indexOf('$ lockdep rules lint -q proposed.yaml', start);
  expect(start).toBeGreaterThan(0);
  const shown = docs.slice(start, end).split('\n').slice(1).filter((line) => line !== '' && line.trim() !== '...');
  const golden = new Set(readFileSync(join(GOLDEN, 'kvm-2021.yaml'), 'utf8').split('\n'));
  expect(shown.length).toBeGreaterThan(30);
  expect(shown.filter((line) => !golden.has(line))).toEqual([]);
});
