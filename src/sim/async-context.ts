/**
 * AsyncTaskContext: the AsyncLocalStorage adapter that gives ordinary async code an implicit
 * current task, so primitives can be called without a task handle.
 * Invariant: created only on demand (`runtime.context` / `runtime.runTask`), because Node 20's
 * AsyncLocalStorage installs promise hooks that slow every promise in the process (~2.7x per
 * await); deterministic simulations pass task handles instead.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Task } from './task.js';

export class AsyncTaskContext {
  private readonly storage = new AsyncLocalStorage<Task>();

  /** Runs `fn` with `task` as the current task (for `fn` and everything it awaits). */
  run<T>(task: Task, fn: () => T): T {
    return this.storage.run(task, fn);
  }

  /** The current task, or undefined outside any `run`. */
  current(): Task | undefined {
    return this.storage.getStore();
  }
}
