/**
 * The machine-readable result of checking one or more traces (`--format json`, spec
 * "Machine-readable result"). Required fields as the spec says; the rest are additions.
 */
import type { Notice } from '../events/input-notice.js';
import type { Finding } from './finding.js';

export interface Summary {
  events: number;
  tasks: number;
  classes: number;
  dependencies: number;
  violations: number;
  errors?: number;
  warnings?: number;
  /** Distinct held-lock chains validated (chain-cache misses) and chain-cache hits. */
  chains?: number;
  chainCacheHits?: number;
}

export interface TraceSummary {
  file: string;
  summary: Summary;
}

export interface CheckResult {
  version: 1;
  violations: Finding[];
  summary: Summary;
  /** Per input file, when more than one was checked. */
  traces?: TraceSummary[];
  /**
   * What the check could not decide or what the input says about its completeness (rules a
   * /proc/lockdep graph cannot decide, kernel statistics, recording stopped); never findings,
   * never part of the exit code. Absent when there are none.
   */
  notices?: Notice[];
  tool?: { name: string; version: string };
}
