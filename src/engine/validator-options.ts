/**
 * The validator's options and capacity limits, with their defaults (read by the CLI for its
 * flags' help). Plain data; validated by the Validator constructor.
 */
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
