/**
 * Bench section: the JSONL check of the `full` workload (bench/generate.js: every field the spec
 * allows on lock ops: class, type, site, stack and ts on every acquire, read / try / subclass on
 * some, site and ts on every release) at 2M and 10M events, against the same two floors as the
 * lock-only and mixed rows (bench/harness.js's jsonlAgainstFloors). Target (issue 19): at least
 * 3x floor (a) (readline + JSON.parse) and at least 4.5M events/s of CPU time.
 */
import { LARGE_REPEATS, REPEATS, label, log, quick, verdict, workload, jsonlAgainstFloors } from '../harness.js';

/** The workload sizes (a tenth in quick runs). */
const FULL_SIZES = quick ? [200_000, 1_000_000] : [2_000_000, 10_000_000];
const TARGET_RATIO = 3;
const TARGET_RATE = 4.5e6;

export async function jsonlFullSection({ row, results }) {
  const full = {};
  for (const events of FULL_SIZES) {
    const name = label(events);
    const file = workload('full', events, 'jsonl');
    log(`floors and check: all fields ${name}`);
    const measured = jsonlAgainstFloors(file, events === FULL_SIZES[1] ? LARGE_REPEATS : REPEATS);
    const { check, parseFloor, scanFloor, rate, ratio, wallRatio, scanRatio } = measured;
    full[name] = { floor: parseFloor, scanFloor, check, ratio, wallRatio, scanRatio };
    row(
      `jsonl-full-${name}`,
      `JSONL check, all fields ${name}`,
      measured.measured,
      `>= ${TARGET_RATIO}x floor (a) and >= ${TARGET_RATE / 1e6} M/s`,
      verdict(ratio >= TARGET_RATIO && rate >= TARGET_RATE),
    );
  }
  results.jsonlFull = full;
}
