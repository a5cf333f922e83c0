/**
 * The second of the engine's two entrances (the first is the TraceEvent sink, event.ts): the
 * byte lanes' entrance. An importer's byte lane (importer.ts; today jsonl-fast-lane.ts,
 * std-fast-lane.ts and ftrace-fast-lane.ts) recognises the commonest lines of a trace in the
 * read buffer (a plain acquire, release, might-sleep, irq, access or init) and calls
 * `acquireAt(...)`-style methods with the task and lock given as handles it caches per id, so
 * neither a TraceEvent nor an id string is built per line. The engine's implementation is
 * `Validator` (engine/validator.ts).
 *
 * The contract of the lane entrance (what a lane guarantees to the engine, and back):
 *  - Equivalence: each call has exactly the effect of `process()` of the event it stands for:
 *    the event the importer's own line parser gives that line, with the same origin. So a lane
 *    takes only lines whose events are given by the calls' arguments in everything the engine
 *    reads: no `nest`, a `subclass` above 0 only through `acquireSubclassAt` (no report shows an
 *    event's subclass: a held lock's class name carries it), no `mode` "write" or `try` false
 *    written out (a report shows an acquire event's own `mode`), string ids only (a lane passes
 *    ids as strings);
 *    a `stack` goes with the site (LocatedSite); an acquire's inline `class`/`type` only with the
 *    lock's live handle (they define an instance on first sight, and are ignored once it
 *    exists); and `ts`, which the engine never reads, is not passed (nor is the kernel
 *    timestamp the ftrace lane reads). Every other line becomes a TraceEvent, by its line parser
 *    or (the JSONL lane) built by the lane from the line's bytes and delivered through the event
 *    entrance. A line that gives several events (an STD `init` before a first acquisition)
 *    gives them in the line parser's order, by whichever entrance each takes.
 *  - Order: lane calls and the TraceEvents of the other lines arrive in line order, one at a
 *    time, synchronously; a lane never holds a line back.
 *  - Origins: `file` and `line` are those the event path would give (the trace's display name,
 *    1-based line); the engine keeps them for the line's reports.
 *  - Ids: a lane interns ids per byte string (byte-id-cache.ts) and passes the engine's handle of
 *    an id while its `alive` holds; otherwise (first sight, the instance freed or re-initialised,
 *    the task exited) it passes the id and then asks `taskHandle` / `lockHandle` for the new
 *    handle. A stale handle is never passed.
 *  - Sites: a site is the line's call-site text, or a non-negative integer standing for its
 *    canonical decimal text (no leading zero), whose string is built only if a report needs it,
 *    or a LocatedSite: the site (if any) with the line's stack.
 *  - No event object: none exists for a lane line. The engine keeps the call's arguments (in a
 *    held lock: task, lock, mode, try, site, file, line) and, only when a report names that line
 *    (a finding, a dependency's first witness, an irq-usage or access record, a held lock listed
 *    in a report or shown to a hook), rebuilds its event in one module, engine/event-refs.ts:
 *    `op` and the call's fields (`task`, `lock`, `var`/`write`, `kind`/`action`, `class`/`type`),
 *    `mode` only when not write, `try` only when true, `site` as text, `stack`. By the
 *    equivalence above this is the event the line parses to in every field a report or hook
 *    shows (reports copy fields, never an event's key order), so findings are the same whichever
 *    entrance a line took.
 */
import type { IrqAction, IrqKind, LockType } from './event.js';

/** A task or lock instance as the engine knows it; stale once `alive` is false. */
export interface LiveHandle {
  readonly alive: boolean;
}

/** 0 write, 1 read, 2 recursive-read (the kernel's `read` values, as engine/lock-mode.ts). */
export type LockOpMode = 0 | 1 | 2;

/**
 * A line's `stack` with its call site (`site` absent: the line has none), for a line that carries
 * a stack: one shared object per distinct pair, nothing in it changes once made.
 */
export interface LocatedSite {
  readonly site: string | undefined;
  readonly stack: readonly string[];
}

/**
 * A line's call site: a string, or a non-negative integer standing for its decimal text (STD
 * locations are line numbers; passing the number defers building the string until a report needs
 * it), or a LocatedSite when the line also has a `stack`.
 */
export type LockOpSite = string | number | LocatedSite | undefined;

/** `T`: the engine's task handle; `L`: its lock-instance handle. */
export interface LockOpSink<T extends LiveHandle = LiveHandle, L extends LiveHandle = LiveHandle> {
  /** `{"op":"acquire","task","lock"}` with `mode` (absent: write) and `try` (absent: false) and an optional site. */
  acquireAt(task: T | string, lock: L | string, mode: LockOpMode, trylock: boolean, site: LockOpSite, file: string, line: number): void;
  /**
   * Optional: `acquireAt` with the lock given by id (its first sight, or a stale handle), for a
   * lane to call instead of `acquireAt` in that case, so that the engine compiles `acquireAt` for
   * handles alone (docs/performance.md, "The STD hot path, fifth pass").
   */
  acquireByIdAt?(task: T | string, lock: string, mode: LockOpMode, trylock: boolean, site: LockOpSite, file: string, line: number): void;
  /**
   * Optional: `acquireAt` of an acquire line with `subclass` 1-7 (`"subclass":N`, no `nest`), the
   * lock by handle or by id. A lane without it gives such lines as events.
   */
  acquireSubclassAt?(task: T | string, lock: L | string, subclass: number, mode: LockOpMode, trylock: boolean, site: LockOpSite, file: string, line: number): void;
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
