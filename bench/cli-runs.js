/**
 * The bench's measurements of the command line's own paths (bench/worker.js modes): a check with
 * the progress line drawing, several traces checked on worker threads as `check --jobs N` does,
 * and a whole `node ...` process timed from outside (start-up included). Each returns the
 * worker's JSON line fields; `measure` is worker.js's start/end pair, so every mode counts time
 * the same way.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * `check-progress <file> <format>`: the check `lockdep check` runs when stderr is a terminal:
 * the trace's bytes counted per read into a ProgressLine that redraws at most 10 times a second
 * (on this process's stderr, told it is a terminal).
 */
export async function checkWithProgress(measure, file, format) {
  const { checkOneTrace } = await import('../dist/cli/parallel-check.js');
  const { ProgressLine, traceSizes } = await import('../dist/cli/progress.js');
  const terminal = { isTTY: true, columns: 100, write: (text) => process.stderr.write(text) };
  const start = measure.start();
  const progress = new ProgressLine(terminal, await traceSizes([file]));
  const { result } = await checkOneTrace(file, { inputFormat: format }, false, (bytes) => progress.update(0, bytes));
  progress.finish(0);
  progress.clear();
  const measured = measure.end(start);
  return { events: result.summary.events, ...measured, summary: result.summary, kinds: [...new Set(result.violations.map((v) => v.kind))] };
}

/**
 * `check-jobs <jobs> <format> <file...>`: what `lockdep check --jobs N FILE...` does after start-up
 * (checkTraces: this thread and N-1 worker threads, results back in input order), no config.
 * From the CLI's bundle (scripts/bundle-cli.mjs), as `lockdep` runs it: its workers start from
 * the bundled check-worker.js.
 */
export async function checkInJobs(measure, jobs, format, ...files) {
  const { checkTraces } = await import('../dist/cli-bundle/parallel-check.js');
  const start = measure.start();
  const outcomes = await checkTraces(files, {
    traceOptions: { inputFormat: format },
    args: { config: false, inputFormat: format },
    snapshots: false,
    jobs: Number(jobs),
  });
  const measured = measure.end(start);
  const summaries = outcomes.map(({ result }) => result.summary);
  return { events: summaries.reduce((sum, summary) => sum + summary.events, 0), ...measured, summaries };
}

/** CPU time (ms) of the children this process has waited for, from /proc (Linux); null elsewhere. */
function childrenCpuMs() {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[13]) + Number(fields[14])) * 10; // cutime + cstime, in 1/100 s
  } catch {
    return null;
  }
}

/**
 * `end-to-end <node args...>`: one `node ARGS` process, start-up included, as a user runs it
 * (`node bin/lockdep.js check ...`, or `node -e ''` for Node alone): wall time from spawn to
 * exit and the CPU time of the process (all its threads); exit status 0 or 1 (findings) only.
 */
export function endToEnd(...args) {
  const cpuBefore = childrenCpuMs();
  const started = performance.now();
  const run = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 64 << 20, env: { ...process.env, NO_COLOR: '1' } });
  const wallMs = performance.now() - started;
  const cpuAfter = childrenCpuMs();
  if (run.status !== 0 && run.status !== 1) throw new Error(`node ${args.join(' ')} exited with ${run.status ?? run.signal}: ${run.stderr.trim().split('\n').at(-1)}`);
  const cpuMs = cpuBefore === null || cpuAfter === null ? wallMs : cpuAfter - cpuBefore;
  return { wallMs, cpuMs, status: run.status, maxRssKb: 0, startRssKb: 0 };
}

/** A fixed amount of integer work for one thread (about 0.3 s on the bench machine). */
const SPIN_SOURCE = "let x = 0; for (let i = 0; i < 2e8; i++) x += i % 7; require('node:worker_threads').parentPort.postMessage(x);";

/**
 * `spin-pair <threads>`: the machine's own parallelism at this moment: two units of pure CPU
 * work on two worker threads at once (`threads` 2) or one after the other (1). The wall ratio of
 * the two is the best any `--jobs 2` can do under the same load.
 */
export async function spinPair(measure, threads) {
  const { Worker } = await import('node:worker_threads');
  const unit = () => new Promise((resolve, reject) => {
    const spinner = new Worker(SPIN_SOURCE, { eval: true });
    spinner.once('message', resolve);
    spinner.once('error', reject);
  });
  const start = measure.start();
  if (Number(threads) >= 2) await Promise.all([unit(), unit()]);
  else {
    await unit();
    await unit();
  }
  return { events: 2, ...measure.end(start) };
}
