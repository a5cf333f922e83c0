/**
 * Deterministic workload generator for the benchmark (bench/run.js): writes the same lock
 * program as a spec JSONL trace, an STD trace, a kernel ftrace file (bench/ftrace-render.js), or
 * the compact sequence file that bench/helgrind/lockseq.c replays.
 * Invariants: the output depends only on (kind, events, classes, tasks, seed); the program is
 * lock-order consistent except for one deliberate ABBA pair (so every check has a real finding
 * to report and otherwise exercises the fast path); the mixed kind also interleaves irq
 * episodes, accesses, might-sleep points and read / recursive-read / try acquisitions, typed so
 * that it produces no spurious irq or sleep findings; the full kind is the lock-only program
 * with every field the spec allows on lock ops (`class`, `type`, `site`, `stack` and `ts` on
 * every acquire, read / try / subclass on some, `site` and `ts` on every release); the number
 * of events written is exactly `events`. Files are written through a temp file and renamed.
 */
import { closeSync, openSync, renameSync, writeSync } from 'node:fs';
import { FtraceRenderer } from './ftrace-render.js';

/** mulberry32: a small, fast, seedable PRNG. */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Kernel class names (types as in rules/kvm-locking.yaml) for the lowest ranks of each half of
 * the mixed kind, in the order Documentation/virt/kvm/locking.rst documents, so a rule pack has
 * classes to watch without the program contradicting it (except the deliberate ABBA).
 */
const KVM_SLEEPING = [
  ['kvm_usage_lock', 'mutex'], ['cpu_hotplug_lock', 'rwsem'], ['kvm_lock', 'mutex'], ['&kvm->lock', 'mutex'],
  ['&vcpu->mutex', 'mutex'], ['&kvm->slots_lock', 'mutex'], ['&kvm->slots_arch_lock', 'mutex'], ['&kvm->irq_lock', 'mutex'],
];
const KVM_SPINNING = [['&kvm->mmu_lock', 'rwlock'], ['&kvm->mn_invalidate_lock', 'spinlock']];

/**
 * The lock program: classes ranked 0..classes-1 (paths only go up in rank, so the order is
 * consistent), the lower half sleeping (mutex / rwsem), the upper half spinning (spinlock /
 * rwlock), the top 1% irq-safe spinlocks used by interrupt handlers and, in process context,
 * only with interrupts disabled.
 */
export function makeProgram({ kind, classes, tasks, seed, paths = Math.min(4000, classes) }) {
  const random = prng(seed);
  const mixed = kind === 'mixed';
  const full = kind === 'full';
  const sleepingEnd = mixed ? Math.floor(classes / 2) : classes;
  const irqStart = mixed ? classes - Math.max(2, Math.floor(classes / 100)) : classes;
  const names = new Array(classes);
  const types = new Array(classes);
  for (let i = 0; i < classes; i++) {
    names[i] = `L${i}`;
    if (full) types[i] = i > 2 && random() < 0.2 ? 'rwsem' : 'mutex'; // the ABBA pair (1, 2) stays mutex, as the prologue takes it
    else if (!mixed) types[i] = 'mutex';
    else if (i < sleepingEnd) types[i] = random() < 0.8 ? 'mutex' : 'rwsem';
    else if (i < irqStart) types[i] = random() < 0.8 ? 'spinlock' : 'rwlock';
    else types[i] = 'spinlock';
  }
  if (mixed && classes >= 100) {
    KVM_SLEEPING.forEach(([name, type], i) => {
      names[i] = name;
      types[i] = type;
    });
    // &kvm->mmu_lock is the lowest spinning rank; &kvm->mn_invalidate_lock, a leaf lock in the
    // rules, the highest one that paths use, so nothing is ever taken inside it.
    const [[mmuName, mmuType], [leafName, leafType]] = KVM_SPINNING;
    names[sleepingEnd] = mmuName;
    types[sleepingEnd] = mmuType;
    names[irqStart - 1] = leafName;
    types[irqStart - 1] = leafType;
  }
  const pathList = [];
  for (let p = 0; p < paths; p++) {
    const depth = 1 + Math.floor(random() * 4);
    const chosen = new Set();
    const limit = mixed ? irqStart : classes;
    while (chosen.size < depth) chosen.add(Math.floor(random() * limit));
    const ranks = [...chosen].sort((a, b) => a - b);
    const steps = ranks.map((rank) => {
      const type = types[rank];
      let mode = 'write';
      if ((mixed || full) && type === 'rwsem' && random() < 0.7) mode = 'read';
      if (mixed && type === 'rwlock' && random() < 0.5) mode = 'recursive-read';
      const isTry = (mixed || full) && random() < 0.05;
      if (!full) return { rank, mode, isTry };
      // mutex_lock_nested(lock, 1) now and then: subclass 1 is a class of its own, taken in the same global order.
      const subclass = random() < 0.03 ? 1 : 0;
      return { rank, mode, isTry, subclass, site: codeSite(random, `lock_${rank}`), releaseSite: codeSite(random, `unlock_${rank}`) };
    });
    const stack = full ? Array.from({ length: 2 + Math.floor(random() * 3) }, (_, i) => codeSite(random, `fn${p}_${i}`)) : null;
    pathList.push({ steps, stack, access: mixed && random() < 0.5 ? `v${Math.floor(random() * 1000)}` : null });
  }
  return { kind, classes, tasks, names, types, paths: pathList, irqStart, sleepingEnd, random };
}

/** A kernel-style call site, `name+0x1a/0x80`. */
function codeSite(random, name) {
  const size = 0x40 + Math.floor(random() * 0x400);
  return `${name}+0x${Math.floor(random() * size).toString(16)}/0x${size.toString(16)}`;
}

/**
 * Yields the program's events as plain objects (spec TraceEvents), exactly `events` of them.
 * Each task runs episodes (a path of nested acquisitions, or in the mixed kind an irq episode or
 * an irqs-off section); the scheduler interleaves tasks event by event.
 */
export function* programEvents(program, events) {
  const { random, tasks, names, types, paths } = program;
  const mixed = program.kind === 'mixed';
  const full = program.kind === 'full';
  const declared = new Uint8Array(program.classes);
  const queues = Array.from({ length: tasks }, () => []);
  const taskIds = Array.from({ length: tasks }, (_, i) => `t${i}`);
  let emitted = 0;
  // The deliberate ABBA: t0 takes L1 then L2, t1 takes L2 then L1 (sequentially, no deadlock).
  const a = names[1];
  const b = names[2];
  const prologue = [
    { op: 'acquire', task: 't0', lock: a }, { op: 'acquire', task: 't0', lock: b },
    { op: 'release', task: 't0', lock: b }, { op: 'release', task: 't0', lock: a },
    { op: 'acquire', task: 't1', lock: b }, { op: 'acquire', task: 't1', lock: a },
    { op: 'release', task: 't1', lock: a }, { op: 'release', task: 't1', lock: b },
  ];
  // init events are emitted ahead of the queues (at the moment a task plans its next episode),
  // so no instance is ever initialised while another task holds it.
  const inits = [];
  const init = (rank) => {
    if (mixed && !declared[rank]) {
      declared[rank] = 1;
      inits.push({ op: 'init', lock: names[rank], class: names[rank], type: types[rank] });
    }
    return null;
  };
  init(1);
  init(2);
  for (const event of [...inits.splice(0), ...prologue]) {
    if (emitted >= events) return;
    emitted++;
    if (full) event.ts = emitted * 1000;
    yield event;
  }
  const fill = (t) => {
    const task = taskIds[t];
    const queue = queues[t];
    const roll = random();
    if (mixed && roll < 0.04) {
      // An interrupt arrives: the handler takes one irq-safe spinlock.
      const rank = program.irqStart + Math.floor(random() * (program.classes - program.irqStart));
      queue.push({ op: 'irq', task, kind: 'hardirq', action: 'enter' }, init(rank),
        { op: 'acquire', task, lock: names[rank] }, { op: 'release', task, lock: names[rank] },
        { op: 'irq', task, kind: 'hardirq', action: 'exit' });
      return;
    }
    if (mixed && roll < 0.07) {
      // spin_lock_irqsave on an irq-safe lock in process context.
      const rank = program.irqStart + Math.floor(random() * (program.classes - program.irqStart));
      queue.push({ op: 'irq', task, kind: 'hardirq', action: 'disable' }, init(rank),
        { op: 'acquire', task, lock: names[rank] }, { op: 'release', task, lock: names[rank] },
        { op: 'irq', task, kind: 'hardirq', action: 'enable' });
      return;
    }
    const path = paths[Math.floor(random() * paths.length)];
    if (mixed && types[path.steps[0].rank] !== 'spinlock' && types[path.steps[0].rank] !== 'rwlock') {
      queue.push({ op: 'might-sleep', task });
    }
    for (const step of path.steps) {
      queue.push(init(step.rank));
      // Keys in the order of the event types (event.ts), `ts` last (set when the event is emitted).
      const acquire = { op: 'acquire', task, lock: names[step.rank] };
      if (step.mode !== 'write') acquire.mode = step.mode;
      if (step.isTry) acquire.try = true;
      if (full) {
        if (step.subclass !== 0) acquire.subclass = step.subclass;
        acquire.class = names[step.rank];
        acquire.type = types[step.rank];
        acquire.site = step.site;
        acquire.stack = path.stack;
      }
      queue.push(acquire);
    }
    if (path.access !== null) queue.push({ op: 'access', task, var: path.access, write: random() < 0.3 });
    const order = path.steps.slice().reverse();
    if (order.length > 2 && random() < 0.1) [order[0], order[1]] = [order[1], order[0]]; // non-stack unlock
    for (const step of order) queue.push(full ? { op: 'release', task, lock: names[step.rank], site: step.releaseSite } : { op: 'release', task, lock: names[step.rank] });
  };
  const heads = new Int32Array(tasks);
  while (emitted < events) {
    const t = Math.floor(random() * tasks);
    let queue = queues[t];
    if (heads[t] >= queue.length) {
      queue.length = 0;
      heads[t] = 0;
      fill(t);
      queue = queues[t];
      while (inits.length > 0 && emitted < events) {
        emitted++;
        yield inits.shift();
      }
      if (emitted >= events) return;
    }
    const event = queue[heads[t]++];
    if (event === null) continue;
    emitted++;
    if (full) event.ts = emitted * 1000;
    yield event;
  }
}

/** One event as a JSONL line (the writer's shape: JSON.stringify of the event). */
export function jsonLine(event) {
  return JSON.stringify(event);
}

/** One event as an STD line, or null when STD has no op for it. */
export function stdLine(event, index) {
  switch (event.op) {
    case 'acquire':
      return `${event.task}|acq(${event.lock})|${index}`;
    case 'release':
      return `${event.task}|rel(${event.lock})|${index}`;
    case 'access':
      return `${event.task}|${event.write ? 'w' : 'r'}(${event.var})|${index}`;
    default:
      return null;
  }
}

/**
 * Writes `events` events of the program to `path` in `format` (`jsonl`, `std`, `ftrace` (one
 * lock_acquire / lock_release line per acquire / release, under the trace file's header) or
 * `seq`, the replay format of lockseq.c: a header line `tasks locks events`, then `task op lock`
 * with op 0 = lock, 1 = unlock). For `std`, `ftrace` and `seq` only lock-only programs are meaningful.
 */
export function writeWorkload(path, { kind, events, classes, tasks, seed, format }) {
  const program = makeProgram({ kind, classes, tasks, seed });
  const temp = `${path}.${process.pid}.tmp`;
  const fd = openSync(temp, 'w');
  let buffer = [];
  let size = 0;
  const flush = () => {
    writeSync(fd, buffer.join(''));
    buffer = [];
    size = 0;
  };
  const push = (line) => {
    buffer.push(line, '\n');
    size += line.length + 1;
    if (size > 1 << 20) flush();
  };
  if (format === 'jsonl') push(JSON.stringify({ format: 'lockdep-trace', version: 1, source: 'bench/generate.js', kind, seed }));
  if (format === 'seq') push(`${tasks} ${classes} ${events}`);
  const ftrace = format === 'ftrace' ? new FtraceRenderer(classes) : null;
  if (ftrace !== null) for (const line of ftrace.header(events)) push(line);
  let index = 0;
  let written = 0;
  for (const event of programEvents(program, events)) {
    index++;
    if (format === 'jsonl') {
      push(jsonLine(event));
      written++;
    } else if (ftrace !== null) {
      const line = ftrace.line(event);
      if (line !== null) {
        push(line);
        written++;
      }
    } else if (format === 'std') {
      const line = stdLine(event, index);
      if (line !== null) {
        push(line);
        written++;
      }
    } else {
      if (event.op !== 'acquire' && event.op !== 'release') continue;
      const lock = Number(String(event.lock).replace(/^L/, ''));
      push(`${String(event.task).slice(1)} ${event.op === 'acquire' ? 0 : 1} ${lock}`);
      written++;
    }
  }
  flush();
  closeSync(fd);
  renameSync(temp, path);
  return written;
}
