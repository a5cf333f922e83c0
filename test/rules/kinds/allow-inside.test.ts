/**
 * Rule kind `allow-inside` by data table: it never reports by itself; it documents a nesting, so
 * `--strict-order` stops calling that nesting undocumented (and only that one).
 */
import { allowInsideRule } from '../../../src/rules/kinds/allow-inside.js';
import { testRuleKind } from '../kind-tester.js';
import { lock, nest } from '../rule-tester.js';

// Both classes take part in lock relations through these rules, so --strict-order watches them.
const related = `
rules:
  - {id: arch-first, kind: order, outer: arch, inner: zz, description: d}
  - {id: srcu-first, kind: order, outer: srcu, inner: zz, description: d}
  - {id: kvm-first, kind: order, outer: kvm, inner: zz, description: d}
`;
const allow = `
  - id: arch-in-srcu
    kind: allow-inside
    lock: arch
    inside: srcu
    description: arch can be taken inside a srcu read-side critical section
`;
const strictOrder = { strictOrder: true };
const archInSrcu = [lock('srcu', 'map'), ...nest('t', 'srcu', 'arch', undefined, 'recursive-read')];

testRuleKind(allowInsideRule, {
  rules: related + allow,
  valid: [
    { name: 'the allowed nesting under --strict-order', trace: archInSrcu, options: strictOrder },
    { name: 'the allowed nesting without --strict-order', trace: archInSrcu },
  ],
  invalid: [
    {
      name: 'the same nesting without the rule is undocumented under --strict-order',
      rules: related,
      trace: archInSrcu,
      options: strictOrder,
      errors: [{ rule: 'strict-order', messageId: 'undocumented', classes: ['srcu', 'arch'], relation: 'undocumented', severity: 'warning' }],
    },
    {
      name: 'another nesting inside the same lock is still undocumented',
      trace: [lock('srcu', 'map'), ...nest('t', 'srcu', 'kvm', undefined, 'recursive-read')],
      options: strictOrder,
      errors: [{ rule: 'strict-order', messageId: 'undocumented', classes: ['srcu', 'kvm'], relation: 'undocumented', severity: 'warning' }],
    },
  ],
});
