/**
 * Writes the bench tables of README.md and docs/performance.md from the results of
 * `npm run bench` (.bench/results.json, written by bench/run.js), so that every figure in them
 * is one the bench printed. Each table sits between two marker comments,
 * `<!-- bench:NAME:start -->` and `<!-- bench:NAME:end -->` (NAME `readme` in README.md,
 * `performance` in docs/performance.md); everything outside the markers is left as it is. The
 * part of the results the tables are made of is kept beside them, in docs/bench-results.json,
 * so a test can check that the tables are exactly what this script makes of a bench run. The
 * record also keeps each target's status in the last HISTORY_RUNS runs written (the issue's
 * done-when asks for targets met in consecutive runs), rendered under the table of
 * docs/performance.md.
 *   node scripts/update-bench-table.mjs [results.json]    (npm run bench:docs)
 *   npm run bench -- --update-docs                         (the same, at the end of a bench run)
 * Invariants: only full-mode results of a run without failures are written (quick mode
 * measures other sizes than the targets'); a file without its markers is an error, never
 * rewritten elsewhere; the rendering is a pure function of the results.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The tables each document carries: its marker name and how it is rendered from a record. */
export const BENCH_DOCS = [
  { file: 'README.md', marker: 'readme', render: (record) => renderReadmeTable(record) },
  { file: join('docs', 'performance.md'), marker: 'performance', render: (record) => renderPerformanceTables(record) },
];

/** Where the record of the run behind the tables is kept. */
export const BENCH_RECORD = join('docs', 'bench-results.json');

/** How many runs the record's history keeps (this one included). */
export const HISTORY_RUNS = 6;
/** How many of them the history table shows. */
const HISTORY_SHOWN = 3;

/**
 * What the tables are made of, from a bench run's results: its header, rows, CPU split and
 * profile, and the history of target statuses (`previous`: the record written before, whose
 * history this run's statuses extend; a run already in it is replaced, not added twice).
 */
export function benchRecord(results, previous = undefined) {
  const run = {
    date: results.date,
    load: results.machine?.load ?? '',
    statuses: Object.fromEntries(results.rows.filter((r) => r.target !== '').map((r) => [r.id, r.status])),
  };
  const earlier = (Array.isArray(previous?.history) ? previous.history : []).filter((h) => h.date !== run.date);
  return {
    date: results.date,
    quick: results.quick,
    machine: results.machine,
    header: results.header,
    rows: results.rows,
    failures: results.failures ?? [],
    cpuSplit: cpuSplitRows(results),
    profile: results.profile ?? [],
    history: [...earlier, run].slice(-HISTORY_RUNS),
  };
}

const cell = (text) => String(text).replace(/\|/g, '\\|');
const tableLine = (cells) => `| ${cells.map(cell).join(' | ')} |`;

function rowsTable(rows) {
  return [tableLine(['figure', 'measured', 'target', 'status']), '|---|---|---|---|', ...rows.map((r) => tableLine([r.figure, r.measured, r.target, r.status]))];
}

/** The run the figures come from, as one sentence. */
function runLine(results) {
  const { machine } = results;
  return `Measured by \`npm run bench\` on ${results.date.slice(0, 10)} (${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb} GB RAM, ${machine.platform}, Node ${machine.node}, load average at start ${machine.load}):`;
}

/** README's short table: the rows the bench marks `readme`. */
export function renderReadmeTable(record) {
  return [runLine(record), '', ...rowsTable(record.rows.filter((r) => r.readme))].join('\n');
}

/** docs/performance.md: the bench's header, every row, and where the CPU time of each check went. */
export function renderPerformanceTables(record) {
  const lines = [runLine(record), '', '```', ...record.header, '```', '', ...rowsTable(record.rows)];
  if ((record.history ?? []).length > 1) lines.push('', ...historyTable(record));
  const split = record.cpuSplit;
  if (split.length > 0) {
    lines.push('', 'Where the CPU time went (ms, from `/proc/self/task`, 10 ms resolution):', '');
    lines.push(tableLine(['run', 'check: main thread', 'check: helper threads', 'floor (a): main thread', 'floor (b): main thread']), '|---|---|---|---|---|');
    for (const r of split) lines.push(tableLine(r));
  }
  for (const run of record.profile ?? []) lines.push('', ...profileTables(run));
  return lines.join('\n');
}

/**
 * Each target of this run with its status in the last HISTORY_SHOWN runs of the record's
 * history (oldest first; `-` where a run did not measure it), and how many targets every one of
 * those runs met.
 */
function historyTable(record) {
  const runs = record.history.slice(-HISTORY_SHOWN);
  const targets = record.rows.filter((r) => r.target !== '');
  const metInAll = targets.filter((r) => runs.every((run) => run.statuses[r.id] === 'met')).length;
  return [
    `The targets in the last ${runs.length} runs written here, oldest first: met in all ${runs.length}, ${metInAll} of ${targets.length}.`,
    '',
    tableLine(['figure', 'target', ...runs.map((run) => `${run.date.slice(0, 16).replace('T', ' ')} (load ${run.load.split(' ')[0]})`)]),
    `|---|---|${runs.map(() => '---|').join('')}`,
    ...targets.map((r) => tableLine([r.figure, r.target, ...runs.map((run) => run.statuses[r.id] ?? '-')])),
  ];
}

/** One run's CPU profile (bench/sections/profile.js): main-thread self time per area, then the top functions. */
function profileTables(run) {
  const share = (ms) => `${((100 * ms) / run.totalMs).toFixed(1)}%`;
  const helpers = run.helperThreadsCpuMs === undefined ? '' : `; V8's helper threads, not in the profile: ${run.helperThreadsCpuMs.toLocaleString('en-US')} ms`;
  const profiledRead = run.top.find((fn) => fn.name === 'read' && fn.source === '(native)');
  const reads = run.readMs === undefined ? '' : `; the file reads themselves, timed around each call: ${run.readMs.toLocaleString('en-US')} ms${profiledRead === undefined ? '' : ` (the profile puts ${profiledRead.ms.toLocaleString('en-US')} ms under \`read\`)`}`;
  return [
    `CPU profile of the main thread, ${run.run} (${run.totalMs.toLocaleString('en-US')} ms sampled, self time${helpers}${reads}):`,
    '',
    tableLine(['where', 'ms', 'share']),
    '|---|---|---|',
    ...run.areas.map((area) => tableLine([area.area, area.ms.toLocaleString('en-US'), share(area.ms)])),
    '',
    tableLine(['function', 'source', 'ms', 'share']),
    '|---|---|---|---|',
    ...run.top.map((fn) => tableLine([`\`${fn.name}\``, fn.source, fn.ms.toLocaleString('en-US'), share(fn.ms)])),
  ];
}

function cpuSplitRows(results) {
  const ms = (value) => (value === undefined ? '' : value.toLocaleString('en-US'));
  const rows = [];
  for (const [name, t] of Object.entries(results.throughput ?? {})) {
    if (t.check.mainThreadCpuMs === undefined) continue;
    rows.push([`JSONL ${name}`, ms(t.check.mainThreadCpuMs), ms(t.check.helperThreadsCpuMs), ms(t.floor?.mainThreadCpuMs), ms(t.scanFloor?.mainThreadCpuMs)]);
  }
  for (const [format, runs] of [['STD', results.std], ['ftrace', results.ftrace]]) {
    for (const [name, run] of Object.entries(runs ?? {})) {
      if (run.mainThreadCpuMs === undefined) continue;
      rows.push([`${format} ${name}`, ms(run.mainThreadCpuMs), ms(run.helperThreadsCpuMs), '', '']);
    }
  }
  return rows;
}

/** `text` with what lies between the markers named `marker` replaced by `content`. */
export function replaceBetweenMarkers(text, marker, content, file = 'the document') {
  const start = `<!-- bench:${marker}:start -->`;
  const end = `<!-- bench:${marker}:end -->`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < 0 || to < from) {
    throw new Error(`${file}: no bench table markers (${start} ... ${end}); add them where the table goes`);
  }
  if (text.indexOf(start, from + 1) >= 0) throw new Error(`${file}: the marker ${start} appears twice`);
  return `${text.slice(0, from + start.length)}\n${content}\n${text.slice(to)}`;
}

/** Why these results must not go into the documents, or null when they may. */
export function unusableResults(results) {
  if (!Array.isArray(results?.rows) || !Array.isArray(results?.header)) return 'not a results file of this bench (no rows): run npm run bench';
  if (results.quick) return 'quick-mode results (other sizes than the targets\'): run the full npm run bench';
  if ((results.failures ?? []).length > 0) return `the run failed: ${results.failures.join('; ')}`;
  return null;
}

/**
 * Rewrites the tables of every document of BENCH_DOCS under `root`, and the record beside them;
 * returns the files written. Every document is checked for its markers before any is written.
 */
export function updateBenchDocs(root, results) {
  const why = unusableResults(results);
  if (why !== null) throw new Error(`not updating the bench tables: ${why}`);
  const recordBefore = readIfExists(join(root, BENCH_RECORD));
  const record = benchRecord(results, recordBefore === undefined ? undefined : JSON.parse(recordBefore));
  const updates = BENCH_DOCS.map((doc) => {
    const path = join(root, doc.file);
    const before = readFileSync(path, 'utf8');
    return { file: doc.file, path, before, after: replaceBetweenMarkers(before, doc.marker, doc.render(record), doc.file) };
  });
  updates.push({ file: BENCH_RECORD, path: join(root, BENCH_RECORD), before: recordBefore, after: `${JSON.stringify(record, null, 2)}\n` });
  const written = [];
  for (const update of updates) {
    if (update.after === update.before) continue;
    // Written beside, then renamed over: a failed write leaves the document as it was.
    const temporary = `${update.path}.${process.pid}.tmp`;
    writeFileSync(temporary, update.after);
    renameSync(temporary, update.path);
    written.push(update.file);
  }
  return written;
}

function readIfExists(path) {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const root = join(import.meta.dirname, '..');
  const input = process.argv[2] ?? join(root, '.bench', 'results.json');
  try {
    const results = JSON.parse(readFileSync(input, 'utf8'));
    const written = updateBenchDocs(root, results);
    process.stdout.write(written.length > 0 ? `updated ${written.join(', ')} from ${input}\n` : `already up to date with ${input}\n`);
  } catch (error) {
    process.stderr.write(`update-bench-table: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
