/** Rule kind `writers-only-at` by data table: the site or any stack frame names the function; one finding per offending function. */
import { writersOnlyAtRule } from '../../../src/rules/kinds/writers-only-at.js';
import { testRuleKind } from '../kind-tester.js';
import { L, U, lock } from '../rule-tester.js';

const violation = { rule: 'no-new-writers', messageId: 'elsewhere', classes: ['rw'] };

testRuleKind(writersOnlyAtRule, {
  rules: `
rules:
  - id: no-new-writers
    kind: writers-only-at
    lock: rw
    functions: [install_new_memslots]
    description: No other write-side critical sections should be added.
`,
  valid: [
    { name: 'a writer at the listed function', trace: [lock('rw', 'rwsem'), L('t', 'rw', 'write', { site: 'install_new_memslots+0x5a/0x120' }), U('t', 'rw')] },
    {
      name: 'a writer with the function deeper in the stack',
      trace: [lock('rw', 'rwsem'), L('t', 'rw', 'write', { site: 'down_write+0x1', stack: ['down_write+0x1', 'install_new_memslots (virt/kvm/kvm_main.c:1300)'] }), U('t', 'rw')],
    },
    { name: 'a reader anywhere', trace: [lock('rw', 'rwsem'), L('t', 'rw', 'read', { site: 'kvm_mmu_notifier_invalidate_range_start+0x36d' }), U('t', 'rw')] },
  ],
  invalid: [
    { name: 'a writer elsewhere', trace: [lock('rw', 'rwsem'), L('t', 'rw', 'write', { site: 'kvm_set_memslot+0x10' }), U('t', 'rw')], errors: [violation] },
    { name: 'a writer with no site', trace: [lock('rw', 'rwsem'), L('t', 'rw'), U('t', 'rw')], errors: [violation] },
    {
      name: 'two offending functions are two findings, the same one again is not',
      trace: [
        lock('rw', 'rwsem'),
        L('t', 'rw', 'write', { site: 'f+0x1' }),
        U('t', 'rw'),
        L('t', 'rw', 'write', { site: 'g+0x1' }),
        U('t', 'rw'),
        L('t', 'rw', 'write', { site: 'f+0x9' }),
        U('t', 'rw'),
      ],
      errors: [violation, violation],
    },
  ],
});
