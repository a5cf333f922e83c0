/**
 * The validator's options and capacity limits, with their defaults (read by the CLI for its
 * flags' help), and how the Validator constructor resolves them (`maxDepthOf`, `limitsOf`).
 */
import { HLOCK_BITS } from './chain-cache.js';
import type { Finding } from './finding.js';
import type { EngineHooks } from './hooks.js';

export interface ValidatorOptions {
  /** Held-lock depth limit (lockdep's MAX_LOCK_DEPTH); exceeding it is a finding. Default 48. */
  maxDepth?: number;
  hooks?: readonly EngineHooks[];
  /** Called once per new finding, at the event that creates it. */
  onFinding?: (finding: Finding) => void;
  /** File name used in event references when `process` gets no origin. */
  file?: string;
  /** Capacity limits; reaching one stops the check with an InputError naming file:line. */
  limits?: Partial<ValidatorLimits>;
}

export interface ValidatorLimits {
  /** Distinct lock classes (subclasses count separately). */
  classes: number;
  /** Tasks alive at once (a task ends at its `exit` event). */
  tasks: number;
  /** Lock instances alive at once (an instance ends at its `free` event). */
  locks: number;
}

export const DEFAULT_MAX_DEPTH = 48;
export const DEFAULT_LIMITS: ValidatorLimits = { classes: 1_000_000, tasks: 10_000_000, locks: 10_000_000 };

/** Keeps hlock keys and graph pair keys exact (see dependency-graph.ts). */
const MAX_CLASSES = 67108864 / HLOCK_BITS;

/** The held-lock depth limit of `options`; a RangeError unless it is an integer >= 1. */
export function maxDepthOf(options: ValidatorOptions): number {
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  if (!Number.isInteger(maxDepth) || maxDepth < 1) throw new RangeError(`maxDepth must be an integer >= 1, got ${maxDepth}`);
  return maxDepth;
}

/** The limits of `options` over the defaults, the class limit capped where class ids stay exact. */
export function limitsOf(options: ValidatorOptions): ValidatorLimits {
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  limits.classes = Math.min(limits.classes, MAX_CLASSES);
  return limits;
}
