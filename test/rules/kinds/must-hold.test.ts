/** Rule kind `must-hold` by data table: any of several guarded locks, one side of the required lock. */
import { mustHoldRule } from '../../../src/rules/kinds/must-hold.js';
import { testRuleKind } from '../kind-tester.js';
import { L, U, lock, nest } from '../rule-tester.js';

testRuleKind(mustHoldRule, {
  rules: `
rules:
  - id: pages-need-mmu
    kind: must-hold
    lock: [pages, unsync]
    held: mmu
    description: pages and unsync must also take mmu
  - id: x-needs-write
    kind: must-hold
    lock: x
    held: rw
    heldMode: write
    description: x needs rw held for write
`,
  valid: [
    { name: 'the lock under the required one (any side)', trace: [lock('mmu', 'rwlock'), ...nest('t', 'mmu', 'pages', undefined, 'recursive-read')] },
    { name: 'the lock under the required write side', trace: [lock('rw', 'rwsem'), ...nest('t', 'rw', 'x', undefined, 'write')] },
    { name: 'the required lock alone', trace: [L('t', 'mmu'), U('t', 'mmu')] },
  ],
  invalid: [
    { name: 'the second listed lock alone', trace: [L('t', 'unsync'), U('t', 'unsync')], errors: [{ rule: 'pages-need-mmu', messageId: 'notHeld', classes: ['unsync', 'mmu'] }] },
    {
      name: 'the lock under the wrong side',
      trace: [lock('rw', 'rwsem'), ...nest('t', 'rw', 'x', undefined, 'read')],
      errors: [{ rule: 'x-needs-write', messageId: 'notHeld', classes: ['x', 'rw'] }],
    },
  ],
});
