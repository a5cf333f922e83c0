/**
 * Class aliases (`classes: {name: {type, aliases: [...]}}`): the one place where a name lockdep
 * prints in some kernel versions (`&kvm->mmu_lock` before v5.12) is matched as the class a rule
 * file declares (`&(kvm)->mmu_lock`). The rule hooks are wrapped so that every lock, dependency
 * and class name they see is already translated to the declared name; path queries search every
 * name the trace may use and answer in declared names (the witnesses' events keep the trace's
 * class). No rule kind knows about aliases.
 * Invariant: with no aliases the hooks are returned unchanged (no cost); with aliases, only the
 * slow paths and watched acquisitions pay one Map lookup per lock in view.
 */
import type { AcquireContext, EngineHooks, EngineQuery, LockView } from '../engine/hooks.js';
import type { DependencyWitness } from '../engine/finding.js';

/** Wraps `hooks` so that they see every alias in `aliases` (alias -> declared class) as its class. */
export function withClassAliases(hooks: EngineHooks, aliases: ReadonlyMap<string, string>): EngineHooks {
  if (aliases.size === 0) return hooks;
  const canonical = (name: string): string => aliases.get(name) ?? name;
  const namesOf = new Map<string, string[]>();
  for (const [alias, name] of aliases) namesOf.set(name, [...(namesOf.get(name) ?? [name]), alias]);
  const spellings = (name: string): readonly string[] => namesOf.get(name) ?? [name];

  const view = (lock: LockView): LockView => (aliases.has(lock.class) ? { ...lock, class: canonical(lock.class) } : lock);
  const aliased = (lock: LockView): boolean => aliases.has(lock.class);
  const acquire = (ctx: AcquireContext): AcquireContext =>
    aliased(ctx.next) || ctx.held.some(aliased) ? { ...ctx, held: ctx.held.map(view), next: view(ctx.next) } : ctx;
  /** One translating query per engine query (the validator passes the same one every time). */
  const queries = new WeakMap<EngineQuery, EngineQuery>();
  const query = (q: EngineQuery): EngineQuery => {
    let translated = queries.get(q);
    if (translated === undefined) queries.set(q, (translated = translatingQuery(q)));
    return translated;
  };
  const translatingQuery = (q: EngineQuery): EngineQuery => ({
    findPath(from, to, fromRecursiveReader) {
      let best: DependencyWitness[] | null = null;
      for (const source of spellings(from)) {
        for (const target of spellings(to)) {
          const path = q.findPath(source, target, fromRecursiveReader);
          if (path !== null && (best === null || path.length < best.length)) best = path;
        }
      }
      return best?.map((step) => (aliases.has(step.from) || aliases.has(step.to) ? { ...step, from: canonical(step.from), to: canonical(step.to) } : step)) ?? null;
    },
    hasClass: (name) => spellings(name).some((spelling) => q.hasClass(spelling)),
    heldLocks: (task) => q.heldLocks(task),
    report: (finding) => q.report(finding),
  });

  const wrapped: EngineHooks = {};
  if (hooks.watchClass) wrapped.watchClass = (name) => hooks.watchClass?.(canonical(name)) ?? false;
  if (hooks.watchVar) wrapped.watchVar = (name) => hooks.watchVar?.(name) ?? false;
  if (hooks.onNewChain) wrapped.onNewChain = (ctx, q) => hooks.onNewChain?.(acquire(ctx), query(q));
  if (hooks.onWatchedAcquire) wrapped.onWatchedAcquire = (ctx, q) => hooks.onWatchedAcquire?.(acquire(ctx), query(q));
  if (hooks.onAccess) wrapped.onAccess = (ctx, q) => hooks.onAccess?.(ctx.held.some(aliased) ? { ...ctx, held: ctx.held.map(view) } : ctx, query(q));
  if (hooks.onNewDependency) {
    wrapped.onNewDependency = (dep, q) =>
      hooks.onNewDependency?.(aliases.has(dep.from) || aliases.has(dep.to) ? { ...dep, from: canonical(dep.from), to: canonical(dep.to) } : dep, query(q));
  }
  if (hooks.onEnd) wrapped.onEnd = (q) => hooks.onEnd?.(query(q));
  return wrapped;
}
