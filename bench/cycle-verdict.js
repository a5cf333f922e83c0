/**
 * Whether each tool of the Helgrind side-by-side (bench/run.js) reported exactly the one
 * lock-order cycle the workload contains (bench/generate.js: the ABBA pair of locks 1 and 2,
 * classes `L1` and `L2`), from the tools' own output. Pure functions of text, so they are
 * unit-tested on saved output (test/bench/cycle-verdict.test.ts).
 * Invariant: a verdict is `{ ok: true, detail }` only when the tool reported that cycle and
 * nothing else; anything else (no report, another pair, extra reports, unparsable output) is
 * `{ ok: false, detail }` with a sentence saying what was seen.
 */

/** The deliberate ABBA of the workload: lock numbers (lockseq) and class names (lockdep). */
export const EXPECTED_LOCKS = [1, 2];
export const EXPECTED_CLASSES = ['L1', 'L2'];

/**
 * Helgrind's verdict: `stderr` of `valgrind --tool=helgrind lockseq FILE`, `stdout` of the same
 * run (lockseq prints `locks at ADDRESS stride BYTES`, which maps Helgrind's lock addresses to
 * lock numbers). Expects one error in all, a lock-order violation between the expected locks.
 */
export function helgrindVerdict(stderr, stdout) {
  const layout = /locks at (0x[0-9a-f]+) stride (\d+)/i.exec(stdout);
  if (layout === null) return { ok: false, detail: 'lockseq did not print its lock layout ("locks at ... stride ...")' };
  const base = BigInt(layout[1]);
  const stride = BigInt(layout[2]);
  const summary = /ERROR SUMMARY: (\d+) errors/.exec(stderr);
  if (summary === null) return { ok: false, detail: 'no "ERROR SUMMARY" in Helgrind\'s output' };
  const errors = Number(summary[1]);
  const pairs = [...stderr.matchAll(/lock order "(0x[0-9a-f]+) before (0x[0-9a-f]+)" violated/gi)].map((m) =>
    [m[1], m[2]].map((address) => {
      const offset = BigInt(address) - base;
      return offset >= 0n && offset % stride === 0n ? Number(offset / stride) : `unknown lock ${address}`;
    }),
  );
  const seen = pairs.map((pair) => `{${[...pair].sort().join(', ')}}`).join(', ') || 'none';
  const detail = `${errors} error${errors === 1 ? '' : 's'}, lock-order violations: ${seen}`;
  const ok = errors === 1 && pairs.length === 1 && sameSet(pairs[0], EXPECTED_LOCKS);
  return { ok, detail: ok ? `${detail} (the expected cycle)` : `${detail}; expected exactly one error, the cycle {${EXPECTED_LOCKS.join(', ')}}` };
}

/** lockdep's verdict from `lockdep check --format json` output: exactly one finding, the cycle L1 <-> L2. */
export function lockdepVerdict(stdout) {
  let result;
  try {
    result = JSON.parse(stdout);
  } catch {
    return { ok: false, detail: 'the output is not a JSON result' };
  }
  const violations = Array.isArray(result?.violations) ? result.violations : null;
  if (violations === null) return { ok: false, detail: 'the JSON result has no violations array' };
  const seen = violations.map((v) => `${v.kind} {${[...(v.classes ?? [])].sort().join(', ')}}`).join(', ') || 'none';
  const detail = `${violations.length} finding${violations.length === 1 ? '' : 's'}: ${seen}`;
  const only = violations[0];
  const ok = violations.length === 1 && only.kind === 'circular-dependency' && sameSet(only.classes ?? [], EXPECTED_CLASSES);
  return { ok, detail: ok ? `${detail} (the expected cycle)` : `${detail}; expected exactly one circular-dependency {${EXPECTED_CLASSES.join(', ')}}` };
}

function sameSet(values, expected) {
  return values.length === expected.length && expected.every((value) => values.includes(value));
}
