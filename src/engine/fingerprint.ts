/**
 * Finding fingerprints: stable across runs, task ids and line numbers. A fingerprint hashes the
 * kind, the rule id and the classes (a cycle rotated to start at its smallest class, so the same
 * cycle entered at another point matches) plus optional extra words (never line numbers).
 */
import { createHash } from 'node:crypto';

export function canonicalCycle(classes: readonly string[]): string[] {
  if (classes.length === 0) return [];
  let best = 0;
  for (let i = 1; i < classes.length; i++) if (classes[i]! < classes[best]!) best = i;
  return [...classes.slice(best), ...classes.slice(0, best)];
}

export function fingerprintOf(kind: string, rule: string | null, classes: readonly string[], extra: readonly string[] = []): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify([kind, rule, classes, extra]));
  return hash.digest('hex').slice(0, 16);
}

/** A site without its line number or offset: `src/kvm.ts:88` -> `src/kvm.ts`, `f+0x5a/0x120` -> `f`. */
export function siteWithoutPosition(site: string | undefined): string {
  if (site === undefined) return '';
  return site.replace(/(:\d+)+$/, '').replace(/\+0x[0-9a-f]+(\/0x[0-9a-f]+)?$/i, '');
}
