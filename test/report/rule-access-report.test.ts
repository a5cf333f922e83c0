/**
 * A guarded-by violation reads as the access it is: the text report names the variable, whether
 * it was written, and the locks the task held at the time.
 */
import { expect, test } from 'vitest';
import { Validator } from '../../src/engine/validator.js';
import { renderText } from '../../src/report/text.js';
import { createRuleHooks, loadRuleTexts } from '../../src/rules/index.js';

const RULES = `
rules:
  - id: count-under-lock
    kind: guarded-by
    var: count
    access: write
    lock: L
    mode: write
    description: count is only modified with L held for write
`;

test('the access, its variable and the held locks are in the report', () => {
  const ruleSet = loadRuleTexts([{ file: 'r.yaml', text: RULES }]);
  const v = new Validator({ file: 't.jsonl', hooks: [createRuleHooks(ruleSet, { strictOrder: false })] });
  v.process({ op: 'acquire', task: 't1', lock: 'M', site: 'f+0x1' }, { file: 't.jsonl', line: 1 });
  v.process({ op: 'access', task: 't1', var: 'count', write: true, site: 'bump+0x10' }, { file: 't.jsonl', line: 2 });
  v.process({ op: 'access', task: 't1', var: 'other', write: true }, { file: 't.jsonl', line: 3 });
  v.end();
  expect(v.findings.map((f) => f.rule)).toEqual(['count-under-lock']);
  const finding = v.findings[0]!;
  expect(finding.trigger).toMatchObject({ var: 'count', write: true, line: 2 });
  expect(finding.held?.map((h) => h.class)).toEqual(['M']);
  const text = renderText(v.result(), { color: false });
  expect(text).toContain('write of (count) at bump+0x10 [t.jsonl:2]');
  expect(text).toContain("1 lock held by t1:\n #0: (M){+.+.}, at: f+0x1");
});
