/**
 * Bench section: `lockdep check --jobs 2` vs `--jobs 1` on two traces of half the small size
 * each (lock-only and mixed, 1M events in all at full size): the check after start-up
 * (checkTraces, bench/cli-runs.js), one run of each in turns, so both see the same load. On a
 * shared 2-core machine the wall ratio swings with the other jobs' load, so the row gives the
 * ratio of the best runs and the spread of the per-turn ratios, and CPU time beside it (what the
 * second thread costs: a worker's start-up and its own JIT warm-up). Each turn also times two
 * units of pure CPU work on two threads at once vs one after the other (`spin-pair`): on a
 * machine whose cores are taken by other jobs that ratio is far above 0.5, and no --jobs can
 * beat it. The row also gives the floor the CPU time sets: the least CPU time of 2 jobs spread
 * evenly over the machine's cores, over the best wall time of 1 job (one check already keeps a
 * second core busy with V8's compiler, so when 2 jobs cost more CPU time than 1.2x the wall
 * time of 1, no scheduling reaches 0.6x on 2 cores).
 * Target (issue 19): wall time with 2 jobs <= 0.6x with 1.
 */
import { availableParallelism } from 'node:os';
import { SIZES, fmtMs, fmtRatio, label, log, verdict, worker, workload } from '../harness.js';

const TARGET = 0.6;

export async function jobsSection({ row, results }) {
  const half = SIZES.small / 2;
  const traces = [workload('lock', half, 'jsonl'), workload('mixed', half, 'jsonl')];
  const turns = SIZES.small >= 1_000_000 ? 7 : 2;
  log(`--jobs 2 vs --jobs 1: ${turns} turns`);
  const one = [];
  const two = [];
  const machine = [];
  for (let turn = 0; turn < turns; turn++) {
    one.push(worker(['check-jobs', '1', 'jsonl', ...traces]));
    two.push(worker(['check-jobs', '2', 'jsonl', ...traces]));
    machine.push(worker(['spin-pair', '2']).wallMs / worker(['spin-pair', '1']).wallMs);
  }
  const same = two.every((run) => JSON.stringify(run.summaries) === JSON.stringify(one[0].summaries));
  const fastest = (runs) => Math.min(...runs.map((run) => run.wallMs));
  const ratio = fastest(two) / fastest(one);
  const perTurn = two.map((run, turn) => run.wallMs / one[turn].wallMs).sort((a, b) => a - b);
  const median = perTurn[perTurn.length >> 1];
  const cpuRatio = Math.min(...two.map((run) => run.cpuMs)) / Math.min(...one.map((run) => run.cpuMs));
  const cores = availableParallelism();
  const cpuFloor = Math.min(...two.map((run) => run.cpuMs)) / cores / fastest(one);
  machine.sort((a, b) => a - b);
  results.jobs = { one, two, ratio, perTurn, cpuRatio, cpuFloor, cores, same, machine };
  row(
    'jobs-2',
    `check --jobs 2 / --jobs 1, two traces of ${label(half)} events (lock-only + mixed)`,
    `wall ${fmtMs(fastest(two))} vs ${fmtMs(fastest(one))} = ${fmtRatio(ratio)} (best runs); per turn ${fmtRatio(perTurn[0])} to ${fmtRatio(perTurn[perTurn.length - 1])}, median ${fmtRatio(median)}; CPU ${fmtRatio(cpuRatio)}, so at best ${fmtRatio(cpuFloor)} on ${cores} cores; ${same ? 'same summaries' : 'DIFFERENT results'}; the machine meanwhile: two busy threads at once / one after the other ${fmtRatio(machine[0])} to ${fmtRatio(machine[machine.length - 1])}`,
    `<= ${TARGET}x wall`,
    !same ? verdict(false) : ratio <= TARGET ? verdict(true) : verdict(false),
    { readme: true },
  );
}
