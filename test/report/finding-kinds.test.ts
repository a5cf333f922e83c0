/**
 * The finding-kind tables (engine/finding-kinds.ts, report/finding-kind-reports.ts): one entry
 * per kind, no more, and a table that misses a kind does not type-check; every kind's text
 * report works from the bare minimum a finding holds (no details: a shorter report, never a throw).
 */
import { describe, expect, it } from 'vitest';
import { FINDING_KINDS, type Finding, type FindingKind } from '../../src/engine/finding.js';
import { FINDING_KIND_INFO } from '../../src/engine/finding-kinds.js';
import { FINDING_KIND_REPORTS } from '../../src/report/finding-kind-reports.js';
import { describeFinding, ruleIdOf } from '../../src/report/rule-catalog.js';
import { renderFindingText } from '../../src/report/text.js';

function kindsOf(table: Record<FindingKind, unknown>): string[] {
  return Object.keys(table).sort();
}

function bareFinding(kind: FindingKind): Finding {
  return { kind, rule: null, severity: FINDING_KIND_INFO[kind].defaultSeverity, fingerprint: '0000000000000000', message: `a bare ${kind}`, classes: [], events: [] };
}

describe('finding-kind tables', () => {
  it('have exactly one entry per finding kind', () => {
    const kinds = [...FINDING_KINDS].sort();
    expect(kindsOf(FINDING_KIND_INFO)).toEqual(kinds);
    expect(kindsOf(FINDING_KIND_REPORTS)).toEqual(kinds);
  });

  it('a table without an entry for a kind is not a Record of every kind', () => {
    const { 'task-error': omitted, ...withoutTaskError } = FINDING_KIND_INFO;
    // @ts-expect-error the table misses `task-error`, so it does not satisfy Record<FindingKind, ...>
    expect(kindsOf(withoutTaskError)).not.toContain('task-error');
    expect(omitted.defaultSeverity).toBe('error');
  });

  it.each(FINDING_KINDS)('%s: one-line description, and a report from a bare finding under its banner', (kind) => {
    const finding = bareFinding(kind);
    const description = describeFinding(finding);
    expect(description).toBe(FINDING_KIND_INFO[kind].description);
    expect(description).not.toMatch(/\n/);
    expect(ruleIdOf(finding)).toBe(kind === 'rule-violation' ? 'rule/unnamed' : `lockdep/${kind}`);
    const lines = renderFindingText(finding).split('\n');
    const header = FINDING_KIND_REPORTS[kind].header(finding);
    expect(lines.slice(1, 4)).toEqual(['='.repeat(header.length), header, '-'.repeat(header.length)]);
    expect(lines[lines.length - 1]).toBe(`[error] ${kind}: a bare ${kind} (fingerprint 0000000000000000)`);
  });
});
