/**
 * Every malformed rule file gives one error line with the exact `file:line:col`, and valid
 * files load. The expected strings are complete: position, message and the hint.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { InputError } from '../../src/io/input-error.js';
import { loadRuleFiles, loadRuleTexts } from '../../src/rules/index.js';
import { loadErrorOf as errorOf } from './rule-tester.js';

const one = (text: string): string => errorOf([{ file: 'r.yaml', text }]);

const KINDS = 'order, forbid-inside, allow-inside, writers-only-at, guarded-by, leaf, must-hold, no-sleep-inside';

const cases: Array<[string, string, string]> = [
  ['YAML syntax error', 'rules:\n  - id: x\n   kind: order\n', 'r.yaml:3:1: YAML syntax error: Sequence item without - indicator (fix the YAML syntax)'],
  ['duplicate YAML key', 'rules:\n  - id: x\n    id: y\n', 'r.yaml:3:5: YAML syntax error: Map keys must be unique (fix the YAML syntax)'],
  [
    'alias before its anchor',
    'rules:\n  - &x {id: a, kind: leaf, lock: b, description: d}\n  - *y\n',
    'r.yaml:3:5: YAML error: Unresolved alias (the anchor must be set before the alias): y (define the anchor before using the alias)',
  ],
  [
    'alias bomb',
    'a: &a [1,2]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n',
    'r.yaml:2:8: YAML error: Excessive alias count indicates a resource exhaustion attack (use fewer aliases)',
  ],
  ['empty file', '', 'r.yaml:1:1: the rule file is empty (expected a mapping with a `rules:` list)'],
  ['not a mapping', '- a\n', 'r.yaml:1:1: a rule file must be a mapping with a `rules:` list'],
  ['unknown top-level key', 'rule:\n  - id: x\n', 'r.yaml:1:1: unknown key "rule" (remove it or check its spelling)'],
  [
    'unknown key in a rule',
    'rules:\n  - id: a\n    kind: leaf\n    description: d\n    lock: x\n    extra: 1\n',
    'r.yaml:6:5: unknown key "extra" (remove it or check its spelling)',
  ],
  [
    'wrong type: a number for a class list',
    'rules:\n  - id: a\n    kind: leaf\n    description: d\n    lock: 3\n',
    'r.yaml:5:11: `lock` must be a class name or a list of class names, not number 3',
  ],
  ['wrong type: rules is a mapping', 'rules:\n  a: 1\n', 'r.yaml:2:3: `rules` must be a list, not a mapping'],
  [
    'wrong type: functions is a string',
    'rules:\n  - id: a\n    kind: writers-only-at\n    description: d\n    lock: x\n    functions: f\n',
    'r.yaml:6:16: `functions` must be a list, not the string "f"',
  ],
  ['unknown rule kind', 'rules:\n  - id: a\n    kind: bogus\n    description: d\n', `r.yaml:3:11: unknown rule kind "bogus" (use one of: ${KINDS})`],
  ['missing kind', 'rules:\n  - id: a\n    description: d\n', `r.yaml:2:5: missing \`kind\` (one of: ${KINDS})`],
  ['missing description', 'rules:\n  - id: r1\n    kind: leaf\n    lock: a\n', 'r.yaml:2:5: missing required key `description` (add it)'],
  [
    'bad severity',
    'rules:\n  - id: r1\n    kind: leaf\n    severity: eror\n    description: d\n    lock: a\n',
    'r.yaml:4:15: `severity` must be one of "error", "warning", "info", "off", not the string "eror"',
  ],
  [
    'bad mode',
    'rules:\n  - id: r1\n    kind: order\n    description: d\n    outer: a\n    inner: b\n    innerMode: exclusive\n',
    'r.yaml:7:16: `innerMode` must be one of "write", "read", "any", not the string "exclusive"',
  ],
  [
    'bad id',
    'rules:\n  - id: "-x"\n    kind: leaf\n    description: d\n    lock: a\n',
    'r.yaml:2:9: `id` is the string "-x": must be letters, digits, ".", "_" or "-", starting with a letter or digit',
  ],
  [
    'duplicate id',
    'rules:\n  - id: a\n    kind: leaf\n    description: d\n    lock: x\n  - id: a\n    kind: leaf\n    description: d\n    lock: y\n',
    'r.yaml:6:9: duplicate rule id "a" (first defined at r.yaml:2:9; rename one)',
  ],
  [
    'undeclared class (list item)',
    'classes:\n  a: mutex\nrules:\n  - id: r\n    kind: order\n    description: d\n    outer: a\n    inner: [a2, b]\n',
    'r.yaml:8:13: class "a2" is not declared in `classes:` (declare it with its type, or fix the name)',
  ],
  [
    'undeclared class (inside a chain)',
    "classes:\n  a: mutex\n  b: mutex\nrules:\n  - id: r\n    kind: order\n    description: d\n    chain: 'a < b < c'\n",
    'r.yaml:8:21: class "c" is not declared in `classes:` (declare it with its type, or fix the name)',
  ],
  [
    'bad class type',
    'classes:\n  a: semaphore\nrules: []\n',
    'r.yaml:2:6: `a` must be one of "spinlock", "rwlock", "mutex", "rwsem", "map", not the string "semaphore"',
  ],
  [
    'bad type of a class named __proto__',
    'classes:\n  __proto__: semaphore\nrules: []\n',
    'r.yaml:2:14: the type of class "__proto__" must be one of: spinlock, rwlock, mutex, rwsem, map',
  ],
  [
    'cyclic order across rules',
    'rules:\n  - id: r1\n    kind: order\n    description: d\n    chain: a < b < c\n  - id: r2\n    kind: order\n    description: d\n    outer: c\n    inner: [x, a]\n',
    'r.yaml:10:16: order is cyclic: c < a < b < c (rules r2, r1; remove or correct one of them)',
  ],
  ['cyclic chain', 'rules:\n  - id: r1\n    kind: order\n    description: d\n    chain: a < b < a\n', 'r.yaml:5:20: order is cyclic: b < a < b (rules r1; remove or correct one of them)'],
  [
    'a class ordered before itself',
    'rules:\n  - id: r1\n    kind: order\n    description: d\n    outer: a\n    inner: a\n',
    'r.yaml:6:12: order is cyclic: "a" cannot be taken outside itself (rule r1; remove the pair)',
  ],
  [
    'both order forms',
    'rules:\n  - id: r1\n    kind: order\n    description: d\n    chain: a < b\n    outer: c\n',
    'r.yaml:6:12: `outer` cannot be combined with `chain` (use one form)',
  ],
  [
    'neither order form',
    'rules:\n  - id: r1\n    kind: order\n    description: d\n    outer: c\n',
    'r.yaml:2:5: an order rule needs `outer` and `inner`, or `chain` (missing `inner`)',
  ],
  [
    'malformed chain',
    'rules:\n  - id: r1\n    kind: order\n    description: d\n    chain: a < < b\n',
    'r.yaml:5:12: `chain` must look like "a < b < c": at least two non-empty class names separated by "<"',
  ],
];

describe('malformed rule files: exact file:line:col', () => {
  test.each(cases)('%s', (_name, text, expected) => {
    expect(one(text)).toBe(expected);
  });

  test('a duplicate id across two files names both places', () => {
    const first = { file: 'a.yaml', text: 'rules:\n  - {id: x, kind: leaf, description: d, lock: l}\n' };
    const second = { file: 'b.yaml', text: '\nrules:\n  - id: x\n    kind: leaf\n    description: d\n    lock: m\n' };
    expect(errorOf([first, second])).toBe('b.yaml:3:9: duplicate rule id "x" (first defined at a.yaml:2:10; rename one)');
  });

  test('a file named twice (the config and --rules) is read once, not reported as duplicate ids', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lockdep-rules-twice-'));
    const path = join(dir, 'r.yaml');
    writeFileSync(path, 'rules:\n  - {id: x, kind: leaf, description: d, lock: l}\n');
    const twice = loadRuleFiles([path, join(dir, '.', 'r.yaml')]);
    expect(twice.activeRules.map((rule) => rule.id)).toEqual(['x']);
    rmSync(dir, { recursive: true, force: true });
  });

  test('a cycle across two files is reported where it closes', () => {
    const first = { file: 'a.yaml', text: 'rules:\n  - {id: ab, kind: order, chain: a < b, description: d}\n' };
    const second = { file: 'b.yaml', text: 'rules:\n  - {id: ba, kind: order, outer: b, inner: a, description: d}\n' };
    expect(errorOf([first, second])).toBe('b.yaml:2:44: order is cyclic: b < a < b (rules ba, ab; remove or correct one of them)');
  });

  test('conflicting class types across files', () => {
    const first = { file: 'a.yaml', text: 'classes:\n  l: mutex\nrules: []\n' };
    const second = { file: 'b.yaml', text: 'classes:\n  l: rwsem\nrules: []\n' };
    expect(errorOf([first, second])).toBe('b.yaml:2:3: class "l" is declared as rwsem here but as mutex at a.yaml:2:3 (use one type)');
  });

  test('a missing file', () => {
    expect(() => loadRuleFiles(['/nonexistent/rules.yaml'])).toThrow(InputError);
    try {
      loadRuleFiles(['/nonexistent/rules.yaml']);
    } catch (error) {
      expect(String(error)).toBe('/nonexistent/rules.yaml: cannot read rule file: no such file (check the path)');
    }
  });
});

describe('valid rule files', () => {
  test('classes keep names such as __proto__ and files without classes need no declarations', () => {
    const ruleSet = loadRuleTexts([
      { file: 'a.yaml', text: 'classes:\n  __proto__: mutex\nrules:\n  - {id: r, kind: leaf, description: d, lock: __proto__}\n' },
      { file: 'b.yaml', text: 'rules:\n  - {id: s, kind: leaf, description: d, lock: undeclared}\n' },
    ]);
    expect([...ruleSet.classTypes]).toEqual([['__proto__', 'mutex']]);
    expect(ruleSet.rules.map((rule) => `${rule.id}:${rule.severity}`)).toEqual(['r:error', 's:error']);
  });

  test('an empty rule list is valid', () => {
    expect(loadRuleTexts([{ file: 'a.yaml', text: 'version: 1\nrules: []\n' }]).rules).toEqual([]);
  });
});
