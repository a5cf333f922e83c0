/**
 * Checks several traces at once on worker threads (`lockdep check a.jsonl b.jsonl ...`), each
 * from an empty graph with `checkTrace`. Invariants: results come back in input order whatever
 * order the workers finish in; at most `jobs` threads check at once (default: the machine's
 * available parallelism, never more than the number of traces), this thread being one of them
 * (it takes traces from the workers' queue, largest first: `--jobs 2` starts one worker); one
 * trace, `--jobs 1`, stdin (`-`) and small inputs (less than PARALLEL_MIN_BYTES in all, unless
 * `--jobs` is given: starting a worker costs more than checking a small trace) are checked in
 * this thread only; when traces fail, the error of the first failing trace in input order is
 * thrown (workers still running on later traces are stopped), so failures are deterministic.
 * Workers rebuild the per-file options from the command's (structured-cloneable) arguments with
 * check.ts's `checkTraceOptionsFrom`, so hooks and rules behave exactly as in this thread.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { CheckResult } from '../engine/result.js';
import type { GraphSnapshot } from '../engine/snapshot.js';
import { InputError } from '../io/input-error.js';
import { STDIN_PATH, traceDisplayName } from '../events/jsonl-reader.js';
import { checkTrace, type CheckTraceOptions } from '../check/check-trace.js';
import { traceSizes, type ProgressLine } from './progress.js';
import { UsageError } from './usage-error.js';

export interface TraceOutcome {
  /** The name the trace is reported under. */
  file: string;
  result: CheckResult;
  snapshot: GraphSnapshot | null;
}

export interface ParallelCheckOptions {
  /** Per-file options, for traces checked in this thread. */
  traceOptions: CheckTraceOptions;
  /** The command's arguments; workers call checkTraceOptionsFrom(args). Must be structured-cloneable. */
  args: unknown;
  /** Maximum number of worker threads (`--jobs`); when given, workers are used whatever the input size. */
  jobs?: number;
  /** Trace sizes in bytes, when known (progress already has them); otherwise they are looked up. */
  sizes?: readonly number[];
  /** Keep each trace's graph snapshot. */
  snapshots: boolean;
  progress?: ProgressLine | null;
}

/** A task sent to a worker. */
export interface WorkerTask {
  index: number;
  file: string;
  snapshot: boolean;
  progress: boolean;
}

/** What a worker sends back. */
export type WorkerMessage =
  | { type: 'progress'; index: number; bytes: number }
  /**
   * The snapshot travels as its JSON text (its saved-graph form): a structured clone of its
   * thousands of small objects cost 80 ms for 6,000 classes, JSON 21 ms in the worker and 31 ms here.
   */
  | { type: 'done'; index: number; result: CheckResult; snapshotJson: string | null }
  | { type: 'error'; index: number; error: SerializedError };

export interface SerializedError {
  name: string;
  message: string;
  file?: string;
  line?: number;
  col?: number;
  stack?: string;
}

export function serializeError(error: unknown): SerializedError {
  if (error instanceof InputError) {
    const serialized: SerializedError = { name: 'InputError', message: error.message, file: error.file };
    if (error.line !== undefined) serialized.line = error.line;
    if (error.col !== undefined) serialized.col = error.col;
    return serialized;
  }
  if (error instanceof Error) {
    const serialized: SerializedError = { name: error.name, message: error.message };
    if (error.stack !== undefined) serialized.stack = error.stack;
    return serialized;
  }
  return { name: 'Error', message: String(error) };
}

export function deserializeError(serialized: SerializedError): Error {
  if (serialized.name === 'InputError' && serialized.file !== undefined) {
    const location: { file: string; line?: number; col?: number } = { file: serialized.file };
    if (serialized.line !== undefined) location.line = serialized.line;
    if (serialized.col !== undefined) location.col = serialized.col;
    return new InputError(serialized.message, location);
  }
  if (serialized.name === 'UsageError') return new UsageError(serialized.message);
  const error = new Error(serialized.message);
  error.name = serialized.name;
  if (serialized.stack !== undefined) error.stack = serialized.stack;
  return error;
}

/** Checks one trace in this thread, with optional byte progress and snapshot. */
export async function checkOneTrace(
  file: string,
  traceOptions: CheckTraceOptions,
  wantSnapshot: boolean,
  onBytes?: (bytes: number) => void,
): Promise<{ result: CheckResult; snapshot: GraphSnapshot | null }> {
  let snapshot: GraphSnapshot | null = null;
  const options: CheckTraceOptions = { ...traceOptions };
  if (wantSnapshot) options.onSnapshot = (taken) => { snapshot = taken; };
  // Progress counts the bytes the one reading path reads (a file stays a file, fast lanes included).
  if (onBytes !== undefined && file !== STDIN_PATH) options.read = { ...traceOptions.read, onBytes };
  const result = await checkTrace(file, options);
  return { result, snapshot };
}

const WORKER_URL = new URL('./check-worker.js', import.meta.url);

/** Below this many bytes of traces in all, checking in this thread is faster than starting workers. */
export const PARALLEL_MIN_BYTES = 32 * 1024 * 1024;

/** Checks every trace, in parallel where possible; outcomes in input order. */
export async function checkTraces(files: readonly string[], options: ParallelCheckOptions): Promise<TraceOutcome[]> {
  const outcomes: Array<TraceOutcome | undefined> = files.map(() => undefined);
  const errors = new Map<number, Error>();
  const progress = options.progress ?? null;
  const inThread: number[] = [];
  const inWorkers: number[] = [];
  const jobs = Math.max(1, Math.min(options.jobs ?? availableParallelism(), files.length));
  const sizes = options.sizes ?? await traceSizes(files);
  const totalBytes = sizes.reduce((sum, size) => sum + size, 0);
  const worthWorkers = options.jobs !== undefined || totalBytes >= PARALLEL_MIN_BYTES;
  files.forEach((file, index) => ((jobs <= 1 || files.length === 1 || !worthWorkers || file === STDIN_PATH) ? inThread : inWorkers).push(index));

  const checkHere = async (index: number): Promise<void> => {
    const file = files[index] as string;
    try {
      const onBytes = progress ? (bytes: number) => progress.update(index, bytes) : undefined;
      const { result, snapshot } = await checkOneTrace(file, options.traceOptions, options.snapshots, onBytes);
      outcomes[index] = { file: traceDisplayName(file), result, snapshot };
      progress?.finish(index);
    } catch (error) {
      errors.set(index, error instanceof Error ? error : new Error(String(error)));
    }
  };

  // Largest first, so that the last trace to start is a small one and the threads end together
  // (this thread takes the first, while the workers start up).
  const queue = [...inWorkers].sort((a, b) => (sizes[b] ?? 0) - (sizes[a] ?? 0) || a - b);
  /**
   * The next trace of the workers' queue, skipping those after a trace that failed in input order
   * (their errors would not be reported); every trace before it is still checked, so the error
   * thrown is always the first in input order.
   */
  const take = (): number | undefined => {
    const firstError = errors.size > 0 ? Math.min(...errors.keys()) : Number.POSITIVE_INFINITY;
    for (;;) {
      const index = queue.shift();
      if (index === undefined || index < firstError) return index;
    }
  };

  // This thread is one of the `jobs`: after its own traces (stdin) it checks traces from the
  // workers' queue while they start, so `--jobs 2` starts one worker and no thread waits idle.
  const runInThread = async (): Promise<void> => {
    for (const index of inThread) {
      if (errors.size > 0 && Math.min(...errors.keys()) < index) break;
      await checkHere(index);
    }
    for (let index = take(); index !== undefined; index = take()) await checkHere(index);
  };

  const runInWorkers = async (): Promise<void> => {
    // One worker fewer than the jobs (this thread is one), unless this thread has traces of its own.
    const workerCount = Math.min(jobs - 1, inWorkers.length - (inThread.length === 0 ? 1 : 0));
    if (workerCount <= 0) return;
    const args = JSON.parse(JSON.stringify(options.args ?? {})) as unknown;
    const runWorker = () => new Promise<void>((resolve, reject) => {
      const worker = new Worker(WORKER_URL, { workerData: { args } });
      let current: number | null = null;
      let settled = false;
      const finish = (error?: Error) => {
        if (settled) return;
        settled = true;
        void worker.terminate();
        if (error) reject(error); else resolve();
      };
      const next = () => {
        const index = take();
        if (index === undefined) { current = null; finish(); return; }
        current = index;
        const task: WorkerTask = { index, file: files[index] as string, snapshot: options.snapshots, progress: progress !== null };
        worker.postMessage(task);
      };
      worker.on('message', (message: WorkerMessage) => {
        if (message.type === 'progress') { progress?.update(message.index, message.bytes); return; }
        if (message.type === 'done') {
          const snapshot = message.snapshotJson === null ? null : JSON.parse(message.snapshotJson) as GraphSnapshot;
          outcomes[message.index] = { file: traceDisplayName(files[message.index] as string), result: message.result, snapshot };
          progress?.finish(message.index);
        } else {
          errors.set(message.index, deserializeError(message.error));
        }
        next();
      });
      worker.on('error', (error) => {
        // A crash while checking a trace is that trace's error; a crash before any task (the
        // worker could not load) fails the whole check.
        if (current !== null) { errors.set(current, error); finish(); } else finish(error);
      });
      worker.on('exit', (code) => {
        if (!settled) finish(code === 0 ? undefined : new Error(`check worker exited with code ${code}`));
      });
      worker.once('online', next);
    });
    await Promise.all(Array.from({ length: workerCount }, runWorker));
  };

  // The workers first, so that they start up while this thread checks.
  const workers = runInWorkers();
  await Promise.all([workers, runInThread()]);
  if (errors.size > 0) throw errors.get(Math.min(...errors.keys())) as Error;
  return outcomes.map((outcome, index) => {
    if (!outcome) throw new Error(`trace ${files[index] ?? index} was not checked`);
    return outcome;
  });
}
