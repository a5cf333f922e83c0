/**
 * Which rule hooks see an `access` event: the hooks with `onAccess`, narrowed per var name by
 * their `watchVar` (asked once per name, the answer kept). A hook without `watchVar` sees every
 * var. Invariant: a var's list never changes once asked (hooks are fixed for a validator's life).
 */
import type { EngineHooks } from './hooks.js';

export class AccessWatchers {
  private readonly accessHooks: readonly EngineHooks[];
  private readonly byVar = new Map<string, readonly EngineHooks[]>();

  constructor(hooks: readonly EngineHooks[]) {
    this.accessHooks = hooks.filter((h) => h.onAccess !== undefined);
  }

  /** The hooks that watch `variable`; empty when none does. */
  of(variable: string): readonly EngineHooks[] {
    if (this.accessHooks.length === 0) return this.accessHooks;
    let hooks = this.byVar.get(variable);
    if (hooks === undefined) {
      hooks = this.accessHooks.filter((h) => h.watchVar?.(variable) ?? true);
      this.byVar.set(variable, hooks);
    }
    return hooks;
  }
}
