/**
 * The class graph as the engine keeps it, for a reader of the whole graph that needs neither a
 * snapshot nor most witnesses (`lockdep infer` of one trace): class names and types in class-id
 * order, dependencies as the engine's own from/to columns in edge order, and each dependency's
 * witness built only when asked for (edge-witnesses.ts). The same classes, dependencies and
 * witnesses, in the same order, as the snapshot of the same moment (snapshot-merge.ts).
 * Precondition: read after the run (the columns are the engine's live arrays, not copies).
 */
import type { LockType } from '../events/event.js';
import type { EngineCore } from './engine-core.js';
import type { DependencyWitness } from './finding.js';

export interface GraphColumns {
  /** Class names and types, by class id. */
  readonly names: readonly string[];
  readonly types: readonly LockType[];
  /** Per dependency, in edge order: its classes' ids. */
  readonly edgeFrom: readonly number[];
  readonly edgeTo: readonly number[];
  /** The first witness of dependency `edge` (the snapshot's), built on first ask. */
  witness(edge: number): DependencyWitness;
}

export function graphColumnsOf(core: EngineCore): GraphColumns {
  const { classes, deps } = core;
  const names: string[] = new Array<string>(classes.byId.length);
  const types: LockType[] = new Array<LockType>(classes.byId.length);
  for (let id = 0; id < names.length; id++) {
    const cls = classes.byId[id]!;
    names[id] = cls.name;
    types[id] = cls.type;
  }
  return { names, types, edgeFrom: deps.edgeFrom, edgeTo: deps.edgeTo, witness: (edge) => deps.witness(edge) };
}
