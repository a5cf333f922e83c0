/**
 * Bench section: `lockdep infer` on the 1M-event lock-only trace against `lockdep check` on the
 * same trace, CPU time measured in turns (check, infer, check, infer...) so both see the same
 * load. The target is the issue's: infer within 2x the time of check. `infer` pays one check of
 * the trace with its tallying hooks, the class graph read from the engine after the check, the inference
 * and the YAML (bench/worker.js mode `infer`).
 */
import { bestInTurns, fmtMs, fmtRatio, label, log, quick, verdict, workload } from '../harness.js';

const EVENTS = 1_000_000;

export async function inferSection({ row, results }) {
  const file = workload('lock', EVENTS, 'jsonl');
  log(`infer vs check, lock-only ${label(EVENTS)}`);
  const [check, infer] = bestInTurns(['check', file, 'jsonl'], ['infer', file, 'jsonl'], quick ? 2 : 4);
  const ratio = infer.cpuMs / check.cpuMs;
  results.infer = { check, infer, ratio };
  row(
    'infer',
    `lockdep infer vs check, lock-only ${label(EVENTS)}`,
    `${fmtMs(infer.cpuMs)} vs ${fmtMs(check.cpuMs)} = ${fmtRatio(ratio)} (CPU, in turns; ${infer.rules} rules proposed from ${infer.classes} classes, ${infer.dependencies} dependencies)`,
    '<= 2x check',
    verdict(ratio <= 2),
    { readme: true },
  );
}
