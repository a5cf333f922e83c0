/**
 * One benchmark measurement, run by bench/run.js in its own child process so that peak RSS
 * (process.resourceUsage().maxRSS) belongs to that workload alone. Prints one JSON line:
 * `{events, wallMs, cpuMs, maxRssKb, ...}`. Modes:
 *   floor <file>              parse-only floor: the plain way to parse JSONL in Node (a 32 KiB
 *                             chunked utf8 stream, a line split, JSON.parse of each line) and
 *                             nothing else
 *   check <file> [format] [rules.yaml]
 *                             what `lockdep check` does per file after start-up (checkTrace:
 *                             read, parse, validate, rules when given), summary included
 *   fastpath <write|mixed> <iterations>
 *                             one task repeating one held chain through the Validator API;
 *                             ns per event (the chain-cache fast path)
 *   sim                       bench/sim-mutex.js (Mutex validation on/off vs async-mutex,
 *                             stack capture on/off; drop-in runExclusive vs async-mutex's)
 * Invariant: timings cover only the measured work (module loading is excluded); CPU time is
 * user+system of this process, which on a busy machine is steadier than wall time.
 */
import { createReadStream, readdirSync, readFileSync } from 'node:fs';

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

async function floor(file) {
  const start = measureStart();
  let events = 0;
  let carry = '';
  const stream = createReadStream(file, { highWaterMark: 32 * 1024 });
  stream.setEncoding('utf8');
  let sink = 0;
  const parseLine = (line) => {
    if (line.length === 0) return;
    const value = JSON.parse(line);
    if (value.op !== undefined) events++;
    sink ^= line.length;
  };
  for await (const chunk of stream) {
    let text = carry + chunk;
    let begin = 0;
    let newline = text.indexOf('\n');
    while (newline !== -1) {
      parseLine(text.slice(begin, newline));
      begin = newline + 1;
      newline = text.indexOf('\n', begin);
    }
    carry = text.slice(begin);
    text = '';
  }
  parseLine(carry);
  return { events, ...measureEnd(start), sink };
}

async function check(file, format = 'auto', rulesFile) {
  const { checkTrace } = await import('../dist/cli/check-trace.js');
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

const modes = { floor, check, fastpath, sim };
const run = modes[mode];
if (run === undefined) {
  process.stderr.write(`usage: node bench/worker.js ${Object.keys(modes).join('|')} ...\n`);
  process.exit(2);
}
const output = await run(...args);
process.stdout.write(`${JSON.stringify(output)}\n`);
