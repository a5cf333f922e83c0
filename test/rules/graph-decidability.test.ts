/**
 * Every rule kind of the registry is placed as decidable from a dependency graph or not, so a
 * new kind cannot pass silently on a /proc/lockdep input.
 */
import { describe, expect, it } from 'vitest';
import { RULE_KINDS } from '../../src/rules/registry.js';
import { GRAPH_DECIDABILITY } from '../../src/rules/graph-decidability.js';

describe('graph decidability of rule kinds', () => {
  it('places every registered kind, and only those', () => {
    expect(Object.keys(GRAPH_DECIDABILITY).sort()).toEqual(RULE_KINDS.map((module) => module.kind).sort());
  });

  it('needs single acquisitions for the held-lock, access and sleep kinds', () => {
    const acquisitions = Object.entries(GRAPH_DECIDABILITY).filter(([, how]) => how === 'acquisitions').map(([kind]) => kind).sort();
    expect(acquisitions).toEqual(['guarded-by', 'must-hold', 'no-sleep-inside', 'writers-only-at']);
  });
});
