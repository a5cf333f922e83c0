/**
 * The two gaps of docs/semantics.md ("Gaps closed", 1 and 2), closed by this engine, each with the trace the kernel misses
 * and a near miss that must stay silent.
 */
import { describe, expect, test } from 'vitest';
import { acq, init, kinds, lu2, rel } from './trace-builder.js';

describe('gap (a): visited keyed by (class, only_xr)', () => {
  // Edges in this order: N -(ER)-> X, N -(EN)-> M, M -(EN)-> X, X -(SN)-> P; then P -> N.
  // The kernel's BFS from N reaches X first through the *R edge (only_xr), masks X -(SN)-> P,
  // then skips X when it arrives again through M, and misses the strong cycle N->M->X->P->N.
  const prefix = [
    init('X', 'rwsem'),
    ...lu2('t', 'N', 'X', 'write', 'recursive-read'),
    ...lu2('t', 'N', 'M'),
    ...lu2('t', 'M', 'X', 'write', 'write'),
    ...lu2('t', 'X', 'P', 'read', 'write'),
  ];
  test('the strong cycle reached through an already-visited class is reported', () => {
    expect(kinds([...prefix, ...lu2('t', 'P', 'N')])).toEqual(['circular-dependency']);
  });
  test('near miss: without the strong detour through M the cycle is weak', () => {
    const weak = [init('X', 'rwsem'), ...lu2('t', 'N', 'X', 'write', 'recursive-read'), ...lu2('t', 'X', 'P', 'read', 'write'), ...lu2('t', 'P', 'N')];
    expect(kinds(weak)).toEqual([]);
  });
});

describe('gap (b): recursive readers in the middle of the held stack', () => {
  // Held R(A), R(B), then W(C): the kernel adds A -(SR)-> B and B -(SN)-> C only; the path
  // A -> B -> C is weak at B, so C -> A(W) closes no strong cycle in its graph. The held state
  // is a real deadlock: the engine adds A -(SN)-> C as well.
  const held = [init('A', 'rwlock'), init('B', 'rwlock'), init('C', 'spinlock'), acq('t1', 'A', 'recursive-read'), acq('t1', 'B', 'recursive-read'), acq('t1', 'C'), rel('t1', 'C'), rel('t1', 'B'), rel('t1', 'A')];
  test('the deadlock is reported', () => {
    expect(kinds([...held, ...lu2('t2', 'C', 'A')])).toEqual(['circular-dependency']);
  });
  test('near miss: C -> A taken as a recursive reader is not a deadlock', () => {
    expect(kinds([...held, ...lu2('t2', 'C', 'A', 'write', 'recursive-read')])).toEqual([]);
  });
});
