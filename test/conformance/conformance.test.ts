/**
 * The conformance suite (issue 3): every case of the catalog (§2 selftests, §2.10
 * liblockdep, §3.2 gaps) is a committed JSONL trace with its expectation in manifest.json.
 * Asserts (a) the committed files are exactly the generator's output, (b) each case's verdict
 * (F = at least one finding, S = none), first finding kind and required extra kinds, (c) for
 * cases made of independent segments, that every order of the segments gives the same verdict,
 * and (d) that the kernel's exact SOFTIRQ_ENTER (bh and irqs off, then softirq context) gives the
 * same results as our `SI{}` encoding (softirq context only).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { FINDING_KINDS } from '../../src/engine/finding.js';
import type { TraceEvent } from '../../src/events/event.js';
import { sameShapeGroups } from './case-shape.js';
import { buildCatalog, caseEvents, COLUMNS } from './catalog.js';
import { locksOf } from './events.js';
import { CONFORMANCE_DIR, listGeneratedFiles } from './generate.js';
import { renderAll, type ManifestEntry } from './render.js';
import { permutations, readCaseFile, runTrace, splitSegments, traceText } from './run-trace.js';

const manifest = JSON.parse(readFileSync(join(CONFORMANCE_DIR, 'manifest.json'), 'utf8')) as ManifestEntry[];
/** A safety limit for a loaded machine (5,040 orders of the largest case), not a timing assertion. */
const PERMUTATIONS_TIMEOUT_MS = 120_000;
const REGENERATE = 'run `npx tsx test/conformance/generate.ts` and commit the result';

describe('conformance files', () => {
  test('the committed files are exactly the generator output', () => {
    const expected = renderAll();
    expect(listGeneratedFiles(), `file set differs: ${REGENERATE}`).toEqual([...expected.keys()].sort());
    for (const [rel, content] of expected) {
      const actual = readFileSync(join(CONFORMANCE_DIR, rel), 'utf8');
      expect(actual === content, `${rel} differs from the generator: ${REGENERATE}`).toBe(true);
    }
  });

  test('the catalog has the sizes of §2 (selftest counts, liblockdep)', () => {
    const count = (section: string): number => manifest.filter((e) => e.section === section).length;
    expect(count('2.1')).toBe(9 * 6); // 9 families x 6 columns (rtmutex is the mutex column)
    expect(count('2.2')).toBe(13); // 15 in the selftest; rlock_AA1B and rsem_AA1B are AA_rlock and AA_rsem
    expect(count('2.3')).toBe(4 * 6);
    expect(count('2.4')).toBe(12 + 6 + 12 + 36 + 36 + 36);
    expect(count('2.5')).toBe(3 * 24);
    expect(count('2.6')).toBe(3);
    expect(manifest.filter((e) => e.family === 'ww_mutex')).toHaveLength(15); // 16 ★ cases less block_block (AA_mutex)
    expect(manifest.filter((e) => e.family === 'fs_reclaim')).toHaveLength(2);
    expect(manifest.filter((e) => e.family === 'wait_context')).toHaveLength(8);
    expect(count('2.9')).toBe(6);
    expect(count('2.10')).toBe(11);
    for (const family of ['AA', 'ABBA', 'ABBCCA', 'ABCABC', 'ABBCCDDA', 'ABCDBDDA', 'ABCDBCDA', 'double_unlock', 'init_held']) {
      const columns = manifest.filter((e) => e.family === family).map((e) => e.name.slice(family.length + 1));
      expect(columns.sort()).toEqual([...COLUMNS].sort());
    }
  });

  test('no two cases have the same events, up to the names of locks, classes and tasks', () => {
    const cases = manifest.map((entry) => ({ name: entry.name, events: readCaseFile(CONFORMANCE_DIR, entry.file).events }));
    expect(sameShapeGroups(cases), 'cases that test the same thing twice: make each exercise what its name says, or drop it').toEqual([]);
    // The comparison sees through renaming, and only through renaming.
    const [first, second] = cases;
    if (first === undefined || second === undefined) throw new Error('empty manifest');
    const renamed = first.events.map((event) => JSON.parse(JSON.stringify(event).replace(/"(lock|class|task|nest)":"/g, '"$1":"renamed ')) as TraceEvent);
    expect(sameShapeGroups([first, { name: 'renamed copy', events: renamed }])).toEqual([[first.name, 'renamed copy']]);
    expect(sameShapeGroups([first, second])).toEqual([]);
  });

  test('every case is well formed: F has a known kind, S none, every lock is declared', () => {
    const kinds = new Set<string>(FINDING_KINDS);
    for (const c of buildCatalog()) {
      if (c.expect === 'F') expect(kinds.has(c.kind ?? ''), c.name).toBe(true);
      else expect(c.kind, c.name).toBeUndefined();
      for (const kind of c.also ?? []) expect(kinds.has(kind), c.name).toBe(true);
      const declared = new Set(c.locks.map((l) => l.lock));
      for (const event of caseEvents(c)) {
        for (const lock of locksOf(event)) expect(declared.has(lock), `${c.name}: ${lock} not declared`).toBe(true);
      }
    }
  });
});

describe('conformance cases: verdict and first finding', () => {
  test.each(manifest.map((entry) => [entry.name, entry] as const))('%s', (_name, entry) => {
    const file = readCaseFile(CONFORMANCE_DIR, entry.file);
    expect(file.header.expect).toBe(entry.expect);
    const findings = runTrace(file.events, entry.file);
    const kinds = findings.map((f) => f.kind);
    const context = `${entry.file} (${entry.why})\nfindings: ${JSON.stringify(findings.map((f) => `${f.kind}: ${f.message}`))}`;
    if (entry.expect === 'S') {
      expect(kinds, `expected no finding: ${context}`).toEqual([]);
      return;
    }
    expect(kinds.length, `expected a finding: ${context}`).toBeGreaterThan(0);
    expect(kinds[0], `first finding kind: ${context}`).toBe(entry.kind);
    for (const kind of entry.also ?? []) expect(kinds, `also expected ${kind}: ${context}`).toContain(kind);
    if (entry.cycle !== undefined) {
      const reported = [...new Set(findings[0]?.classes ?? [])].sort();
      expect(reported, `classes of the reported cycle: ${context}`).toEqual(entry.cycle);
    }
  });
});

describe('conformance cases: the verdict does not depend on the order of independent events', () => {
  const permutable = manifest.filter((entry) => entry.permutable && entry.segments > 1);

  test('there are permutable cases in every permutation family', () => {
    const families = new Set(permutable.map((e) => e.family));
    for (const family of ['ABBA', 'W1R2_W2R3_W3R1', 'irqsafe4', 'irq_read_recursion3', 'local_lock', 'hardirq_unsafe_softirq_safe']) {
      expect(families.has(family), family).toBe(true);
    }
  });

  test.each(permutable.map((entry) => [entry.name, entry] as const))('%s', (_name, entry) => {
    const file = readCaseFile(CONFORMANCE_DIR, entry.file);
    const { inits, segments } = splitSegments(file);
    const wrong: string[] = [];
    for (const order of permutations(segments.length)) {
      const events = [...inits, ...order.flatMap((i) => segments[i] ?? [])];
      const verdict = runTrace(events, entry.file).length > 0 ? 'F' : 'S';
      if (verdict !== entry.expect && wrong.length < 3) {
        wrong.push(`order ${order.map((i) => `E${i + 1}`).join(' ')} gave ${verdict}:\n${traceText(events)}`);
      }
    }
    expect(wrong, `${entry.file}: expected ${entry.expect} in every order`).toEqual([]);
  }, PERMUTATIONS_TIMEOUT_MS);
});

/** The selftest's SOFTIRQ_ENTER/EXIT: local_bh_disable + local_irq_disable + softirq enter, and back. */
function kernelSoftirqEntry(events: readonly TraceEvent[]): TraceEvent[] {
  return events.flatMap((event): TraceEvent[] => {
    if (event.op !== 'irq' || event.kind !== 'softirq') return [event];
    if (event.action === 'enter') {
      return [{ ...event, action: 'disable' }, { ...event, kind: 'hardirq', action: 'disable' }, event];
    }
    if (event.action === 'exit') {
      return [event, { ...event, kind: 'hardirq', action: 'enable' }, { ...event, action: 'enable' }];
    }
    return [event];
  });
}

describe('conformance cases: softirq entry exactly as the selftest does it', () => {
  const softirqCases = manifest.filter((entry) =>
    readCaseFile(CONFORMANCE_DIR, entry.file).events.some(
      (event) => event.op === 'irq' && event.kind === 'softirq' && event.action === 'enter',
    ),
  );

  test('the soft families are all covered', () => {
    expect(softirqCases.length).toBeGreaterThanOrEqual(100);
  });

  test.each(softirqCases.map((entry) => [entry.name, entry] as const))('%s', (_name, entry) => {
    const events = kernelSoftirqEntry(readCaseFile(CONFORMANCE_DIR, entry.file).events);
    const kinds = runTrace(events, entry.file).map((finding) => finding.kind);
    const context = `${entry.file} with hardirqs off inside SI{}:\n${traceText(events)}`;
    if (entry.expect === 'S') expect(kinds, context).toEqual([]);
    else expect(kinds[0], context).toBe(entry.kind);
  });
});
