/**
 * scripts/update-bench-table.mjs (issue 15, item 15): the bench tables of README.md and
 * docs/performance.md are written from a bench run's results, between their markers, and
 * nothing else in the documents changes. Tested on a saved `npm run bench -- --quick` output
 * (fixtures/bench-results-quick.json, used as a full run where the script would refuse quick
 * mode), and on the repository's own documents: their tables must be exactly what the script
 * makes of the record kept beside them (docs/bench-results.json), so a figure edited by hand
 * fails this test.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import {
  BENCH_DOCS,
  BENCH_RECORD,
  benchRecord,
  HISTORY_RUNS,
  renderPerformanceTables,
  renderReadmeTable,
  replaceBetweenMarkers,
  unusableResults,
  updateBenchDocs,
} from '../../scripts/update-bench-table.mjs';

const ROOT = join(import.meta.dirname, '..', '..');
const saved = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', 'bench-results-quick.json'), 'utf8'));
const asFullRun = { ...saved, quick: false };
const dir = mkdtempSync(join(tmpdir(), 'lockdep-bench-docs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Row { id: string; figure: string; measured: string; target: string; status: string; readme: boolean }

function between(text: string, marker: string): string {
  const start = `<!-- bench:${marker}:start -->\n`;
  const from = text.indexOf(start);
  const to = text.indexOf(`\n<!-- bench:${marker}:end -->`);
  expect(from, `marker ${marker}`).toBeGreaterThanOrEqual(0);
  return text.slice(from + start.length, to);
}

function project(readme: string, performance: string): string {
  const root = mkdtempSync(join(dir, 'root-'));
  mkdirSync(join(root, 'docs'));
  writeFileSync(join(root, 'README.md'), readme);
  writeFileSync(join(root, 'docs', 'performance.md'), performance);
  return root;
}

describe('update-bench-table', () => {
  test('rewrites only what lies between the markers, with every figure as the bench printed it', () => {
    const readme = '# lockdep\n\nbefore\n<!-- bench:readme:start -->\n| old | table |\n<!-- bench:readme:end -->\nafter\n';
    const performance = '# Performance\n<!-- bench:performance:start -->\nold\n<!-- bench:performance:end -->\n## Next\n';
    const root = project(readme, performance);
    expect(updateBenchDocs(root, asFullRun)).toEqual(['README.md', join('docs', 'performance.md'), BENCH_RECORD]);
    const readmeAfter = readFileSync(join(root, 'README.md'), 'utf8');
    const performanceAfter = readFileSync(join(root, 'docs', 'performance.md'), 'utf8');
    expect(readmeAfter.startsWith('# lockdep\n\nbefore\n<!-- bench:readme:start -->\n')).toBe(true);
    expect(readmeAfter.endsWith('\n<!-- bench:readme:end -->\nafter\n')).toBe(true);
    expect(readmeAfter).not.toContain('| old | table |');
    expect(performanceAfter.endsWith('<!-- bench:performance:end -->\n## Next\n')).toBe(true);

    const rows = saved.rows as Row[];
    const readmeRows = rows.filter((r) => r.readme);
    expect(readmeRows.length).toBeGreaterThan(5);
    const readmeTable = between(readmeAfter, 'readme');
    for (const r of readmeRows) expect(readmeTable).toContain(`| ${r.figure} | ${r.measured} | ${r.target} | ${r.status} |`);
    for (const r of rows.filter((row) => !row.readme)) expect(readmeTable).not.toContain(r.measured);
    expect(readmeTable).toContain(saved.date.slice(0, 10));
    const performanceTable = between(performanceAfter, 'performance');
    for (const r of rows) expect(performanceTable).toContain(`| ${r.figure} | ${r.measured} | ${r.target} | ${r.status} |`);
    for (const line of saved.header as string[]) expect(performanceTable).toContain(line);
    expect(performanceTable).toContain('| JSONL lock-only 1M | 300 | 90 | 680 |');

    // A second run with the same results writes nothing.
    expect(updateBenchDocs(root, asFullRun)).toEqual([]);
  });

  test('refuses quick-mode results, a failed run, and a document without markers (writing nothing)', () => {
    expect(unusableResults(saved)).toMatch(/quick-mode results/);
    expect(unusableResults({ ...asFullRun, failures: ['Helgrind row: ...'] })).toMatch(/the run failed: Helgrind row/);
    expect(unusableResults({})).toMatch(/not a results file/);
    expect(() => updateBenchDocs(ROOT, saved)).toThrow(/quick-mode/);
    const root = project('# no markers\n', '<!-- bench:performance:start -->\n<!-- bench:performance:end -->\n');
    expect(() => updateBenchDocs(root, asFullRun)).toThrow(/README\.md: no bench table markers/);
    expect(readFileSync(join(root, 'docs', 'performance.md'), 'utf8')).toBe('<!-- bench:performance:start -->\n<!-- bench:performance:end -->\n');
    expect(() => replaceBetweenMarkers('<!-- bench:x:start --><!-- bench:x:end --><!-- bench:x:start -->', 'x', '')).toThrow(/twice/);
  });

  test('keeps each target\'s status in the last runs written, and shows the last three', () => {
    const root = project('<!-- bench:readme:start -->\n<!-- bench:readme:end -->\n', '<!-- bench:performance:start -->\n<!-- bench:performance:end -->\n');
    const rows = saved.rows as Row[];
    const targeted = rows.filter((r) => r.target !== '');
    expect(targeted.length).toBeGreaterThan(3);
    const [first, second] = targeted as [Row, Row];
    // Run n: the first target met in every run, the second met but in run 2; run 1 lacks the last row.
    const runOf = (n: number) => ({
      ...asFullRun,
      date: `2026-12-0${n}T10:00:00.000Z`,
      rows: rows
        .filter((r) => n > 1 || r.id !== targeted.at(-1)!.id)
        .map((r) => (r.id === first.id ? { ...r, status: 'met' } : r.id === second.id ? { ...r, status: n === 2 ? 'NOT met' : 'met' } : r)),
    });
    const history = () => (JSON.parse(readFileSync(join(root, BENCH_RECORD), 'utf8')) as { history: Array<{ date: string; statuses: Record<string, string> }> }).history;
    updateBenchDocs(root, runOf(1));
    expect(history().map((h) => h.date)).toEqual(['2026-12-01T10:00:00.000Z']);
    // One run alone has no history table.
    expect(readFileSync(join(root, 'docs', 'performance.md'), 'utf8')).not.toContain('The targets in the last');
    updateBenchDocs(root, runOf(2));
    updateBenchDocs(root, runOf(2));
    expect(history().map((h) => h.date)).toEqual(['2026-12-01T10:00:00.000Z', '2026-12-02T10:00:00.000Z']);
    updateBenchDocs(root, runOf(3));
    const table = between(readFileSync(join(root, 'docs', 'performance.md'), 'utf8'), 'performance');
    expect(table).toContain('| figure | target | 2026-12-01 10:00 (load ');
    expect(table).toContain(`| ${first.figure} | ${first.target} | met | met | met |`);
    expect(table).toContain(`| ${second.figure} | ${second.target} | met | NOT met | met |`);
    expect(table).toContain(`| ${targeted.at(-1)!.figure} | ${targeted.at(-1)!.target} | - |`);
    const metInAll = targeted.filter((r) => [1, 2, 3].every((n) => (runOf(n).rows as Row[]).find((row) => row.id === r.id)?.status === 'met')).length;
    expect(table).toContain(`met in all 3, ${metInAll} of ${targeted.length}.`);
    expect(history()[2]?.statuses[second.id]).toBe('met');
    // The history keeps the last HISTORY_RUNS runs; the table shows the last three.
    expect(HISTORY_RUNS).toBe(6);
    for (let n = 4; n <= 8; n++) updateBenchDocs(root, runOf(n));
    expect(history()).toHaveLength(HISTORY_RUNS);
    expect(history()[0]?.date).toBe('2026-12-03T10:00:00.000Z');
    const later = between(readFileSync(join(root, 'docs', 'performance.md'), 'utf8'), 'performance');
    expect(later).not.toContain('2026-12-05 10:00');
    expect(later).toContain('2026-12-06 10:00');
  });

  test('escapes a | inside a cell', () => {
    const record = benchRecord({ ...asFullRun, rows: [{ id: 'x', figure: 'a | b', measured: '1', target: '', status: '', readme: true }] });
    expect(renderReadmeTable(record)).toContain('| a \\| b | 1 |  |  |');
  });

  test("the repository's documents carry exactly the tables of the recorded run", () => {
    const record = JSON.parse(readFileSync(join(ROOT, BENCH_RECORD), 'utf8'));
    expect(unusableResults(record)).toBeNull();
    for (const doc of BENCH_DOCS) {
      const text = readFileSync(join(ROOT, doc.file), 'utf8');
      expect(between(text, doc.marker), doc.file).toBe(doc.render(record));
    }
    expect(renderPerformanceTables(record)).toContain(record.rows[0].measured);
  });
});
