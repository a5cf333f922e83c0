/**
 * V8's tier cap around `lockdep infer`'s one-shot work (src/infer/one-shot-tier.ts): capped at
 * baseline code while the work runs on a graph up to ONE_SHOT_SIZE, lifted after it (also when
 * it throws), once for nested calls, and left alone for larger graphs. The flag calls are
 * observed through a mock of node:v8 (the cap itself changes speed, never a result: the infer
 * tests' proposals, made under it, say that).
 */
import { beforeEach, describe, expect, test, vi } from 'vitest';

vi.mock('node:v8', async (importOriginal) => ({ ...(await importOriginal<typeof import('node:v8')>()), setFlagsFromString: vi.fn() }));

const { setFlagsFromString } = await import('node:v8');
const { ONE_SHOT_SIZE, oneShot, userSetsMaxOpt } = await import('../../src/infer/one-shot-tier.js');
const flags = vi.mocked(setFlagsFromString);

describe('oneShot', () => {
  beforeEach(() => flags.mockClear());

  test('caps the tiers while the work runs, lifts the cap after, and returns what the work returned', () => {
    const seen: string[][] = [];
    const result = oneShot(ONE_SHOT_SIZE, () => {
      seen.push(flags.mock.calls.map(([flag]) => flag));
      return 42;
    });
    expect(result).toBe(42);
    expect(seen).toEqual([['--max-opt=1']]);
    expect(flags.mock.calls.map(([flag]) => flag)).toEqual(['--max-opt=1', '--max-opt=999']);
  });

  test('nested calls cap once and lift once, at the end of the outermost', () => {
    oneShot(10, () => oneShot(10, () => oneShot(ONE_SHOT_SIZE + 1, () => undefined)));
    expect(flags.mock.calls.map(([flag]) => flag)).toEqual(['--max-opt=1', '--max-opt=999']);
  });

  test('the cap is lifted when the work throws', () => {
    expect(() => oneShot(10, () => {
      throw new Error('bad input');
    })).toThrow('bad input');
    expect(flags.mock.calls.map(([flag]) => flag)).toEqual(['--max-opt=1', '--max-opt=999']);
    oneShot(10, () => undefined);
    expect(flags.mock.calls.map(([flag]) => flag)).toEqual(['--max-opt=1', '--max-opt=999', '--max-opt=1', '--max-opt=999']);
  });

  test('a graph larger than ONE_SHOT_SIZE runs uncapped', () => {
    expect(oneShot(ONE_SHOT_SIZE + 1, () => 'done')).toBe('done');
    expect(flags).not.toHaveBeenCalled();
  });

  test("a process started with its own --max-opt is left alone", () => {
    expect(userSetsMaxOpt(['--max-opt=2'], undefined)).toBe(true);
    expect(userSetsMaxOpt([], '--max-old-space-size=4096 --max_opt=3')).toBe(true);
    expect(userSetsMaxOpt(['--max-opt', '2'], '')).toBe(true);
    expect(userSetsMaxOpt(['--max-old-space-size=4096'], '--max-optimized-things=1 --inspect')).toBe(false);
    expect(userSetsMaxOpt([], undefined)).toBe(false);
  });
});
