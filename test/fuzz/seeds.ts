/**
 * Valid seed inputs for the fuzzers, one set per input format: every JSONL op and field, ftrace
 * lines with each flags column and the stack-trace form, STD with both dialects, rule files of
 * every kind, a baseline, a saved graph and a saved result (both produced by the real code, so
 * the seeds stay valid when the formats grow).
 * Invariant: each seed parses cleanly on its own (each fuzz file's "every seed is valid" test asserts it), so a fuzz failure
 * is always caused by the mutation.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createBaseline, serializeBaseline } from '../../src/baseline/baseline-file.js';
import { serializeSavedGraph } from '../../src/cli/saved-graph.js';
import { Validator } from '../../src/engine/validator.js';
import { parseTraceText } from '../../src/events/jsonl-reader.js';
import { renderJson } from '../../src/report/json.js';

const root = join(import.meta.dirname, '..', '..');

/** Every op, every optional field, irq contexts, nesting, a cycle and a held lock at exit. */
export const JSONL_ALL_OPS = [
  '{"format":"lockdep-trace","version":1,"source":"fuzz seed"}',
  '{"op":"init","lock":"a","class":"A","type":"mutex","site":"a_init+0x1/0x2"}',
  '{"op":"init","lock":"b","class":"B","type":"spinlock"}',
  '{"op":"init","lock":"r","class":"R","type":"rwsem"}',
  '{"op":"init","lock":"w","class":"W","type":"rwlock"}',
  '{"op":"init","lock":"m","class":"M","type":"map"}',
  '{"op":"acquire","task":"t1","lock":"a","site":"f+0x1/0x10","stack":["f+0x1/0x10","g+0x2/0x20"],"ts":1}',
  '{"op":"acquire","task":"t1","lock":"b","mode":"write","ts":2}',
  '{"op":"release","task":"t1","lock":"a"}',
  '{"op":"release","task":"t1","lock":"b"}',
  '{"op":"acquire","task":2,"lock":"b"}',
  '{"op":"acquire","task":2,"lock":"a","try":true}',
  '{"op":"acquire","task":2,"lock":"r","mode":"read","subclass":1}',
  '{"op":"acquire","task":2,"lock":"w","mode":"recursive-read"}',
  '{"op":"acquire","task":2,"lock":"x1","class":"X","nest":"a"}',
  '{"op":"acquire","task":2,"lock":"x2","class":"X","nest":"a"}',
  '{"op":"assert","task":2,"lock":"a","held":"write"}',
  '{"op":"assert","task":2,"lock":"m","held":"none"}',
  '{"op":"access","task":2,"var":"counter","write":true}',
  '{"op":"might-sleep","task":2}',
  '{"op":"irq","task":"t1","kind":"hardirq","action":"enter"}',
  '{"op":"acquire","task":"t1","lock":"b"}',
  '{"op":"release","task":"t1","lock":"b"}',
  '{"op":"irq","task":"t1","kind":"hardirq","action":"exit"}',
  '{"op":"irq","task":"t1","kind":"softirq","action":"disable"}',
  '{"op":"sync","task":"t1","lock":"m"}',
  '{"op":"irq","task":"t1","kind":"softirq","action":"enable"}',
  '{"op":"free","task":"t1","lock":"r"}',
  '{"op":"init","lock":"a","class":"A"}',
  '{"op":"release","task":2,"lock":"nothing"}',
  '{"op":"exit","task":2}',
  '{"op":"exit","task":"t1"}',
  '',
].join('\n');

function readExamples(): string[] {
  const dir = join(root, 'examples');
  return readdirSync(dir)
    .filter((name) => name.endsWith('.jsonl'))
    .map((name) => readFileSync(join(dir, name), 'utf8'));
}

/**
 * Lock lines in the shapes the JSONL byte lane reads (every field of acquire and release, in the
 * writer's order and others) and their near misses (spacing, escapes, non-ASCII, numbers as ids,
 * unknown and repeated keys; all valid JSON, as every seed must check), so that mutations start
 * from both sides of the lane's edge.
 */
const JSONL_LANE_SHAPES = [
  '{"format":"lockdep-trace","version":1}',
  '{"op":"acquire","task":"t1","lock":"a","mode":"read","try":true,"subclass":1,"class":"A","type":"rwsem","site":"f+0x1/0x10","stack":["f+0x1/0x10","g+0x2/0x20"],"ts":1}',
  '{"op":"acquire","task":"t1","lock":"b","nest":"a","class":"B","type":"mutex","site":"g+0x2/0x20","stack":[],"ts":2.5e3}',
  '{"op":"release","task":"t1","lock":"b","site":"g+0x9/0x20","ts":3}',
  '{"ts":4,"stack":["h"],"site":"h","lock":"a","task":"t1","op":"release"}',
  '{"op":"acquire","task":"t2","lock":"b","mode":"write","try":false,"site":"k"}',
  '{"op":"acquire","task":"t2","lock":"a", "site":"k"}',
  '{"op":"release","task":"t2","lock":"a","site":"k\\u0031"}',
  '{"op":"release","task":"t2","lock":"b","site":"é","stack":["é"]}',
  '{"op":"acquire","task":3,"lock":"a","site":"k","site":"k2"}',
  '{"op":"release","task":3,"lock":"a","percpu":true,"ts":1.0}',
  '{"op":"exit","task":"t2","site":"x","stack":["x","y"],"ts":9}',
  '',
].join('\n');

export const JSONL_SEEDS: readonly string[] = [JSONL_ALL_OPS, JSONL_LANE_SHAPES, ...readExamples()];

/** ftrace text as `trace-cmd report` and the kernel's `trace` file print it. */
export const FTRACE_SEEDS: readonly string[] = [
  [
    '# tracer: nop',
    '#',
    '#                                _-----=> irqs-off/BH-disabled',
    '#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION',
    '#              | |         |   |||||     |         |',
    '     kworker/0:1-42      [000] .....   100.000001: lock_acquire: ffff888003c1a0b8 &kvm->slots_lock',
    '     kworker/0:1-42      [000] .....   100.000002: lock_acquire: ffff888003c1a0d0 read &kvm->mmu_notifier_slots_lock',
    '     kworker/0:1-42      [000] .....   100.000003: lock_release: ffff888003c1a0d0 &kvm->mmu_notifier_slots_lock',
    '     kworker/0:1-42      [000] d....   100.000004: lock_acquire: ffff888003c1a0e8 try &kvm->mmu_lock',
    '     kworker/0:1-42      [000] d.h..   100.000005: lock_acquire: ffff888003c1a100 &irq_lock',
    '     kworker/0:1-42      [000] d.h..   100.000006: lock_release: ffff888003c1a100 &irq_lock',
    '     kworker/0:1-42      [000] d....   100.000007: lock_release: ffff888003c1a0e8 &kvm->mmu_lock',
    '     kworker/0:1-42      [000] ..s..   100.000008: lock_acquire: ffff888003c1a118 read rcu_read_lock',
    '     kworker/0:1-42      [000] ..s..   100.000009: lock_release: ffff888003c1a118 rcu_read_lock',
    '     kworker/0:1-42      [000] .....   100.000010: lock_release: ffff888003c1a0b8 &kvm->slots_lock',
    '          <idle>-0       [001] d.h..   100.000011: lock_acquire: ffff888003c1a100 &irq_lock',
    '          <idle>-0       [001] d.h..   100.000012: lock_release: ffff888003c1a100 &irq_lock',
    '            qemu-1234    [002] .....   100.000013: lock_acquire: ffff888003c1a0d0 &kvm->mmu_notifier_slots_lock',
    '            qemu-1234    [002] .....   100.000014: kernel_stack:         <stack trace >',
    ' => install_new_memslots+0x5a/0x120',
    ' => kvm_set_memslot+0x1f/0x300',
    '            qemu-1234    [002] .....   100.000015: lock_acquire: ffff888003c1a0b8 &kvm->slots_lock',
    '            qemu-1234    [002] .....   100.000016: lock_release: ffff888003c1a0b8 &kvm->slots_lock',
    '            qemu-1234    [002] .....   100.000017: lock_release: ffff888003c1a0d0 &kvm->mmu_notifier_slots_lock',
    'CPU:2 [LOST 12 EVENTS]',
    '            qemu-1234    [002] .....   100.000018: sched_process_free: comm=qemu pid=1234 prio=120',
    '',
  ].join('\n'),
  [
    'cpus=2',
    '       trace-cmd-7   (     7) [000]   5.000001: lock_acquire:         0xffff1000 &a->lock',
    '       trace-cmd-7   (     7) [000]   5.000002: lock_acquire:         0xffff2000 &b->lock',
    '       trace-cmd-7   (     7) [000]   5.000003: lock_release:         0xffff2000 &b->lock',
    '       trace-cmd-7   (     7) [000]   5.000004: lock_release:         0xffff1000 &a->lock',
    '       trace-cmd-8   (     8) [001]   5.000005: lock_acquire:         0xffff2000 &b->lock',
    '       trace-cmd-8   (     8) [001]   5.000006: lock_acquire:         0xffff1000 &a->lock',
    '',
  ].join('\n'),
];

/** STD traces: the RAPID dialect and the SPD (req/wait/notify) one. */
export const STD_SEEDS: readonly string[] = [
  ['T1|acq(L1)|12', 'T1|acq(L2)|13', 'T1|w(V1)|14', 'T1|rel(L2)|15', 'T1|rel(L1)|16', 'T2|fork(T3)|17',
    'T2|acq(L2)|18', 'T2|acq(L1)|19', 'T2|r(V1)|20', 'T2|rel(L1)|21', 'T2|rel(L2)|22', 'T2|join(T1)|23', ''].join('\n'),
  ['# spd dialect', 'main|req(m)|1', 'main|acq(m)|1', 'main|wait(m)|2', 'worker|acq(m)', 'worker|notify(m)|3',
    'worker|notifyAll(m)|3', 'worker|rel(m)|4', 'main|rel(m)|5', 'main|begin', 'main|end', 'main|acq(m)|6', ''].join('\n'),
];

const RULE_FILE_ALL_KINDS = `version: 1
classes:
  A: mutex
  B: rwsem
  C: spinlock
  notifier: map
rules:
  - id: a-before-b
    kind: order
    outer: A
    inner: B
    innerMode: write
    description: A is taken outside the write side of B
  - id: chain
    kind: order
    chain: A < B < C
    description: the documented order
  - id: no-a-in-notifier
    kind: forbid-inside
    lock: A
    inside: notifier
    severity: warning
    description: notifiers must not take A
  - id: writers
    kind: writers-only-at
    lock: B
    mode: write
    functions: [install, update]
    description: only install and update write B
  - id: guarded
    kind: guarded-by
    var: count
    access: write
    lock: C
    description: count is written under C
  - id: leaf-c
    kind: leaf
    lock: C
    description: C is a leaf lock
`;

function readRulePacks(): string[] {
  const dir = join(root, 'rules');
  return readdirSync(dir)
    .filter((name) => name.endsWith('.yaml'))
    .map((name) => readFileSync(join(dir, name), 'utf8'));
}

export const RULE_SEEDS: readonly string[] = [RULE_FILE_ALL_KINDS, ...readRulePacks()];

/** lockdep.config.yaml seeds. */
export const CONFIG_SEEDS: readonly string[] = [
  'rules:\n  - rules/kvm-2021.yaml\nmaxDepth: 32\nstrictOrder: true\nmaxWarnings: 3\nclassTypes:\n  "&a->lock": spinlock\n  b: rwsem\n',
  'maxDepth: 48\n',
];

/** The result and graph of checking the all-ops seed (real output of the engine). */
function checkedSeed(): Validator {
  const validator = new Validator({ file: 'seed.jsonl' });
  for (const { event, origin } of parseTraceText(JSONL_ALL_OPS, 'seed.jsonl').records) validator.process(event, origin);
  for (const { event, origin } of parseTraceText(readExamples()[0] ?? '', 'abba.jsonl').records) validator.process(event, origin);
  validator.end();
  return validator;
}

const seedValidator = checkedSeed();

export const RESULT_SEEDS: readonly string[] = [renderJson(seedValidator.result())];
export const GRAPH_SEEDS: readonly string[] = [
  serializeSavedGraph(seedValidator.snapshot(['seed.jsonl']), seedValidator.result()),
  `${JSON.stringify(seedValidator.snapshot(['seed.jsonl']), null, 2)}\n`,
];
export const BASELINE_SEEDS: readonly string[] = [serializeBaseline(createBaseline(seedValidator.result()))];

const IMPORTER_FIXTURES = join(import.meta.dirname, '..', 'importers', 'fixtures');
const REAL_FTRACE = join(import.meta.dirname, '..', 'fixtures', 'real', 'ftrace');

/** Real ftrace excerpts and the trace-cmd layouts (-R raw fields, -l latency, function_graph). */
export const KERNEL_TEXT_SEEDS: readonly string[] = [
  ...readdirSync(REAL_FTRACE).map((name) => readFileSync(join(REAL_FTRACE, name), 'utf8')),
  ...['trace-cmd-raw.txt', 'trace-cmd-latency.txt', 'ftrace-function-first.txt', 'ftrace-function-graph.txt'].map((name) =>
    readFileSync(join(IMPORTER_FIXTURES, name), 'utf8'),
  ),
];

/** `perf script` output of the lock tracepoints (callchains, -F variants). */
export const PERF_SEEDS: readonly string[] = ['perf-callchain-abba.txt', 'perf-fields.txt'].map((name) =>
  readFileSync(join(IMPORTER_FIXTURES, name), 'utf8'),
);
