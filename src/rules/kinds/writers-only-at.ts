/**
 * Rule kind `writers-only-at`: one side of a lock (default: the write side) is acquired only in
 * the listed functions. A function matches the event's `site` or any `stack` frame, comparing
 * the function name: the text before `+`, `(` or whitespace (`install_new_memslots+0x5a/0x120`
 * is `install_new_memslots`). locking.rst (April 2021): "No other write-side critical sections
 * should be added."
 * Invariant: the only per-acquisition rule kind; it watches just its own classes, and caches the
 * verdict per site/stack so a repeated call site costs one Map lookup.
 */
import { z } from 'zod';
import type { EventRef } from '../../engine/finding.js';
import { baseRuleFields, classArray, classList, holdMode, type HoldMode } from '../schema-common.js';
import { functionNameOf, indexRules, modeLabel, modeMatches, reportViolation, ruleMessage, type LoadedRule, type RuleKindModule } from '../rule-kind.js';
import { listRefs } from './list-refs.js';

const writersOnlyAtSchema = z.strictObject({
  ...baseRuleFields,
  kind: z.literal('writers-only-at'),
  lock: classList.meta({ description: 'The lock(s) whose acquisitions are restricted.' }),
  mode: holdMode.optional().meta({ description: "The restricted side: 'write' (default), 'read' or 'any'." }),
  functions: z
    .array(z.string().min(1))
    .min(1)
    .meta({ description: 'Function names allowed to acquire that side, matched against the site or any stack frame.' }),
});
export type WritersOnlyAtRuleSpec = z.infer<typeof writersOnlyAtSchema>;

const messages = {
  elsewhere: '{{lock}}{{mode}} acquired in {{where}}, but only {{allowed}} may take it',
};

interface Entry {
  rule: LoadedRule<WritersOnlyAtRuleSpec>;
  mode: HoldMode;
  functions: ReadonlySet<string>;
  verdicts: Map<string, boolean>;
}

function allowedAt(entry: Entry, at: EventRef): boolean {
  const key = at.stack === undefined ? (at.site ?? '') : `${at.site ?? ''}\n${at.stack.join('\n')}`;
  const cached = entry.verdicts.get(key);
  if (cached !== undefined) return cached;
  let allowed = at.site !== undefined && entry.functions.has(functionNameOf(at.site));
  if (!allowed && at.stack !== undefined) allowed = at.stack.some((frame) => entry.functions.has(functionNameOf(frame)));
  entry.verdicts.set(key, allowed);
  return allowed;
}

export const writersOnlyAtRule: RuleKindModule<WritersOnlyAtRuleSpec> = {
  kind: 'writers-only-at',
  messages,
  schema: writersOnlyAtSchema,
  classRefs: (spec) => listRefs(spec.lock, 'lock', false),

  create(rules) {
    const byLock = indexRules(
      rules,
      (rule): Entry => ({ rule, mode: rule.spec.mode ?? 'write', functions: new Set(rule.spec.functions), verdicts: new Map() }),
      (rule) => classArray(rule.spec.lock),
    );
    if (byLock.size === 0) return {};
    return {
      watchClass: (name) => byLock.has(name),
      onWatchedAcquire(ctx, q) {
        const entries = byLock.get(ctx.next.class);
        if (entries === undefined) return;
        for (const entry of entries) {
          if (!modeMatches(entry.mode, ctx.next.mode) || allowedAt(entry, ctx.next.at)) continue;
          const at = ctx.next.at;
          const where =
            at.site !== undefined ? functionNameOf(at.site) : at.stack?.[0] !== undefined ? functionNameOf(at.stack[0]) : 'an event with no site or stack';
          reportViolation(q, entry.rule, {
            ...ruleMessage(messages, 'elsewhere', {
              lock: ctx.next.class,
              mode: modeLabel(entry.mode),
              where,
              allowed: [...entry.functions].join(', '),
            }),
            classes: [ctx.next.class],
            events: [at],
            distinguish: [where],
            task: ctx.task,
            trigger: at,
          });
        }
      },
    };
  },
};
