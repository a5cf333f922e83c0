/** Rule kind `forbid-inside` by data table: a pseudo-lock context, one side of the held lock, `sync` waits. */
import { forbidInsideRule } from '../../../src/rules/kinds/forbid-inside.js';
import { testRuleKind } from '../kind-tester.js';
import { L, S, U, lock, nest } from '../rule-tester.js';

testRuleKind(forbidInsideRule, {
  rules: `
rules:
  - id: no-slots-in-notifier
    kind: forbid-inside
    lock: slots
    inside: notifier
    description: MMU notifiers must not take slots
  - id: no-sync-under-arch
    kind: forbid-inside
    lock: srcu
    lockMode: write
    inside: arch
    description: arch is released before synchronize_srcu()
  - id: no-x-under-write
    kind: forbid-inside
    lock: x
    inside: rw
    insideMode: write
    description: x is never taken under the write side of rw
`,
  valid: [
    { name: 'the lock outside the pseudo-lock', trace: [lock('notifier', 'map'), ...nest('t', 'slots', 'notifier')] },
    { name: 'the pseudo-lock alone', trace: [lock('notifier', 'map'), L('t', 'notifier'), U('t', 'notifier'), L('t', 'slots'), U('t', 'slots')] },
    { name: 'the read side of the lock when only writes are forbidden', trace: [lock('srcu', 'map'), ...nest('t', 'arch', 'srcu', 'recursive-read')] },
    { name: 'under the read side when only the write side forbids', trace: [lock('rw', 'rwsem'), ...nest('t', 'rw', 'x', undefined, 'read')] },
  ],
  invalid: [
    {
      name: 'the lock inside the pseudo-lock',
      trace: [lock('notifier', 'map'), ...nest('t', 'notifier', 'slots', undefined, 'recursive-read')],
      errors: [{ rule: 'no-slots-in-notifier', messageId: 'forbidden', classes: ['notifier', 'slots'] }],
    },
    {
      name: 'the lock deep inside the pseudo-lock',
      trace: [lock('notifier', 'map'), L('t', 'notifier'), L('t', 'x'), L('t', 'slots'), U('t', 'slots'), U('t', 'x'), U('t', 'notifier')],
      errors: [{ rule: 'no-slots-in-notifier', messageId: 'forbidden', classes: ['notifier', 'slots'] }],
    },
    {
      name: 'a sync wait (write side) under the held lock',
      trace: [lock('srcu', 'map'), L('t', 'arch'), S('t', 'srcu'), U('t', 'arch')],
      errors: [{ rule: 'no-sync-under-arch', messageId: 'forbidden', classes: ['arch', 'srcu'] }],
    },
    {
      name: 'under the forbidden write side',
      trace: [lock('rw', 'rwsem'), ...nest('t', 'rw', 'x', undefined, 'write')],
      errors: [{ rule: 'no-x-under-write', messageId: 'forbidden', classes: ['rw', 'x'] }],
    },
  ],
});
