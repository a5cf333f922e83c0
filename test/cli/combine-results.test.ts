import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/engine/finding.js';
import type { CheckResult } from '../../src/engine/result.js';
import { combineResults, sumSummaries } from '../../src/cli/combine-results.js';
import { EXIT_CLEAN, EXIT_VIOLATIONS, exitCodeFor } from '../../src/cli/exit-code.js';

function finding(severity: Finding['severity'], extra: Partial<Finding> = {}): Finding {
  return {
    kind: 'circular-dependency',
    rule: null,
    severity,
    fingerprint: `fp-${severity}`,
    message: 'm',
    classes: ['A', 'B'],
    events: [],
    ...extra,
  };
}

function result(violations: Finding[], events = 10, extra: Partial<CheckResult['summary']> = {}): CheckResult {
  return {
    version: 1,
    violations,
    summary: { events, tasks: 2, classes: 3, dependencies: 4, violations: violations.length, ...extra },
  };
}

describe('combineResults', () => {
  it('leaves a single file result without traces and adds severity counts', () => {
    const combined = combineResults([{ file: 'a.jsonl', result: result([finding('error'), finding('warning')]) }]);
    expect(combined.traces).toBeUndefined();
    expect(combined.summary).toEqual({ events: 10, tasks: 2, classes: 3, dependencies: 4, violations: 2, errors: 1, warnings: 1 });
  });

  it('concatenates violations in file order, sums summaries and lists every trace', () => {
    const a = result([finding('error', { fingerprint: 'a' })], 10, { chains: 2, chainCacheHits: 5 });
    const b = result([finding('info', { fingerprint: 'b' }), finding('warning', { fingerprint: 'c' })], 7);
    const combined = combineResults(
      [
        { file: 'a.jsonl', result: a },
        { file: 'b.jsonl', result: b },
      ],
      { name: 'lockdep', version: '9.9.9' },
    );
    expect(combined.violations.map((v) => v.fingerprint)).toEqual(['a', 'b', 'c']);
    expect(combined.summary).toEqual({
      events: 17, tasks: 4, classes: 6, dependencies: 8, violations: 3, errors: 1, warnings: 1, chains: 2, chainCacheHits: 5,
    });
    expect(combined.traces).toEqual([
      { file: 'a.jsonl', summary: a.summary },
      { file: 'b.jsonl', summary: b.summary },
    ]);
    expect(combined.tool).toEqual({ name: 'lockdep', version: '9.9.9' });
  });

  it('sums nothing to zeros without optional counters', () => {
    expect(sumSummaries([])).toEqual({ events: 0, tasks: 0, classes: 0, dependencies: 0, violations: 0 });
  });
});

describe('exitCodeFor', () => {
  it('is 0 without findings and with only warnings or info', () => {
    expect(exitCodeFor(result([]))).toBe(EXIT_CLEAN);
    expect(exitCodeFor(result([finding('warning'), finding('info')]))).toBe(EXIT_CLEAN);
  });

  it('is 1 with an error-severity finding, also among warnings', () => {
    expect(exitCodeFor(result([finding('error')]))).toBe(EXIT_VIOLATIONS);
    expect(exitCodeFor(result([finding('warning'), finding('error')]))).toBe(EXIT_VIOLATIONS);
  });

  it('is 0 when every error is baselined', () => {
    expect(exitCodeFor(result([finding('error', { baselined: true })]))).toBe(EXIT_CLEAN);
  });
});

describe('combineResults severity counts', () => {
  it('does not count baselined findings as errors or warnings', () => {
    const combined = combineResults([
      { file: 'a.jsonl', result: result([finding('error', { baselined: true }), finding('warning', { baselined: true }), finding('error')]) },
    ]);
    expect(combined.summary).toMatchObject({ violations: 3, errors: 1, warnings: 0 });
  });
});
