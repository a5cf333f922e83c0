/**
 * Bench section: where a check's main-thread time goes now, from a V8 CPU profile of one run of
 * each format's check (`node --cpu-prof bench/worker.js check FILE FORMAT`): JSONL lock-only at
 * the small size, JSONL with every field and ftrace at 2M lines (200k with --quick), STD at the
 * large size. Each summary (bench/profile-summary.js: self time per area of the code, and the
 * functions with the most) goes into `results.profile`, which docs/performance.md renders under
 * its bench tables (scripts/update-bench-table.mjs), beside the run's CPU time split between the
 * main thread and V8's helper threads (which a profile of the main thread does not see), and
 * the time the file reads themselves took (bench/read-timer.js: the profile's `read` is not it).
 * Profiling costs time of its own (a sample every 1 ms by default): these runs are not the
 * table's rates, only where the time goes within them.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { summarizeProfile } from '../profile-summary.js';
import { ROOT, SIZES, label, log, quick, workload, worker } from '../harness.js';

const SECOND_SIZE = quick ? 200_000 : 2_000_000;
const READ_TIMER = pathToFileURL(join(ROOT, 'bench', 'read-timer.js')).href;

export async function profileSection({ results }) {
  const runs = [
    { run: `JSONL lock-only ${label(SIZES.small)}`, file: workload('lock', SIZES.small, 'jsonl'), format: 'jsonl' },
    { run: `JSONL all fields ${label(SECOND_SIZE)}`, file: workload('full', SECOND_SIZE, 'jsonl'), format: 'jsonl' },
    { run: `STD ${label(SIZES.large)}`, file: workload('lock', SIZES.large, 'std'), format: 'std' },
    { run: `ftrace ${label(SECOND_SIZE)}`, file: workload('lock', SECOND_SIZE, 'ftrace'), format: 'ftrace' },
  ];
  const profile = [];
  for (const { run, file, format } of runs) {
    log(`CPU profile: ${run}`);
    const dir = mkdtempSync(join(tmpdir(), 'lockdep-profile-'));
    try {
      const readTimes = join(dir, 'reads.json');
      const measured = worker(['check', file, format], {
        nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${dir}`, '--import', READ_TIMER],
        env: { LOCKDEP_BENCH_READ_TIMES: readTimes },
      });
      const [written] = readdirSync(dir).filter((name) => name.endsWith('.cpuprofile'));
      if (written === undefined) throw new Error(`no CPU profile was written for ${run}`);
      const summary = summarizeProfile(JSON.parse(readFileSync(join(dir, written), 'utf8')));
      const reads = JSON.parse(readFileSync(readTimes, 'utf8'));
      profile.push({ run, events: measured.events, mainThreadCpuMs: measured.mainThreadCpuMs, helperThreadsCpuMs: measured.helperThreadsCpuMs, readMs: Math.round(reads.ms), ...summary });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  results.profile = profile;
}
