/**
 * Benchmark: lock/unlock cost of lockdep's instrumented Mutex, with validation on (stacks off,
 * not recording) and off, against the npm package async-mutex, measured in one run.
 * Exports `benchSimMutex(options)` returning nanoseconds per lock+unlock pair (median of rounds,
 * the variants interleaved round by round so machine drift hits them alike) and the ratio
 * validation-on / async-mutex's Mutex (goal: <= 1.5). For information it also measures
 * async-mutex's Semaphore(1) (its fastest path) and validation on with stacks on. Run standalone: `node bench/sim-mutex.js` (after `npm run build`).
 * Every variant does the same thing per iteration: `await lock; unlock`, uncontended, one task,
 * the same held chain each time (lockdep's chain-cache fast path).
 */
import { Mutex as AsyncMutex, Semaphore as AsyncSemaphore } from 'async-mutex';
import { pathToFileURL } from 'node:url';
import { LockdepRuntime, Mutex } from '../dist/index.js';

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

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
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
}
