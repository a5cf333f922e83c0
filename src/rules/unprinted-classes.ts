/**
 * `rules lint --names`: which classes the rules name that a kernel (or a trace) never printed,
 * each with where it is first written and the nearest printed name, so that a rule written as
 * `&kvm->mmu_lock` against a kernel that prints `&(kvm)->mmu_lock` is caught before it fails to
 * match (or, for must-hold and guarded-by rules, reports correct code).
 * Invariant: pure; a class counts as printed when its name or any of its aliases is.
 */
import { ruleKind } from './registry.js';
import { locateOptions, type RuleSet } from './rule-set.js';

export interface UnprintedClass {
  name: string;
  /** `file:line:col` of the first rule that names it. */
  where: string;
  /** The printed name nearest to it, when one is near enough to be a misspelling. */
  nearest?: string;
}

/** Levenshtein distance (insertions, deletions, substitutions), two rows. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * The spelling-free shape of a class name: without `&`, `(`, `)` and lockdep's `#N` (same name,
 * other key) and `/N` (subclass) suffixes, so that `&kvm->mmu_lock`, `&(kvm)->mmu_lock` and
 * `&(kvm)->mmu_lock#2` have one shape.
 */
function shapeOf(name: string): string {
  return name.replace(/[#/]\d+$/, '').replace(/[&()\s]/g, '');
}

/** The member name at the end of a class name (`hv_lock` of `kvm->arch.hyperv.hv_lock`). */
function memberOf(name: string): string {
  return shapeOf(name).split(/->|\./).pop() ?? '';
}

/** Members this short (`lock`, `mutex`) name too many classes to suggest one. */
const MIN_MEMBER_LENGTH = 5;

/**
 * The printed name nearest to `name`: one of the same shape; else one ending in the same member
 * (the document's `kvm->arch.hyperv.hv_lock` is printed `&hv->hv_lock`); else one within a few
 * edits (a fifth of the name's length, at least 2). Ties go to the alphabetically first.
 */
export function nearestName(name: string, printed: Iterable<string>): string | undefined {
  const candidates = [...printed].sort();
  const shape = shapeOf(name);
  const sameShape = candidates.find((candidate) => shapeOf(candidate) === shape);
  if (sameShape !== undefined) return sameShape;
  const member = memberOf(name);
  if (member.length >= MIN_MEMBER_LENGTH) {
    const sameMember = candidates.find((candidate) => memberOf(candidate) === member);
    if (sameMember !== undefined) return sameMember;
  }
  const limit = Math.max(2, Math.floor(name.length / 5));
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of candidates) {
    const distance = editDistance(name, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** Every class the rules name (first place written) that is not in `printed`, under its name or an alias. */
export function unprintedClasses(ruleSet: RuleSet, printed: ReadonlySet<string>): UnprintedClass[] {
  const aliasesOf = new Map<string, string[]>();
  for (const [alias, name] of ruleSet.classAliases) aliasesOf.set(name, [...(aliasesOf.get(name) ?? []), alias]);
  const seen = new Set<string>();
  const missing: UnprintedClass[] = [];
  for (const rule of ruleSet.rules) {
    for (const ref of ruleKind(rule.kind).classRefs(rule.spec)) {
      if (seen.has(ref.name)) continue;
      seen.add(ref.name);
      if ([ref.name, ...(aliasesOf.get(ref.name) ?? [])].some((spelling) => printed.has(spelling))) continue;
      const nearest = nearestName(ref.name, printed);
      missing.push({
        name: ref.name,
        where: rule.source.describe([...rule.path, ...ref.path], locateOptions(ref)),
        ...(nearest === undefined ? {} : { nearest }),
      });
    }
  }
  return missing;
}
