/**
 * One benchmark measurement, run by bench/run.js in its own child process so that peak RSS
 * (process.resourceUsage().maxRSS) belongs to that workload alone. Prints one JSON line:
 * `{events, wallMs, cpuMs, maxRssKb, ...}`. Modes:
 *   floor-parse <file>        floor (a), what a user would write: node:readline over a read
 *                             stream, JSON.parse of each line, and nothing else
 *   floor-scan <file>         floor (b), the physical floor of a JavaScript reader: synchronous
 *                             256 KiB block reads into one buffer (as the check reads) and a
 *                             newline scan, no decoding, no parsing
 *   check <file> [format] [rules.yaml]
 *                             what `lockdep check` does per file after start-up (checkTrace:
 *                             read, parse, validate, rules when given), summary included
 *   jsonl-lane <file>         the JSONL check's reading and byte lane without the engine
 *                             (bench/jsonl-lane-only.js): the lane's share of a check
 *   check - [format]          the same check of standard input (bench/harness.js's worker()
 *                             with `stdinFrom` runs it as `cat file | node bench/worker.js ...`)
 *   check-progress <file> <format>
 *                             the check with the progress line drawing (bench/cli-runs.js)
 *   check-jobs <jobs> <format> <file...>
 *                             several traces on this thread and jobs-1 worker threads, as
 *                             `lockdep check --jobs N` (bench/cli-runs.js)
 *   end-to-end <node args...> one whole `node ARGS` process from outside, start-up included
 *                             (bench/cli-runs.js)
 *   spin-pair <1|2>           two units of pure CPU work one after the other or on two threads
 *                             at once: what parallelism the machine gives now (bench/cli-runs.js)
 *   fastpath <write|mixed> <iterations>
 *                             one task repeating one held chain through the Validator API;
 *                             ns per event (the chain-cache fast path)
 *   sim                       bench/sim-mutex.js (Mutex validation on/off vs async-mutex,
 *                             stack capture on/off; drop-in runExclusive vs async-mutex's)
 *   infer <file> [format]     what `lockdep infer` does after start-up (one check of the trace
 *                             with the inference's hooks, the inference, the YAML rendered;
 *                             the last two under V8's one-shot tier cap, as the CLI runs them)
 *   first-sights <locks>      bench/fixed-costs.js: the engine's slow path alone, cold
 *   check-repeat <file> <format> <runs>
 *                             bench/fixed-costs.js: one check run several times in one process
 *   graph <classes> <edges>   bench/graph-queries.js (lockdep graph cycles, hierarchy and why
 *                             on a generated graph, after building it from a snapshot)
 * Invariant: timings cover only the measured work (module loading is excluded); CPU time is
 * user+system of this process, which on a busy machine is steadier than wall time.
 */
import { checkInJobs, checkWithProgress, endToEnd, spinPair } from './cli-runs.js';
import { checkRepeat, firstSights } from './fixed-costs.js';
import { jsonlLaneOnly } from './jsonl-lane-only.js';
import { closeSync, createReadStream, openSync, readdirSync, readFileSync, readSync } from 'node:fs';
import { createInterface } from 'node:readline';

const [mode, ...args] = process.argv.slice(2);

function measureStart() {
  return { wall: performance.now(), cpu: process.cpuUsage(), threads: threadCpuMs(), rssKb: process.resourceUsage().maxRSS };
}

function measureEnd(start) {
  const cpu = process.cpuUsage(start.cpu);
  const threads = threadCpuMs();
  const split =
    threads === null || start.threads === null
      ? {}
      : { mainThreadCpuMs: threads.main - start.threads.main, helperThreadsCpuMs: threads.helpers - start.threads.helpers };
  return {
    wallMs: performance.now() - start.wall,
    cpuMs: (cpu.user + cpu.system) / 1000,
    ...split,
    maxRssKb: process.resourceUsage().maxRSS,
    /** Peak RSS before the measured work (Node and the loaded modules): what the work added is the difference. */
    startRssKb: start.rssKb,
  };
}

/**
 * CPU time of the main (JavaScript) thread and of all other threads (V8's compiler and GC
 * helpers, libuv's file-reading pool), from /proc on Linux (10 ms resolution); null elsewhere.
 */
function threadCpuMs() {
  let entries;
  try {
    entries = readdirSync('/proc/self/task');
  } catch {
    return null;
  }
  let main = 0;
  let helpers = 0;
  for (const tid of entries) {
    let stat;
    try {
      stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    } catch {
      continue; // the thread ended meanwhile
    }
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ms = (Number(fields[11]) + Number(fields[12])) * 10; // utime + stime, in 1/100 s
    if (Number(tid) === process.pid) main += ms;
    else helpers += ms;
  }
  return { main, helpers };
}

async function floorParse(file) {
  const start = measureStart();
  let events = 0;
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  for await (const line of lines) {
    if (line.length === 0) continue;
    if (JSON.parse(line).op !== undefined) events++;
  }
  return { events, ...measureEnd(start) };
}

const SCAN_CHUNK = 256 * 1024;
const NEWLINE = 10;

async function floorScan(file) {
  const start = measureStart();
  const buffer = Buffer.allocUnsafe(SCAN_CHUNK);
  const fd = openSync(file, 'r');
  let lines = 0;
  try {
    for (let read = readSync(fd, buffer, 0, SCAN_CHUNK, null); read > 0; read = readSync(fd, buffer, 0, SCAN_CHUNK, null)) {
      const block = read === SCAN_CHUNK ? buffer : buffer.subarray(0, read);
      for (let at = block.indexOf(NEWLINE); at !== -1; at = block.indexOf(NEWLINE, at + 1)) lines++;
    }
  } finally {
    closeSync(fd);
  }
  // Lines, not events (a header line, if any, counts too); bench/run.js rates every run of a file by the check's event count.
  return { events: lines, ...measureEnd(start) };
}

async function check(file, format = 'auto', rulesFile) {
  const { checkTrace } = await import('../dist/check/check-trace.js');
  const options = { inputFormat: format };
  if (rulesFile !== undefined && rulesFile !== '') {
    const { loadRuleFiles } = await import('../dist/rules/loader.js');
    const { createRuleHooks } = await import('../dist/rules/rule-hooks.js');
    const ruleSet = loadRuleFiles([rulesFile]);
    options.createHooks = () => [createRuleHooks(ruleSet, {})];
  }
  const start = measureStart();
  const result = await checkTrace(file, options);
  const measured = measureEnd(start);
  return {
    events: result.summary.events,
    ...measured,
    summary: result.summary,
    kinds: [...new Set(result.violations.map((v) => v.kind))],
  };
}

async function fastpath(kind, iterationsText) {
  const { Validator } = await import('../dist/engine/validator.js');
  const iterations = Number(iterationsText);
  const v = new Validator({ file: 'fastpath' });
  const origin = { file: 'fastpath', line: 1 };
  const chain =
    kind === 'write'
      ? [
          { lock: 'A', type: 'mutex' },
          { lock: 'B', type: 'mutex' },
          { lock: 'C', type: 'spinlock' },
          { lock: 'D', type: 'spinlock' },
        ]
      : [
          { lock: 'A', type: 'mutex' },
          { lock: 'B', type: 'rwsem', mode: 'read' },
          { lock: 'C', type: 'rwlock', mode: 'recursive-read' },
          { lock: 'D', type: 'spinlock', try: true },
        ];
  for (const { lock, type } of chain) v.process({ op: 'init', lock, class: lock, type }, origin);
  const acquires = chain.map(({ lock, mode, try: isTry }) => {
    const event = { op: 'acquire', task: 't', lock };
    if (mode !== undefined) event.mode = mode;
    if (isTry) event.try = true;
    return event;
  });
  const releases = chain.map(({ lock }) => ({ op: 'release', task: 't', lock })).reverse();
  const round = () => {
    for (const event of acquires) v.process(event, origin);
    for (const event of releases) v.process(event, origin);
  };
  for (let i = 0; i < Math.min(iterations, 50_000); i++) round(); // warm-up (JIT, chain cache)
  const start = measureStart();
  for (let i = 0; i < iterations; i++) round();
  const measured = measureEnd(start);
  const events = iterations * (acquires.length + releases.length);
  return { events, ...measured, nsPerEvent: (measured.cpuMs * 1e6) / events, findings: v.findings.length };
}

async function sim(quick) {
  const { benchSimMutex, benchRunExclusive } = await import('./sim-mutex.js');
  const options = quick === 'quick' ? { iterations: 20_000, rounds: 3, stacksIterations: 5_000 } : {};
  const lockUnlock = await benchSimMutex(options);
  const runExclusive = await benchRunExclusive({ iterations: options.iterations, rounds: options.rounds });
  return { ...lockUnlock, runExclusive };
}

async function infer(file, format = 'auto') {
  const { inferFromInputs } = await import('../dist/cli/infer-input.js');
  const { inferYaml } = await import('../dist/infer/infer-printer.js');
  const { oneShot } = await import('../dist/infer/one-shot-tier.js');
  const { DEFAULT_MIN_CONFIDENCE, DEFAULT_MIN_SUPPORT, INFER_KINDS } = await import('../dist/infer/proposal.js');
  const options = { minSupport: DEFAULT_MIN_SUPPORT, minConfidence: DEFAULT_MIN_CONFIDENCE, kinds: new Set(INFER_KINDS) };
  const start = measureStart();
  const answer = await inferFromInputs([file], options, { inputFormat: format });
  const yaml = oneShot(answer.summary.classes + answer.summary.dependencies, () => inferYaml(answer));
  const measured = measureEnd(start);
  return { ...measured, rules: answer.rules.length, yamlBytes: yaml.length, classes: answer.summary.classes, dependencies: answer.summary.dependencies };
}

async function graph(classes, edges) {
  const { benchGraphQueries } = await import('./graph-queries.js');
  return benchGraphQueries(Number(classes), Number(edges));
}

const measure = { start: measureStart, end: measureEnd };
const modes = {
  'floor-parse': floorParse,
  'floor-scan': floorScan,
  check,
  'jsonl-lane': (file) => jsonlLaneOnly(measure, file),
  'check-progress': (file, format) => checkWithProgress(measure, file, format),
  'check-jobs': (jobs, format, ...files) => checkInJobs(measure, jobs, format, ...files),
  'end-to-end': endToEnd,
  'spin-pair': (threads) => spinPair(measure, threads),
  fastpath,
  sim,
  infer,
  graph,
  'first-sights': (locks) => firstSights(measure, locks),
  'check-repeat': (file, format, runs) => checkRepeat(measure, file, format, runs),
};
const run = modes[mode];
if (run === undefined) {
  process.stderr.write(`usage: node bench/worker.js ${Object.keys(modes).join('|')} ...\n`);
  process.exit(2);
}
const output = await run(...args);
process.stdout.write(`${JSON.stringify(output)}\n`);
