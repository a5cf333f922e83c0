/**
 * Test helper for rule kinds, after typescript-eslint's RuleTester: a rule file (YAML text) and
 * traces (TraceEvent arrays) go through a real Validator with the rule hooks; tests compare the
 * rule-violation findings that come out.
 */
import type { LockMode, LockType, TraceEvent } from '../../src/events/event.js';
import type { Finding } from '../../src/engine/finding.js';
import { Validator } from '../../src/engine/validator.js';
import { expect } from 'vitest';
import { InputError } from '../../src/io/input-error.js';
import { createRuleHooks, loadRuleTexts, type RuleSet } from '../../src/rules/index.js';

/** Declare a lock whose class is its own name. */
export const lock = (name: string, type: LockType): TraceEvent => ({ op: 'init', lock: name, type });
/** Acquire (lock id = class name). */
export const L = (task: string, name: string, mode?: LockMode, extra: { site?: string; stack?: string[]; try?: boolean } = {}): TraceEvent => ({
  op: 'acquire',
  task,
  lock: name,
  ...(mode ? { mode } : {}),
  ...extra,
});
export const U = (task: string, name: string): TraceEvent => ({ op: 'release', task, lock: name });
export const S = (task: string, name: string): TraceEvent => ({ op: 'sync', task, lock: name });
export const W = (task: string, variable: string): TraceEvent => ({ op: 'access', task, var: variable, write: true });
export const R = (task: string, variable: string): TraceEvent => ({ op: 'access', task, var: variable, write: false });
/** Take `outer` then `inner`, release both. */
export const nest = (task: string, outer: string, inner: string, innerMode?: LockMode, outerMode?: LockMode): TraceEvent[] => [
  L(task, outer, outerMode),
  L(task, inner, innerMode),
  U(task, inner),
  U(task, outer),
];

export function ruleSetOf(yaml: string, file = 'rules.yaml'): RuleSet {
  return loadRuleTexts([{ file, text: yaml }]);
}

export interface RunOptions {
  strictOrder?: boolean;
}

/** Every finding of the trace checked with the rules. */
export function runAll(yaml: string | RuleSet, events: readonly TraceEvent[], options: RunOptions = {}): Finding[] {
  const ruleSet = typeof yaml === 'string' ? ruleSetOf(yaml) : yaml;
  const validator = new Validator({ file: 'trace.jsonl', hooks: [createRuleHooks(ruleSet, options)] });
  events.forEach((event, index) => validator.process(event, { file: 'trace.jsonl', line: index + 1 }));
  validator.end();
  return [...validator.findings];
}

/** Only the rule-violation findings. */
export function runRules(yaml: string | RuleSet, events: readonly TraceEvent[], options: RunOptions = {}): Finding[] {
  return runAll(yaml, events, options).filter((finding) => finding.kind === 'rule-violation');
}

/** `rule:class,class` per rule finding, for compact assertions. */
export function summary(findings: readonly Finding[]): string[] {
  return findings.map((finding) => `${finding.rule}:${finding.classes.join(',')}`);
}

/** The one-line InputError that loading the rule files gives (fails the test when they load). */
export function loadErrorOf(files: Array<{ file: string; text: string }>): string {
  try {
    loadRuleTexts(files);
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return String(error);
  }
  throw new Error('expected an InputError');
}
