/**
 * Notices: what a check could not decide or what the input says about its own completeness,
 * reported beside the findings in the result (`notices`), never as findings. Owns the notice
 * kinds. Invariant: a notice never changes the exit code; it names the input it concerns.
 */

export const NOTICE_KINDS = ['rule-not-decidable', 'kernel-recording-stopped', 'kernel-stats'] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

export interface Notice {
  kind: NoticeKind;
  /** The input the notice is about. */
  file: string;
  /** The input line it comes from, when one line says it. */
  line?: number;
  /** For `rule-not-decidable`: the rule's id and kind. */
  rule?: string;
  ruleKind?: string;
  /** One line. */
  message: string;
}

/**
 * What an importer of a dependency graph (rather than of single acquisitions) tells the check:
 * the graph's classes known to be taken for read, since a graph edge carries no read/write type.
 */
export interface GraphInputFacts {
  readUsedClasses: string[];
}
