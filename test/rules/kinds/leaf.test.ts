/** Rule kind `leaf` by data table: nothing inside a leaf but its exceptions; a leaf inside another leaf. */
import { leafRule } from '../../../src/rules/kinds/leaf.js';
import { testRuleKind } from '../kind-tester.js';
import { L, S, U, lock, nest } from '../rule-tester.js';

testRuleKind(leafRule, {
  rules: `
rules:
  - id: leaves
    kind: leaf
    lock: [pages, unsync]
    except: [debug]
    description: 'Everything else is a leaf: no other lock is taken inside the critical sections.'
`,
  valid: [
    { name: 'a leaf taken inside others', trace: nest('t', 'mmu', 'pages') },
    { name: 'the exception inside a leaf', trace: nest('t', 'pages', 'debug') },
  ],
  invalid: [
    { name: 'a lock inside a leaf', trace: nest('t', 'pages', 'mmu'), errors: [{ rule: 'leaves', messageId: 'notLeaf', classes: ['pages', 'mmu'] }] },
    { name: 'a leaf inside a leaf', trace: nest('t', 'unsync', 'pages'), errors: [{ rule: 'leaves', messageId: 'notLeaf', classes: ['unsync', 'pages'] }] },
    {
      name: 'a sync wait inside a leaf',
      trace: [lock('srcu', 'map'), L('t', 'pages'), S('t', 'srcu'), U('t', 'pages')],
      errors: [{ rule: 'leaves', messageId: 'notLeaf', classes: ['pages', 'srcu'] }],
    },
  ],
});
