/**
 * Golden-file tests for every report format: fixed, hand-made CheckResults (fixtures.ts) are
 * rendered and compared byte for byte with test/report/golden/formats/<fixture>.<format>.
 * Regenerate after an intended change with `LOCKDEP_UPDATE_GOLDEN=1 npx vitest run test/report`, then
 * review the diff.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { CheckResult } from '../../src/engine/result.js';
import type { GraphSnapshot } from '../../src/engine/snapshot.js';
import { REPORT_FORMATS, renderReport } from '../../src/report/registry.js';
import { clean, deadlocked, hostile, many, mixed, mixedSnapshot } from './fixtures.js';
import { parseXml } from './xml-document.js';

const GOLDEN = join(dirname(fileURLToPath(import.meta.url)), 'golden', 'formats');
const UPDATE = process.env['LOCKDEP_UPDATE_GOLDEN'] === '1';

const FIXTURES: Array<{ name: string; result: CheckResult; snapshot: GraphSnapshot | null }> = [
  { name: 'mixed', result: mixed, snapshot: mixedSnapshot },
  { name: 'mixed-nograph', result: mixed, snapshot: null },
  { name: 'hostile', result: hostile, snapshot: null },
  { name: 'clean', result: clean, snapshot: null },
  { name: 'many', result: many, snapshot: null },
  { name: 'deadlock', result: deadlocked, snapshot: null },
];

/** The formats that are XML documents: each golden must also be well-formed XML. */
const XML_ROOTS = new Map<string, string>([['junit', 'testsuites'], ['graphml', 'graphml']]);

const EXTENSIONS = new Map<string, string>([
  ['text', 'txt'], ['json', 'json'], ['sarif', 'sarif'], ['github', 'github.txt'], ['junit', 'junit.xml'],
  ['markdown', 'md'], ['dot', 'dot'], ['graphml', 'graphml'], ['html', 'html'],
]);

/** Freezes `value` and everything it reaches, so any mutation throws (ES modules are strict). */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const field of Object.values(value)) deepFreeze(field);
    Object.freeze(value);
  }
  return value;
}

function compareGolden(file: string, actual: string): void {
  const path = join(GOLDEN, file);
  if (UPDATE || !existsSync(path)) {
    if (!UPDATE) throw new Error(`missing golden file ${file}; run LOCKDEP_UPDATE_GOLDEN=1 npx vitest run test/report`);
    mkdirSync(GOLDEN, { recursive: true });
    writeFileSync(path, actual);
  }
  expect(actual).toBe(readFileSync(path, 'utf8'));
}

describe('golden files', () => {
  it('covers every registered format', () => {
    expect([...REPORT_FORMATS.keys()].sort()).toEqual([...EXTENSIONS.keys()].sort());
  });

  for (const fixture of FIXTURES) {
    for (const [format, extension] of EXTENSIONS) {
      // The graph-less fixture only changes the graph formats.
      if (fixture.name === 'mixed-nograph' && !REPORT_FORMATS.get(format)?.graph) continue;
      it(`${fixture.name} as ${format}`, async () => {
        const output = await renderReport(format, fixture.result, { snapshot: fixture.snapshot, color: false });
        compareGolden(`${fixture.name}.${extension}`, output);
        const xmlRoot = XML_ROOTS.get(format);
        if (xmlRoot !== undefined) expect(parseXml(output).name).toBe(xmlRoot);
      });
    }
  }

  // The goldens pin each format's bytes; this pins that rendering is a pure function: a renderer
  // that mutates its input throws on the frozen copy, and one that keeps state between calls
  // (counters, caches) or reads the clock renders differently the second time.
  it('renders a deep-frozen result to the same bytes twice', async () => {
    const result = deepFreeze(structuredClone(mixed));
    const snapshot = deepFreeze(structuredClone(mixedSnapshot));
    for (const format of REPORT_FORMATS.keys()) {
      const first = await renderReport(format, result, { snapshot, color: false });
      const second = await renderReport(format, result, { snapshot, color: false });
      expect(second, format).toBe(first);
    }
  });
});
