/**
 * `lockdep infer`'s one pass over its inputs: each trace is checked once (as `lockdep graph`
 * reads inputs: traces of any format and saved graphs, merged) with the inference's engine hooks
 * taking their tallies during that check, then the rules are inferred from the merged graph
 * (indexed straight from the snapshot: no inference needs a graphology graph) and the tallies.
 * A /proc/lockdep input replays its edges as acquisitions, which say nothing of what was held
 * at one acquisition: its tallies are dropped (its graph stays). The tallies of the traces that a
 * graph input (saved graph, /proc/lockdep) also has are marked as floors: that input's run took
 * them too, uncounted.
 */
import type { GraphSnapshot } from '../engine/snapshot.js';
import { indexSnapshot } from '../graph/indexed-graph.js';
import { inferRules } from '../infer/infer-rules.js';
import { Observations } from '../infer/observations.js';
import type { InferAnswer, InferOptions } from '../infer/proposal.js';
import { loadGraphInputs, type GraphInputOptions } from './graph-input.js';

export async function inferFromInputs(inputs: readonly string[], options: InferOptions, inputOptions: Pick<GraphInputOptions, 'inputFormat'> = {}): Promise<InferAnswer> {
  const perTrace: Observations[] = [];
  const replayed = new Set<Observations>();
  const graphs: GraphSnapshot[] = [];
  const { snapshot } = await loadGraphInputs(inputs, {
    ...inputOptions,
    createHooks: () => {
      const observations = new Observations();
      perTrace.push(observations);
      return [observations.hooks()];
    },
    onGraphInput: () => replayed.add(perTrace[perTrace.length - 1]!),
    onGraphSnapshot: (graph) => graphs.push(graph),
  });
  const observations = Observations.combine(perTrace.filter((tallies) => !replayed.has(tallies)));
  for (const graph of graphs) observations.markFloors(graph.dependencies);
  return inferRules(indexSnapshot(snapshot), observations, options, snapshot.sources.length > 0 ? snapshot.sources : inputs);
}
