/**
 * Preloaded into a profiled bench worker (`node --import ./bench/read-timer.js`, by
 * bench/sections/profile.js): times every `fs.readSync` call of the run (wall time around each
 * call) and, at exit, writes `{ calls, bytes, ms }` as JSON to the file named by the
 * LOCKDEP_BENCH_READ_TIMES environment variable. A V8 CPU profile attributes to the native `read`
 * samples that are not spent reading (on the STD workload, many times what the reads take), so
 * the profile section puts the reads' own time beside the profile's figure.
 * Invariant: the readers import `readSync` from node:fs; `syncBuiltinESMExports` makes that
 * binding the wrapper, so this file must be loaded before them.
 */
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';

const out = process.env.LOCKDEP_BENCH_READ_TIMES;
if (out !== undefined) {
  const readSync = fs.readSync;
  let ns = 0n;
  let calls = 0;
  let bytes = 0;
  fs.readSync = function timedReadSync(...args) {
    const start = process.hrtime.bigint();
    const read = readSync.apply(this, args);
    ns += process.hrtime.bigint() - start;
    calls++;
    bytes += read;
    return read;
  };
  syncBuiltinESMExports();
  process.on('exit', () => fs.writeFileSync(out, JSON.stringify({ calls, bytes, ms: Number(ns) / 1e6 })));
}
