/**
 * Bench section: a trace read from a pipe (`cat trace | lockdep check -`) and a trace checked
 * with the progress line drawing (stderr a terminal) vs the same trace checked by path, for each
 * format with a generated workload (JSONL, STD and ftrace),
 * lock-only at the small size. File and stream runs are taken in turns (file, pipe, file, pipe,
 * ...), so both see the same load on a shared machine; the best of each by CPU time is compared.
 * Target (issue 19): at most 1.1x the file's time, with the same summary and finding kinds.
 */
import { SIZES, STREAM_REPEATS, bestInTurns, fmtMs, fmtRatio, label, log, verdict, workload } from '../harness.js';

const TARGET = 1.1;

/** The formats bench/generate.js writes, with their names in the table. */
const FORMATS = [['JSONL', 'jsonl'], ['STD', 'std'], ['ftrace', 'ftrace']];

export async function streamsSection({ row, results }) {
  const streams = {};
  for (const [name, format] of FORMATS) {
    const file = workload('lock', SIZES.small, format);
    const fileArgs = ['check', file, format];
    for (const [way, args, options] of [
      ['from a pipe', ['check', '-', format], { stdinFrom: file }],
      ['with the progress line', ['check-progress', file, format], {}],
    ]) {
      log(`stream check: ${name} ${way}`);
      const [fileRun, streamRun] = bestInTurns(fileArgs, args, STREAM_REPEATS, options);
      const ratio = streamRun.cpuMs / fileRun.cpuMs;
      const wallRatio = streamRun.wallMs / fileRun.wallMs;
      const same = JSON.stringify(streamRun.summary) === JSON.stringify(fileRun.summary) && JSON.stringify(streamRun.kinds) === JSON.stringify(fileRun.kinds);
      const id = `stream-${format}-${way === 'from a pipe' ? 'pipe' : 'progress'}`;
      streams[id] = { file: fileRun, stream: streamRun, ratio, wallRatio, same };
      row(
        id,
        `${name} lock-only ${label(SIZES.small)} ${way} / from the file`,
        `CPU ${fmtMs(streamRun.cpuMs)} vs ${fmtMs(fileRun.cpuMs)} = ${fmtRatio(ratio)}; wall ${fmtMs(streamRun.wallMs)} vs ${fmtMs(fileRun.wallMs)} = ${fmtRatio(wallRatio)}; peak RSS ${(streamRun.maxRssKb / 1024).toFixed(0)} vs ${(fileRun.maxRssKb / 1024).toFixed(0)} MB; ${same ? 'same summary and finding kinds' : 'DIFFERENT results'}`,
        `<= ${TARGET}x the file's time, same results`,
        !same ? verdict(false) : ratio <= TARGET ? verdict(true) : wallRatio <= TARGET ? 'met on wall time, NOT on CPU time' : verdict(false),
        { readme: way === 'from a pipe' },
      );
    }
  }
  results.streams = streams;
}
