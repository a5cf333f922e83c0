/**
 * lockdep.config.yaml: discovery (cwd or a parent, `-c`, `--no-config`), validation with exact
 * `file:line:col` errors, and its effect on `lockdep check` (run in-process): rules,
 * strictOrder, maxDepth, baseline and maxWarnings; plus `--rules` (repeatable) and `--strict-order`.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { findConfigFile } from '../../src/rules/config-discovery.js';
import { parseConfig, resolveConfig } from '../../src/rules/config-file.js';
import { InputError } from '../../src/io/input-error.js';
import { runCliInProcess } from '../cli/run-cli.js';

const root = join(import.meta.dirname, '../..');
let dir: string;

const RULES = `rules:
  - id: a-before-b
    kind: order
    outer: A
    inner: B
    description: A is taken outside B
  - id: c-leaf
    kind: leaf
    severity: warning
    lock: C
    description: C is a leaf
`;
const lines = (events: object[]) => events.map((event) => JSON.stringify(event)).join('\n') + '\n';
const BA = lines([
  { op: 'acquire', task: 't', lock: 'B' },
  { op: 'acquire', task: 't', lock: 'A' },
  { op: 'release', task: 't', lock: 'A' },
  { op: 'release', task: 't', lock: 'B' },
]);
const CX = lines([
  { op: 'acquire', task: 't', lock: 'C' },
  { op: 'acquire', task: 't', lock: 'X' },
  { op: 'release', task: 't', lock: 'X' },
  { op: 'release', task: 't', lock: 'C' },
]);
const AD = lines([
  { op: 'acquire', task: 't', lock: 'A' },
  { op: 'acquire', task: 't', lock: 'D' },
  { op: 'release', task: 't', lock: 'D' },
  { op: 'release', task: 't', lock: 'A' },
]);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'lockdep-config-'));
  mkdirSync(join(dir, 'project/rules'), { recursive: true });
  mkdirSync(join(dir, 'project/deep/er'), { recursive: true });
  mkdirSync(join(dir, 'elsewhere'), { recursive: true });
  writeFileSync(join(dir, 'project/rules/ab.yaml'), RULES);
  writeFileSync(join(dir, 'project/rules/ad.yaml'), 'rules:\n  - {id: a-before-d, kind: order, chain: D < A, description: D is taken outside A}\n');
  writeFileSync(join(dir, 'project/lockdep.config.yaml'), 'rules: [rules/ab.yaml]\n');
  writeFileSync(join(dir, 'project/strict.yaml'), 'rules: [rules/ab.yaml]\nstrictOrder: true\nmaxWarnings: 0\n');
  writeFileSync(join(dir, 'project/bad.yaml'), 'rules: [rules/ab.yaml]\nmaxDepth: deep\n');
  writeFileSync(join(dir, 'ba.jsonl'), BA);
  writeFileSync(join(dir, 'cx.jsonl'), CX);
  writeFileSync(join(dir, 'ad.jsonl'), AD);
});

function check(cwd: string, ...args: string[]) {
  return runCliInProcess(['check', '--format', 'json', ...args], { cwd });
}
const rulesOf = (stdout: string): string[] =>
  (JSON.parse(stdout) as { violations: Array<{ rule: string | null; severity: string }> }).violations.map((v) => `${v.rule}:${v.severity}`);

describe('config discovery', () => {
  test('the nearest lockdep.config.yaml in the directory or a parent', () => {
    expect(findConfigFile(join(dir, 'project/deep/er'))).toBe(join(dir, 'project/lockdep.config.yaml'));
    expect(findConfigFile(join(dir, 'project'))).toBe(join(dir, 'project/lockdep.config.yaml'));
    expect(findConfigFile(join(dir, 'elsewhere'))).toBeUndefined();
  });

  test('rule paths are resolved relative to the config file', () => {
    const config = resolveConfig(undefined, join(dir, 'project/deep'));
    expect(config?.rules).toEqual([join(dir, 'project/rules/ab.yaml')]);
    expect(resolveConfig(false, join(dir, 'project/deep'))).toBeUndefined();
  });
});

describe('config errors: exact file:line:col', () => {
  const cases: Array<[string, string, string]> = [
    ['unknown key', 'rules: []\nstrict-order: true\n', 'c.yaml:2:1: unknown key "strict-order" (remove it or check its spelling)'],
    ['wrong type', 'maxDepth: deep\n', 'c.yaml:1:11: `maxDepth` must be a number, not the string "deep"'],
    ['negative maxWarnings', 'maxWarnings: -1\n', 'c.yaml:1:14: `maxWarnings` must be at least 0, not -1'],
    ['bad class type', 'classTypes:\n  "&kvm->mmu_lock": rw\n', 'c.yaml:2:21: `&kvm->mmu_lock` must be one of "spinlock", "rwlock", "mutex", "rwsem", "map", not the string "rw"'],
    ['missing rule file', 'rules:\n  - rules/ab.yaml\n  - rules/nope.yaml\n', 'c.yaml:3:5: rule file "rules/nope.yaml" not found (paths are relative to the config file)'],
    ['YAML syntax', 'rules: [a\n', 'c.yaml:2:1: YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ] (fix the YAML syntax)'],
    ['not a mapping', '- rules\n', 'c.yaml:1:1: a config file must be a mapping (keys: rules, strictOrder, maxDepth, classTypes, baseline, maxWarnings)'],
  ];
  test.each(cases)('%s', (_name, text, expected) => {
    let message = '';
    try {
      parseConfig(join(dir, 'project/c.yaml'), text, 'c.yaml');
    } catch (error) {
      expect(error).toBeInstanceOf(InputError);
      message = String(error);
    }
    expect(message).toBe(expected);
  });

  test('a valid config: class types in a Map, paths resolved', () => {
    const config = parseConfig(
      join(dir, 'project/c.yaml'),
      'rules: [rules/ab.yaml]\nstrictOrder: true\nmaxDepth: 64\nclassTypes:\n  __proto__: map\nbaseline: base.json\nmaxWarnings: 3\n',
    );
    expect(config).toEqual({
      file: join(dir, 'project/c.yaml'),
      rules: [join(dir, 'project/rules/ab.yaml')],
      strictOrder: true,
      maxDepth: 64,
      classTypes: new Map([['__proto__', 'map']]),
      baseline: join(dir, 'project/base.json'),
      maxWarnings: 3,
    });
  });
});

describe('lockdep check with rules and config', () => {
  test('the discovered config brings its rules (from a subdirectory)', async () => {
    const run = await check(join(dir, 'project/deep/er'), join(dir, 'ba.jsonl'));
    expect(run.status).toBe(1);
    expect(rulesOf(run.stdout)).toEqual(['a-before-b:error']);
  });

  test('the config baseline accepts known findings; --baseline on the command line wins', async () => {
    const project = join(dir, 'baselined');
    mkdirSync(project, { recursive: true });
    writeFileSync(join(project, 'lockdep.config.yaml'), `rules: [${join(dir, 'project/rules/ab.yaml')}]\nbaseline: accepted.json\n`);
    writeFileSync(join(project, 'empty.json'), '{"format":"lockdep-baseline","version":1,"findings":[]}\n');
    const recorded = await runCliInProcess(['baseline', join(dir, 'ba.jsonl'), '-o', join(project, 'accepted.json')], { cwd: project });
    expect(recorded.status).toBe(0);
    const gated = await check(project, join(dir, 'ba.jsonl'));
    expect(gated.status).toBe(0);
    expect((JSON.parse(gated.stdout) as { violations: Array<{ baselined?: boolean }> }).violations.map((v) => v.baselined)).toEqual([true]);
    const overridden = await check(project, '--baseline', join(project, 'empty.json'), join(dir, 'ba.jsonl'));
    expect(overridden.status).toBe(1);
  });

  test('--no-config ignores it', async () => {
    const run = await check(join(dir, 'project/deep'), '--no-config', join(dir, 'ba.jsonl'));
    expect(run.status).toBe(0);
    expect(rulesOf(run.stdout)).toEqual([]);
  });

  test('--rules is repeatable and adds to the config', async () => {
    const run = await check(join(dir, 'elsewhere'), '--rules', join(dir, 'project/rules/ab.yaml'), '--rules', join(dir, 'project/rules/ad.yaml'), join(dir, 'ba.jsonl'), join(dir, 'ad.jsonl'));
    expect(run.status).toBe(1);
    expect(rulesOf(run.stdout).sort()).toEqual(['a-before-b:error', 'a-before-d:error']);
  });

  test('-c FILE: strictOrder and maxWarnings from the config', async () => {
    const run = await check(join(dir, 'elsewhere'), '-c', join(dir, 'project/strict.yaml'), join(dir, 'cx.jsonl'));
    expect(rulesOf(run.stdout)).toEqual(['c-leaf:warning']);
    expect(run.status).toBe(1);
  });

  test('--strict-order on the command line', async () => {
    const both = join(dir, 'both.jsonl');
    writeFileSync(both, lines([
      { op: 'acquire', task: 't', lock: 'C' },
      { op: 'release', task: 't', lock: 'C' },
      { op: 'acquire', task: 't', lock: 'B' },
      { op: 'acquire', task: 't', lock: 'C' },
      { op: 'release', task: 't', lock: 'C' },
      { op: 'release', task: 't', lock: 'B' },
    ]));
    const plain = await check(join(dir, 'elsewhere'), '--rules', join(dir, 'project/rules/ab.yaml'), both);
    expect(rulesOf(plain.stdout)).toEqual([]);
    const strict = await check(join(dir, 'elsewhere'), '--rules', join(dir, 'project/rules/ab.yaml'), '--strict-order', both);
    expect(rulesOf(strict.stdout)).toEqual(['strict-order:warning']);
    expect(strict.status).toBe(0);
  });

  test('a bad config or rule file exits 2 with one file:line:col line', async () => {
    const run = await check(join(dir, 'elsewhere'), '-c', join(dir, 'project/bad.yaml'), join(dir, 'ba.jsonl'));
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(`${join(dir, 'project/bad.yaml')}:2:11: \`maxDepth\` must be a number, not the string "deep"\n`);
    const bad = await check(join(dir, 'elsewhere'), '--rules', join(root, 'test/rules/fixtures/unknown-kind.yaml'), join(dir, 'ba.jsonl'));
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/unknown-kind\.yaml:8:11: unknown rule kind "order-by" \(use one of: /);
  });

  test('the rule files\' class declarations type the classes of an ftrace trace', async () => {
    const trace = join(root, 'test/rules/fixtures/ftrace-spin-then-mutex.txt');
    const kinds = (stdout: string) => (JSON.parse(stdout) as { violations: Array<{ kind: string; rule: string | null }> }).violations.map((v) => `${v.kind}:${v.rule}`);
    const untyped = await check(join(dir, 'elsewhere'), '--input-format', 'ftrace', trace);
    expect(kinds(untyped.stdout)).toEqual([]);
    const typed = await check(join(dir, 'elsewhere'), '--input-format', 'ftrace', '--rules', join(root, 'rules/kvm-locking.yaml'), trace);
    expect(kinds(typed.stdout)).toEqual(['sleep-in-atomic:null', 'rule-violation:leaf-locks']);
  });

  test('-c with a missing file', async () => {
    const run = await check(join(dir, 'elsewhere'), '-c', 'missing.yaml', join(dir, 'ba.jsonl'));
    expect(run.status).toBe(2);
    expect(run.stderr).toBe('missing.yaml: cannot read config file: no such file (check the path given to -c/--config)\n');
  });
});
