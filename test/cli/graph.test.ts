/**
 * `lockdep graph` end to end, in-process: each subcommand on the bundled examples (traces and
 * saved graphs as inputs), `-f`/`-o` like check, the exit codes (0 for every answer, 1 for
 * `diff --fail-on-new` matching, 2 for usage and input errors, one line naming the problem).
 */
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { runCli, runCliInProcess } from './run-cli.js';

const ABBA = 'examples/abba.jsonl';
const KVM = 'examples/kvm/kvm-2021.jsonl';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'lockdep-graph-'));
}

describe('lockdep graph why', () => {
  test('the path with its witnesses on the ABBA example, exit 0', async () => {
    const run = await runCliInProcess(['graph', 'why', '&pool->lock', '&cache->lock', ABBA]);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^&pool->lock before &cache->lock: strong path, 1 dependency\n/);
    expect(run.stdout).toContain('held:  examples/abba.jsonl:8 task evictor/2: acquire &pool->lock');
    expect(run.stdout).toContain('taken: examples/abba.jsonl:9 task evictor/2: acquire &cache->lock');
    expect(run.stdout).toContain('at cache_drop_entry+0x14/0x50\n                cache_drop_entry+0x14/0x50\n                pool_evict+0x66/0xb0\n                evict_worker+0x30/0x60\n');
  });

  test('no path is an answer (exit 0)', async () => {
    const run = await runCliInProcess(['graph', 'why', '&(kvm)->mmu_lock', '&vcpu->mutex', KVM, '-f', 'json']);
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ from: '&(kvm)->mmu_lock', to: '&vcpu->mutex', path: null, strong: false, weakAt: null });
  });

  test('an unknown class is a usage error with a hint', async () => {
    const run = await runCliInProcess(['graph', 'why', 'pool->lock', '&cache->lock', ABBA]);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe("lockdep: class 'pool->lock' is not in the graph (2 classes); did you mean '&pool->lock'? (see lockdep --help)\n");
    expect(run.stdout).toBe('');
  });
});

describe('lockdep graph cycles', () => {
  test('-f json prints {"cycles": [...]}, one entry per component, from a trace or its saved graph', async () => {
    const dir = tempDir();
    const saved = join(dir, 'kvm.graph.json');
    expect((await runCliInProcess(['check', '--no-config', '--save-graph', saved, KVM, '-o', join(dir, 'report.txt')])).status).toBe(1);
    const fromTrace = await runCliInProcess(['graph', 'cycles', '-f', 'json', KVM]);
    const fromSaved = await runCliInProcess(['graph', 'cycles', '-f', 'json', saved]);
    expect(fromTrace.status).toBe(0);
    const answer = JSON.parse(fromTrace.stdout);
    expect(Object.keys(answer)).toEqual(['cycles']);
    expect(answer.cycles).toHaveLength(1);
    expect(answer.cycles[0]).toMatchObject({ strong: true, dependencies: 7 });
    expect(answer.cycles[0].classes).toHaveLength(4);
    expect(JSON.parse(fromSaved.stdout)).toEqual(answer);
  });

  test('a trace on standard input ("-"), in the built binary', () => {
    const run = runCli(['graph', 'cycles', '-f', 'json', '-'], { input: readFileSync(ABBA, 'utf8') });
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout).cycles.map((component: { classes: string[] }) => component.classes)).toEqual([['&cache->lock', '&pool->lock']]);
  }, 60_000);

  test('several formats at once, files written, markdown for a PR comment', async () => {
    const dir = tempDir();
    const run = await runCliInProcess(['graph', 'cycles', ABBA, '-f', 'markdown', '-f', `gexf:${join(dir, 'c.gexf')}`, '-f', `graphml:${join(dir, 'c.graphml')}`, '-f', `dot:${join(dir, 'c.dot')}`]);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^### lockdep graph cycles\n\n1 strongly connected component\(s\) with cycles, 1 strong\n/);
    expect(readFileSync(join(dir, 'c.gexf'), 'utf8')).toContain('<node id="n0" label="&amp;cache->lock">');
    expect(readFileSync(join(dir, 'c.graphml'), 'utf8')).toContain('<data key="n0">&amp;cache-&gt;lock</data>');
    expect(readFileSync(join(dir, 'c.dot'), 'utf8')).toMatch(/^digraph "cycles" \{/);
  });

  test('an unknown format is refused before any input is read', async () => {
    const run = await runCliInProcess(['graph', 'cycles', 'no-such-trace.jsonl', '-f', 'yaml']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("unknown format 'yaml'");
  });

  test('a hand-edited saved graph with an unknown class or a repeated pair is an input error, not a crash (graph and merge)', async () => {
    const dir = tempDir();
    const saved = join(dir, 'abba.graph.json');
    await runCliInProcess(['check', '--no-config', '--save-graph', saved, ABBA, '-o', join(dir, 'report.txt')]);
    const graph = JSON.parse(readFileSync(saved, 'utf8'));
    const repeated = join(dir, 'repeated.json');
    writeFileSync(repeated, JSON.stringify({ ...graph, dependencies: [...graph.dependencies, graph.dependencies[0]] }));
    const unknown = join(dir, 'unknown.json');
    writeFileSync(unknown, JSON.stringify({ ...graph, dependencies: [{ ...graph.dependencies[0], to: 'nosuch' }] }));
    const runs = [await runCliInProcess(['graph', 'cycles', repeated]), await runCliInProcess(['graph', 'cycles', unknown])];
    expect(runs.map((run) => run.status)).toEqual([2, 2]);
    expect(runs[0]!.stderr).toBe(`${repeated}: not a consistent lockdep graph: dependencies.2: &cache->lock -> &pool->lock is listed twice (write the graph again with lockdep check --save-graph)\n`);
    expect(runs[1]!.stderr).toBe(`${unknown}: not a consistent lockdep graph: dependencies.0: class 'nosuch' is not in classes (write the graph again with lockdep check --save-graph)\n`);
    // The same reader serves lockdep merge, which crashed on such a file before.
    const merge = await runCliInProcess(['merge', '--no-config', saved, unknown]);
    expect(merge.status).toBe(2);
    expect(merge.stderr).toBe(runs[1]!.stderr);
  });

  test('a missing input is one line naming the file (exit 2)', async () => {
    const run = await runCliInProcess(['graph', 'cycles', 'no-such-trace.jsonl']);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe('no-such-trace.jsonl: cannot read trace: no such file\n');
    const directory = await runCliInProcess(['graph', 'stats', 'examples']);
    expect(directory.status).toBe(2);
    expect(directory.stderr).toBe('examples: cannot read trace: is a directory, not a trace file\n');
  });
});

describe('lockdep graph hierarchy', () => {
  test('levels as text, and -f yaml -o FILE as rules that rules lint accepts', async () => {
    const text = await runCliInProcess(['graph', 'hierarchy', KVM]);
    expect(text.status).toBe(0);
    expect(text.stdout).toContain('level 0: &vcpu->mutex, &kvm->slots_lock\n');
    expect(text.stdout).toContain('on cycles (no place in a lock order; see lockdep graph cycles):\n');
    const dir = tempDir();
    const rules = join(dir, 'observed.yaml');
    expect((await runCliInProcess(['graph', 'hierarchy', KVM, '-f', 'yaml', '-o', rules])).status).toBe(0);
    const lint = await runCliInProcess(['rules', 'lint', '-q', rules]);
    expect(lint.status).toBe(0);
    expect(lint.stderr).toMatch(/: 5 rule\(s\) valid, 8 documented order pair\(s\), no cycle\n$/);
  });
});

describe('lockdep graph diff', () => {
  function traces(): { before: string; after: string } {
    const dir = tempDir();
    const before = join(dir, 'before.jsonl');
    const after = join(dir, 'after.jsonl');
    const lines = (pairs: Array<[string, string]>): string =>
      pairs.flatMap(([a, b]) => [
        { op: 'acquire', task: 't', lock: a }, { op: 'acquire', task: 't', lock: b },
        { op: 'release', task: 't', lock: b }, { op: 'release', task: 't', lock: a },
      ]).map((event) => JSON.stringify(event)).join('\n') + '\n';
    writeFileSync(before, lines([['a', 'b']]));
    writeFileSync(after, lines([['a', 'b'], ['b', 'c']]));
    return { before, after };
  }

  test('the new dependency with its witness; exit 0 without a gate', async () => {
    const { before, after } = traces();
    const run = await runCliInProcess(['graph', 'diff', before, after]);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^1 new dependency, 0 widened, 0 removed; 1 new class\(es\), 0 removed\nnew dependencies:\n {2}1\. b -> c \[EN\]\n/);
    expect(run.stdout).toContain('after.jsonl:6 task t: acquire c');
  });

  test('--fail-on-new fails the gate only on a matching new dependency', async () => {
    const { before, after } = traces();
    const failing = await runCliInProcess(['graph', 'diff', before, after, '--fail-on-new', 'b -> *', '-f', 'json']);
    expect(failing.status).toBe(1);
    expect(JSON.parse(failing.stdout).failing.map((dep: { from: string; to: string }) => `${dep.from}>${dep.to}`)).toEqual(['b>c']);
    expect((await runCliInProcess(['graph', 'diff', before, after, '--fail-on-new', 'a -> *'])).status).toBe(0);
    expect((await runCliInProcess(['graph', 'diff', after, before, '--fail-on-new', '*'])).status).toBe(0);
  });
});

describe('lockdep graph stats', () => {
  test('the /proc/lockdep_stats-style figures of the KVM example', async () => {
    const run = await runCliInProcess(['graph', 'stats', KVM, '-f', 'json']);
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ classes: 7, dependencies: 15, chains: 20, cycles: 1, classesOnCycles: 4, maxInDegree: { class: '&kvm->srcu', degree: 4 } });
  });

  test('several inputs are merged into one graph; their chains add up', async () => {
    const run = await runCliInProcess(['graph', 'stats', ABBA, KVM, '-f', 'json']);
    expect(JSON.parse(run.stdout)).toMatchObject({ classes: 9, dependencies: 17, chains: 24, cycles: 2 });
  });

  test('a saved graph keeps its chain count; a bare snapshot has none', async () => {
    const dir = tempDir();
    const saved = join(dir, 'abba.graph.json');
    await runCliInProcess(['check', '--no-config', '--save-graph', saved, ABBA, '-o', join(dir, 'report.txt')]);
    expect(JSON.parse((await runCliInProcess(['graph', 'stats', saved, '-f', 'json'])).stdout).chains).toBe(4);
    const { result: _result, ...bare } = JSON.parse(readFileSync(saved, 'utf8'));
    const snapshot = join(dir, 'bare.json');
    writeFileSync(snapshot, JSON.stringify(bare));
    const run = await runCliInProcess(['graph', 'stats', snapshot]);
    expect(run.stdout).toContain(' dependency chains:                      unknown (a saved graph without its result)\n');
  });
});

describe('lockdep graph on real traces (test/fixtures/real/std, sources in its README)', () => {
  const REAL_STD = 'test/fixtures/real/std';

  test('cond_var_fp: the one cycle check reports (classes 8 and 10), with the trace lines of its witnesses', async () => {
    const run = await runCliInProcess(['graph', 'cycles', '-f', 'json', `${REAL_STD}/cond_var_fp_dlf.std`]);
    expect(run.status).toBe(0);
    const { cycles } = JSON.parse(run.stdout);
    expect(cycles).toHaveLength(1);
    expect(cycles[0]).toMatchObject({ classes: ['8', '10'], strong: true });
    expect(cycles[0].cycle.map((dep: { from: string; to: string; next: { line: number } }) => `${dep.from}>${dep.to}@${dep.next.line}`)).toEqual(['8>10@21', '10>8@44']);
  });

  test('every real STD trace: a strong component exactly when check reports a circular dependency', async () => {
    for (const name of readdirSync(REAL_STD).filter((file) => file.endsWith('.std'))) {
      const file = `${REAL_STD}/${name}`;
      const checked = JSON.parse((await runCliInProcess(['check', '--no-config', '-f', 'json', file])).stdout);
      const cycles = JSON.parse((await runCliInProcess(['graph', 'cycles', '-f', 'json', file])).stdout).cycles;
      const reported = checked.violations.some((finding: { kind: string }) => finding.kind === 'circular-dependency');
      expect(cycles.some((component: { strong: boolean }) => component.strong), name).toBe(reported);
    }
  });
});
