/**
 * Patterns over dependencies, for `graph diff --fail-on-new PATTERN`: `OUTER -> INNER` matches a
 * dependency whose classes match both sides; a pattern without ` -> ` matches a dependency either
 * of whose classes it matches. The arrow needs its spaces, because kernel class names contain
 * `->` themselves (`&kvm->slots_lock`). Each side is a glob over the whole class name where `*` stands
 * for any run of characters (including none) and every other character stands for itself.
 * Invariant: parsing never fails on a non-empty pattern; `*` alone matches every dependency.
 */

export interface DependencyPattern {
  /** The pattern as given. */
  text: string;
  outer: RegExp;
  /** null: the pattern names one class, matched against either end. */
  inner: RegExp | null;
}

const ARROW = ' -> ';

export function parseDependencyPattern(text: string): DependencyPattern {
  const arrow = text.indexOf(ARROW);
  if (arrow < 0) return { text, outer: globRegExp(text.trim()), inner: null };
  return { text, outer: globRegExp(text.slice(0, arrow).trim()), inner: globRegExp(text.slice(arrow + ARROW.length).trim()) };
}

export function matchesDependency(pattern: DependencyPattern, from: string, to: string): boolean {
  if (pattern.inner === null) return pattern.outer.test(from) || pattern.outer.test(to);
  return pattern.outer.test(from) && pattern.inner.test(to);
}

function globRegExp(glob: string): RegExp {
  const body = glob.split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('.*');
  return new RegExp(`^${body}$`, 's');
}
