/** Rule kind `no-sleep-inside` by data table: sleeping lock types, trylocks, and `sync` waits inside a context. */
import { noSleepInsideRule } from '../../../src/rules/kinds/no-sleep-inside.js';
import { testRuleKind } from '../kind-tester.js';
import { L, S, U, lock, nest } from '../rule-tester.js';

testRuleKind(noSleepInsideRule, {
  rules: `
rules:
  - id: no-sleep-in-oom
    kind: no-sleep-inside
    inside: oom
    description: non-blockable invalidations must not sleep
`,
  valid: [
    { name: 'a spinlock inside', trace: [lock('oom', 'map'), lock('spin', 'spinlock'), ...nest('t', 'oom', 'spin')] },
    { name: 'a trylock of a mutex inside', trace: [lock('oom', 'map'), L('t', 'oom'), L('t', 'mutex', undefined, { try: true }), U('t', 'mutex'), U('t', 'oom')] },
    { name: 'a mutex outside', trace: [lock('oom', 'map'), ...nest('t', 'mutex', 'oom')] },
  ],
  invalid: [
    { name: 'a mutex inside', trace: [lock('oom', 'map'), ...nest('t', 'oom', 'mutex')], errors: [{ rule: 'no-sleep-in-oom', messageId: 'sleeps', classes: ['oom', 'mutex'] }] },
    {
      name: 'an rwsem read side inside',
      trace: [lock('oom', 'map'), lock('sem', 'rwsem'), ...nest('t', 'oom', 'sem', 'read')],
      errors: [{ rule: 'no-sleep-in-oom', messageId: 'sleeps', classes: ['oom', 'sem'] }],
    },
    {
      name: 'a sync wait inside',
      trace: [lock('oom', 'map'), lock('srcu', 'map'), L('t', 'oom'), S('t', 'srcu'), U('t', 'oom')],
      errors: [{ rule: 'no-sleep-in-oom', messageId: 'sleeps', classes: ['oom', 'srcu'] }],
    },
  ],
});
