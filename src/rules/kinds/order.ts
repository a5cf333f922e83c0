/**
 * Rule kind `order`: `outer` is taken outside `inner` (optionally only outside inner's write or
 * read side), or the compact `chain: "a < b < c"`. Violated when an outer lock is acquired while
 * an inner one is held in that mode (checked once per new held chain), or when the dependency
 * graph gains a path inner ->* outer (checked on new dependencies). The pairs of all order rules
 * form one relation and its transitive closure (see order-relation.ts): `a < b` in one rule and
 * `b < c` in another also forbid taking `a` under `c`.
 * Invariants: per acquisition this costs nothing (the validator calls onNewChain only for new
 * chains); the path search runs only once both classes of a pair have dependencies, and stops
 * for a pair once it has been reported.
 */
import { z } from 'zod';
import type { DependencyWitness } from '../../engine/finding.js';
import type { AcquireContext, EngineQuery, LockView } from '../../engine/hooks.js';
import type { OrderPair } from '../order-relation.js';
import {
  modeLabel,
  modeMatches,
  nestingViolation,
  reportViolation,
  ruleMessage,
  type ClassRef,
  type LoadedRule,
  type OrderEdge,
  type RuleHooks,
  type RuleKindModule,
} from '../rule-kind.js';
import { listRefs } from './list-refs.js';
import { baseRuleFields, className, classList, holdMode, type HoldMode, type RuleSeverity } from '../schema-common.js';

const orderSchema = z
  .strictObject({
    ...baseRuleFields,
    kind: z.literal('order'),
    outer: classList.optional().meta({ description: 'The lock(s) taken first (outside).' }),
    inner: classList.optional().meta({ description: 'The lock(s) taken second (inside).' }),
    innerMode: holdMode.optional().meta({
      description: "Only this side of `inner` is ordered: 'write' or 'read' ('any', the default, means both).",
    }),
    chain: z
      .union([z.string().min(1), z.array(className).min(2)], {
        error: 'must be a chain like "a < b < c" or a list of at least two class names',
      })
      .optional()
      .meta({ description: 'Compact form: "a < b < c" (or a list [a, b, c]): each lock is taken outside the next ones.' }),
  })
  .superRefine((rule, ctx) => {
    if (rule.chain !== undefined) {
      const extra = (['outer', 'inner', 'innerMode'] as const).find((key) => rule[key] !== undefined);
      if (extra) {
        ctx.addIssue({ code: 'custom', path: [extra], message: `\`${extra}\` cannot be combined with \`chain\` (use one form)` });
      } else if (typeof rule.chain === 'string' && parseChain(rule.chain) === null) {
        ctx.addIssue({
          code: 'custom',
          path: ['chain'],
          message: `\`chain\` must look like "a < b < c": at least two non-empty class names separated by "<"`,
        });
      }
    } else if (rule.outer === undefined || rule.inner === undefined) {
      const missing = rule.outer === undefined ? 'outer' : 'inner';
      ctx.addIssue({ code: 'custom', path: [], message: `an order rule needs \`outer\` and \`inner\`, or \`chain\` (missing \`${missing}\`)` });
    }
  });

export type OrderRuleSpec = z.infer<typeof orderSchema>;

/** "a < b < c" -> ['a', 'b', 'c'], or null when malformed. */
function parseChain(text: string): string[] | null {
  const names = chainNames(text).map((entry) => entry.name);
  if (names.length < 2 || names.some((name) => name.length === 0)) return null;
  return names;
}

/** The names of a chain with their offsets in the text. */
function chainNames(text: string): Array<{ name: string; offset: number }> {
  const entries: Array<{ name: string; offset: number }> = [];
  let start = 0;
  for (const part of text.split('<')) {
    const name = part.trim();
    entries.push({ name, offset: start + (part.length - part.trimStart().length) });
    start += part.length + 1;
  }
  return entries;
}

function chainRefs(spec: OrderRuleSpec): ClassRef[] {
  if (spec.chain === undefined) return [];
  if (typeof spec.chain === 'string') {
    if (parseChain(spec.chain) === null) return [];
    return chainNames(spec.chain).map(({ name, offset }) => ({ name, path: ['chain'], substring: name, valueOffset: offset, ordered: true }));
  }
  return spec.chain.map((name, index) => ({ name, path: ['chain', index], ordered: true }));
}

const SEVERITY_RANK: Record<RuleSeverity, number> = { off: 0, info: 1, warning: 2, error: 3 };

const messages = {
  acquiredInside:
    '{{acquired}} acquired while {{held}} is held{{mode}}, but {{acquired}} must be taken outside {{held}}{{mode}}{{implied}}',
  pathInside:
    'dependency path {{path}} contradicts the documented order {{outer}} < {{inner}}{{mode}}{{implied}}',
};

/** Who to blame for a pair: one rule, or the rules of its derivation. */
function attribution(pair: OrderPair): { id: string; description: string; documentedIn: string | undefined; severity: RuleSeverity; implied: string } {
  const rules: LoadedRule[] = [];
  for (const edge of pair.via) if (!rules.includes(edge.rule)) rules.push(edge.rule);
  const first = rules[0]!;
  if (rules.length === 1) return { id: first.id, description: first.description, documentedIn: first.documentedIn, severity: first.severity, implied: '' };
  let severity = first.severity;
  for (const rule of rules) if (SEVERITY_RANK[rule.severity] < SEVERITY_RANK[severity]) severity = rule.severity;
  const steps = pair.via.map((edge) => `${edge.outer} < ${edge.inner}${modeLabel(edge.innerMode)}`);
  return {
    id: first.id,
    description: rules.map((rule) => `${rule.id}: ${rule.description}`).join(' / '),
    documentedIn: [...new Set(rules.flatMap((rule) => (rule.documentedIn === undefined ? [] : [rule.documentedIn])))].join(' / ') || undefined,
    severity,
    implied: ` (implied by ${steps.join(', ')} in rules ${rules.map((rule) => rule.id).join(', ')})`,
  };
}

export const orderRule: RuleKindModule<OrderRuleSpec> = {
  kind: 'order',
  messages,
  schema: orderSchema,

  classRefs(spec) {
    return [...listRefs(spec.outer, 'outer', true), ...listRefs(spec.inner, 'inner', true), ...chainRefs(spec)];
  },

  orderEdges(rule) {
    const spec = rule.spec;
    const edges: OrderEdge[] = [];
    if (spec.chain !== undefined) {
      const refs = chainRefs(spec);
      for (let i = 0; i + 1 < refs.length; i++) {
        edges.push({ outer: refs[i]!.name, inner: refs[i + 1]!.name, innerMode: 'any', rule, at: refs[i + 1]! });
      }
      return edges;
    }
    const outers = listRefs(spec.outer, 'outer', true);
    const inners = listRefs(spec.inner, 'inner', true);
    for (const outer of outers) {
      for (const inner of inners) edges.push({ outer: outer.name, inner: inner.name, innerMode: spec.innerMode ?? 'any', rule, at: inner });
    }
    return edges;
  },

  create(_rules, context): RuleHooks {
    const relation = context.order;
    if (relation.pairs.length === 0) return {};
    const byOuter = relation.byOuter;
    /** Inner classes some pair orders by one side only: record their first edges by side. */
    const sidedInners = new Set(relation.pairs.filter((pair) => pair.mode !== 'any').map((pair) => pair.inner));
    const firstEdges = { write: new Map<string, Map<string, DependencyWitness>>(), read: new Map<string, Map<string, DependencyWitness>>() };
    /** Pairs reported by either hook (their trackers drop them at the next dependency with hits). */
    const reported = new Set<OrderPair>();
    /** `held\0acquired` of direct violations already reported (by either hook). */
    const reportedDirect = new Set<string>();
    /** The dependency graph as seen through onNewDependency. */
    const successors = new Map<string, Set<string>>();
    /**
     * Incremental reachability, one tracker per (inner class, side) that some pair needs: the
     * classes reachable from inner (for a side: from inner's first edges on that side). Each class
     * enters a tracker once, so the whole run costs O(edges) per tracker; a pair is violated when
     * its outer class enters its tracker.
     */
    interface Tracker {
      inner: string;
      mode: HoldMode;
      reach: Set<string>;
      /** Unreported pairs of this tracker by outer class. */
      byOuter: Map<string, OrderPair>;
      /** Unreported pairs whose outer class is reachable, but not yet by a strong path (findPath found none). */
      pending: Set<OrderPair>;
    }
    const trackers: Tracker[] = [];
    for (const pair of relation.pairs) {
      let tracker = trackers.find((t) => t.inner === pair.inner && t.mode === pair.mode);
      if (!tracker) trackers.push((tracker = { inner: pair.inner, mode: pair.mode, reach: new Set(), byOuter: new Map(), pending: new Set() }));
      tracker.byOuter.set(pair.outer, pair);
    }
    let liveTrackers = trackers;

    /** Add `start` and what it reaches to the tracker; collect pairs whose outer class entered. */
    const expand = (tracker: Tracker, start: string, hits: OrderPair[]): void => {
      if (tracker.reach.has(start)) return;
      tracker.reach.add(start);
      const queue = [start];
      for (let head = 0; head < queue.length; head++) {
        const node = queue[head]!;
        const pair = tracker.byOuter.get(node);
        if (pair !== undefined) hits.push(pair);
        for (const next of successors.get(node) ?? []) {
          if (!tracker.reach.has(next)) {
            tracker.reach.add(next);
            queue.push(next);
          }
        }
      }
    };

    const reportDirect = (pair: OrderPair, held: LockView, ctx: AcquireContext, q: EngineQuery): void => {
      reported.add(pair);
      const key = `${held.class}\u0000${ctx.next.class}`;
      if (reportedDirect.has(key)) return;
      reportedDirect.add(key);
      const blame = attribution(pair);
      reportViolation(q, { id: blame.id, kind: 'order', severity: blame.severity, description: blame.description, documentedIn: blame.documentedIn }, {
        ...ruleMessage(messages, 'acquiredInside', {
          acquired: ctx.next.class,
          held: held.class,
          mode: modeLabel(pair.mode),
          implied: blame.implied,
        }),
        ...nestingViolation(held, ctx),
      });
    };

    const reportPath = (pair: OrderPair, path: DependencyWitness[], q: EngineQuery): void => {
      reported.add(pair);
      const blame = attribution(pair);
      const classes = [path[0]!.from, ...path.map((step) => step.to)];
      const last = path[path.length - 1]!;
      // One edge is a direct nesting: word it (and fingerprint it) as onNewChain would.
      const direct = path.length === 1;
      if (direct) reportedDirect.add(`${last.from}\u0000${last.to}`);
      const message = direct
        ? ruleMessage(messages, 'acquiredInside', { acquired: last.to, held: last.from, mode: modeLabel(pair.mode), implied: blame.implied })
        : ruleMessage(messages, 'pathInside', {
            path: classes.join(' -> '),
            outer: pair.outer,
            inner: pair.inner,
            mode: modeLabel(pair.mode),
            implied: blame.implied,
          });
      reportViolation(q, { id: blame.id, kind: 'order', severity: blame.severity, description: blame.description, documentedIn: blame.documentedIn }, {
        ...message,
        classes,
        events: path.flatMap((step) => [step.prev, step.next]),
        chain: path,
        task: last.task,
        trigger: last.next,
      });
    };

    /** A witness path inner ->* outer whose first step holds inner in the pair's mode. */
    const witnessPath = (pair: OrderPair, q: EngineQuery): DependencyWitness[] | null => {
      if (pair.mode === 'any') return q.findPath(pair.inner, pair.outer);
      for (const [next, edge] of firstEdges[pair.mode].get(pair.inner) ?? []) {
        if (next === pair.outer) return [edge];
        // The path goes on strong only: if the first edge takes `next` only as a recursive reader
        // on this side, `next` may not continue with an edge that holds it for read.
        const sideTypes = edge.types.filter((type) => type.startsWith(pair.mode === 'write' ? 'E' : 'S'));
        const rest = q.findPath(next, pair.outer, sideTypes.every((type) => type.endsWith('R')));
        if (rest) return [edge, ...rest];
      }
      return null;
    };

    return {
      onNewChain(ctx, q) {
        // A successful trylock cannot wait, so it cannot break a lock order (lockdep agrees).
        if (ctx.next.try) return;
        const under = byOuter.get(ctx.next.class);
        if (under === undefined) return;
        for (const held of ctx.held) {
          const pair = under.get(held.class);
          if (pair !== undefined && modeMatches(pair.mode, held.mode)) reportDirect(pair, held, ctx, q);
        }
      },

      onNewDependency(dep, q) {
        let edges = successors.get(dep.from);
        if (!edges) successors.set(dep.from, (edges = new Set()));
        edges.add(dep.to);
        let writeSide = false;
        let readSide = false;
        for (const type of dep.types) {
          if (type.startsWith('E')) writeSide = true;
          else readSide = true;
        }
        if (sidedInners.has(dep.from)) {
          for (const [side, present] of [['write', writeSide], ['read', readSide]] as const) {
            if (!present) continue;
            let map = firstEdges[side].get(dep.from);
            if (!map) firstEdges[side].set(dep.from, (map = new Map<string, DependencyWitness>()));
            if (!map.has(dep.to)) map.set(dep.to, dep);
          }
        }
        if (liveTrackers.length === 0) return;
        let anyHits = false;
        for (const tracker of liveTrackers) {
          const sideMatches = tracker.mode === 'any' || (tracker.mode === 'write' ? writeSide : readSide);
          const extends_ = (tracker.inner === dep.from && sideMatches) || tracker.reach.has(dep.from);
          if (!extends_) continue;
          const hits: OrderPair[] = [];
          expand(tracker, dep.to, hits);
          // Pairs reachable only through recursive readers wait for a strong path (lockdep's rule).
          hits.push(...tracker.pending);
          anyHits ||= hits.length > 0;
          for (const pair of hits) {
            if (reported.has(pair)) continue;
            const path = witnessPath(pair, q);
            if (path) reportPath(pair, path, q);
            else tracker.pending.add(pair);
          }
        }
        if (anyHits) {
          for (const tracker of liveTrackers) {
            for (const [outer, pair] of tracker.byOuter) {
              if (!reported.has(pair)) continue;
              tracker.byOuter.delete(outer);
              tracker.pending.delete(pair);
            }
          }
          liveTrackers = liveTrackers.filter((tracker) => tracker.byOuter.size > 0);
        }
      },
    };
  },
};
