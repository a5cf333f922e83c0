/**
 * Dependency witnesses are built when first asked for (src/engine/edge-witnesses.ts): what a
 * snapshot, a finding or a hook shows must be the acquisitions of the moment the edge was added,
 * although the held-lock records of that moment have been reused by later holds since.
 */
import { describe, expect, test } from 'vitest';
import type { DependencyWitness } from '../../src/engine/finding.js';
import { Validator } from '../../src/engine/validator.js';

function witnessOf(v: Validator, from: string, to: string): DependencyWitness {
  const dep = v.snapshot().dependencies.find((d) => d.from === from && d.to === to);
  if (dep === undefined) throw new Error(`no dependency ${from} -> ${to}`);
  return dep.witness;
}

describe('dependency witnesses built late', () => {
  test('a plain line edge shows its own acquisitions after the held records were reused', () => {
    const v = new Validator({ file: 'lane.std' });
    v.acquireAt('t', 'A', 1, true, 11, 'lane.std', 1);
    v.acquireAt('t', 'B', 0, false, 'b_site', 'lane.std', 2);
    v.releaseAt('t', 'B', undefined, 'lane.std', 3);
    v.releaseAt('t', 'A', undefined, 'lane.std', 4);
    // The same task's next holds reuse the two records above.
    v.acquireAt('t', 'C', 2, false, 31, 'lane.std', 5);
    v.acquireAt('t', 'D', 0, false, { site: 'd_site', stack: ['f1', 'f2'] }, 'lane.std', 6);
    expect(witnessOf(v, 'A', 'B')).toEqual({
      from: 'A',
      to: 'B',
      types: ['SN'],
      task: 't',
      prev: { task: 't', file: 'lane.std', line: 1, op: 'acquire', lock: 'A', class: 'A', mode: 'read', try: true, site: '11' },
      next: { task: 't', file: 'lane.std', line: 2, op: 'acquire', lock: 'B', class: 'B', mode: 'write', site: 'b_site' },
    });
    expect(witnessOf(v, 'C', 'D')).toEqual({
      from: 'C',
      to: 'D',
      types: ['SN'],
      task: 't',
      prev: { task: 't', file: 'lane.std', line: 5, op: 'acquire', lock: 'C', class: 'C', mode: 'recursive-read', site: '31' },
      next: { task: 't', file: 'lane.std', line: 6, op: 'acquire', lock: 'D', class: 'D', mode: 'write', site: 'd_site', stack: ['f1', 'f2'] },
    });
  });

  test('an event edge keeps the events it was seen between', () => {
    const v = new Validator({ file: 'ev.jsonl' });
    v.process({ op: 'acquire', task: 7, lock: 'A', site: 'a_site' }, { file: 'ev.jsonl', line: 10 });
    v.process({ op: 'acquire', task: 7, lock: 'B', mode: 'read' }, { file: 'ev.jsonl', line: 11 });
    v.process({ op: 'release', task: 7, lock: 'B' }, { file: 'ev.jsonl', line: 12 });
    v.process({ op: 'release', task: 7, lock: 'A' }, { file: 'ev.jsonl', line: 13 });
    v.process({ op: 'acquire', task: 7, lock: 'X', site: 'x_site' }, { file: 'ev.jsonl', line: 14 });
    v.process({ op: 'acquire', task: 7, lock: 'Y' }, { file: 'ev.jsonl', line: 15 });
    const w = witnessOf(v, 'A', 'B');
    expect(w.prev).toEqual({ task: '7', file: 'ev.jsonl', line: 10, op: 'acquire', lock: 'A', class: 'A', mode: 'write', site: 'a_site' });
    expect(w.next).toEqual({ task: '7', file: 'ev.jsonl', line: 11, op: 'acquire', lock: 'B', class: 'B', mode: 'read' });
  });

  test('a witness built early shows the types the edge gains later, and is the one every reader gets', () => {
    const seen: DependencyWitness[] = [];
    const v = new Validator({ hooks: [{ onNewDependency: (w) => { seen.push(w); } }] });
    const lu = (mode: 0 | 1, line: number): void => {
      v.acquireAt('t', 'A', mode, false, undefined, 'f', line);
      v.acquireAt('t', 'B', 0, false, undefined, 'f', line + 1);
      v.releaseAt('t', 'B', undefined, 'f', line + 2);
      v.releaseAt('t', 'A', undefined, 'f', line + 3);
    };
    lu(0, 1);
    expect(seen.map((w) => w.types)).toEqual([['EN']]);
    lu(1, 5); // A taken for read: the same edge gains SN
    expect(seen).toHaveLength(2);
    expect(seen[1]).toBe(seen[0]);
    expect(seen[0]!.types).toEqual(['EN', 'SN']);
    expect(witnessOf(v, 'A', 'B')).toBe(seen[0]);
    expect(seen[0]!.prev.line).toBe(1);
  });
});
