/**
 * Baselines: written sorted and byte-stable, read back with file:line errors, applied by
 * fingerprint (marking, never dropping, findings), stale entries found and pruned.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { applyBaseline, describeStale, pruneBaseline } from '../../src/baseline/apply-baseline.js';
import { createBaseline, entryLine, parseBaseline, readBaseline, serializeBaseline } from '../../src/baseline/baseline-file.js';
import type { Finding } from '../../src/engine/finding.js';
import type { CheckResult } from '../../src/engine/result.js';
import { InputError } from '../../src/io/input-error.js';

function finding(fingerprint: string, severity: Finding['severity'] = 'error', classes = ['A', 'B']): Finding {
  return { kind: 'circular-dependency', rule: null, severity, fingerprint, message: `cycle ${fingerprint}`, classes, events: [{ task: 't', file: 'x.jsonl', line: 3 }] };
}

function result(...violations: Finding[]): CheckResult {
  return { version: 1, violations, summary: { events: 1, tasks: 1, classes: 2, dependencies: 2, violations: violations.length } };
}

describe('baseline file', () => {
  it('is sorted by fingerprint, deduplicated and free of line numbers', () => {
    const text = serializeBaseline(createBaseline(result(finding('b2'), finding('a1'), finding('b2'))));
    const parsed = JSON.parse(text) as { format: string; findings: Array<{ fingerprint: string }> };
    expect(parsed.format).toBe('lockdep-baseline');
    expect(parsed.findings.map((e) => e.fingerprint)).toEqual(['a1', 'b2']);
    expect(text).not.toContain('x.jsonl');
    expect(text.endsWith('}\n')).toBe(true);
  });

  test.prop([fc.uniqueArray(fc.string({ minLength: 1, maxLength: 12 }), { maxLength: 30 })])('is byte-identical whatever the finding order, and round-trips', (fingerprints) => {
    const findings = fingerprints.map((fp) => finding(fp));
    const forward = serializeBaseline(createBaseline(result(...findings)));
    const backward = serializeBaseline(createBaseline(result(...[...findings].reverse())));
    expect(backward).toBe(forward);
    const reread = parseBaseline(forward, JSON.parse(forward), 'b.json');
    expect(serializeBaseline(reread)).toBe(forward);
  });

  it('names file:line for malformed and mistyped baselines', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lockdep-baseline-'));
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{\n  "format": "lockdep-baseline",\n  "version": 1,\n  "findings": [\n}\n');
    await expect(readBaseline(broken)).rejects.toThrow(InputError);
    await readBaseline(broken).catch((error: InputError) => {
      expect(error.toString()).toMatch(new RegExp(`^${broken.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:5:1: invalid JSON: unexpected "}"`));
    });
    const wrong = join(dir, 'wrong.json');
    writeFileSync(wrong, '{\n  "format": "lockdep-baseline",\n  "version": 1,\n  "findings": [\n    {"fingerprint": "x", "kind": "livelock", "rule": null, "classes": []}\n  ]\n}\n');
    await readBaseline(wrong).then(() => expect.unreachable(), (error: InputError) => {
      expect(error.line).toBe(5);
      expect(error.message).toContain('findings.0.kind');
    });
    await readBaseline(join(dir, 'missing.json')).then(() => expect.unreachable(), (error: InputError) => {
      expect(error.toString()).toContain('missing.json: cannot read: no such file');
    });
  });
});

describe('applying a baseline', () => {
  it('marks matching findings baselined, keeps the others, and finds stale entries', () => {
    const baseline = createBaseline(result(finding('old'), finding('gone')));
    const outcome = applyBaseline(result(finding('old'), finding('new')), baseline);
    expect(outcome.matched).toBe(1);
    expect(outcome.result.violations.map((f) => [f.fingerprint, f.baselined === true])).toEqual([['old', true], ['new', false]]);
    expect(outcome.stale.map((e) => e.fingerprint)).toEqual(['gone']);
    const pruned = pruneBaseline(baseline, outcome.stale);
    expect(pruned.findings.map((e) => e.fingerprint)).toEqual(['old']);
    const text = serializeBaseline(baseline);
    expect(describeStale('b.json', text, outcome.stale, entryLine)).toEqual([
      `b.json:${entryLine(text, outcome.stale[0]!)}: stale baseline entry gone (circular-dependency: A, B) matches no finding (remove it with --prune-baseline)`,
    ]);
    expect(entryLine(text, outcome.stale[0]!)).toBe(6);
  });

  it('counts only non-baselined findings in summary errors and warnings', () => {
    const input = { ...result(finding('e1'), finding('e2'), finding('w1', 'warning')), summary: { events: 1, tasks: 1, classes: 2, dependencies: 2, violations: 3, errors: 2, warnings: 1 } };
    const outcome = applyBaseline(input, createBaseline(result(finding('e1'), finding('w1', 'warning'))));
    expect(outcome.result.summary).toMatchObject({ violations: 3, errors: 1, warnings: 0 });
  });

  it('does not modify its input', () => {
    const input = result(finding('old'));
    applyBaseline(input, createBaseline(input));
    expect(input.violations[0]?.baselined).toBeUndefined();
  });
});

describe('JSON syntax errors', () => {
  it('locates the first problem', async () => {
    const { findJsonSyntaxError } = await import('../../src/io/json-syntax.js');
    expect(findJsonSyntaxError('{"a": [1, 2, {"b": null}], "c": "x\\n"}')).toBeNull();
    expect(findJsonSyntaxError('[1, 2')).toEqual({ offset: 5, message: 'unexpected end of input' });
    expect(findJsonSyntaxError('{"a" 1}')).toEqual({ offset: 5, message: "expected ':' after a key" });
    expect(findJsonSyntaxError('[1,]')?.offset).toBe(3);
    expect(findJsonSyntaxError('{"a":1}}')?.offset).toBe(7);
    expect(findJsonSyntaxError('"\\x"')?.message).toBe('invalid escape in string');
    expect(findJsonSyntaxError('[01]')?.offset).toBe(2);
  });
});
