/** Rule kind `guarded-by` by data table: one access side, one lock side, any of several locks and variables. */
import { guardedByRule } from '../../../src/rules/kinds/guarded-by.js';
import { testRuleKind } from '../kind-tester.js';
import { L, R, U, W, lock } from '../rule-tester.js';

testRuleKind(guardedByRule, {
  rules: `
rules:
  - {id: count-under-mmu-lock, kind: guarded-by, var: count, access: write, lock: mmu, mode: write, description: count is only modified with mmu held for write}
  - {id: memslots-under-srcu, kind: guarded-by, var: [memslots, buses], access: read, lock: [srcu, slots], description: memslots are read under srcu or slots}
`,
  valid: [
    { name: 'a write under the write side', trace: [lock('mmu', 'rwlock'), L('t', 'mmu', 'write'), W('t', 'count'), U('t', 'mmu')] },
    { name: 'reads of a write-guarded variable', trace: [R('t', 'count')] },
    { name: 'another variable', trace: [W('t', 'other')] },
    { name: 'a read under the first of several locks', trace: [lock('srcu', 'map'), L('t', 'srcu', 'recursive-read'), R('t', 'buses'), U('t', 'srcu')] },
    { name: 'a read under the second of several locks', trace: [L('t', 'slots'), R('t', 'memslots'), U('t', 'slots')] },
    { name: 'writes of a read-guarded variable', trace: [W('t', 'memslots')] },
  ],
  invalid: [
    { name: 'a write with nothing held', trace: [W('t', 'count')], errors: [{ rule: 'count-under-mmu-lock', messageId: 'unguarded', classes: ['mmu'] }] },
    {
      name: 'a write under the read side',
      trace: [lock('mmu', 'rwlock'), L('t', 'mmu', 'recursive-read'), W('t', 'count'), U('t', 'mmu')],
      errors: [{ rule: 'count-under-mmu-lock', messageId: 'unguarded', classes: ['mmu'] }],
    },
    { name: 'an unlocked read', trace: [R('t', 'memslots')], errors: [{ rule: 'memslots-under-srcu', messageId: 'unguarded', classes: ['srcu', 'slots'] }] },
  ],
});
