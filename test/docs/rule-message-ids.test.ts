/**
 * docs/rules.md lists every message id a rule-violation finding can carry (`ruleDetail.messageId`),
 * kind by kind: the table must match the rule kinds' `messages` and the `--strict-order` message,
 * so a new or renamed message fails here until the documentation says it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { RULE_KINDS } from '../../src/rules/registry.js';

const RULES_DOC = join(import.meta.dirname, '..', '..', 'docs', 'rules.md');

/** `kind messageId` for each row of the message-id table (`| \`order\` | \`pathInside\` | ... |`). */
function documentedMessageIds(text: string): string[] {
  const rows = [...text.matchAll(/^\| (`[\w-]+`|\(`--strict-order`\)) \| `(\w+)` \|/gm)];
  return rows.map((row) => `${row[1]!.replace(/[`()]/g, '')} ${row[2]!}`);
}

test('docs/rules.md lists exactly the message ids of the rule kinds', () => {
  const fromCode = [
    ...RULE_KINDS.flatMap((module) => Object.keys(module.messages).map((messageId) => `${module.kind} ${messageId}`)),
    '--strict-order undocumented',
  ];
  expect(documentedMessageIds(readFileSync(RULES_DOC, 'utf8')).sort()).toEqual(fromCode.sort());
});
