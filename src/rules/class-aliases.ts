/**
 * Class aliases (`classes: {name: {type, aliases: [...]}}`): the one place where a name lockdep
 * prints in some kernel versions (`&kvm->mmu_lock` before v5.12) is matched as the class a rule
 * file declares (`&(kvm)->mmu_lock`). The rule hooks are wrapped so that every lock, dependency
 * and class name they see is already translated to the declared name; path queries go back to
 * every name the trace may use. No rule kind knows about aliases.
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
  const acquire = (ctx: AcquireContext): AcquireContext => ({ ...ctx, held: ctx.held.map(view), next: view(ctx.next) });
  const query = (q: EngineQuery): EngineQuery => ({
    findPath(from, to, fromRecursiveReader) {
      let best: DependencyWitness[] | null = null;
      for (const source of spellings(from)) {
        for (const target of spellings(to)) {
          const path = q.findPath(source, target, fromRecursiveReader);
          if (path !== null && (best === null || path.length < best.length)) best = path;
        }
      }
      return best;
    },
    hasClass: (name) => spellings(name).some((spelling) => q.hasClass(spelling)),
    heldLocks: (task) => q.heldLocks(task),
    report: (finding) => q.report(finding),
  });

  const wrapped: EngineHooks = {};
  const { watchClass, watchVar, onNewChain, onWatchedAcquire, onAccess, onNewDependency, onEnd } = hooks;
  if (watchClass) wrapped.watchClass = (name) => watchClass(canonical(name));
  if (watchVar) wrapped.watchVar = watchVar;
  if (onNewChain) wrapped.onNewChain = (ctx, q) => onNewChain(acquire(ctx), query(q));
  if (onWatchedAcquire) wrapped.onWatchedAcquire = (ctx, q) => onWatchedAcquire(acquire(ctx), query(q));
  if (onAccess) wrapped.onAccess = (ctx, q) => onAccess({ ...ctx, held: ctx.held.map(view) }, query(q));
  if (onNewDependency) {
    wrapped.onNewDependency = (dep, q) =>
      onNewDependency(aliases.has(dep.from) || aliases.has(dep.to) ? { ...dep, from: canonical(dep.from), to: canonical(dep.to) } : dep, query(q));
  }
  if (onEnd) wrapped.onEnd = (q) => onEnd(query(q));
  return wrapped;
}
