/**
 * The answer of `lockdep infer`: proposed rules, each as the rule file will hold it (id, kind,
 * the kind's fields, description, and `severity: off` for a candidate that the input itself
 * contradicts) with its evidence, plus the classes the rules name and the cycles left unordered.
 * Invariants: `rule` holds only fields of the kind's schema (src/rules/kinds/), in the order
 * the YAML writer prints them; every evidence entry says what it is about and how often it was seen.
 */
import type { LockType } from '../events/event.js';

export const INFER_KINDS = ['order', 'leaf', 'must-hold', 'guarded-by', 'forbid-inside'] as const;
export type InferKind = (typeof INFER_KINDS)[number];

export interface InferOptions {
  /** Least support (chains, or accesses for guarded-by) of a proposed rule or list entry. */
  minSupport: number;
  /** Least share of occurrences under the candidate lockset (must-hold, guarded-by). */
  minConfidence: number;
  kinds: ReadonlySet<InferKind>;
}

export const DEFAULT_MIN_SUPPORT = 1;
export const DEFAULT_MIN_CONFIDENCE = 0.9;

/** How often a fact was seen. */
export interface Support {
  /** Distinct lock chains (for guarded-by: accesses) that witness it. */
  witnesses: number;
  /** Distinct tasks among them (the task that first took each chain). */
  tasks: number;
  /** Where it was first seen (`file:line`), or '' when the input does not say. */
  firstSeen: string;
  /**
   * True when the counts are a floor: a saved graph (or /proc/lockdep) keeps one witness per
   * dependency, however often the run took it, so "1 witness, 1 task" means at least that.
   */
  witnessesAtLeast?: true | undefined;
}

export interface Evidence {
  /** What the entry is about: a class, a pair `A -> B`, or a variable. */
  about: string;
  support: Support;
  /** Share of occurrences that follow the rule (must-hold, guarded-by), 0..1: those with every class of `lockset` held. */
  confidence?: number | undefined;
  /** The classes held together that `confidence` measures (must-hold, guarded-by; one class or more). */
  lockset?: string[] | undefined;
  /** One more sentence (other candidates, why the rule is off). */
  note?: string | undefined;
}

export type RuleFieldValue = string | string[];

export interface ProposedRule {
  kind: InferKind;
  /** The rule as written in the file: id, kind, severity (only `off`), the kind's fields, description. */
  rule: Record<string, RuleFieldValue>;
  /** Empty for the second and later rules of one lockset: the first rule carries it. */
  evidence: Evidence[];
  /**
   * must-hold, guarded-by: the winning lockset this rule is one class of. A lockset of several
   * classes ("A and B both held") is written as one rule per class, consecutive, the first one
   * with the evidence.
   */
  lockset?: string[] | undefined;
}

export interface InferAnswer {
  inputs: string[];
  /** Every class the rules name, with its lock type, in graph order. */
  classes: Array<{ name: string; type: LockType }>;
  rules: ProposedRule[];
  /** Groups of classes on cycles: not ordered among themselves. */
  cycles: string[][];
  summary: { classes: number; dependencies: number; accessesSeen: number; proposed: number; off: number };
}
