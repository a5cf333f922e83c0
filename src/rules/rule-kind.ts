/**
 * The shape of a rule kind, after typescript-eslint's rule modules: `kind`, `messages` (templates
 * by message id; every violation carries its id), `schema` (zod,
 * strict; the member of the rule-file union), the class references it makes (for `classes:`
 * declarations and `--strict-order`), and `create()`, which turns every loaded rule of that kind
 * into engine hooks; plus the helpers kinds share to match held locks and report violations.
 * Invariant: `create()` does all indexing up front; the hooks it returns do constant work per
 * call except on the validator's slow paths (new chain, new dependency).
 */
import type { z } from 'zod';
import type { LockMode } from '../events/event.js';
import type { AcquireContext, EngineHooks, EngineQuery, LockView } from '../engine/hooks.js';
import type { Finding, RuleDetail, Severity } from '../engine/finding.js';
import type { HoldMode, RuleSeverity } from './schema-common.js';
import type { DataPath, YamlSource } from './yaml-source.js';
import type { OrderRelation } from './order-relation.js';

/** Fields common to every parsed rule. */
export interface BaseRuleSpec {
  id: string;
  kind: string;
  severity?: RuleSeverity | undefined;
  description: string;
  source?: string | undefined;
  note?: string | undefined;
}

/** A rule as loaded from a file: its data, its resolved severity and where it is. */
export interface LoadedRule<S extends BaseRuleSpec = BaseRuleSpec> {
  spec: S;
  id: string;
  kind: string;
  severity: RuleSeverity;
  description: string;
  /** The rule's `source:` (where the documentation says it), shown next to the description. */
  documentedIn?: string | undefined;
  source: YamlSource;
  /** Data path of the rule inside its file, e.g. `['rules', 3]`. */
  path: DataPath;
}

/** A class name used by a rule, with the place it is written. */
export interface ClassRef {
  name: string;
  /** Data path relative to the rule. */
  path: DataPath;
  /** Set when the name sits inside a longer scalar (the chain form), with its offset in the value. */
  substring?: string;
  valueOffset?: number;
  /** True when the class is a lock whose relation to other locks the rule documents (strict-order). */
  ordered: boolean;
}

/** One documented `outer < inner` pair written by a rule. */
export interface OrderEdge {
  outer: string;
  inner: string;
  /** The side of `inner` that `outer` is taken outside of. */
  innerMode: HoldMode;
  rule: LoadedRule;
  /** Where the inner class is written (cycle errors point here). */
  at: ClassRef;
}

/** What `create()` gets besides its rules. */
export interface RuleContext {
  order: OrderRelation;
}

export type RuleHooks = Pick<EngineHooks, 'watchClass' | 'watchVar' | 'onNewChain' | 'onWatchedAcquire' | 'onAccess' | 'onNewDependency' | 'onEnd'>;

export interface RuleKindModule<S extends BaseRuleSpec = BaseRuleSpec> {
  kind: S['kind'];
  /**
   * The kind's message templates by message id (`{{name}}` placeholders). A finding carries the id
   * in `ruleDetail.messageId`; ids are stable, the wording may change.
   */
  messages: Readonly<Record<string, string>>;
  /** A strict object schema whose `kind` is a literal (a member of the discriminated rule union). */
  schema: z.ZodType<S> & z.core.$ZodTypeDiscriminable;
  classRefs(spec: S): ClassRef[];
  /** Pairs `[held, acquired]` the rule documents (covered under `--strict-order`). */
  documentedPairs?(spec: S): Array<[string, string]>;
  /** Classes inside which nothing is acquired (`--strict-order` asks no documentation of their orders). */
  leafClasses?(spec: S): string[];
  /** Order pairs (order kind only). */
  orderEdges?(rule: LoadedRule<S>): OrderEdge[];
  create(rules: ReadonlyArray<LoadedRule<S>>, context: RuleContext): RuleHooks;
}

/** Does a lock held in `mode` satisfy a rule's hold mode? `read` covers recursive readers. */
export function modeMatches(wanted: HoldMode, mode: LockMode): boolean {
  if (wanted === 'any') return true;
  if (wanted === 'write') return mode === 'write';
  return mode === 'read' || mode === 'recursive-read';
}

export function modeLabel(mode: HoldMode): string {
  return mode === 'any' ? '' : mode === 'write' ? ' (write side)' : ' (read side)';
}

/** `install_new_memslots+0x5a/0x120` -> `install_new_memslots`: text before `+`, `(` or whitespace. */
export function functionNameOf(frame: string): string {
  const match = /^[^+(\s]*/.exec(frame.trimStart());
  return match ? match[0] : frame;
}

/** Fill `{{name}}` placeholders. */
function formatMessage(template: string, data: Readonly<Record<string, string>>): string {
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, name: string) => data[name] ?? whole);
}

/** The message of a violation: its id in the kind's `messages` and the template filled from `data`. */
export function ruleMessage<Messages extends Readonly<Record<string, string>>>(
  messages: Messages,
  messageId: keyof Messages & string,
  data: Readonly<Record<string, string>>,
): Pick<RuleViolation, 'messageId' | 'message'> {
  return { messageId, message: formatMessage(messages[messageId]!, data) };
}

/** The first held lock of one of `classes`, held on side `mode`. */
export function heldOfClasses(held: readonly LockView[], classes: ReadonlySet<string>, mode: HoldMode): LockView | undefined {
  return held.find((view) => classes.has(view.class) && modeMatches(mode, view.mode));
}

/** The finding fields of a violation that is the acquisition of `ctx.next` while `held` is held. */
export function nestingViolation(held: LockView, ctx: AcquireContext): Pick<RuleViolation, 'classes' | 'events' | 'task' | 'trigger'> {
  return { classes: [held.class, ctx.next.class], events: [held.at, ctx.next.at], task: ctx.task, trigger: ctx.next.at };
}

function findingSeverity(severity: RuleSeverity): Severity {
  return severity === 'off' ? 'info' : severity;
}

/** What a rule kind reports: the finding's own fields, and overrides of the rule's. */
export interface RuleViolation extends Pick<Finding, 'message' | 'classes' | 'events' | 'task' | 'trigger' | 'chain'> {
  /** The id of `message` in the kind's `messages` (stable; tests and tools match on it, not on the wording). */
  messageId: string;
  relation?: RuleDetail['relation'];
  /** Overrides for derived findings (an order implied by several rules). */
  id?: string;
  description?: string;
  severity?: RuleSeverity;
  /** Words that tell findings of one rule over the same classes apart (a function, a variable). */
  distinguish?: string[];
}

/** Report a rule-violation finding for `rule`. */
export function reportViolation(q: EngineQuery, rule: Pick<LoadedRule, 'id' | 'kind' | 'severity' | 'description' | 'documentedIn'>, violation: RuleViolation): void {
  const id = violation.id ?? rule.id;
  q.report({
    kind: 'rule-violation',
    rule: id,
    severity: findingSeverity(violation.severity ?? rule.severity),
    message: violation.message,
    classes: violation.classes,
    events: violation.events,
    ...(violation.distinguish === undefined ? {} : { extra: violation.distinguish }),
    ...(violation.task === undefined ? {} : { task: violation.task }),
    ...(violation.trigger === undefined ? {} : { trigger: violation.trigger }),
    ...(violation.chain === undefined ? {} : { chain: violation.chain }),
    ruleDetail: {
      id,
      kind: rule.kind,
      messageId: violation.messageId,
      description: violation.description ?? rule.description,
      ...(rule.documentedIn === undefined ? {} : { source: rule.documentedIn }),
      relation: violation.relation ?? 'contradicts',
    },
  });
}

/** One entry per rule, filed under each name the rule lists (a class, a variable): Map<name, entries>. */
export function indexRules<R, E>(rules: readonly R[], entryOf: (rule: R) => E, namesOf: (rule: R) => readonly string[]): Map<string, E[]> {
  const index = new Map<string, E[]>();
  for (const rule of rules) {
    const entry = entryOf(rule);
    for (const name of namesOf(rule)) {
      const list = index.get(name);
      if (list) list.push(entry);
      else index.set(name, [entry]);
    }
  }
  return index;
}

/** `a` for one name, `any of a, b` for several (messages of rules that accept any listed lock). */
export function oneOrAnyOf(names: readonly string[]): string {
  return names.length === 1 ? names[0]! : `any of ${names.join(', ')}`;
}

/** Compose several hook sets into one, keeping a single function where only one set has a hook. */
export function mergeHooks(parts: readonly RuleHooks[]): EngineHooks {
  const merged: EngineHooks = {};
  const watchers = parts.flatMap((part) => (part.watchClass ? [part.watchClass] : []));
  if (watchers.length === 1) merged.watchClass = watchers[0]!;
  else if (watchers.length > 1) merged.watchClass = (name) => watchers.some((watch) => watch(name));
  // watchVar narrows onAccess; it is only valid when every part with onAccess narrows it.
  const accessParts = parts.filter((part) => part.onAccess);
  if (accessParts.length > 0 && accessParts.every((part) => part.watchVar)) {
    const varWatchers = accessParts.map((part) => part.watchVar!);
    merged.watchVar = (name) => varWatchers.some((watch) => watch(name));
  }
  const names = ['onNewChain', 'onWatchedAcquire', 'onAccess', 'onNewDependency', 'onEnd'] as const;
  for (const name of names) {
    const fns = parts.flatMap((part) => (part[name] ? [part[name]] : [])) as Array<(...args: never[]) => void>;
    if (fns.length === 0) continue;
    const combined =
      fns.length === 1
        ? fns[0]!
        : (...args: never[]) => {
            for (const fn of fns) fn(...args);
          };
    (merged as Record<string, unknown>)[name] = combined;
  }
  return merged;
}
