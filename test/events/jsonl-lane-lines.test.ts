/**
 * The JSONL fast lane line by line (src/events/jsonl-fast-lane.ts, jsonl-line-scan.ts,
 * jsonl-plain-lines.ts): for every generated line (every op, every field the spec allows, the
 * writer's key order or any other, near misses), what the lane does is what
 * `validateEvent(JSON.parse(line))` gives: a lane-entrance call whose rebuilt event has every
 * field of that event the engine reads (all but `ts`, a `subclass` 0, and an acquire's
 * `class`/`type` when the call passed the lock's live handle), or that event itself (same keys in
 * the same order, same values), or a decline that leaves the line to the normal path. Every line
 * of plain shape must be taken, not declined.
 */
import { describe, expect, test as vitest } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { EVENT_OPS, type TraceEvent } from '../../src/events/event.js';
import { validateEvent } from '../../src/events/event-validate.js';
import { JsonlFastLane, type JsonlLaneOutcome } from '../../src/events/jsonl-fast-lane.js';
import type { LiveHandle, LockOpSink, LockOpSite } from '../../src/events/lock-op-sink.js';

const MODES = ['', 'read', 'recursive-read'] as const;

/** A handle the recording sink gives for every id once asked (as if the engine had it). */
interface IdHandle extends LiveHandle {
  readonly id: string;
}

/** Marks a recorded acquire whose lock came as a live handle (its `class`/`type` were not needed). */
const BY_HANDLE = Symbol('lock passed as a handle');

/**
 * A sink that records each call as the event the engine rebuilds from it (engine/event-refs.ts).
 * With `handles`, it has a live handle for every id it is asked about, so a lane that remembers
 * them passes handles from the second sight of an id on.
 */
function recordingSink(calls: Record<string | symbol, unknown>[], handles = false): LockOpSink<IdHandle, IdHandle> {
  const withSite = (event: Record<string | symbol, unknown>, site: LockOpSite): Record<string | symbol, unknown> => {
    if (typeof site === 'object') {
      if (site.site !== undefined) event['site'] = site.site;
      event['stack'] = site.stack;
    } else if (site !== undefined) {
      event['site'] = String(site);
    }
    return event;
  };
  const id = (argument: IdHandle | string): string => (typeof argument === 'string' ? argument : argument.id);
  const handle = (of: string): IdHandle | undefined => (handles ? { alive: true, id: of } : undefined);
  return {
    acquireAt: (task, lock, mode, trylock, site) => {
      const event: Record<string | symbol, unknown> = { op: 'acquire', task: id(task), lock: id(lock) };
      if (mode !== 0) event['mode'] = MODES[mode];
      if (trylock) event['try'] = true;
      if (typeof lock !== 'string') event[BY_HANDLE] = true;
      calls.push(withSite(event, site));
    },
    acquireSubclassAt: (task, lock, subclass, mode, trylock, site) => {
      const event: Record<string | symbol, unknown> = { op: 'acquire', task: id(task), lock: id(lock), subclass };
      if (mode !== 0) event['mode'] = MODES[mode];
      if (trylock) event['try'] = true;
      if (typeof lock !== 'string') event[BY_HANDLE] = true;
      calls.push(withSite(event, site));
    },
    releaseAt: (task, lock, site) => calls.push(withSite({ op: 'release', task: id(task), lock: id(lock) }, site)),
    mightSleepAt: (task, site) => calls.push(withSite({ op: 'might-sleep', task: id(task) }, site)),
    irqAt: (task, kind, action, site) => calls.push(withSite({ op: 'irq', task: id(task), kind, action }, site)),
    accessAt: (task, variable, write, site) => calls.push(withSite({ op: 'access', task: id(task), var: variable, write }, site)),
    initAt: (lock, cls, type) => calls.push({ op: 'init', lock, class: cls, type }),
    taskHandle: handle,
    lockHandle: handle,
  };
}

/** What of `event` a lane call must carry (see the header): the fields the engine reads. */
function readByEngine(event: TraceEvent, lockByHandle: boolean): Record<string, unknown> {
  const fields: Record<string, unknown> = { ...event };
  delete fields['ts'];
  if (fields['subclass'] === 0) delete fields['subclass'];
  if (event.op === 'acquire' && lockByHandle) {
    delete fields['class'];
    delete fields['type'];
  }
  return fields;
}

interface Taken {
  outcome: JsonlLaneOutcome;
  calls: Record<string | symbol, unknown>[];
}

/** The line, surrounded by other bytes in its buffer (as in a read block), through a fresh lane. */
function throughLane(line: string, lane?: { lane: JsonlFastLane<IdHandle, IdHandle>; calls: Record<string | symbol, unknown>[] }): Taken {
  const calls = lane?.calls ?? [];
  const used = lane?.lane ?? new JsonlFastLane(recordingSink(calls), 'f.jsonl');
  calls.length = 0;
  const bytes = Buffer.from(`xx\n${line}\nyy`, 'utf8');
  return { outcome: used.line(bytes, 3, bytes.length - 3, 1), calls: [...calls] };
}

/** `validateEvent(JSON.parse(line))`, or undefined when the normal path rejects the line. */
function reference(line: string): TraceEvent | undefined {
  try {
    return validateEvent(JSON.parse(line), { file: 'f.jsonl', line: 1 });
  } catch {
    return undefined;
  }
}

/** What the lane gave for the line (undefined: declined). */
function laneAnswer(taken: Taken): { call: Record<string | symbol, unknown> } | { event: TraceEvent } | undefined {
  if (taken.outcome === false) {
    expect(taken.calls).toEqual([]);
    return undefined;
  }
  if (taken.outcome === true) {
    expect(taken.calls).toHaveLength(1);
    return { call: taken.calls[0]! };
  }
  expect(taken.calls).toEqual([]);
  return { event: taken.outcome };
}

/** Asserts the lane's answer for `line` agrees with the normal path; returns whether it took it. */
function expectSameAsNormalPath(line: string, taken = throughLane(line)): boolean {
  const answer = laneAnswer(taken);
  if (answer === undefined) return false;
  const expected = reference(line);
  expect(expected, `${line}: the lane took a line the normal path rejects`).toBeDefined();
  if ('event' in answer) {
    // Same keys in the same order, same values.
    expect(JSON.stringify(answer.event), line).toBe(JSON.stringify(expected));
    expect(answer.event, line).toEqual(expected);
  } else {
    const { [BY_HANDLE]: byHandle, ...call } = answer.call;
    expect(call, line).toEqual(readByEngine(expected!, byHandle === true));
  }
  return true;
}

// ─── generated lines ───────────────────────────────────────────────────────────────────────

const PLAIN_IDS = ['t1', 'A', 'long-lock-name-beyond-eight-bytes', '&kvm->slots_lock', 'a b', '0', 'x'.repeat(300)];
const SITES = ['f.c:1', 'install_new_memslots+0x5a/0x120', 'x'.repeat(40)];
const FRAMES = ['f+0x1/0x10', 'kvm_set_memslot+0x1d0/0x400', 'g (src/a.ts:3:4)'];

const json = (value: unknown): string => JSON.stringify(value);

/** Plain values of each field (the lane must take these). */
const plainValue: Record<string, fc.Arbitrary<string>> = {
  task: fc.constantFrom(...PLAIN_IDS).map(json),
  lock: fc.constantFrom(...PLAIN_IDS).map(json),
  nest: fc.constantFrom(...PLAIN_IDS).map(json),
  class: fc.constantFrom('&kvm->lock', 'C', 'x'.repeat(20)).map(json),
  var: fc.constantFrom('v', 'counter').map(json),
  site: fc.constantFrom(...SITES).map(json),
  mode: fc.constantFrom('write', 'read', 'recursive-read').map(json),
  type: fc.constantFrom('spinlock', 'rwlock', 'mutex', 'rwsem', 'map').map(json),
  kind: fc.constantFrom('hardirq', 'softirq').map(json),
  action: fc.constantFrom('enter', 'exit', 'disable', 'enable').map(json),
  held: fc.constantFrom('any', 'write', 'read', 'none').map(json),
  try: fc.boolean().map(json),
  write: fc.boolean().map(json),
  subclass: fc.integer({ min: 0, max: 7 }).map(json),
  ts: fc.oneof(fc.integer({ min: -1e6, max: 1e15 }), fc.double({ noNaN: true, noDefaultInfinity: true })).map(json),
  stack: fc.array(fc.constantFrom(...FRAMES), { maxLength: 4 }).map(json),
};

/** Values the lane must decline (the normal path may accept or reject them). */
const oddValue: Record<string, fc.Arbitrary<string>> = {
  id: fc.constantFrom('1', '-0', '1.5', '""', '"t\\u0031"', '"é"', '"tab\\t"', 'null', '"x"'.replace('x', '\u00e9')),
  text: fc.constantFrom('""', '"a\\"b"', '"é"', '1', 'null', '"\\\\"'),
  mode: fc.constantFrom('"Write"', '"shared"', '1'),
  flag: fc.constantFrom('1', '"true"', 'null', 'tru'),
  subclass: fc.constantFrom('8', '1.0', '-0', '01', '1e0', '"1"'),
  ts: fc.constantFrom('1e999', '01', '1.', '.5', '"1"', '-', '1e', 'NaN'),
  stack: fc.constantFrom('["a",]', '[""]', '["a" ,"b"]', '"a"', '[1]', '["é"]', '[ ]'),
};

const ODD_KIND: Record<string, string> = {
  task: 'id', lock: 'id', nest: 'id', class: 'text', var: 'text', site: 'text', mode: 'mode', type: 'mode', kind: 'mode',
  action: 'mode', held: 'mode', try: 'flag', write: 'flag', subclass: 'subclass', ts: 'ts', stack: 'stack',
};

/** Required and optional fields per op, in the writer's order (docs/trace-format.md). */
const OP_FIELDS: Record<string, { required: string[]; optional: string[] }> = {
  init: { required: ['lock'], optional: ['class', 'type', 'site', 'stack', 'ts'] },
  acquire: { required: ['task', 'lock'], optional: ['mode', 'try', 'subclass', 'nest', 'class', 'type', 'site', 'stack', 'ts'] },
  release: { required: ['task', 'lock'], optional: ['site', 'stack', 'ts'] },
  sync: { required: ['task', 'lock'], optional: ['class', 'type', 'site', 'stack', 'ts'] },
  irq: { required: ['task', 'kind', 'action'], optional: ['site', 'stack', 'ts'] },
  free: { required: ['task', 'lock'], optional: ['site', 'stack', 'ts'] },
  assert: { required: ['task', 'lock', 'held'], optional: ['site', 'stack', 'ts'] },
  access: { required: ['task', 'var', 'write'], optional: ['site', 'stack', 'ts'] },
  'might-sleep': { required: ['task'], optional: ['site', 'stack', 'ts'] },
  exit: { required: ['task'], optional: ['site', 'stack', 'ts'] },
};

interface GeneratedLine {
  line: string;
  /** Whether the lane must take it (plain values, no spacing or unknown keys). */
  plain: boolean;
}

/** An event line of `op`: its fields in the writer's order or shuffled, plain or with one odd part. */
const eventLine: fc.Arbitrary<GeneratedLine> = fc.constantFrom(...EVENT_OPS).chain((op) => {
  const { required, optional } = OP_FIELDS[op]!;
  return fc
    .record({
      optional: fc.subarray(optional),
      values: fc.record(plainValue),
      shuffle: fc.option(fc.array(fc.nat(), { minLength: 12, maxLength: 12 })),
      odd: fc.option(
        fc.oneof(
          fc.record({ kind: fc.constant('value' as const), at: fc.nat(), value: fc.record(oddValue) }),
          fc.record({ kind: fc.constantFrom('space' as const, 'unknown' as const, 'duplicate' as const, 'missing' as const, 'foreign' as const), at: fc.nat() }),
        ),
      ),
    })
    .map(({ optional: chosen, values, shuffle, odd }) => {
      let names = ['op', ...required, ...chosen];
      if (shuffle !== null) {
        names = names.map((name, index) => ({ name, rank: shuffle[index]! })).sort((a, b) => a.rank - b.rank).map(({ name }) => name);
      }
      const parts = names.map((name) => [name, name === 'op' ? json(op) : values[name]!] as [string, string]);
      if (odd !== null) {
        const at = odd.at % parts.length;
        const [name] = parts[at]!;
        if (odd.kind === 'value' && name !== 'op') parts[at]![1] = odd.value[ODD_KIND[name]!]!;
        else if (odd.kind === 'value') parts[at]![1] = json(`${op}x`);
        else if (odd.kind === 'unknown') parts.splice(at, 0, ['percpu', 'true']);
        else if (odd.kind === 'duplicate') parts.splice(at, 0, [name, parts[at]![1]]);
        else if (odd.kind === 'missing') parts.splice(at, 1);
        else if (odd.kind === 'foreign') parts.splice(at, 0, op === 'access' ? ['lock', '"L"'] : ['var', '"v"']);
      }
      const space = odd?.kind === 'space' ? ' ' : '';
      const line = `{${parts.map(([name, value]) => `"${name}":${space}${value}`).join(',')}}`;
      return { line, plain: odd === null };
    });
});

/**
 * Acquire and release lines in the writer's order (`op`, `task`, `lock`, the rest, `ts` last)
 * from small pools, so that a lock's tail (everything after `lock`) repeats, sometimes with one
 * odd byte in it or around `ts`: what the lane's tail memo (jsonl-tail-memo.ts) compares.
 */
const repeatedLockLine: fc.Arbitrary<string> = fc
  .record({
    op: fc.constantFrom('acquire', 'release'),
    task: fc.constantFrom('t1', 't2', 'a-task-with-a-long-name'),
    lock: fc.constantFrom('L1', 'L2', 'long-lock-name-beyond-eight-bytes'),
    mode: fc.constantFrom(undefined, 'read', 'write'),
    try: fc.constantFrom(undefined, true, false),
    subclass: fc.constantFrom(undefined, 0, 1),
    class: fc.constantFrom(undefined, 'C', 'D'),
    type: fc.constantFrom(undefined, 'rwsem'),
    // Sites and stacks of equal lengths that differ in one byte, near the start or at the very end.
    site: fc.constantFrom(undefined, 'lock_1+0x1a/0x80', 'lock_2+0x1a/0x80', 'lock_1+0x1a/0x81', 's'),
    stack: fc.constantFrom(undefined, ['f+0x1/0x10', 'g+0x2/0x20'], ['f+0x1/0x10', 'g+0x2/0x21'], ['f+0x1/0x10'], []),
    ts: fc.constantFrom(undefined, '0', '7', '-12', '123456789012345', '1234567890123456', '1.5', '1e3', '-0', '01', '"1"', '1 '),
    odd: fc.constantFrom(undefined, 'escape', 'space', 'duplicate ts', 'trailing', 'unclosed', 'non-ASCII'),
  })
  .map((f) => {
    const acquire = f.op === 'acquire';
    const tail = [
      acquire && f.mode !== undefined ? `,"mode":"${f.mode}"` : '',
      acquire && f.try !== undefined ? `,"try":${f.try}` : '',
      acquire && f.subclass !== undefined ? `,"subclass":${f.subclass}` : '',
      acquire && f.class !== undefined ? `,"class":"${f.class}"` : '',
      acquire && f.type !== undefined ? `,"type":"${f.type}"` : '',
      f.site !== undefined ? `,"site":"${f.odd === 'escape' ? 'a\\"b' : f.odd === 'non-ASCII' ? `${f.site}\u00e9` : f.site}"` : '',
      f.stack !== undefined ? `,"stack":${JSON.stringify(f.stack)}` : '',
    ].join('');
    let ts = f.ts === undefined ? '' : `,"ts":${f.ts}`;
    if (f.odd === 'duplicate ts') ts += ',"ts":1';
    if (f.odd === 'space') ts += ' ';
    const close = f.odd === 'unclosed' ? ']' : '}';
    return `{"op":"${f.op}","task":"${f.task}","lock":"${f.lock}"${tail}${ts}${close}${f.odd === 'trailing' ? '}' : ''}`;
  });

/**
 * A lane (with a sink that has handles) after an acquire of `lock` with `tail` (its `class`/`type`
 * define the instance, so the line is an event) and a release (which learns the lock's handle).
 */
function laneThatKnows(lock: string, tail: string): { lane: JsonlFastLane<IdHandle, IdHandle>; calls: Record<string | symbol, unknown>[] } {
  const calls: Record<string | symbol, unknown>[] = [];
  const lane = { lane: new JsonlFastLane(recordingSink(calls, true), 'f.jsonl'), calls };
  expect(typeof throughLane(`{"op":"acquire","task":"t1","lock":"${lock}"${tail},"ts":1}`, lane).outcome).toBe('object');
  expect(throughLane(`{"op":"release","task":"t1","lock":"${lock}","ts":2}`, lane).outcome).toBe(true);
  return lane;
}

describe('JSONL fast lane, line by line', () => {
  test.prop([fc.array(repeatedLockLine, { minLength: 1, maxLength: 40 }), fc.boolean()], { numRuns: 400 })(
    'lock lines whose tails repeat (the tail memo) read as the normal path reads them, odd bytes included',
    (lines, handles) => {
      const calls: Record<string | symbol, unknown>[] = [];
      const lane = { lane: new JsonlFastLane(recordingSink(calls, handles), 'f.jsonl'), calls };
      for (const line of lines) expectSameAsNormalPath(line, throughLane(line, lane));
    },
  );

  test.prop(
    [fc.array(fc.record({ op: fc.constantFrom('acquire', 'release'), changed: fc.option(fc.nat()), byte: fc.constantFrom('x', '"', '\u00e9'), ts: fc.boolean() }), { minLength: 2, maxLength: 30 }), fc.boolean()],
    { numRuns: 300 },
  )('lock lines whose tails differ from a seen one in a single byte anywhere read as the normal path reads them', (picks, handles) => {
    const base = ',"site":"lock_1+0x1a/0x80","stack":["f+0x1/0x10","g+0x2/0x20"]';
    const calls: Record<string | symbol, unknown>[] = [];
    const lane = { lane: new JsonlFastLane(recordingSink(calls, handles), 'f.jsonl'), calls };
    picks.forEach(({ op, changed, byte, ts }, n) => {
      // The same tail, or the tail with one byte replaced (which may break the line: then the normal path rejects it too).
      const at = changed === null ? -1 : changed % base.length;
      const tail = at < 0 ? base : `${base.slice(0, at)}${base[at] === byte ? 'y' : byte}${base.slice(at + 1)}`;
      const line = `{"op":"${op}","task":"t1","lock":"L1"${tail}${ts ? `,"ts":${n}` : ''}}`;
      expectSameAsNormalPath(line, throughLane(line, lane));
    });
  });

  vitest('a lock line whose tail was seen before takes the lane entrance; any other byte after it leaves the line to the scan', () => {
    const tail = ',"mode":"read","class":"C","type":"rwsem","site":"s+0x1/0x2","stack":["f","g"]';
    const lane = laneThatKnows('L', tail);
    for (const ending of [',"ts":3}', '}', ',"ts":-4}']) {
      const line = `{"op":"acquire","task":"t2","lock":"L"${tail}${ending}`;
      expect(throughLane(line, lane).outcome, line).toBe(true);
      expectSameAsNormalPath(line, throughLane(line, lane));
    }
    for (const ending of [',"ts":1e999}', ',"ts":1,"ts":2}', ',"ts":1 }', ',"ts":01}', '}}', ',"nest":"L"}', ']', ',"ts":3]', ',"ts":3']) {
      const line = `{"op":"acquire","task":"t2","lock":"L"${tail}${ending}`;
      const taken = throughLane(line, lane);
      expect(taken.outcome, line).not.toBe(true);
      expectSameAsNormalPath(line, taken);
    }
  });


  test.prop([eventLine], { numRuns: 3000 })('takes every plain line of every op as the normal path reads it, and declines the rest', ({ line, plain }) => {
    const taken = expectSameAsNormalPath(line);
    if (plain) expect(taken, `${line} was declined`).toBe(true);
  });

  test.prop([fc.array(eventLine, { minLength: 1, maxLength: 30 }), fc.boolean()], { numRuns: 300 })(
    'one lane over many lines (interned ids, sites and stacks reused; handles passed once known) gives each line its own event',
    (lines, handles) => {
      const calls: Record<string | symbol, unknown>[] = [];
      const lane = { lane: new JsonlFastLane(recordingSink(calls, handles), 'f.jsonl'), calls };
      for (const { line } of lines) expectSameAsNormalPath(line, throughLane(line, lane));
    },
  );

  vitest('the writer\'s plain lock lines take the lane entrance; lines with other fields become events', () => {
    const entrance = [
      '{"op":"acquire","task":"t1","lock":"A"}',
      '{"op":"acquire","task":"t1","lock":"A","mode":"recursive-read","try":true}',
      '{"op":"acquire","task":"t1","lock":"A","mode":"read","try":true,"site":"f+0x1/0x2"}',
      '{"op":"release","task":"t1","lock":"A","site":"x"}',
      '{"op":"might-sleep","task":"t1","site":"s"}',
      '{"op":"irq","task":"t1","kind":"softirq","action":"disable"}',
      '{"op":"access","task":"t1","var":"v","write":true,"site":"s"}',
      '{"op":"init","lock":"L1","class":"&kvm->lock","type":"mutex"}',
      // Fields the engine does not read, in any order: `ts`, `subclass` 0; `site` with `stack`.
      '{"op":"acquire","lock":"A","task":"t1"}',
      '{"op":"acquire","task":"t1","lock":"A","try":true,"mode":"read"}',
      '{"op":"acquire","task":"t1","lock":"A","subclass":0,"site":"s","stack":["f","g"],"ts":12.5}',
      '{"ts":1,"stack":[],"site":"s","lock":"A","task":"t1","op":"release"}',
      '{"op":"release","task":"t1","lock":"A","stack":["f"],"ts":1e3}',
      '{"op":"might-sleep","task":"t1","stack":["f"],"site":"s"}',
      '{"op":"irq","task":"t1","kind":"hardirq","action":"enter","ts":-0.5}',
      '{"op":"init","lock":"L1","type":"mutex","class":"X"}',
      // A subclass above 0 through the sink's acquireSubclassAt.
      '{"op":"acquire","task":"t1","lock":"A","subclass":1}',
      '{"op":"acquire","task":"t1","lock":"A","mode":"read","subclass":7,"site":"s","stack":["f"],"ts":3}',
    ];
    for (const line of entrance) {
      expect(throughLane(line).outcome, line).toBe(true);
      expectSameAsNormalPath(line);
    }
    const events = [
      '{"op":"acquire","task":"t1","lock":"A","mode":"write"}',
      '{"op":"acquire","task":"t1","lock":"A","try":false}',
      '{"op":"acquire","task":"t1","lock":"A","subclass":1,"nest":"B","class":"C","type":"rwsem","site":"s","stack":["f","g"],"ts":12.5}',
      '{"op":"acquire","task":"t1","lock":"A","nest":"B"}',
      // An unknown lock: its `class`/`type` define the instance, which the lane entrance cannot.
      '{"op":"acquire","task":"t1","lock":"A","class":"C","type":"rwsem","site":"s","stack":["f","g"],"ts":12.5}',
      '{"op":"init","lock":"L1","class":"X","type":"mutex","ts":1}',
      '{"op":"init","lock":"L1"}',
      '{"op":"exit","task":"t1"}',
      '{"op":"assert","task":"t1","lock":"A","held":"none"}',
      '{"op":"sync","task":"t1","lock":"A","class":"C"}',
      '{"op":"free","task":"t1","lock":"A"}',
    ];
    for (const line of events) {
      expect(typeof throughLane(line).outcome, line).toBe('object');
      expectSameAsNormalPath(line);
    }
    const declined = [
      '{"op":"acquire","task":"t1","lock":"A"} ',
      '{"op": "acquire","task":"t1","lock":"A"}',
      '{"op":"acquire","task":"t\\u0031","lock":"A"}',
      '{"op":"acquire","task":"","lock":"A"}',
      '{"op":"acquire","task":"t1","lock":1}',
      '{"op":"acquire","task":"t1","lock":"é"}',
      '{"op":"acquire","task":"t1","lock":"A","site":"é"}',
      '{"op":"acquire","task":"t1","lock":"A","stack":["a\\"b"]}',
      '{"op":"acquire","task":"t1","lock":"A","percpu":true}',
      '{"op":"acquire","task":"t1","lock":"A","lock":"B"}',
      '{"op":"acquire","task":"t1","lock":"A","var":"v"}',
      '{"op":"acquire","task":"t1","lock":"A","subclass":8}',
      '{"op":"acquire","task":"t1","lock":"A","ts":1e999}',
      '{"op":"acquire","task":"t1","lock":"A"',
      '{"op":"acquired","task":"t1","lock":"A"}',
      '{"op":"acquire","task":"t1"}',
      '{"op":"irq","task":"t1","kind":"nmi","action":"enter"}',
      '{"op":"access","task":"t1","var":"v","write":1}',
      '{"op":"init","lock":"L1","class":"X","type":"semaphore"}',
      '{"format":"lockdep-trace","version":1}',
      '{}',
      '',
    ];
    for (const line of declined) expect(throughLane(line).outcome, line).toBe(false);
  });

  vitest('a plain acquire of a lock first seen goes to the sink\'s by-id entrance when it has one; later ones pass the handle', () => {
    const calls: Record<string | symbol, unknown>[] = [];
    const byId: string[] = [];
    const sink: LockOpSink<IdHandle, IdHandle> = {
      ...recordingSink(calls, true),
      acquireByIdAt: (task, lock) => {
        byId.push(`${typeof task === 'string' ? task : task.id} ${lock}`);
      },
    };
    const lane = new JsonlFastLane(sink, 'f.jsonl');
    const lines = ['{"op":"acquire","task":"t1","lock":"A"}', '{"op":"release","task":"t1","lock":"A"}', '{"op":"acquire","task":"t1","lock":"A","mode":"read"}'];
    for (const line of lines) {
      const bytes = Buffer.from(`${line}\n`, 'utf8');
      expect(lane.line(bytes, 0, bytes.length - 1, 1)).toBe(true);
    }
    expect(byId).toEqual(['t1 A']);
    expect(calls.map((call) => [call['op'], call['mode'], call[BY_HANDLE]])).toEqual([['release', undefined, undefined], ['acquire', 'read', true]]);
    // A sink without the by-id entrance gets the id through acquireAt.
    const plainCalls: Record<string | symbol, unknown>[] = [];
    const plainLane = new JsonlFastLane(recordingSink(plainCalls, true), 'f.jsonl');
    const bytes = Buffer.from(`${lines[0]}\n`, 'utf8');
    expect(plainLane.line(bytes, 0, bytes.length - 1, 1)).toBe(true);
    expect(plainCalls).toEqual([{ op: 'acquire', task: 't1', lock: 'A' }]);
  });

  vitest('an acquire with a subclass above 0 takes acquireSubclassAt, scanned and from the tail memo; without it the line is an event', () => {
    const tail = ',"subclass":1,"class":"C","type":"mutex","site":"s+0x1/0x2","stack":["f","g"]';
    const lane = laneThatKnows('A', tail);
    for (const [task, ts] of [['t1', 2], ['t2', 3], ['t3', 4]] as const) {
      const line = `{"op":"acquire","task":"${task}","lock":"A"${tail},"ts":${ts}}`;
      const taken = throughLane(line, lane);
      expect(taken.outcome, line).toBe(true);
      expect(taken.calls).toEqual([{ op: 'acquire', task, lock: 'A', subclass: 1, site: 's+0x1/0x2', stack: ['f', 'g'], [BY_HANDLE]: true }]);
      expectSameAsNormalPath(line, throughLane(line, lane));
    }
    // The memo keeps subclass and mode apart: the same lock with subclass 0 and 2 in turn.
    for (const subclass of [0, 2, 0, 2]) {
      const line = `{"op":"acquire","task":"t1","lock":"A","mode":"read","subclass":${subclass},"site":"x"}`;
      const taken = throughLane(line, lane);
      expect(taken.outcome, line).toBe(true);
      expect(taken.calls[0]!['subclass'], line).toBe(subclass === 0 ? undefined : subclass);
      expect(taken.calls[0]!['mode'], line).toBe('read');
    }
    const sinkWithout = recordingSink([], true);
    delete sinkWithout.acquireSubclassAt;
    const plainLane = new JsonlFastLane(sinkWithout, 'f.jsonl');
    for (let n = 0; n < 3; n++) {
      const bytes = Buffer.from(`{"op":"acquire","task":"t1","lock":"A","subclass":1,"site":"s"}\n`, 'utf8');
      expect(plainLane.line(bytes, 0, bytes.length - 1, 1)).toEqual({ op: 'acquire', task: 't1', lock: 'A', subclass: 1, site: 's' });
    }
  });

  vitest('scanned and memo lines give a lock first seen (an id) to the sink\'s by-id entrance when it has one', () => {
    const byId: string[] = [];
    const calls: Record<string | symbol, unknown>[] = [];
    // No handles: every line passes the lock by id, the first through the scan, the others through the tail memo.
    const sink: LockOpSink<IdHandle, IdHandle> = {
      ...recordingSink(calls, false),
      acquireByIdAt: (task, lock, mode, trylock, site) => {
        byId.push(`${typeof task === 'string' ? task : task.id} ${lock} ${mode} ${String(trylock)} ${JSON.stringify(site)}`);
      },
    };
    const lane = new JsonlFastLane(sink, 'f.jsonl');
    for (const ts of [1, 2, 3]) {
      const bytes = Buffer.from(`{"op":"acquire","task":"t1","lock":"A","mode":"read","try":true,"site":"s","stack":["f"],"ts":${ts}}\n`, 'utf8');
      expect(lane.line(bytes, 0, bytes.length - 1, ts)).toBe(true);
    }
    expect(byId).toEqual(Array(3).fill('t1 A 1 true {"site":"s","stack":["f"]}'));
    expect(calls).toEqual([]);
  });

  vitest('an acquire with `class`/`type` takes the lane entrance once the lock has a live handle', () => {
    const calls: Record<string | symbol, unknown>[] = [];
    const lane = { lane: new JsonlFastLane(recordingSink(calls, true), 'f.jsonl'), calls };
    const line = '{"op":"acquire","task":"t1","lock":"A","class":"C","type":"rwsem","mode":"read","site":"s","stack":["f"],"ts":3}';
    expect(typeof throughLane(line, lane).outcome).toBe('object');
    expect(throughLane('{"op":"release","task":"t1","lock":"A"}', lane).outcome).toBe(true);
    const again = throughLane(line, lane);
    expect(again.outcome).toBe(true);
    expect(again.calls[0]![BY_HANDLE]).toBe(true);
    expectSameAsNormalPath(line, throughLane(line, lane));
  });

  vitest('a stack is one shared frozen array per distinct stack text, a site with its stack one shared pair', () => {
    const calls: Record<string | symbol, unknown>[] = [];
    const lane = { lane: new JsonlFastLane(recordingSink(calls), 'f.jsonl'), calls };
    const stackOf = (line: string): string[] => {
      const taken = throughLane(line, lane);
      return (taken.outcome === true ? taken.calls[0]! : (taken.outcome as unknown as Record<string, unknown>))['stack'] as string[];
    };
    const first = stackOf('{"op":"release","task":"t1","lock":"A","stack":["f","g"]}');
    const again = stackOf('{"op":"acquire","task":"t2","lock":"B","stack":["f","g"],"ts":3,"subclass":2}');
    const other = stackOf('{"op":"acquire","task":"t2","lock":"B","stack":["f"]}');
    expect(first).toEqual(['f', 'g']);
    expect(again).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(other).toEqual(['f']);
    const sites: LockOpSite[] = [];
    const sink = { ...recordingSink([]), releaseAt: (_task: unknown, _lock: unknown, site: LockOpSite) => sites.push(site) };
    const siteLane = new JsonlFastLane(sink, 'f.jsonl');
    for (const task of ['t1', 't2']) {
      const bytes = Buffer.from(`{"op":"release","task":"${task}","lock":"A","site":"s","stack":["f","g"]}`);
      expect(siteLane.line(bytes, 0, bytes.length, 1)).toBe(true);
    }
    expect(sites[0]).toEqual({ site: 's', stack: ['f', 'g'] });
    expect(sites[1]).toBe(sites[0]);
  });
});
