/**
 * Benchmark: lock/unlock cost of lockdep's instrumented Mutex, with validation on (stacks off,
 * not recording) and off, against the npm package async-mutex, measured in one run.
 * Exports `benchSimMutex(options)` returning nanoseconds per lock+unlock pair (median of rounds,
 * the variants interleaved round by round so machine drift hits them alike) and the ratio
 * validation-on / async-mutex's Mutex (goal: <= 1.5). For information it also measures
 * async-mutex's Semaphore(1) (its fastest path) and validation on with stacks on. Run standalone: `node bench/sim-mutex.js` (after `npm run build`).
 * Every variant does the same thing per iteration: `await lock; unlock`, uncontended, one task,
 * the same held chain each time (lockdep's chain-cache fast path).
 * `benchRunExclusive(options)` compares `await mutex.runExclusive(fn)` of the drop-in
 * (`lockdep/async-mutex`, validation on) with async-mutex's. The drop-in uses AsyncLocalStorage,
 * whose promise hooks slow every promise of the isolate, so each round measures each side in a
 * fresh worker thread of its own (async-mutex without the hooks, as in a program without
 * lockdep), the sides alternating round by round.
 */
import { Mutex as AsyncMutex, Semaphore as AsyncSemaphore } from 'async-mutex';
import { pathToFileURL } from 'node:url';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { LockdepRuntime, Mutex } from '../dist/index.js';
import { Mutex as DropInMutex } from '../dist/sim/async-mutex/index.js';

const DEFAULT_ITERATIONS = 200_000;
const DEFAULT_ROUNDS = 7;

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function timeLoop(iterations, step) {
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) await step();
  return Number(process.hrtime.bigint() - start) / iterations;
}

function lockdepStep(options) {
  const runtime = new LockdepRuntime(options);
  const outer = new Mutex(runtime, 'bench-outer');
  const mutex = new Mutex(runtime, 'bench');
  const task = runtime.task('bench');
  // Hold one lock throughout so every acquisition validates a two-lock chain (outer -> bench).
  outer.tryLock(task);
  return async () => {
    await mutex.lock(task);
    mutex.unlock(task);
  };
}

function asyncMutexStep() {
  const mutex = new AsyncMutex();
  return async () => {
    const release = await mutex.acquire();
    release();
  };
}

/** async-mutex's Semaphore(1): its fastest lock path (Mutex.acquire adds a generator-based wrapper). */
function asyncSemaphoreStep() {
  const semaphore = new AsyncSemaphore(1);
  return async () => {
    const [, release] = await semaphore.acquire();
    release();
  };
}

/**
 * @param {{iterations?: number, rounds?: number, stacksIterations?: number}} [options]
 * @returns {Promise<{iterations: number, rounds: number, asyncMutexNs: number, asyncSemaphoreNs: number,
 *   validationOffNs: number, validationOnNs: number, validationOnStacksNs: number,
 *   ratioOnToAsyncMutex: number, ratioOnToAsyncSemaphore: number, ratioOffToAsyncMutex: number,
 *   goalRatio: number, meetsGoal: boolean}>}
 */
export async function benchSimMutex(options = {}) {
  const iterations = options.iterations ?? DEFAULT_ITERATIONS;
  const rounds = options.rounds ?? DEFAULT_ROUNDS;
  const stacksIterations = options.stacksIterations ?? Math.max(1000, Math.floor(iterations / 20));
  const variants = {
    asyncMutex: asyncMutexStep(),
    asyncSemaphore: asyncSemaphoreStep(),
    validationOff: lockdepStep({ validate: false }),
    validationOn: lockdepStep({}),
    validationOnStacks: lockdepStep({ stacks: true }),
  };
  // Warm-up (JIT) for every variant.
  for (const step of Object.values(variants)) await timeLoop(Math.min(iterations, 20_000), step);
  const samples = { asyncMutex: [], asyncSemaphore: [], validationOff: [], validationOn: [], validationOnStacks: [] };
  for (let round = 0; round < rounds; round++) {
    samples.asyncMutex.push(await timeLoop(iterations, variants.asyncMutex));
    samples.asyncSemaphore.push(await timeLoop(iterations, variants.asyncSemaphore));
    samples.validationOff.push(await timeLoop(iterations, variants.validationOff));
    samples.validationOn.push(await timeLoop(iterations, variants.validationOn));
    samples.validationOnStacks.push(await timeLoop(stacksIterations, variants.validationOnStacks));
  }
  const asyncMutexNs = median(samples.asyncMutex);
  const asyncSemaphoreNs = median(samples.asyncSemaphore);
  const validationOffNs = median(samples.validationOff);
  const validationOnNs = median(samples.validationOn);
  const validationOnStacksNs = median(samples.validationOnStacks);
  const goalRatio = 1.5;
  const ratioOnToAsyncMutex = validationOnNs / asyncMutexNs;
  return {
    iterations,
    rounds,
    asyncMutexNs,
    asyncSemaphoreNs,
    validationOffNs,
    validationOnNs,
    validationOnStacksNs,
    ratioOnToAsyncMutex,
    ratioOnToAsyncSemaphore: validationOnNs / asyncSemaphoreNs,
    ratioOffToAsyncMutex: validationOffNs / asyncMutexNs,
    goalRatio,
    meetsGoal: ratioOnToAsyncMutex <= goalRatio,
  };
}

/** One side of the runExclusive comparison, in this (worker) isolate: ns per `await runExclusive(noop)`. */
async function runExclusiveSide(side, iterations) {
  const mutex = side === 'async-mutex' ? new AsyncMutex() : new DropInMutex({ class: 'bench', runtime: new LockdepRuntime() });
  const noop = () => undefined;
  const step = () => mutex.runExclusive(noop);
  await timeLoop(Math.min(iterations, 20_000), step);
  return timeLoop(iterations, step);
}

function inWorker(side, iterations) {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: { runExclusiveSide: side, iterations } });
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}

/**
 * @param {{iterations?: number, rounds?: number}} [options]
 * @returns {Promise<{iterations: number, rounds: number, asyncMutexNs: number, dropInNs: number, ratio: number, goalRatio: number, meetsGoal: boolean}>}
 */
export async function benchRunExclusive(options = {}) {
  const iterations = options.iterations ?? DEFAULT_ITERATIONS;
  const rounds = options.rounds ?? DEFAULT_ROUNDS;
  const asyncMutex = [];
  const dropIn = [];
  for (let round = 0; round < rounds; round++) {
    asyncMutex.push(await inWorker('async-mutex', iterations));
    dropIn.push(await inWorker('drop-in', iterations));
  }
  const asyncMutexNs = median(asyncMutex);
  const dropInNs = median(dropIn);
  const goalRatio = 1.5;
  return { iterations, rounds, asyncMutexNs, dropInNs, ratio: dropInNs / asyncMutexNs, goalRatio, meetsGoal: dropInNs / asyncMutexNs <= goalRatio };
}

if (!isMainThread && workerData?.runExclusiveSide !== undefined) {
  parentPort.postMessage(await runExclusiveSide(workerData.runExclusiveSide, workerData.iterations));
} else if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const r = await benchSimMutex();
  const ns = (v) => `${v.toFixed(0).padStart(7)} ns`;
  process.stdout.write(
    [
      `lock+unlock, uncontended, median of ${r.rounds} rounds x ${r.iterations} iterations`,
      `  async-mutex Mutex                   ${ns(r.asyncMutexNs)}`,
      `  async-mutex Semaphore(1)            ${ns(r.asyncSemaphoreNs)}`,
      `  lockdep Mutex, validation off       ${ns(r.validationOffNs)}   ${r.ratioOffToAsyncMutex.toFixed(2)}x async-mutex`,
      `  lockdep Mutex, validation on        ${ns(r.validationOnNs)}   ${r.ratioOnToAsyncMutex.toFixed(2)}x async-mutex (goal <= ${r.goalRatio}x: ${r.meetsGoal ? 'met' : 'NOT met'}); ${r.ratioOnToAsyncSemaphore.toFixed(2)}x Semaphore(1)`,
      `  lockdep Mutex, validation + stacks  ${ns(r.validationOnStacksNs)}`,
      '',
    ].join('\n'),
  );
  const x = await benchRunExclusive();
  process.stdout.write(
    [
      `runExclusive(noop), uncontended, median of ${x.rounds} rounds x ${x.iterations} iterations, one worker per side and round`,
      `  async-mutex Mutex                   ${ns(x.asyncMutexNs)}`,
      `  lockdep/async-mutex, validation on  ${ns(x.dropInNs)}   ${x.ratio.toFixed(2)}x async-mutex (goal <= ${x.goalRatio}x: ${x.meetsGoal ? 'met' : 'NOT met'})`,
      '',
    ].join('\n'),
  );
}
