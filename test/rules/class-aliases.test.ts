/**
 * Class aliases (`classes: {NAME: {type, aliases: [...]}}`): every rule kind matches a trace that
 * uses an alias as it matches the declared name, findings name the declared class, and the
 * loader rejects an alias that a rule names, that is also a class, or that names two classes.
 */
import { describe, expect, test } from 'vitest';
import type { TraceEvent } from '../../src/events/event.js';
import { loadRuleTexts } from '../../src/rules/index.js';
import { L, R, U, W, loadErrorOf as errorOf, runAll, runRules, summary } from './rule-tester.js';

const CLASSES = `version: 1
kernels: v5.12 and later
classes:
  'new(a)': {type: mutex, aliases: [old_a, older_a]}
  b: mutex
  map: map
rules:
`;

/** Per kind: a rule on `new(a)`, and a trace that breaks it naming the class `old_a`. */
const KINDS: Array<[string, string, TraceEvent[], string]> = [
  ['order', "  - {id: r, kind: order, outer: 'new(a)', inner: b, description: d}\n", [L('t', 'b'), L('t', 'old_a'), U('t', 'old_a'), U('t', 'b')], 'r:b,new(a)'],
  ['forbid-inside', "  - {id: r, kind: forbid-inside, lock: 'new(a)', inside: map, description: d}\n", [L('t', 'map'), L('t', 'old_a'), U('t', 'old_a'), U('t', 'map')], 'r:map,new(a)'],
  ['writers-only-at', "  - {id: r, kind: writers-only-at, lock: 'new(a)', functions: [f], description: d}\n", [L('t', 'old_a', undefined, { site: 'g+0x1/0x2' }), U('t', 'old_a')], 'r:new(a)'],
  ['guarded-by', "  - {id: r, kind: guarded-by, var: v, lock: 'new(a)', description: d}\n", [W('t', 'v')], 'r:new(a)'],
  ['leaf', "  - {id: r, kind: leaf, lock: 'new(a)', description: d}\n", [L('t', 'older_a'), L('t', 'b'), U('t', 'b'), U('t', 'older_a')], 'r:new(a),b'],
  ['must-hold', "  - {id: r, kind: must-hold, lock: b, held: 'new(a)', description: d}\n", [L('t', 'b'), U('t', 'b')], 'r:b,new(a)'],
  ['no-sleep-inside', "  - {id: r, kind: no-sleep-inside, inside: 'new(a)', description: d}\n", [L('t', 'old_a'), L('t', 'b'), U('t', 'b'), U('t', 'old_a')], 'r:new(a),b'],
];

describe('every rule kind sees an alias as its class', () => {
  test.each(KINDS)('%s: broken under the alias, reported under the declared name', (_kind, rule, trace, expected) => {
    expect(summary(runRules(CLASSES + rule, trace))).toEqual([expected]);
  });

  test('guarded-by and must-hold are satisfied by the alias held', () => {
    const rules = `${CLASSES}  - {id: g, kind: guarded-by, var: v, lock: 'new(a)', description: d}\n  - {id: m, kind: must-hold, lock: b, held: 'new(a)', description: d}\n`;
    expect(summary(runRules(rules, [L('t', 'old_a'), R('t', 'v'), L('t', 'b'), U('t', 'b'), U('t', 'old_a')]))).toEqual([]);
  });

  test('allow-inside under the alias silences --strict-order as under the name', () => {
    const rules = `${CLASSES}  - {id: o, kind: order, outer: b, inner: map, description: d}\n  - {id: a, kind: allow-inside, lock: 'new(a)', inside: b, description: d}\n`;
    const trace = [L('t', 'b'), L('t', 'old_a'), U('t', 'old_a'), U('t', 'b')];
    expect(summary(runAll(rules, trace, { strictOrder: true }))).toEqual([]);
  });

  test('an alias gets its class\'s declared type', () => {
    const ruleSet = loadRuleTexts([{ file: 'r.yaml', text: `${CLASSES}  - {id: r, kind: leaf, lock: 'new(a)', description: d}\n` }]);
    expect(ruleSet.classTypes.get('old_a')).toBe('mutex');
    expect(ruleSet.kernelsByFile.get('r.yaml')).toBe('v5.12 and later');
  });
});

describe('alias errors name file:line:col', () => {
  test('a rule that names an alias', () => {
    expect(errorOf([{ file: 'r.yaml', text: `${CLASSES}  - {id: r, kind: leaf, lock: old_a, description: d}\n` }])).toBe(
      'r.yaml:8:31: class "old_a" is an alias of "new(a)" (rules name the declared class; its aliases match on their own)',
    );
  });

  test('an alias that is also a declared class', () => {
    expect(errorOf([{ file: 'r.yaml', text: "classes:\n  a: {type: mutex, aliases: [b]}\n  b: mutex\nrules: []\n" }])).toBe(
      'r.yaml:2:30: alias "b" is also declared as a class (drop one)',
    );
  });

  test('one alias for two classes, in one file and across files', () => {
    expect(errorOf([{ file: 'r.yaml', text: 'classes:\n  a: {type: mutex, aliases: [x]}\n  b: {type: mutex, aliases: [x]}\nrules: []\n' }])).toBe(
      'r.yaml:3:30: alias "x" is already an alias of "a" (an alias names one class)',
    );
    expect(
      errorOf([
        { file: 'one.yaml', text: 'classes:\n  a: {type: mutex, aliases: [x]}\nrules: []\n' },
        { file: 'two.yaml', text: 'classes:\n  b: {type: mutex, aliases: [x]}\nrules: []\n' },
      ]),
    ).toBe('two.yaml:2:30: alias "x" of "b" is an alias of "a" in another file (an alias names one class)');
  });

  test('a declaration that is neither a type nor {type, aliases}', () => {
    expect(errorOf([{ file: 'r.yaml', text: 'classes:\n  a: {type: mutex, alias: [x]}\nrules: []\n' }])).toMatch(/^r\.yaml:2:\d+: /);
    expect(errorOf([{ file: 'r.yaml', text: 'classes:\n  a: lock\nrules: []\n' }])).toMatch(/^r\.yaml:2:6: .*must be one of "spinlock", "rwlock", "mutex", "rwsem", "map"/);
  });
});
