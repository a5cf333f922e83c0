/**
 * The fast entrance from the byte-level readers to the engine. The common lines of a trace (a
 * plain acquire, release, might-sleep, irq, access or init) are delivered as calls with the task and lock given as
 * handles the reader caches per id, so neither a TraceEvent nor an id string is built per line.
 * Invariant: each call is equivalent to `process()` of the event that the line parses to, with
 * the same origin; a handle whose `alive` is false must not be passed (the id is passed instead,
 * and the reader asks for the new handle afterwards).
 */
import type { IrqAction, IrqKind, LockType } from './event.js';

/** A task or lock instance as the engine knows it; stale once `alive` is false. */
export interface LiveHandle {
  readonly alive: boolean;
}

/** 0 write, 1 read, 2 recursive-read (the kernel's `read` values, as engine/lock-mode.ts). */
export type LockOpMode = 0 | 1 | 2;

/**
 * A line's call site: a string, or a non-negative integer standing for its decimal text (STD
 * locations are line numbers; passing the number defers building the string until a report needs it).
 */
export type LockOpSite = string | number | undefined;

/** `T`: the engine's task handle; `L`: its lock-instance handle. */
export interface LockOpSink<T extends LiveHandle = LiveHandle, L extends LiveHandle = LiveHandle> {
  /** `{"op":"acquire","task","lock"}` with `mode` (absent: write) and `try` (absent: false) and an optional site. */
  acquireAt(task: T | string, lock: L | string, mode: LockOpMode, trylock: boolean, site: LockOpSite, file: string, line: number): void;
  /** `{"op":"release","task","lock"}` with an optional site. */
  releaseAt(task: T | string, lock: L | string, site: LockOpSite, file: string, line: number): void;
  /** `{"op":"might-sleep","task"}` with an optional site. */
  mightSleepAt(task: T | string, site: LockOpSite, file: string, line: number): void;
  /** `{"op":"irq","task","kind","action"}` with an optional site. */
  irqAt(task: T | string, kind: IrqKind, action: IrqAction, site: LockOpSite, file: string, line: number): void;
  /** `{"op":"access","task","var","write"}` with an optional site. */
  accessAt(task: T | string, variable: string, write: boolean, site: LockOpSite, file: string, line: number): void;
  /** `{"op":"init","lock","class","type"}`. */
  initAt(lock: string, cls: string, type: LockType, file: string, line: number): void;
  /** The live handle of a task id, if the task exists. */
  taskHandle(id: string): T | undefined;
  /** The live handle of a lock id, if the instance exists. */
  lockHandle(id: string): L | undefined;
}
