/**
 * Bench section: `lockdep check` end to end, as a user runs it (`node bin/lockdep.js check
 * TRACE`, start-up included), on a 12-event trace (examples/abba.jsonl: almost all of it is
 * start-up) and on the lock-only JSONL workload at the small size, beside `node -e ''` (Node's
 * own start-up, the floor of any run). Best of REPEATS runs by CPU time (all threads of the
 * process); wall time of the same run.
 */
import { join } from 'node:path';
import { REPEATS, ROOT, SIZES, best, fmtMs, label, log, workload } from '../harness.js';

export async function startupSection({ row, results }) {
  const lockdep = join(ROOT, 'bin', 'lockdep.js');
  const runs = [
    ['node', "Node alone (node -e '')", ['end-to-end', '-e', '']],
    ['tiny', 'lockdep check, 12 events (examples/abba.jsonl), end to end', ['end-to-end', lockdep, 'check', '--no-config', join(ROOT, 'examples', 'abba.jsonl')]],
    ['small', `lockdep check, JSONL lock-only ${label(SIZES.small)}, end to end`, ['end-to-end', lockdep, 'check', '--no-config', workload('lock', SIZES.small, 'jsonl')]],
  ];
  const startup = {};
  for (const [id, figure, args] of runs) {
    log(`start-up: ${figure}`);
    const run = best(args, Math.max(REPEATS, 5));
    startup[id] = run;
    const beyondNode = id === 'node' ? '' : `; ${fmtMs(run.cpuMs - startup.node.cpuMs)} CPU beyond Node's own start-up`;
    row(`startup-${id}`, figure, `wall ${fmtMs(run.wallMs)}, CPU ${fmtMs(run.cpuMs)}${beyondNode}`, '', '', { readme: id !== 'node' });
  }
  results.startup = startup;
}
