import { describe, expect, it } from 'vitest';
import type { CheckResult } from '../../src/engine/result.js';
import { renderJson } from '../../src/report/json.js';
import { circular, ruleViolation } from './text-fixtures.js';

describe('JSON report', () => {
  const result: CheckResult = {
    tool: { name: 'lockdep', version: '0.1.0' },
    summary: { events: 12, tasks: 2, classes: 2, dependencies: 2, violations: 2 },
    violations: [circular, ruleViolation],
    version: 1,
  };
  const text = renderJson(result);
  const parsed = JSON.parse(text);

  it('puts the spec fields first, in the spec order', () => {
    expect(Object.keys(parsed)).toEqual(['version', 'violations', 'summary', 'tool']);
    for (const violation of parsed.violations) {
      expect(Object.keys(violation).slice(0, 7)).toEqual(['kind', 'rule', 'severity', 'fingerprint', 'message', 'classes', 'events']);
      for (const event of violation.events) expect(Object.keys(event).slice(0, 3)).toEqual(['file', 'line', 'task']);
    }
  });

  it('keeps every finding field and value', () => {
    expect(parsed.violations).toEqual([circular, ruleViolation]);
    expect(parsed.violations[0].rule).toBeNull();
    expect(parsed.violations[1].rule).toBe('kvm-slots-before-notifier');
  });

  it('is pretty-printed and ends with a newline', () => {
    expect(text.endsWith('}\n')).toBe(true);
    expect(text.split('\n').length).toBeGreaterThan(10);
  });
});
