/**
 * Finding collection (the model is knip's IssueCollector): every finding the engine or a hook
 * makes goes through `report`, which fingerprints it, dedupes by fingerprint (a repeat only
 * counts an occurrence), keeps first-seen order and calls `onFinding` once per new fingerprint,
 * at the event that created it.
 * Preconditions: a draft carries its kind, rule, message and classes; `extra` words (never line
 * numbers) tell apart findings of one kind on the same classes.
 */
import type { Finding } from './finding.js';
import { countUnbaselined } from './finding.js';
import { FINDING_KIND_INFO } from './finding-kinds.js';
import { canonicalCycle, fingerprintOf } from './fingerprint.js';

/** A finding before collection: the fingerprint and severity may be left to the collector. */
export type FindingDraft = Omit<Finding, 'fingerprint' | 'severity'> & {
  fingerprint?: string;
  severity?: Finding['severity'];
  /** Words added to the fingerprint (not kept on the finding). */
  extra?: string[];
};

export class FindingCollector {
  private readonly byFingerprint = new Map<string, Finding>();
  private readonly list: Finding[] = [];

  constructor(private readonly onFinding: ((finding: Finding) => void) | undefined) {}

  /** Every finding so far, in the order first seen. */
  get findings(): readonly Finding[] {
    return this.list;
  }

  get size(): number {
    return this.list.length;
  }

  /** Findings of `severity` that no baseline covers. */
  unbaselined(severity: 'error' | 'warning'): number {
    return countUnbaselined(this.list, severity);
  }

  report(draft: FindingDraft): void {
    const { extra, ...rest } = draft;
    const classesForPrint = rest.kind === 'circular-dependency' ? canonicalCycle(rest.classes) : rest.classes;
    const fingerprint = rest.fingerprint ?? fingerprintOf(rest.kind, rest.rule, classesForPrint, extra ?? []);
    const known = this.byFingerprint.get(fingerprint);
    if (known !== undefined) {
      known.occurrences = (known.occurrences ?? 1) + 1;
      return;
    }
    const finding: Finding = { ...rest, severity: rest.severity ?? FINDING_KIND_INFO[rest.kind].defaultSeverity, fingerprint, occurrences: 1 };
    this.byFingerprint.set(fingerprint, finding);
    this.list.push(finding);
    this.onFinding?.(finding);
  }
}
