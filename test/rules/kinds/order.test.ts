/**
 * Rule kind `order` by data table: the outer/inner form, one side of `inner`, the chain form,
 * and both messages (a direct nesting, a dependency path through other locks). The relation's
 * closure across rules and `--strict-order` are in ../order.test.ts.
 */
import { orderRule } from '../../../src/rules/kinds/order.js';
import { testRuleKind } from '../kind-tester.js';
import { L, S, U, lock, nest } from '../rule-tester.js';

testRuleKind(orderRule, {
  rules: `
rules:
  - {id: a-before-b, kind: order, outer: A, inner: B, description: A is taken outside B}
  - {id: c-before-d-write, kind: order, outer: C, inner: D, innerMode: write, description: C is taken outside the write side of D}
  - {id: e-before-f-read, kind: order, outer: E, inner: F, innerMode: read, description: E is taken outside the read side of F}
  - {id: xyz, kind: order, chain: "X < Y < Z", description: 'X, then Y, then Z'}
`,
  valid: [
    { name: 'the documented order', trace: nest('t', 'A', 'B') },
    { name: 'only one of the two', trace: [L('t', 'B'), U('t', 'B'), L('t', 'A'), U('t', 'A')] },
    { name: 'the outer lock under the other side of an inner write side', trace: [lock('D', 'rwsem'), ...nest('t', 'D', 'C', undefined, 'read')] },
    { name: 'the outer lock under the other side of an inner read side', trace: [lock('F', 'rwlock'), ...nest('t', 'F', 'E', undefined, 'write')] },
    { name: 'the chain in its order', trace: [L('t', 'X'), L('t', 'Y'), L('t', 'Z'), U('t', 'Z'), U('t', 'Y'), U('t', 'X')] },
  ],
  invalid: [
    { name: 'outer under inner', trace: nest('t', 'B', 'A'), errors: [{ rule: 'a-before-b', messageId: 'acquiredInside', classes: ['B', 'A'] }] },
    { name: 'a sync of outer under inner', trace: [L('t', 'B'), S('t', 'A'), U('t', 'B')], errors: [{ rule: 'a-before-b', messageId: 'acquiredInside', classes: ['B', 'A'] }] },
    {
      name: 'outer under the ordered write side',
      trace: [lock('D', 'rwsem'), ...nest('t', 'D', 'C', undefined, 'write')],
      errors: [{ rule: 'c-before-d-write', messageId: 'acquiredInside', classes: ['D', 'C'] }],
    },
    {
      name: 'outer under a recursive reader of the ordered read side',
      trace: [lock('F', 'rwlock'), ...nest('t', 'F', 'E', undefined, 'recursive-read')],
      errors: [{ rule: 'e-before-f-read', messageId: 'acquiredInside', classes: ['F', 'E'] }],
    },
    { name: 'neighbours of the chain reversed', trace: nest('t', 'Z', 'Y'), errors: [{ rule: 'xyz', messageId: 'acquiredInside', classes: ['Z', 'Y'] }] },
    { name: 'the ends of the chain reversed', trace: nest('t', 'Z', 'X'), errors: [{ rule: 'xyz', messageId: 'acquiredInside', classes: ['Z', 'X'] }] },
    {
      name: 'a dependency path from inner to outer through another lock',
      trace: [...nest('t1', 'B', 'M'), ...nest('t2', 'M', 'A')],
      errors: [{ rule: 'a-before-b', messageId: 'pathInside', classes: ['B', 'M', 'A'] }],
    },
  ],
});
