/**
 * The bench's harness, shared by bench/run.js and the sections under bench/sections/: the run's
 * sizes and repetitions (`--quick` read from the command line), the workloads generated into
 * .bench/ (reused while their parameters match), the child-process measurements
 * (bench/worker.js; best of N by CPU time, in turns for ratios), and the number formats of the
 * table. A section is a file of bench/sections/ exporting one `async function (context)`, where
 * `context` is `{ row, results, fail }` (see bench/run.js): it measures with these helpers and
 * adds rows; run.js calls it once.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, freemem, loadavg, totalmem } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeConsoleLog } from './console-log.js';
import { writeWorkload } from './generate.js';


export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const OUT = join(ROOT, '.bench');
export const quick = process.argv.includes('--quick');
export const updateDocs = process.argv.includes('--update-docs');
const GENERATOR_VERSION = 3;

export const SIZES = quick ? { small: 100_000, large: 1_000_000 } : { small: 1_000_000, large: 10_000_000 };
export const CLASSES = quick ? 2_000 : 10_000;
export const TASKS = 64;
export const REPEATS = quick ? 1 : 3;
/** Runs at the large size (each takes seconds); the best is kept, as for the small size. */
export const LARGE_REPEATS = quick ? 1 : 2;
/** File and pipe runs of the stream comparison, each (taken in turns). */
export const STREAM_REPEATS = quick ? 1 : 5;
export const HELGRIND_EVENTS = quick ? 50_000 : 1_000_000;
export const FASTPATH_ITERATIONS = quick ? 200_000 : 2_000_000;
export const RULES_FILE = join(ROOT, 'rules', 'kvm-locking.yaml');
/** The graph of the `lockdep graph` row (the issue's size; the same in --quick). */
export const GRAPH_CLASSES = 10_000;
export const GRAPH_EDGES = 100_000;
/** The console-log scan works on the issue's size in quick runs too: generated once, it takes about a second. */
export const CONSOLE_LOG = { bytes: 100_000_000, splats: 1_000, seed: 20261207 };

export const label = (n) => (n >= 1_000_000 ? `${n / 1_000_000}M` : `${n / 1_000}k`);
export const log = (message) => process.stderr.write(`bench: ${message}\n`);

// ---------------------------------------------------------------------------------------------
// Workloads

export function workload(kind, events, format, classes = CLASSES) {
  mkdirSync(OUT, { recursive: true });
  const name = `${kind}-${label(events)}-${classes}c.${format}`;
  const path = join(OUT, name);
  const params = { kind, events, classes, tasks: TASKS, seed: 20261125, format, generator: GENERATOR_VERSION };
  const stamp = `${path}.params.json`;
  if (existsSync(path) && existsSync(stamp) && readFileSync(stamp, 'utf8') === JSON.stringify(params)) return path;
  log(`generating ${name}`);
  writeWorkload(path, params);
  writeFileSync(stamp, JSON.stringify(params));
  return path;
}

/** The console log of the dmesg scan (bench/console-log.js), generated once per parameters. */
export function consoleLogWorkload() {
  mkdirSync(OUT, { recursive: true });
  const path = join(OUT, `console-${CONSOLE_LOG.bytes / 1e6}MB-${CONSOLE_LOG.splats}.log`);
  const stamp = `${path}.params.json`;
  const params = JSON.stringify(CONSOLE_LOG);
  if (!(existsSync(path) && existsSync(stamp) && readFileSync(stamp, 'utf8') === params)) {
    log(`generating ${basename(path)}`);
    writeConsoleLog(path, CONSOLE_LOG);
    writeFileSync(stamp, params);
  }
  return path;
}

// ---------------------------------------------------------------------------------------------
// Measurements (child processes)

/**
 * Runs `node bench/worker.js ARGS` and returns its JSON line; with `stdinFrom`, as the consumer
 * of a pipe that `cat` writes the file into (`cat FILE | node bench/worker.js ARGS`); `nodeArgs`
 * go to node before the script (e.g. `--cpu-prof`), `env` adds to the environment.
 */
export function worker(args, { stdinFrom, nodeArgs = [], env = {} } = {}) {
  const command = [process.execPath, ...nodeArgs, join(ROOT, 'bench', 'worker.js'), ...args];
  const [program, ...programArgs] = stdinFrom === undefined ? command : ['sh', '-c', 'file=$1; shift; cat "$file" | "$@"', 'sh', stdinFrom, ...command];
  const result = spawnSync(program, programArgs, {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 64 << 20,
    env: { ...process.env, ...env },
  });
  if (result.status !== 0) throw new Error(`bench worker ${args.join(' ')} failed:\n${result.stderr}`);
  const lines = result.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]);
}

/** Best (least CPU time) of `repeats` runs; peak RSS, and what the work added to it, are the largest seen. */
export function best(args, repeats = REPEATS, options = {}) {
  let chosen;
  let maxRssKb = 0;
  let addedRssKb = 0;
  for (let i = 0; i < repeats; i++) {
    const run = worker(args, options);
    maxRssKb = Math.max(maxRssKb, run.maxRssKb);
    addedRssKb = Math.max(addedRssKb, run.maxRssKb - run.startRssKb);
    if (chosen === undefined || run.cpuMs < chosen.cpuMs) chosen = run;
  }
  return { ...chosen, maxRssKb, addedRssKb };
}

/**
 * `best` of two measurements taken in turns (a, b, a, b, ...), so that both see the same load
 * on a shared machine: for ratios between two ways of doing the same work (`optionsB`: worker()'s
 * options for b, e.g. `stdinFrom`).
 */
export function bestInTurns(argsA, argsB, repeats, optionsB = {}) {
  const a = [];
  const b = [];
  for (let i = 0; i < repeats; i++) {
    a.push(best(argsA, 1));
    b.push(best(argsB, 1, optionsB));
  }
  const fastest = (runs) => ({
    ...runs.reduce((x, y) => (y.cpuMs < x.cpuMs ? y : x)),
    maxRssKb: Math.max(...runs.map((run) => run.maxRssKb)),
    addedRssKb: Math.max(...runs.map((run) => run.addedRssKb)),
  });
  return [fastest(a), fastest(b)];
}

/** Events per second of CPU (wall) time; `events` overrides the run's own count (the floors count lines). */
export const perSecond = (run, events = run.events) => events / (run.cpuMs / 1000);
export const wallPerSecond = (run, events = run.events) => events / (run.wallMs / 1000);

/**
 * The JSONL check of `file` and the two floors on the same file, best of `repeats` each, rated by
 * the check's event count: the runs, the CPU rate, the ratios to floor (a) (CPU and wall) and to
 * floor (b), and the table's `measured` text.
 */
export function jsonlAgainstFloors(file, repeats) {
  const check = best(['check', file, 'jsonl'], repeats);
  const parseFloor = best(['floor-parse', file], repeats);
  const scanFloor = best(['floor-scan', file], repeats);
  const rate = perSecond(check);
  const ratio = rate / perSecond(parseFloor, check.events);
  const wallRatio = wallPerSecond(check) / wallPerSecond(parseFloor, check.events);
  const scanRatio = rate / perSecond(scanFloor, check.events);
  const measured = `CPU ${fmtRate(rate)} = ${fmtPercent(ratio)} of floor (a) ${fmtRate(perSecond(parseFloor, check.events))}, ${fmtPercent(scanRatio)} of floor (b) ${fmtRate(perSecond(scanFloor, check.events))}; wall ${fmtRate(wallPerSecond(check))} = ${fmtPercent(wallRatio)} of (a)${threadSplit(check, parseFloor)}`;
  return { check, parseFloor, scanFloor, rate, ratio, wallRatio, scanRatio, measured };
}

export function timed(command, args, options = {}) {
  const start = performance.now();
  const result = spawnSync(command, args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 256 << 20, ...options });
  return { ms: performance.now() - start, status: result.status, signal: result.signal, error: result.error, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
}

/**
 * The fastest (wall time) of `repeats` runs of a command, or `{ failure }` describing the first
 * run that could not start, was killed, or exited with a status not in `okStatuses`.
 */
export function fastestOf(repeats, command, args, okStatuses, options = {}) {
  let fastest;
  for (let i = 0; i < repeats; i++) {
    const run = timed(command, args, options);
    if (run.error !== undefined || !okStatuses.includes(run.status)) {
      const why = run.error?.message ?? (run.signal !== null ? `killed by ${run.signal}` : `exit status ${run.status}`);
      const detail = run.stderr.trim().split('\n').at(-1) ?? '';
      return { failure: `${basename(command)} failed (${why})${detail !== '' ? `: ${detail}` : ''}` };
    }
    if (fastest === undefined || run.ms < fastest.ms) fastest = run;
  }
  return fastest;
}

// ---------------------------------------------------------------------------------------------
// Formatting

export const fmtRate = (n) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)} M/s` : `${(n / 1e3).toFixed(0)} k/s`);
export const fmtMb = (kb) => `${(kb / 1024).toFixed(0)} MB`;
export const fmtMs = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);
export const fmtRatio = (r) => `${r.toFixed(2)}x`;
export const verdict = (ok) => (ok ? 'met' : 'NOT met');
export const fmtPercent = (r) => `${(r * 100).toFixed(0)}%`;

/** Where a run's CPU time went: the JavaScript thread vs V8's compiler/GC helper threads (Linux only). */
export function threadSplit(run, floor) {
  if (run.mainThreadCpuMs === undefined) return '';
  const versus = floor?.mainThreadCpuMs === undefined ? '' : ` (floor ${fmtMs(floor.mainThreadCpuMs)})`;
  return `; main thread ${fmtMs(run.mainThreadCpuMs)}${versus}, helper threads ${fmtMs(run.helperThreadsCpuMs)}`;
}

export function machine() {
  const cpu = cpus();
  let model = cpu[0]?.model ?? 'unknown';
  try {
    const info = readFileSync('/proc/cpuinfo', 'utf8');
    const found = /model name\s*:\s*(.+)/.exec(info);
    if (found?.[1] !== undefined) model = found[1].trim();
  } catch {
    // not Linux
  }
  return {
    cpu: model,
    cores: cpu.length,
    memoryGb: (totalmem() / 2 ** 30).toFixed(1),
    freeGb: (freemem() / 2 ** 30).toFixed(1),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    load: loadavg().map((l) => l.toFixed(1)).join(' '),
  };
}

// ---------------------------------------------------------------------------------------------
