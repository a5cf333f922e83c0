/**
 * V8's top tier for code that runs once: after its check, `lockdep infer` runs its inference and
 * its printer once, over a few thousand classes and rules, and TurboFan compiling that code (on
 * V8's helper threads, about 150 ms of CPU on the 1M-event bench trace) costs more than the
 * optimized code saves. `oneShot` caps V8's tiers at Sparkplug (baseline code, compiled on the
 * spot at little cost) while it runs `work`, then lifts the cap, so anything after it (another
 * command of an in-process caller, a test) tiers up as usual. Graphs larger than ONE_SHOT_SIZE
 * classes plus dependencies run uncapped: there the inference's own loops (the transitive
 * reduction most) run long enough to repay TurboFan. Measured on saved graphs of random layered
 * edges (bench/graph-queries.js's generator), capped against the uncapped build: 16,000 and
 * 25,000 faster, 30,000 even, 50,000 1.7x slower.
 * A process started with its own `--max-opt` (on the command line or in NODE_OPTIONS) is left
 * alone: lifting the cap would overwrite the user's setting.
 * Invariants: the cap changes speed only, never a result; nested calls lift it once, at the end
 * of the outermost.
 */
import { setFlagsFromString } from 'node:v8';

/** Classes plus dependencies up to which the work is capped; the 1M-event bench trace's graph has about 14,400. */
export const ONE_SHOT_SIZE = 25_000;

/**
 * Logged chains up to which their tally runs under the cap (`lockdep infer` measured it with up to
 * about 13,000): the tally's loop grows with the chains, which the graph's size does not show.
 */
export const ONE_SHOT_CHAINS = 25_000;

/** V8's default for `--max-opt` (no cap). */
const UNCAPPED = '--max-opt=999';
const BASELINE = '--max-opt=1';

let depth = 0;

/** Whether this process was started with a `--max-opt` of its own (`--max_opt` is the same flag to V8). */
export function userSetsMaxOpt(execArgv: readonly string[], nodeOptions: string | undefined): boolean {
  return [...execArgv, ...(nodeOptions ?? '').split(/\s+/)].some((arg) => /^--max[-_]opt(=|$)/.test(arg));
}

const leftToUser = userSetsMaxOpt(process.execArgv, process.env['NODE_OPTIONS']);

/** Runs `work` with V8's tiers capped at baseline code when `graphSize` (classes plus dependencies) is at most ONE_SHOT_SIZE. */
export function oneShot<T>(graphSize: number, work: () => T): T {
  if (leftToUser || (graphSize > ONE_SHOT_SIZE && depth === 0)) return work();
  if (depth++ === 0) setFlagsFromString(BASELINE);
  try {
    return work();
  } finally {
    if (--depth === 0) setFlagsFromString(UNCAPPED);
  }
}
