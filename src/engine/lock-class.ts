/**
 * Lock classes: the nodes of the dependency graph. A class is (name, subclass); subclass N > 0
 * is its own class named `name/N`, as lockdep prints it. Each class carries its lock type, its
 * irq usage mask with the event that first set each usage bit, and flags the hot path reads.
 * Invariant: class ids are dense integers from 0, never reused.
 */
import type { LockType } from '../events/event.js';
import { LOCK_TYPE_TRAITS } from '../events/lock-type.js';
import type { UsageAt } from './event-refs.js';
import { USAGE_BITS } from './usage.js';

/** A class's usage records before any usage: copied per class (one builtin call, not two). */
const NO_USAGE_AT: readonly (UsageAt | null)[] = new Array<UsageAt | null>(USAGE_BITS).fill(null);

export class LockClass {
  usage = 0;
  /** Where each usage bit was first set (event-refs.ts `usageRefAt` gives the reference). */
  readonly usageAt: (UsageAt | null)[] = NO_USAGE_AT.slice();
  /** Sleeping lock types: acquiring one in atomic context is sleep-in-atomic. */
  readonly sleeps: boolean;
  /** Spinning lock types: holding one makes the task atomic. */
  readonly atomic: boolean;
  /** Set when a hook asked to see every acquisition of this class. */
  watched = false;

  constructor(
    readonly id: number,
    readonly name: string,
    readonly type: LockType,
    /** A per-CPU local lock, skipped by the irq-safety searches (lockdep's usage_skip). */
    readonly percpu: boolean,
  ) {
    const traits = LOCK_TYPE_TRAITS[type];
    this.sleeps = traits.sleeps;
    this.atomic = traits.spins;
  }
}

export function className(base: string, subclass: number): string {
  return subclass === 0 ? base : `${base}/${subclass}`;
}

export class ClassRegistry {
  readonly byId: LockClass[] = [];
  private readonly byName = new Map<string, LockClass>();

  get(name: string): LockClass | undefined {
    return this.byName.get(name);
  }

  /** A new class `name`; the caller has checked that there is none (`get`). */
  create(name: string, type: LockType, percpu: boolean): LockClass {
    const cls = new LockClass(this.byId.length, name, type, percpu);
    this.byId.push(cls);
    this.byName.set(name, cls);
    return cls;
  }

  get size(): number {
    return this.byId.length;
  }
}
