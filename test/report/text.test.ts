import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FINDING_KINDS } from '../../src/engine/finding.js';
import type { CheckResult } from '../../src/engine/result.js';
import { renderFindingText, renderSummaryLine, renderText } from '../../src/report/text.js';
import { GOLDEN_FINDINGS, badUnlock, circular, ruleUndocumented, ruleViolation } from './text-fixtures.js';

const GOLDEN_DIR = join(import.meta.dirname, 'golden');
const UPDATE = process.env['LOCKDEP_UPDATE_GOLDEN'] === '1';

/** Compares with test/report/golden/<name>.txt; LOCKDEP_UPDATE_GOLDEN=1 rewrites the file. */
function expectGolden(name: string, actual: string): void {
  const path = join(GOLDEN_DIR, `${name}.txt`);
  if (UPDATE) writeFileSync(path, actual);
  expect(existsSync(path), `missing golden file ${path} (run with LOCKDEP_UPDATE_GOLDEN=1)`).toBe(true);
  expect(actual).toBe(readFileSync(path, 'utf8'));
}

function resultOf(...violations: CheckResult['violations']): CheckResult {
  return {
    version: 1,
    violations,
    summary: { events: 12, tasks: 2, classes: 2, dependencies: 2, violations: violations.length },
  };
}

describe('text report golden files', () => {
  it('covers every finding kind', () => {
    const kinds = new Set([...GOLDEN_FINDINGS.values()].map((f) => f.kind));
    expect([...kinds].sort()).toEqual([...FINDING_KINDS].sort());
  });

  for (const [name, finding] of GOLDEN_FINDINGS) {
    it(name, () => {
      expectGolden(name, `${renderFindingText(finding)}\n`);
    });
  }

  it('a whole report with several traces', () => {
    const result: CheckResult = {
      ...resultOf(circular, badUnlock),
      traces: [
        { file: 'a.jsonl', summary: { events: 10, tasks: 2, classes: 2, dependencies: 2, violations: 1 } },
        { file: 'b.jsonl', summary: { events: 2, tasks: 1, classes: 1, dependencies: 0, violations: 1 } },
      ],
    };
    expectGolden('report-two-traces', renderText(result));
  });
});

describe('text report content', () => {
  const text = renderFindingText(circular);

  it('has the kernel header, banner widths, both witnesses and the scenario', () => {
    const lines = text.split('\n');
    const header = lines.indexOf('WARNING: possible circular locking dependency detected');
    expect(header).toBeGreaterThan(0);
    expect(lines[header - 1]).toBe('='.repeat(54));
    expect(lines[header + 1]).toBe('-'.repeat(54));
    expect(text).toContain('t2 is trying to acquire lock:\na0 (A){+.+.}, at: do_ba+0x22/0x40');
    expect(text).toContain('but task is already holding lock:\nb0 (B){+.+.}, at: do_b+0x10/0x40');
    expect(text).toContain('-> #1 (B){+.+.}:\n       t1 took (B) at do_ab+0x18/0x40 [trace.jsonl:4]');
    expect(text).toContain('while holding (A), taken at do_a+0x10/0x40 [trace.jsonl:3]');
    expect(text).toContain('-> #0 (A){+.+.}:\n       t2 took (A) at do_ba+0x22/0x40 [trace.jsonl:8]');
    expect(text).toContain('  lock(B);\n                               lock(A);\n                               lock(B);\n  lock(A);');
    expect(text).toContain(' *** DEADLOCK ***');
    expect(text).toContain('1 lock held by t2:\n #0: b0 (B){+.+.}, at: do_b+0x10/0x40');
    expect(text).not.toContain('Chain exists of:');
    expect(text).toContain('seen 3 times');
  });

  it('uses no color unless asked, and ANSI codes when asked', () => {
    expect(text).not.toContain('\u001b[');
    const colored = renderFindingText(circular, { color: true });
    expect(colored).toContain('\u001b[31m');
    // eslint-disable-next-line no-control-regex -- strips the color escapes
    expect(colored.replace(/\u001b\[\d+m/g, '')).toBe(text);
  });

  it('degrades gracefully when optional fields are missing', () => {
    for (const finding of GOLDEN_FINDINGS.values()) {
      const { chain: _c, held: _h, locks: _l, irq: _i, trigger: _t, ruleDetail: _r, task: _k, ...bare } = finding;
      const out = renderFindingText({ ...bare, events: [] });
      expect(out).toContain(finding.message);
      expect(out).not.toContain('undefined');
    }
  });

  it('shows an access witness of a rule violation by its site, never as a lock', () => {
    const access = { file: 'kvm.jsonl', line: 7, task: 'qemu/1', op: 'access', site: 'kvm_mmu_invalidate_begin+0x10' };
    const out = renderFindingText({
      ...ruleViolation,
      message: 'write of kvm->mmu_invalidate_in_progress without &kvm->mmu_lock held (write side)',
      classes: ['&kvm->mmu_lock'],
      events: [access],
      trigger: access,
      chain: [],
      held: [],
    });
    expect(out).toContain('qemu/1 at:\nkvm_mmu_invalidate_begin+0x10 [kvm.jsonl:7]\n');
    expect(out).toContain('no locks held by qemu/1.');
    expect(out).not.toContain('(?)');
  });

  it('summary line counts findings by severity and baselined ones apart', () => {
    expect(renderSummaryLine(resultOf())).toBe('lockdep: 12 events, 2 tasks, 2 classes, 2 dependencies; no findings');
    expect(renderSummaryLine(resultOf(circular, ruleUndocumented))).toBe(
      'lockdep: 12 events, 2 tasks, 2 classes, 2 dependencies; 2 findings (1 error, 0 warnings, 0 info, 1 baselined)',
    );
  });

  it('a clean result is only the summary line', () => {
    expect(renderText(resultOf())).toBe('lockdep: 12 events, 2 tasks, 2 classes, 2 dependencies; no findings\n');
  });
});
