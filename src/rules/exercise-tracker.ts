/**
 * Counts how a trace exercises each active rule of a RuleSet (rule-exercise.ts says when an event
 * does): engine hooks that run beside the rule hooks of a check, and the support they counted
 * per rule id. Acquisitions and accesses are events; dependencies are counted when the
 * validator records a new one (a console log's report brings dependencies without acquisitions).
 * Invariants: the hooks never report findings; they watch only the classes and variables the
 * rules name; aliases are translated as for the rule hooks (class-aliases.ts).
 */
import type { EngineHooks } from '../engine/hooks.js';
import type { EventRef } from '../engine/finding.js';
import { withClassAliases } from './class-aliases.js';
import { indexRules } from './rule-kind.js';
import { exerciseOf, type RuleExercise } from './rule-exercise.js';
import type { RuleSet } from './rule-set.js';

/** How much a trace exercised one rule. */
export interface RuleSupport {
  /** Acquisitions and accesses that reached the rule's situation. */
  events: number;
  /** Dependencies (class pairs) that did, each counted once, at its first witness. */
  dependencies: number;
  /** How many tasks those events and dependencies came from. */
  tasks: number;
  /** The first event (or the first dependency's inner acquisition) that exercised the rule. */
  first?: EventRef;
}

interface Tracked {
  id: string;
  exercise: RuleExercise;
  events: number;
  dependencies: number;
  tasks: Set<string>;
  first?: EventRef;
}

export interface ExerciseTracker {
  hooks: EngineHooks;
  /** Support per active rule id, in rule order (rules never exercised have zero counts). */
  support(): Map<string, RuleSupport>;
}

export function createExerciseTracker(ruleSet: RuleSet): ExerciseTracker {
  const tracked: Tracked[] = ruleSet.activeRules.map((rule) => ({ id: rule.id, exercise: exerciseOf(rule), events: 0, dependencies: 0, tasks: new Set() }));
  const byClass = indexRules(tracked, (entry) => entry, (entry) => entry.exercise.classes);
  const byVar = indexRules(tracked, (entry) => entry, (entry) => entry.exercise.vars);
  const byDependency = tracked.filter((entry) => entry.exercise.dependency !== undefined);
  /** Class pairs already seen: the validator reports a pair again when it gains a dependency type. */
  const pairs = new Set<string>();
  const count = (entry: Tracked, task: string, at: EventRef, dependency: boolean): void => {
    if (dependency) entry.dependencies++;
    else entry.events++;
    entry.tasks.add(task);
    entry.first ??= at;
  };
  const hooks: EngineHooks = {
    watchClass: (name) => byClass.has(name),
    watchVar: (name) => byVar.has(name),
    onWatchedAcquire(ctx) {
      for (const entry of byClass.get(ctx.next.class) ?? []) if (entry.exercise.acquisition?.(ctx) === true) count(entry, ctx.task, ctx.next.at, false);
    },
    onAccess(ctx) {
      for (const entry of byVar.get(ctx.var) ?? []) if (entry.exercise.access?.(ctx) === true) count(entry, ctx.task, ctx.at, false);
    },
    onNewDependency(dep) {
      const pair = `${dep.from}\u0000${dep.to}`;
      if (pairs.has(pair)) return;
      pairs.add(pair);
      for (const entry of byDependency) if (entry.exercise.dependency!(dep)) count(entry, dep.task, dep.next, true);
    },
  };
  return {
    hooks: withClassAliases(hooks, ruleSet.classAliases),
    support: () =>
      new Map(
        tracked.map((entry) => [
          entry.id,
          { events: entry.events, dependencies: entry.dependencies, tasks: entry.tasks.size, ...(entry.first === undefined ? {} : { first: entry.first }) },
        ]),
      ),
  };
}
