/**
 * Bench worker mode `jsonl-lane <file>` (bench/worker.js): the JSONL check's reading path and
 * byte lane alone, without the engine: the file read in blocks of whole lines as the check reads
 * it (line-block-source.ts), each line split off and given to the fast lane (jsonl-fast-lane.ts)
 * whose sink keeps a handle per task and lock id and does nothing else. What it costs beside
 * `check` on the same file is the lane's share of the check; the same lines with fewer lock
 * classes show how much of it waits for memory.
 * Invariant: the lane sees the lines the check's lane sees (the header and any line the lane
 * declines are counted, not parsed).
 */

/** A handle the sink gives for every id (the engine's are as long-lived). */
class Handle {
  alive = true;
}

export async function jsonlLaneOnly(measure, file) {
  const { readLineBlocks } = await import('../dist/events/line-block-source.js');
  const { lineEnd, withoutCarriageReturn } = await import('../dist/events/line-blocks.js');
  const { JsonlFastLane } = await import('../dist/events/jsonl-fast-lane.js');
  const tasks = new Map();
  const locks = new Map();
  const handle = (ids, id) => {
    let known = ids.get(id);
    if (known === undefined) ids.set(id, (known = new Handle()));
    return known;
  };
  let calls = 0;
  const sink = {
    acquireAt: () => calls++,
    acquireSubclassAt: () => calls++,
    releaseAt: () => calls++,
    mightSleepAt: () => calls++,
    irqAt: () => calls++,
    accessAt: () => calls++,
    initAt: (lock) => {
      calls++;
      handle(locks, lock);
    },
    taskHandle: (id) => handle(tasks, id),
    lockHandle: (id) => handle(locks, id),
  };
  const lane = new JsonlFastLane(sink, file);
  let lineNo = 0;
  let events = 0;
  let declined = 0;
  const start = measure.start();
  await readLineBlocks(file, (bytes, end) => {
    for (let at = 0; at < end; ) {
      const newline = lineEnd(bytes, at, end);
      const contentEnd = withoutCarriageReturn(bytes, at, newline);
      const taken = lane.plainLine(bytes, at, contentEnd, ++lineNo) || lane.scannedLine(bytes, at, contentEnd, lineNo);
      if (taken === false) declined++;
      else if (taken !== true) events++;
      at = newline + 1;
    }
  });
  return { events: calls + events, ...measure.end(start), laneCalls: calls, laneEvents: events, declined };
}
