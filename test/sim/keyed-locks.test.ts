// Keyed locks (one lock per account): the bank transfer is clean when the two accounts are
// locked in key order (withAll/lockAll sort them) and reported when they are locked in caller
// order; one class per key type, so a real nesting of two key types is an ordinary dependency.
import { describe, expect, it } from 'vitest';
import { KeyedLocks, LockdepRuntime, Mutex, Simulation } from '../../src/index.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const kinds = (rt: LockdepRuntime): string[] => rt.findings.map((f) => f.kind);
const dependencies = (rt: LockdepRuntime): string[] => rt.snapshot().dependencies.map((d) => `${d.from}->${d.to}`).sort();

function bank(rt: LockdepRuntime) {
  const balances = new Map<string, number>([['alice', 100], ['bob', 100]]);
  const accounts = new KeyedLocks<string>(rt, 'account');
  const move = async (from: string, to: string, amount: number): Promise<void> => {
    const source = balances.get(from) ?? 0;
    await sleep(1);
    balances.set(from, source - amount);
    balances.set(to, (balances.get(to) ?? 0) + amount);
  };
  return { balances, accounts, move };
}

describe('the bank transfer', () => {
  it('is clean, and correct, when both accounts are locked with withAll (sorted)', async () => {
    const rt = new LockdepRuntime();
    const { balances, accounts, move } = bank(rt);
    const transfer = (from: string, to: string, amount: number) => accounts.withAll(null, [from, to], () => move(from, to, amount));
    await Promise.all([transfer('alice', 'bob', 10), transfer('bob', 'alice', 30), transfer('alice', 'bob', 5)]);
    expect(Object.fromEntries(balances)).toEqual({ alice: 115, bob: 85 });
    expect(rt.findings).toEqual([]);
    expect(dependencies(rt)).toEqual(['account->account/1']);
  });

  it('is reported when the accounts are locked in caller order', async () => {
    const rt = new LockdepRuntime();
    const { accounts, move } = bank(rt);
    const transfer = (from: string, to: string) => accounts.with(null, from, () => accounts.with(null, to, () => move(from, to, 1)));
    await transfer('alice', 'bob');
    expect(rt.findings).toEqual([]);
    await transfer('bob', 'alice');
    expect(kinds(rt)).toEqual(['recursive-locking']);
    expect(rt.findings[0]?.classes).toEqual(['account']);
  });

  it('a hand-written nesting in key order is clean', async () => {
    const rt = new LockdepRuntime();
    const { accounts, move } = bank(rt);
    const transfer = (from: string, to: string) => {
      const [first, second] = [from, to].sort();
      return accounts.with(null, first as string, () => accounts.with(null, second as string, () => move(from, to, 1)));
    };
    await Promise.all([transfer('alice', 'bob'), transfer('bob', 'alice')]);
    expect(rt.findings).toEqual([]);
  });

  it('with explicit task handles in a Simulation, caller order is reported and sorted order is not', async () => {
    const rt = new LockdepRuntime();
    const accounts = new KeyedLocks<number>(rt, 'account');
    // One after the other: run together, the two would really deadlock.
    const sorted = new Simulation(rt);
    sorted.spawn('sorted', (t) => accounts.withAll(t, [20, 3], () => undefined));
    expect((await sorted.run()).deadlock).toBeNull();
    expect(rt.findings).toEqual([]);
    const callerOrder = new Simulation(rt);
    callerOrder.spawn('caller-order', async (t) => {
      await accounts.lock(t, 20);
      await accounts.lock(t, 3);
      accounts.unlock(t, 3);
      accounts.unlock(t, 20);
    });
    await callerOrder.run();
    expect(kinds(rt)).toEqual(['recursive-locking']);
  });
});

describe('lockAll and key types', () => {
  it('after lockAll the caller holds every key (across the awaits inside it)', async () => {
    const rt = new LockdepRuntime();
    const accounts = new KeyedLocks<string>(rt, 'account');
    const audit = new Mutex(rt, 'audit');
    const unlockAll = await accounts.lockAll(null, ['carol', 'alice', 'bob', 'alice']);
    expect(['alice', 'bob', 'carol'].map((key) => accounts.lockOf(key).isLocked)).toEqual([true, true, true]);
    await audit.with(null, () => undefined);
    unlockAll();
    // audit was taken with all three held: its dependency is on the innermost (lockdep adds the
    // edge from the top of the held stack; the rest follow by transitivity).
    expect(dependencies(rt)).toEqual(['account->account/1', 'account/1->account/2', 'account/2->audit']);
    expect(rt.findings).toEqual([]);
    expect(['alice', 'bob', 'carol'].some((key) => accounts.lockOf(key).isLocked)).toBe(false);
  });

  it('one class per key type: a cart nested in an account is an ordinary dependency, the reverse a cycle', async () => {
    const rt = new LockdepRuntime();
    const accounts = new KeyedLocks<string>(rt, 'account');
    const carts = new KeyedLocks<number>(rt, 'cart');
    await accounts.with(null, 'alice', () => carts.with(null, 7, () => undefined));
    expect(rt.findings).toEqual([]);
    await carts.with(null, 8, () => accounts.with(null, 'bob', () => undefined));
    expect(kinds(rt)).toEqual(['circular-dependency']);
  });

  it('numbers are ordered numerically, and a custom order can be given', async () => {
    const rt = new LockdepRuntime();
    const numeric = new KeyedLocks<number>(rt, 'numeric');
    await numeric.with(null, 9, () => numeric.with(null, 10, () => undefined));
    const reversed = new KeyedLocks<string>(rt, 'reversed', { compare: (a, b) => b.localeCompare(a) });
    await reversed.with(null, 'b', () => reversed.with(null, 'a', () => undefined));
    expect(rt.findings).toEqual([]);
  });
});
