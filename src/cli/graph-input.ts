/**
 * The inputs of `lockdep graph`: trace files of any format (checked from an empty graph, like
 * `lockdep check`, for their dependency graph) and graphs saved by `check --save-graph`, told
 * apart by their first bytes (a saved graph is a JSON object whose first key is
 * `"format": "lockdep-graph"`; a trace never is). Several inputs are merged into one graph by the
 * engine's own merge. Invariants: inputs are read in the order given; a bad input is an
 * InputError naming the file (and line, for traces) (exit 2); standard input (`-`) is always a
 * trace.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { escapeTerminal } from '../report/escape.js';
import { checkTrace, type CheckTraceOptions } from '../check/check-trace.js';
import type { EngineHooks } from '../engine/hooks.js';
import type { GraphSnapshot } from '../engine/snapshot.js';
import type { InputFormatChoice } from '../events/importers.js';
import { STDIN_PATH } from '../events/jsonl-reader.js';
import { combineSnapshots, readSavedGraph } from './saved-graph.js';

export interface GraphInputOptions {
  inputFormat?: InputFormatChoice | undefined;
  /** Engine hooks to run while a trace input is checked (`lockdep infer`'s tallies); saved graphs have none. */
  createHooks?: ((file: string) => EngineHooks[]) | undefined;
  /** Called for each trace input that is a dependency graph (/proc/lockdep): its hooks saw replayed edges, not a run. */
  onGraphInput?: ((file: string) => void) | undefined;
  /** Called with the graph of each input that is a graph, not a run: a saved graph, /proc/lockdep. */
  onGraphSnapshot?: ((snapshot: GraphSnapshot) => void) | undefined;
}

const SAVED_GRAPH_START = /^\s*\{\s*"format"\s*:\s*"lockdep-graph"/;
const PEEK_BYTES = 256;

/**
 * Whether the file starts like a saved graph. A file that cannot be read is not one: the trace
 * reader then reports why, as `lockdep check` does.
 */
export async function looksLikeSavedGraph(file: string): Promise<boolean> {
  if (file === STDIN_PATH) return false;
  let handle: FileHandle | undefined;
  try {
    handle = await open(file, 'r');
    const buffer = Buffer.alloc(PEEK_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, PEEK_BYTES, 0);
    return SAVED_GRAPH_START.test(buffer.subarray(0, bytesRead).toString('utf8'));
  } catch {
    return false;
  } finally {
    await handle?.close();
  }
}

/** The graph of the inputs, and the held-lock chains their checks validated (null when an input does not say). */
export interface GraphInputs {
  snapshot: GraphSnapshot;
  chains: number | null;
}

/** The dependency graph of one input, and its chain count when known. */
async function graphOfInput(file: string, options: GraphInputOptions): Promise<{ snapshot: GraphSnapshot; chains: number | null }> {
  if (await looksLikeSavedGraph(file)) {
    const saved = await readSavedGraph(file);
    options.onGraphSnapshot?.(saved.snapshot);
    return { snapshot: saved.snapshot, chains: saved.result?.summary.chains ?? null };
  }
  let taken: GraphSnapshot | undefined;
  const { replayed, chains } = await checkTraceInput(file, options, { onSnapshot: (snapshot) => { taken = snapshot; } });
  if (taken === undefined) throw new Error(`no graph snapshot was taken of ${file}`);
  if (replayed) options.onGraphSnapshot?.(taken);
  return { snapshot: taken, chains };
}

/**
 * Checks one trace input (not a saved graph) with the options' hooks; its graph goes to `take`
 * (a snapshot, or the engine's columns). `replayed`: the trace was a dependency graph
 * (/proc/lockdep), whose acquisitions are replayed edges.
 */
export async function checkTraceInput(
  file: string,
  options: GraphInputOptions,
  take: Pick<CheckTraceOptions, 'onSnapshot' | 'onGraphColumns'>,
): Promise<{ replayed: boolean; chains: number | null }> {
  let replayed = false;
  const result = await checkTrace(file, {
    ...(options.inputFormat !== undefined ? { inputFormat: options.inputFormat } : {}),
    ...(options.createHooks !== undefined ? { createHooks: options.createHooks } : {}),
    onGraphInput: () => {
      replayed = true;
      options.onGraphInput?.(file);
    },
    ...take,
    onInputWarning: (message, origin) => {
      process.stderr.write(`${escapeTerminal(origin.file)}:${origin.line}: warning: ${escapeTerminal(message)}\n`);
    },
  });
  return { replayed, chains: result.summary.chains ?? null };
}

/**
 * One graph of every input, merged in the order given. Each run validates its own chains (as
 * each boot of a kernel does), so the chain count of several inputs is their sum.
 */
export async function loadGraphInputs(files: readonly string[], options: GraphInputOptions = {}): Promise<GraphInputs> {
  const snapshots: GraphSnapshot[] = [];
  let chains: number | null = 0;
  for (const file of files) {
    const input = await graphOfInput(file, options);
    snapshots.push(input.snapshot);
    chains = chains === null || input.chains === null ? null : chains + input.chains;
  }
  return { snapshot: combineSnapshots(snapshots)!, chains };
}
