/**
 * Units of the reporting CLI that need no process: output target parsing, the exit policy with
 * thresholds, the progress line (throttled with an injected clock), atomic writes.
 */
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/engine/finding.js';
import type { CheckResult } from '../../src/engine/result.js';
import { writeFileAtomic } from '../../src/io/atomic-write.js';
import { exitCodeFor } from '../../src/cli/exit-code.js';
import { parseOutputTargets } from '../../src/cli/output.js';
import { ProgressLine, progressEnabled } from '../../src/cli/progress.js';
import { InputError } from '../../src/io/input-error.js';
import { UsageError } from '../../src/cli/usage-error.js';

const known = new Set(['text', 'json', 'sarif', 'html']);
const dir = mkdtempSync(join(tmpdir(), 'lockdep-units-'));

describe('output targets', () => {
  it('maps -f and -o to destinations', () => {
    expect(parseOutputTargets({ formats: [], inputs: [], known })).toEqual([{ format: 'text', file: null }]);
    expect(parseOutputTargets({ formats: ['text', 'sarif:out.sarif', 'json:-'], output: 'all.txt', inputs: [], known })).toEqual([
      { format: 'text', file: 'all.txt' },
      { format: 'sarif', file: 'out.sarif' },
      { format: 'json', file: null },
    ]);
    expect(parseOutputTargets({ formats: ['html'], output: '-', inputs: [], known })).toEqual([{ format: 'html', file: null }]);
    // Only the first colon separates: a file name may contain colons.
    expect(parseOutputTargets({ formats: ['json:a:b.json'], inputs: [], known })).toEqual([{ format: 'json', file: 'a:b.json' }]);
  });

  it('refuses unknown formats, empty names, clashes and inputs', () => {
    const input = join(dir, 'in.jsonl');
    writeFileSync(input, '');
    expect(() => parseOutputTargets({ formats: ['xml'], inputs: [], known })).toThrow(UsageError);
    expect(() => parseOutputTargets({ formats: ['json:'], inputs: [], known })).toThrow(/missing file name/);
    expect(() => parseOutputTargets({ formats: ['json:x', 'sarif:./x'], inputs: [], known })).toThrow(/two reports/);
    expect(() => parseOutputTargets({ formats: ['json'], output: input, inputs: [input], known })).toThrow(/input of this command/);
    expect(() => parseOutputTargets({ formats: [`json:${dir}/../${dir.split('/').pop()}/in.jsonl`], inputs: [input], known })).toThrow(/input of this command/);
  });
});

describe('exit policy', () => {
  const finding = (severity: Finding['severity'], baselined = false): Finding => ({
    kind: 'bad-unlock-balance', rule: null, severity, fingerprint: `${severity}${baselined}`, message: '', classes: [], events: [], ...(baselined ? { baselined } : {}),
  });
  const result = (...violations: Finding[]): CheckResult => ({ version: 1, violations, summary: { events: 0, tasks: 0, classes: 0, dependencies: 0, violations: violations.length } });

  it('fails on errors, not on baselined errors, and on too many warnings', () => {
    expect(exitCodeFor(result())).toBe(0);
    expect(exitCodeFor(result(finding('error')))).toBe(1);
    expect(exitCodeFor(result(finding('error', true)))).toBe(0);
    expect(exitCodeFor(result(finding('warning'), finding('warning')))).toBe(0);
    expect(exitCodeFor(result(finding('warning'), finding('warning')), { maxWarnings: 1 })).toBe(1);
    expect(exitCodeFor(result(finding('warning'), finding('warning', true)), { maxWarnings: 1 })).toBe(0);
    expect(exitCodeFor(result(finding('info'), finding('info')), { maxWarnings: 0 })).toBe(0);
    expect(exitCodeFor(result(finding('error')), { exitZero: true })).toBe(0);
    expect(exitCodeFor(result(), { strictBaseline: true, staleBaselineEntries: 1 })).toBe(1);
    expect(exitCodeFor(result(), { strictBaseline: false, staleBaselineEntries: 1 })).toBe(0);
  });
});

describe('progress', () => {
  it('is shown only on a TTY, outside CI, unless turned off', () => {
    expect(progressEnabled({ isTTY: true }, {})).toBe(true);
    expect(progressEnabled({ isTTY: false }, {})).toBe(false);
    expect(progressEnabled({ isTTY: true }, { CI: 'true' })).toBe(false);
    expect(progressEnabled({ isTTY: true }, { CI: '' })).toBe(true);
    expect(progressEnabled({ isTTY: true }, {}, false)).toBe(false);
  });

  it('redraws at most every 100 ms, reports bytes and clears itself', () => {
    const writes: string[] = [];
    let now = 0;
    const line = new ProgressLine({ isTTY: true, columns: 200, write: (text) => writes.push(text) }, [1024 * 1024, 1024 * 1024], () => now);
    line.update(0, 512 * 1024);
    expect(writes).toHaveLength(1);
    now = 50;
    line.update(0, 1024 * 1024);
    expect(writes).toHaveLength(1);
    now = 150;
    line.finish(0);
    expect(writes).toHaveLength(2);
    expect(line.status()).toBe('lockdep: 50% of 2 traces, 1.0 MiB of 2.0 MiB read, 1/2 done');
    expect(writes[1]).toContain('lockdep: 50% of 2 traces');
    line.clear();
    expect(writes[2]).toBe('\r\u001b[2K');
  });
});

describe('atomic writes', () => {
  it('replaces the file whole and leaves no temporary file', async () => {
    const target = join(dir, 'report.txt');
    writeFileSync(target, 'old');
    await writeFileAtomic(target, 'new content');
    expect(readFileSync(target, 'utf8')).toBe('new content');
    expect(readdirSync(dir).filter((name) => name.includes('.tmp'))).toEqual([]);
  });

  it('names the file when the directory does not exist', async () => {
    const target = join(dir, 'missing', 'r.txt');
    await expect(writeFileAtomic(target, 'x')).rejects.toThrow(InputError);
    await writeFileAtomic(target, 'x').catch((error: InputError) => {
      expect(error.toString()).toBe(`${target}: cannot write output: its directory does not exist (choose another path)`);
    });
  });
});
