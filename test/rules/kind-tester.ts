/**
 * The data-table runner for rule-kind tests, after typescript-eslint's RuleTester: one table per
 * kind with `valid` traces (no rule-violation finding) and `invalid` traces with the expected
 * findings by rule id, message id and classes, never by wording. It also checks that every
 * reported message id is one of the kind's `messages` and that the table reports each of them.
 */
import { describe, expect, test } from 'vitest';
import type { TraceEvent } from '../../src/events/event.js';
import type { Finding } from '../../src/engine/finding.js';
import type { RuleKindModule } from '../../src/rules/rule-kind.js';
import { runRules, type RunOptions } from './rule-tester.js';

/** The message id of `--strict-order` findings (relation `undocumented`), which any kind's table may expect. */
const UNDOCUMENTED_MESSAGE_ID = 'undocumented';

export interface ValidCase {
  name: string;
  trace: TraceEvent[];
  /** Rule file text for this case alone (default: the table's `rules`). */
  rules?: string;
  options?: RunOptions;
}

/** One expected finding: its rule id, message id and classes (in the finding's order). */
export interface ExpectedViolation {
  rule: string;
  messageId: string;
  classes: string[];
  /** Default `contradicts`. */
  relation?: 'contradicts' | 'undocumented';
  /** Default `error`. */
  severity?: Finding['severity'];
}

export interface InvalidCase extends ValidCase {
  errors: ExpectedViolation[];
}

export interface KindTable {
  /** Rule file text (YAML) shared by the cases. */
  rules: string;
  valid: ValidCase[];
  invalid: InvalidCase[];
}

type KindUnderTest = Pick<RuleKindModule, 'kind' | 'messages'>;

function violationOf(finding: Finding): Required<ExpectedViolation> {
  return {
    rule: finding.rule ?? '',
    messageId: finding.ruleDetail?.messageId ?? '',
    classes: finding.classes,
    relation: finding.ruleDetail?.relation ?? 'contradicts',
    severity: finding.severity,
  };
}

function expectedOf(error: ExpectedViolation): Required<ExpectedViolation> {
  return { relation: 'contradicts', severity: 'error', ...error };
}

/** Registers a `describe` block for the kind: one test per case, and one for message coverage. */
export function testRuleKind(kind: KindUnderTest, table: KindTable): void {
  describe(`rule kind ${kind.kind}`, () => {
    for (const valid of table.valid) {
      test(`valid: ${valid.name}`, () => {
        expect(runRules(valid.rules ?? table.rules, valid.trace, valid.options).map(violationOf)).toEqual([]);
      });
    }
    for (const invalid of table.invalid) {
      test(`invalid: ${invalid.name}`, () => {
        const findings = runRules(invalid.rules ?? table.rules, invalid.trace, invalid.options);
        expect(findings.map(violationOf)).toEqual(invalid.errors.map(expectedOf));
        for (const finding of findings) expectWellFormed(kind, finding);
      });
    }
    test('the table reports every message of the kind', () => {
      const reported = new Set(table.invalid.flatMap((invalid) => invalid.errors.map((error) => error.messageId)));
      expect(Object.keys(kind.messages).filter((messageId) => !reported.has(messageId))).toEqual([]);
    });
  });
}

/** What every rule-violation finding carries, whatever its wording. */
function expectWellFormed(kind: KindUnderTest, finding: Finding): void {
  const detail = finding.ruleDetail;
  expect(detail).toBeDefined();
  expect(detail?.id).toBe(finding.rule);
  expect(detail?.description.length).toBeGreaterThan(0);
  if (detail?.relation === 'undocumented') {
    expect(detail.messageId).toBe(UNDOCUMENTED_MESSAGE_ID);
  } else {
    expect(detail?.kind).toBe(kind.kind);
    expect(Object.keys(kind.messages)).toContain(detail?.messageId);
  }
  // The message is one line and names every class it is about.
  expect(finding.message).not.toMatch(/\n/);
  for (const name of finding.classes) expect(finding.message).toContain(name);
  expect(finding.events.length).toBeGreaterThan(0);
  for (const event of finding.events) expect(event).toMatchObject({ file: 'trace.jsonl', line: expect.any(Number) as number });
}
