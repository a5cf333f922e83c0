/**
 * Bench section: the ftrace check (issue 19's "ftrace at 3M"): `checkTrace` with
 * `--input-format ftrace` on the lock-only program rendered as a kernel trace file
 * (bench/ftrace-render.js: the `# tracer: nop` header and column legend, one
 * `lock_acquire` / `lock_release` line per event with the flags column), at 2M and 10M lock
 * lines (200k and 1M with --quick). Rows: CPU and wall rate of the check's events (the lock
 * events plus the `init` and `irq` events the importer derives from them), the lines read per
 * second, and where the CPU time went (main thread vs V8's helper threads).
 */
import { best, fmtRate, label, log, perSecond, quick, LARGE_REPEATS, REPEATS, threadSplit, verdict, wallPerSecond, workload } from '../harness.js';

const SIZES = quick ? [200_000, 1_000_000] : [2_000_000, 10_000_000];
const TARGET = 3e6;

export async function ftraceSection({ row, results }) {
  const ftrace = {};
  for (const [index, lines] of SIZES.entries()) {
    const file = workload('lock', lines, 'ftrace');
    const name = label(lines);
    log(`ftrace check: ${name}`);
    const run = best(['check', file, 'ftrace'], index === 0 ? REPEATS : LARGE_REPEATS);
    ftrace[name] = run;
    const rate = perSecond(run);
    const measured = `CPU ${fmtRate(rate)}, wall ${fmtRate(wallPerSecond(run))} (${run.events} events from ${lines} lock lines: ${fmtRate(perSecond(run, lines))} lines)${threadSplit(run)}`;
    const status = rate >= TARGET ? verdict(true) : wallPerSecond(run) >= TARGET ? 'met on wall time, NOT on CPU time' : verdict(false);
    row(`ftrace-${name}`, `ftrace check, lock-only ${name} (trace-file layout, flags column)`, measured, '>= 3 M/s', status, { readme: true });
  }
  results.ftrace = ftrace;
}
