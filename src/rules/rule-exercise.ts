/**
 * When a trace exercises a documented rule: reaches the situation the rule is about, so that
 * "no violation" means the rule was followed, not just never put to the test (`lockdep rules
 * diff`). One entry per rule kind, exhaustive by type. Each entry turns a loaded rule into the
 * tests the exercise tracker runs: on acquisitions of the classes it lists (with the locks held
 * in the same irq context), on accesses of the variables it lists, and on new dependencies (for
 * inputs that bring dependencies without acquisitions, such as a console log's lockdep report).
 * Invariant: `prepare` does the indexing; each test is a few Set lookups and a scan of the held
 * locks. Class names are the rule file's declared names (the tracker translates aliases).
 */
import type { AccessContext, AcquireContext } from '../engine/hooks.js';
import type { DependencyWitness } from '../engine/finding.js';
import { classArray, type HoldMode } from './schema-common.js';
import { modeLabel, modeMatches, oneOrAnyOf, type LoadedRule } from './rule-kind.js';
import type { RuleKindName } from './registry.js';
import type { AllowInsideRuleSpec } from './kinds/allow-inside.js';
import type { ForbidInsideRuleSpec } from './kinds/forbid-inside.js';
import type { GuardedByRuleSpec } from './kinds/guarded-by.js';
import type { LeafRuleSpec } from './kinds/leaf.js';
import type { MustHoldRuleSpec } from './kinds/must-hold.js';
import type { NoSleepInsideRuleSpec } from './kinds/no-sleep-inside.js';
import { orderRule, type OrderRuleSpec } from './kinds/order.js';
import type { WritersOnlyAtRuleSpec } from './kinds/writers-only-at.js';

/** The tests that tell whether an event exercises one rule. */
export interface RuleExercise {
  /** Classes whose acquisition `acquisition` looks at. */
  classes: readonly string[];
  /** Variables whose accesses `access` looks at. */
  vars: readonly string[];
  acquisition?(ctx: AcquireContext): boolean;
  access?(ctx: AccessContext): boolean;
  dependency?(dep: DependencyWitness): boolean;
  /** What a trace that never exercised the rule never did, as a sentence. */
  neverReached: string;
}

/** How one kind is exercised: the situation in words (docs/rules.md lists them) and the tests. */
interface KindExercise<S> {
  situation: string;
  prepare(rule: LoadedRule<S & LoadedRule['spec']>): RuleExercise;
}

const heldIn = (ctx: AcquireContext, classes: ReadonlySet<string>, mode: HoldMode): boolean =>
  ctx.held.some((view) => classes.has(view.class) && modeMatches(mode, view.mode));

/**
 * A rule exercised when a class of `inside` is acquired on side `mode` (the context it is about
 * is entered); with `byDependency`, also by a dependency out of it (something taken inside).
 */
function insideExercise(inside: string[], mode: HoldMode, byDependency: boolean): RuleExercise {
  const classes = new Set(inside);
  return {
    classes: inside,
    vars: [],
    acquisition: (ctx) => classes.has(ctx.next.class) && modeMatches(mode, ctx.next.mode),
    ...(byDependency ? { dependency: (dep: DependencyWitness) => classes.has(dep.from) } : {}),
    neverReached: `${oneOrAnyOf(inside)} was never held${modeLabel(mode)}`,
  };
}

/**
 * A rule exercised whenever a class of `lock` is acquired (on side `mode`); with `byDependency`,
 * also by a dependency into or out of it (a graph has no sides, so only for `any`).
 */
function takenExercise(locks: string[], mode: HoldMode, byDependency: boolean): RuleExercise {
  const classes = new Set(locks);
  return {
    classes: locks,
    vars: [],
    acquisition: (ctx) => classes.has(ctx.next.class) && modeMatches(mode, ctx.next.mode),
    ...(byDependency && mode === 'any' ? { dependency: (dep: DependencyWitness) => classes.has(dep.to) || classes.has(dep.from) } : {}),
    neverReached: `${oneOrAnyOf(locks)} was never taken${modeLabel(mode)}`,
  };
}

const order: KindExercise<OrderRuleSpec> = {
  situation: 'two classes of a documented pair held together, in either order (the inner one on the documented side)',
  prepare(rule) {
    const pairs = orderRule.orderEdges!(rule);
    return {
      classes: [...new Set(pairs.flatMap((pair) => [pair.outer, pair.inner]))],
      vars: [],
      acquisition: (ctx) =>
        pairs.some(
          (pair) =>
            (ctx.next.class === pair.inner && modeMatches(pair.innerMode, ctx.next.mode) && ctx.held.some((view) => view.class === pair.outer)) ||
            (ctx.next.class === pair.outer && ctx.held.some((view) => view.class === pair.inner && modeMatches(pair.innerMode, view.mode))),
        ),
      dependency: (dep) => pairs.some((pair) => (dep.from === pair.outer && dep.to === pair.inner) || (dep.from === pair.inner && dep.to === pair.outer)),
      neverReached: `${pairs.map((pair) => `${pair.outer} and ${pair.inner}${modeLabel(pair.innerMode)}`).join('; ')} were never held together`,
    };
  },
};

const forbidInside: KindExercise<ForbidInsideRuleSpec> = {
  situation: 'a class of `inside` held (on `insideMode`): the context the rule is about was entered',
  prepare: (rule) => insideExercise(classArray(rule.spec.inside), rule.spec.insideMode ?? 'any', true),
};

const allowInside: KindExercise<AllowInsideRuleSpec> = {
  situation: 'a class of `lock` taken while a class of `inside` is held',
  prepare(rule) {
    const locks = classArray(rule.spec.lock);
    const inside = new Set(classArray(rule.spec.inside));
    const lockSet = new Set(locks);
    return {
      classes: locks,
      vars: [],
      acquisition: (ctx) => lockSet.has(ctx.next.class) && heldIn(ctx, inside, rule.spec.insideMode ?? 'any'),
      dependency: (dep) => inside.has(dep.from) && lockSet.has(dep.to),
      neverReached: `${oneOrAnyOf(locks)} was never taken inside ${oneOrAnyOf([...inside])}`,
    };
  },
};

const writersOnlyAt: KindExercise<WritersOnlyAtRuleSpec> = {
  situation: 'a class of `lock` taken on the restricted side (`mode`, default write)',
  prepare: (rule) => takenExercise(classArray(rule.spec.lock), rule.spec.mode ?? 'write', false),
};

const guardedBy: KindExercise<GuardedByRuleSpec> = {
  situation: 'an access of `var` of the kind the rule covers (`access`: a write, a read, or either)',
  prepare(rule) {
    const vars = classArray(rule.spec.var);
    const access = rule.spec.access ?? 'any';
    const names = new Set(vars);
    return {
      classes: [],
      vars,
      access: (ctx) => names.has(ctx.var) && (access === 'any' || (access === 'write') === ctx.write),
      neverReached: `${oneOrAnyOf(vars)} was never ${access === 'any' ? 'accessed' : access === 'write' ? 'written' : 'read'}`,
    };
  },
};

const leaf: KindExercise<LeafRuleSpec> = {
  situation: 'a leaf class taken',
  prepare: (rule) => takenExercise(classArray(rule.spec.lock), 'any', true),
};

const mustHold: KindExercise<MustHoldRuleSpec> = {
  situation: 'a class of `lock` taken',
  prepare: (rule) => takenExercise(classArray(rule.spec.lock), 'any', false),
};

const noSleepInside: KindExercise<NoSleepInsideRuleSpec> = {
  situation: 'a class of `inside` held (on `insideMode`)',
  prepare: (rule) => insideExercise(classArray(rule.spec.inside), rule.spec.insideMode ?? 'any', false),
};

/** Every kind's exercise, by kind name. */
export const RULE_EXERCISE = {
  order,
  'forbid-inside': forbidInside,
  'allow-inside': allowInside,
  'writers-only-at': writersOnlyAt,
  'guarded-by': guardedBy,
  leaf,
  'must-hold': mustHold,
  'no-sleep-inside': noSleepInside,
} satisfies Record<RuleKindName, KindExercise<never>>;

/** The exercise tests of one loaded rule. */
export function exerciseOf(rule: LoadedRule): RuleExercise {
  const kind = RULE_EXERCISE[rule.kind as RuleKindName] as KindExercise<LoadedRule['spec']> | undefined;
  if (kind === undefined) throw new Error(`no exercise definition for rule kind ${rule.kind}`);
  return kind.prepare(rule);
}
