/**
 * `lockdep infer`'s one pass over its inputs: each trace is checked once (as `lockdep graph`
 * reads inputs: traces of any format and saved graphs, merged) with the inference's engine hooks
 * taking their tallies during that check, then the rules are inferred from the graph and the
 * tallies. One trace is read from the engine's own columns after its check (no snapshot: its
 * witnesses are built only if something asks, and nothing does for a trace's pairs); several
 * inputs, or a saved graph, are merged as snapshots and the merged snapshot is indexed. Both give
 * the same proposal. A /proc/lockdep input replays its edges as acquisitions, which say nothing
 * of what was held at one acquisition: its tallies are dropped (its graph stays). The tallies of
 * the traces that a graph input (saved graph, /proc/lockdep) also has are marked as floors: that
 * input's run took them too, uncounted.
 */
import type { GraphColumns } from '../engine/graph-columns.js';
import type { GraphSnapshot } from '../engine/snapshot.js';
import { traceDisplayName } from '../events/jsonl-reader.js';
import { indexSnapshot } from '../graph/indexed-graph.js';
import { inferGraphOfColumns, inferGraphOfIndex } from '../infer/infer-graph.js';
import { inferRules } from '../infer/infer-rules.js';
import { ONE_SHOT_CHAINS, oneShot } from '../infer/one-shot-tier.js';
import { Observations } from '../infer/observations.js';
import type { InferAnswer, InferOptions } from '../infer/proposal.js';
import { checkTraceInput, loadGraphInputs, looksLikeSavedGraph, type GraphInputOptions } from './graph-input.js';

type InputOptions = Pick<GraphInputOptions, 'inputFormat'>;

export async function inferFromInputs(inputs: readonly string[], options: InferOptions, inputOptions: InputOptions = {}): Promise<InferAnswer> {
  const only = inputs.length === 1 ? inputs[0]! : undefined;
  if (only !== undefined && !(await looksLikeSavedGraph(only))) return inferFromTrace(only, options, inputOptions);
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
  tallyLongLogsUncapped(perTrace);
  return oneShot(snapshot.classes.length + snapshot.dependencies.length, () => {
    const observations = Observations.combine(perTrace.filter((tallies) => !replayed.has(tallies)));
    for (const graph of graphs) observations.markFloors(graph.dependencies);
    return inferRules(inferGraphOfIndex(indexSnapshot(snapshot)), observations, options, snapshot.sources.length > 0 ? snapshot.sources : inputs);
  });
}

/**
 * One trace: the rules from its check's tallies and the engine's graph. A /proc/lockdep input's
 * tallies are dropped, as above; with no other input, nothing is left for its floors to mark.
 */
async function inferFromTrace(file: string, options: InferOptions, inputOptions: InputOptions): Promise<InferAnswer> {
  const observations = new Observations();
  let columns: GraphColumns | undefined;
  const { replayed } = await checkTraceInput(file, { ...inputOptions, createHooks: () => [observations.hooks()] }, {
    onGraphColumns: (taken) => {
      columns = taken;
    },
  });
  if (columns === undefined) throw new Error(`no graph was taken of ${file}`);
  const source = traceDisplayName(file);
  const graph = inferGraphOfColumns(columns);
  tallyLongLogsUncapped([observations]);
  return oneShot(graph.names.length + graph.edgeFrom.length, () => inferRules(graph, replayed ? new Observations() : observations, options, source ? [source] : [file]));
}

/** Tallies, before the tier cap, the logs of more than ONE_SHOT_CHAINS chains (one-shot-tier.ts). */
function tallyLongLogsUncapped(inputs: readonly Observations[]): void {
  for (const observations of inputs) if (observations.loggedChains > ONE_SHOT_CHAINS) observations.tallyLoggedChains();
}
