/**
 * The lock instances and lock classes of a kernel trace as dense numbers, with what the kernel
 * lock tracker (kernel-lock-tracker.ts) keeps per number in flat arrays: per instance the class it
 * was last declared with and the engine's handle; per class its name, type and flags (skipped as
 * unvalidated, how a read acquisition is read). The byte lane (ftrace-fast-lane.ts) keeps the
 * instance number per address and the class number per class name, so a lock line reaches this
 * state by index: no object per instance or class is read on the common path.
 * Invariants: one number per instance id and per class name for the owner's lifetime (numbers
 * are never reused); memory is bounded by the number of instances and classes.
 */
import type { LockType } from './event.js';
import type { LiveHandle } from './lock-op-sink.js';
import { LOCK_TYPE_TRAITS } from './lock-type.js';
import { UNVALIDATED_CLASSES } from './unvalidated-maps.js';

/** A map the kernel acquires with check=0 (unvalidated-maps.ts): its lock events are skipped. */
export const CLASS_UNVALIDATED = 1;
/** A read acquisition is recursive (read=2) always (`classTypes` gives a type whose reads always are). */
export const CLASS_READ_RECURSIVE = 2;
/** A read acquisition is recursive in interrupt context or with bottom halves off (rwlock). */
export const CLASS_READ_RECURSIVE_IN_INTERRUPT = 4;

const INITIAL_SIZE = 1024;

export class KernelLockIds {
  /** Per instance number: its id (the lockdep_map address, or a class name). */
  readonly instanceIds: string[] = [];
  /** Per instance number: the class number it was last declared with (`init`), -1 before its first acquisition. */
  instanceClasses = new Int32Array(INITIAL_SIZE).fill(-1);
  /** Per instance number: the engine's handle, when the tracker delivers through the fast entrance. */
  readonly instanceHandles: (LiveHandle | undefined)[] = [];
  /** Per class number: its name and type (from `classTypes`, else the default type). */
  readonly classNames: string[] = [];
  readonly classTypes: LockType[] = [];
  /** Per class number: CLASS_* flags. */
  classFlags = new Uint8Array(INITIAL_SIZE);
  private readonly instanceNumbers = new Map<string, number>();
  private readonly classNumbers = new Map<string, number>();

  constructor(
    private readonly listedTypes: ReadonlyMap<string, LockType>,
    private readonly defaultType: LockType,
  ) {}

  /** The number of instance `id`, or -1 if it was never seen. */
  findInstance(id: string): number {
    return this.instanceNumbers.get(id) ?? -1;
  }

  /** The number of instance `id`, given on first sight. */
  instance(id: string): number {
    let number = this.instanceNumbers.get(id);
    if (number === undefined) {
      number = this.instanceIds.length;
      if (number === this.instanceClasses.length) this.instanceClasses = grown(this.instanceClasses, -1);
      this.instanceIds.push(id);
      this.instanceHandles.push(undefined);
      this.instanceNumbers.set(id, number);
    }
    return number;
  }

  /** The number of class `name`, given on first sight with its type and flags. */
  classOf(name: string): number {
    let number = this.classNumbers.get(name);
    if (number === undefined) {
      number = this.classNames.length;
      if (number === this.classFlags.length) this.classFlags = grown(this.classFlags, 0);
      const listed = this.listedTypes.get(name);
      const type = listed ?? this.defaultType;
      this.classNames.push(name);
      this.classTypes.push(type);
      this.classFlags[number] = (UNVALIDATED_CLASSES.has(name) ? CLASS_UNVALIDATED : 0) | (listed === undefined ? 0 : readFlags(type));
      this.classNumbers.set(name, number);
    }
    return number;
  }
}

/** How a read acquisition of a class whose type `classTypes` gives is read (an untyped class's reads are plain reads). */
function readFlags(type: LockType): number {
  const recursive = LOCK_TYPE_TRAITS[type].recursiveRead;
  return recursive === 'always' ? CLASS_READ_RECURSIVE : recursive === 'in-interrupt' ? CLASS_READ_RECURSIVE_IN_INTERRUPT : 0;
}

/** `array` at twice its length, the new part filled with `fill`. */
function grown<A extends Int32Array | Uint8Array>(array: A, fill: number): A {
  const larger = new (array.constructor as new (length: number) => A)(array.length * 2);
  larger.set(array);
  larger.fill(fill, array.length);
  return larger;
}
