/**
 * Worker-thread entry of parallel-check.ts: rebuilds the per-file check options from the
 * command's arguments (check.ts's `checkTraceOptionsFrom`), then checks one trace per task
 * message and posts back progress, the result and the snapshot (as JSON text), or a serialized
 * error.
 * Invariant: one task at a time; the worker writes nothing to stdout (input warnings about a
 * trace, such as ftrace lost events, go to stderr as in a single-threaded run).
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { CheckTraceOptions } from '../check/check-trace.js';
import { checkTraceOptionsFrom, loadRunConfig } from './commands/check.js';
import type { CheckArgs } from './commands/check.js';
import { checkOneTrace, serializeError, type WorkerMessage, type WorkerTask } from './parallel-check.js';

const port = parentPort;
if (port === null) throw new Error('check-worker.js must run as a worker thread');

const { args } = workerData as { args: CheckArgs };
let traceOptions: CheckTraceOptions | null = null;

port.on('message', (task: WorkerTask) => {
  void (async () => {
    try {
      if (traceOptions === null) {
        await loadRunConfig(args);
        traceOptions = checkTraceOptionsFrom(args);
      }
      const onBytes = task.progress ? (bytes: number) => port.postMessage({ type: 'progress', index: task.index, bytes } satisfies WorkerMessage) : undefined;
      const { result, snapshot } = await checkOneTrace(task.file, traceOptions, task.snapshot, onBytes);
      const snapshotJson = snapshot === null ? null : JSON.stringify(snapshot);
      port.postMessage({ type: 'done', index: task.index, result, snapshotJson } satisfies WorkerMessage);
    } catch (error) {
      port.postMessage({ type: 'error', index: task.index, error: serializeError(error) } satisfies WorkerMessage);
    }
  })();
});
