/**
 * Fuzzes the YAML inputs: rule files (src/rules/loader.ts, yaml-source.ts, schema.ts, the rule
 * kinds) and the config file (src/rules/config-file.ts). Mutated seeds (the shipped KVM packs and a
 * file using every kind), recombined lines, and random text.
 * Properties: a clean InputError naming the file (with `line:col` whenever the problem is inside
 * the file), or a rule set whose hooks check a seed trace into a valid result; nothing touches
 * Object.prototype.
 */
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/rules/config-file.js';
import { Validator } from '../../src/engine/validator.js';
import { parseTraceText } from '../../src/events/jsonl-reader.js';
import { loadRuleTexts } from '../../src/rules/loader.js';
import { createRuleHooks } from '../../src/rules/rule-hooks.js';
import type { RuleSet } from '../../src/rules/rule-set.js';
import { renderAll } from './check-pipeline.js';
import { FuzzTally, expectCleanError, expectNoPrototypePollution, expectValidResult, fuzzRuns, fuzzTimeout, inputText } from './fuzz-support.js';
import { CONFIG_SEEDS, JSONL_ALL_OPS, RULE_SEEDS } from './seeds.js';

const tally = new FuzzTally();
afterAll(() => console.info(tally.report()));

const root = join(import.meta.dirname, '..', '..');
const RULE_FILE = 'fuzz-rules.yaml';
const seedRecords = parseTraceText(JSONL_ALL_OPS, 'seed.jsonl').records;

/** The names a rule set watches are the seed trace's classes, so rules actually fire. */
const CLASS_NAMES = ['A', 'B', 'C', 'R', 'W', 'M', 'X', 'counter', '__proto__', 'constructor'];

function checkWithRules(ruleSet: RuleSet, strictOrder: boolean): void {
  const validator = new Validator({ file: 'seed.jsonl', hooks: [createRuleHooks(ruleSet, { strictOrder })] });
  for (const { event, origin } of seedRecords) validator.process(event, origin);
  validator.end();
  const result = validator.result();
  expectValidResult(result);
  renderAll(result);
}

/** A seed with class names swapped for the seed trace's (so rules see real acquisitions). */
const ruleText = fc.oneof(
  inputText(RULE_SEEDS),
  fc.tuple(inputText(RULE_SEEDS), fc.array(fc.constantFrom(...CLASS_NAMES), { minLength: 4, maxLength: 4 })).map(([text, names]) =>
    text.replaceAll('&kvm->slots_lock', names[0] ?? 'A').replaceAll('&kvm->mmu_lock', names[1] ?? 'B').replaceAll("'A'", names[2] ?? 'C').replaceAll('notifier', names[3] ?? 'M'),
  ),
);

describe('rule and config YAML fuzzing', () => {
  it('rule files: clean error at file:line:col or a working rule set', () => {
    fc.assert(
      fc.property(ruleText, fc.boolean(), (text, strictOrder) => {
        let ruleSet: RuleSet;
        try {
          ruleSet = loadRuleTexts([{ file: RULE_FILE, text }]);
        } catch (error) {
          const clean = expectCleanError(error, RULE_FILE);
          expect(clean.line, clean.toString()).toBeTypeOf('number');
          tally.note('rules-yaml', 'error');
          expectNoPrototypePollution();
          return;
        }
        checkWithRules(ruleSet, strictOrder);
        tally.note('rules-yaml', 'result');
        expectNoPrototypePollution();
      }),
      { numRuns: fuzzRuns() },
    );
  }, fuzzTimeout());

  it('two rule files at once (duplicate ids and cross-file order cycles): clean error or a rule set', () => {
    fc.assert(
      fc.property(inputText(RULE_SEEDS), fc.constantFrom(...RULE_SEEDS), (text, other) => {
        try {
          checkWithRules(loadRuleTexts([{ file: 'other.yaml', text: other }, { file: RULE_FILE, text }]), false);
          tally.note('rules-yaml-pair', 'result');
        } catch (error) {
          const clean = expectCleanError(error, (error as { file?: string }).file === 'other.yaml' ? 'other.yaml' : RULE_FILE);
          expect(clean.line, clean.toString()).toBeTypeOf('number');
          tally.note('rules-yaml-pair', 'error');
        }
        expectNoPrototypePollution();
      }),
      { numRuns: fuzzRuns(0.25) },
    );
  }, fuzzTimeout(0.25));

  it('config files: clean error at file:line:col or a config', () => {
    const file = join(root, 'lockdep.config.yaml');
    fc.assert(
      fc.property(inputText(CONFIG_SEEDS), (text) => {
        try {
          const config = parseConfig(file, text, 'lockdep.config.yaml');
          expect(config.classTypes).toBeInstanceOf(Map);
          for (const rule of config.rules) expect(typeof rule).toBe('string');
          tally.note('config-yaml', 'result');
        } catch (error) {
          const clean = expectCleanError(error, 'lockdep.config.yaml');
          expect(clean.line, clean.toString()).toBeTypeOf('number');
          tally.note('config-yaml', 'error');
        }
        expectNoPrototypePollution();
      }),
      { numRuns: fuzzRuns() },
    );
  }, fuzzTimeout());

  it('every seed is valid on its own', () => {
    for (const seed of RULE_SEEDS) checkWithRules(loadRuleTexts([{ file: 'seed.yaml', text: seed }]), true);
    for (const seed of CONFIG_SEEDS) expect(parseConfig(join(root, 'lockdep.config.yaml'), seed).classTypes).toBeInstanceOf(Map);
  });
});
