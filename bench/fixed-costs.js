/**
 * Worker modes that take a run's fixed costs apart (docs/performance.md, "Fixed costs of a run"):
 *   first-sights <locks>        the engine's slow path alone, cold: one task takes <locks>
 *                               locks never seen before, each under one held lock (each a new
 *                               instance, class, usage, chain and dependency with its cycle
 *                               search), through the byte lanes' entrance
 *   check-repeat <file> <format> <runs>
 *                               the same check <runs> times in this one process: the first run
 *                               pays for compilation and warm-up, the later ones run warm code
 *                               (each from a fresh validator, so every run meets its new
 *                               classes, chains and dependencies again)
 * Each returns the measurement of bench/worker.js (`measure`: CPU, main thread vs helpers).
 */

export async function firstSights(measure, locks) {
  const { Validator } = await import('../dist/engine/validator.js');
  const count = Number(locks);
  const ids = Array.from({ length: count }, (_, i) => `lock${i}`);
  const start = measure.start();
  const validator = new Validator({ file: 'first-sights' });
  validator.acquireAt('task', 'outer', 0, false, undefined, 'first-sights', 1);
  for (let i = 0; i < count; i++) {
    validator.acquireAt('task', ids[i], 0, false, i, 'first-sights', i * 2 + 2);
    validator.releaseAt('task', ids[i], undefined, 'first-sights', i * 2 + 3);
  }
  const measured = measure.end(start);
  return { events: count * 2 + 1, ...measured, summary: validator.summary() };
}

export async function checkRepeat(measure, file, format, runs) {
  const { checkTrace } = await import('../dist/check/check-trace.js');
  const perRun = [];
  for (let run = 0; run < Number(runs); run++) {
    const start = measure.start();
    const result = await checkTrace(file, { inputFormat: format });
    perRun.push({ events: result.summary.events, ...measure.end(start) });
  }
  return { runs: perRun };
}
