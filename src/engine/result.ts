/**
 * The machine-readable result of checking one or more traces (`--format json`, spec
 * "Machine-readable result"). Required fields as the spec says; the rest are additions.
 */
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
  tool?: { name: string; version: string };
}
