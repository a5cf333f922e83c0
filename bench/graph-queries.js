/**
 * `lockdep graph` analyses on a generated graph (bench/worker.js `graph` mode): a seeded
 * snapshot of CLASSES classes and EDGES dependencies, layered like a real lock order (most
 * dependencies go from a lower class to a higher one) with one in BACKWARD_SHARE going back, so
 * that the graph has many components and one large cycle; dependency types are mixed (the four
 * of lockdep), so the strong-path rule prunes. Measures, in CPU and wall milliseconds: building
 * the graphology graph and its index from the snapshot, then `graph cycles`, `graph hierarchy`
 * and `graph why` (the mean of WHY_QUERIES random pairs) on it, each after the build.
 * Invariant: the same parameters give the same graph (a fixed-seed xorshift generator).
 */
const BACKWARD_SHARE = 0.005;
const WHY_QUERIES = 20;

function xorshift(seed) {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 4294967296;
  };
}

function generateSnapshot(classCount, edgeCount, random) {
  const types = ['mutex', 'spinlock', 'rwsem', 'rwlock'];
  const classes = [];
  for (let i = 0; i < classCount; i++) classes.push({ name: `class${i}`, type: types[i % 4], usage: '....', usageMask: 1 << 8, usageAt: [] });
  const seen = new Set();
  const dependencies = [];
  const ref = (task, line, cls) => ({ task, file: 'generated', line, class: cls });
  while (dependencies.length < edgeCount) {
    let from = Math.floor(random() * classCount);
    let to = Math.floor(random() * classCount);
    if (from === to) continue;
    const backward = random() < BACKWARD_SHARE;
    if ((from < to) === backward) [from, to] = [to, from];
    const key = from * classCount + to;
    if (seen.has(key)) continue;
    seen.add(key);
    const mask = 1 << Math.floor(random() * 4);
    const names = ['SR', 'ER', 'SN', 'EN'];
    const typeNames = [names[Math.log2(mask)]];
    const line = dependencies.length + 1;
    dependencies.push({
      from: `class${from}`, to: `class${to}`, mask, maskBack: 0, types: typeNames,
      witness: { from: `class${from}`, to: `class${to}`, types: typeNames, task: `t${line % 64}`, prev: ref(`t${line % 64}`, line, `class${from}`), next: ref(`t${line % 64}`, line, `class${to}`) },
    });
  }
  return { format: 'lockdep-graph', version: 1, sources: ['generated'], classes, dependencies };
}

function time(work) {
  const cpu = process.cpuUsage();
  const wall = performance.now();
  const value = work();
  const used = process.cpuUsage(cpu);
  return { value, cpuMs: (used.user + used.system) / 1000, wallMs: performance.now() - wall };
}

export async function benchGraphQueries(classCount = 10_000, edgeCount = 100_000) {
  const { toGraphology } = await import('../dist/engine/class-graph.js');
  const { indexGraph } = await import('../dist/graph/indexed-graph.js');
  const { findCycles } = await import('../dist/graph/cycles.js');
  const { lockHierarchy } = await import('../dist/graph/hierarchy.js');
  const { explainDependency } = await import('../dist/graph/why.js');
  const random = xorshift(20261207);
  const snapshot = generateSnapshot(classCount, edgeCount, random);
  const build = time(() => indexGraph(toGraphology(snapshot)));
  const graph = build.value;
  const cycles = time(() => findCycles(graph));
  const hierarchy = time(() => lockHierarchy(graph));
  let found = 0;
  const why = time(() => {
    for (let i = 0; i < WHY_QUERIES; i++) {
      const answer = explainDependency(graph, `class${Math.floor(random() * classCount)}`, `class${Math.floor(random() * classCount)}`);
      if (answer.path !== null) found++;
    }
  });
  const largest = Math.max(0, ...cycles.value.cycles.map((component) => component.classes.length));
  return {
    classes: classCount,
    edges: edgeCount,
    buildMs: build.cpuMs,
    cyclesMs: cycles.cpuMs,
    hierarchyMs: hierarchy.cpuMs,
    whyMs: why.cpuMs / WHY_QUERIES,
    wall: { buildMs: build.wallMs, cyclesMs: cycles.wallMs, hierarchyMs: hierarchy.wallMs, whyMs: why.wallMs / WHY_QUERIES },
    components: cycles.value.cycles.length,
    strong: cycles.value.cycles.filter((component) => component.strong).length,
    largestComponent: largest,
    levels: hierarchy.value.levels.length,
    whyFound: found,
    whyQueries: WHY_QUERIES,
  };
}
