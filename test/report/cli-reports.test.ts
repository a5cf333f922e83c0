/**
 * The reporting and gating command line, run in-process: `-f FORMAT[:FILE]` and `-o`, refusing
 * to overwrite inputs, atomic writes, color, `lockdep report`, baselines, thresholds,
 * `--save-graph` + `lockdep merge`; through the built binary: no progress when stderr is a pipe,
 * and parallel checking (worker threads) in input order.
 */
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type CliRunOptions, runCli as spawnCliAnywhere, runCliInProcess } from '../cli/run-cli.js';
import { descendants, parseXml } from './xml-document.js';

/** The arguments with `--no-config`: any lockdep.config.yaml a checkout may have is ignored (these tests set every option). */
const noConfig = (args: readonly string[]): string[] =>
  ['check', 'baseline', 'merge'].includes(args[0] ?? '') ? [args[0] as string, '--no-config', ...args.slice(1)] : [...args];
const runCli = (args: readonly string[], options?: Omit<CliRunOptions, 'input'>) => runCliInProcess(noConfig(args), options);
const spawnCli = (args: readonly string[]) => spawnCliAnywhere(noConfig(args));

const dir = mkdtempSync(join(tmpdir(), 'lockdep-reports-'));
const file = (name: string, lines: readonly string[]): string => {
  const path = join(dir, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
};
const AB = ['{"op":"acquire","task":"t1","lock":"A","site":"src/a.ts:10"}', '{"op":"acquire","task":"t1","lock":"B","site":"src/a.ts:11"}', '{"op":"release","task":"t1","lock":"B"}', '{"op":"release","task":"t1","lock":"A"}'];
const BA = ['{"op":"acquire","task":"t2","lock":"B","site":"src/b.ts:20"}', '{"op":"acquire","task":"t2","lock":"A","site":"src/b.ts:21"}', '{"op":"release","task":"t2","lock":"A"}', '{"op":"release","task":"t2","lock":"B"}'];
const CD = ['{"op":"acquire","task":"t3","lock":"C"}', '{"op":"acquire","task":"t3","lock":"D"}', '{"op":"release","task":"t3","lock":"D"}', '{"op":"release","task":"t3","lock":"C"}'];
const DC = ['{"op":"acquire","task":"t4","lock":"D"}', '{"op":"acquire","task":"t4","lock":"C"}', '{"op":"release","task":"t4","lock":"C"}', '{"op":"release","task":"t4","lock":"D"}'];

describe('output targets', { timeout: 60_000 }, () => {
  it('writes several formats: text to stdout, sarif and html to files, atomically', async () => {
    const sarif = join(dir, 'out.sarif');
    const html = join(dir, 'out.html');
    const run = await runCli(['check', '-f', 'text', '-f', `sarif:${sarif}`, '--format', `html:${html}`, 'examples/abba.jsonl']);
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('WARNING: possible circular locking dependency detected');
    const log = JSON.parse(readFileSync(sarif, 'utf8')) as { runs: Array<{ results: Array<{ ruleId: string; partialFingerprints: Record<string, string> }> }> };
    expect(log.runs[0]?.results[0]?.ruleId).toBe('lockdep/circular-dependency');
    expect(log.runs[0]?.results[0]?.partialFingerprints['lockdep/v1']).toMatch(/^[0-9a-f]+$/);
    expect(readFileSync(html, 'utf8')).toContain('<svg');
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('-o sends the formats without a file there', async () => {
    const out = join(dir, 'o.md');
    const run = await runCli(['check', '-f', 'markdown', '-o', out, 'examples/abba.jsonl']);
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(readFileSync(out, 'utf8')).toMatch(/^## lockdep/);
  });

  it('refuses to overwrite an input, two reports in one file, and unknown formats (exit 2)', async () => {
    const trace = file('keep.jsonl', AB);
    const before = readFileSync(trace, 'utf8');
    const overwrite = await runCli(['check', '-o', trace, trace]);
    expect(overwrite.status).toBe(2);
    expect(overwrite.stderr).toContain('it is an input of this command');
    expect(readFileSync(trace, 'utf8')).toBe(before);
    const viaFormat = await runCli(['check', '-f', `json:${trace}`, trace]);
    expect(viaFormat.status).toBe(2);
    const clash = await runCli(['check', '-f', `json:${join(dir, 'x.out')}`, '-f', `sarif:${join(dir, 'x.out')}`, trace]);
    expect(clash.status).toBe(2);
    expect(clash.stderr).toContain('two reports would be written to');
    const unknown = await runCli(['check', '-f', 'xml', trace]);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain("unknown format 'xml'");
    expect(unknown.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('colors text only when asked or forced, never with NO_COLOR', async () => {
    expect((await runCli(['check', 'examples/abba.jsonl'])).stdout).not.toContain('\u001b[');
    expect((await runCli(['check', 'examples/abba.jsonl'], { env: { NO_COLOR: '', FORCE_COLOR: '1' } })).stdout).toContain('\u001b[');
    expect((await runCli(['check', '--color', 'examples/abba.jsonl'])).stdout).toContain('\u001b[');
    expect((await runCli(['check', '-f', 'json', '--color', 'examples/abba.jsonl'])).stdout).not.toContain('\u001b[');
  });

  it('prints no progress when stderr is not a terminal', () => {
    const run = spawnCli(['check', 'examples/clean.jsonl']);
    expect(run.status).toBe(0);
    expect(run.stderr).toBe('');
  });
});

describe('lockdep report', { timeout: 60_000 }, () => {
  it('re-renders a saved result in another format with the same verdict', async () => {
    const saved = join(dir, 'result.json');
    expect((await runCli(['check', '-f', `json:${saved}`, 'examples/abba.jsonl'])).status).toBe(1);
    const markdown = await runCli(['report', saved, '-f', 'markdown']);
    expect(markdown.status).toBe(1);
    expect(markdown.stdout).toContain('| 1 | ❌ error | circular-dependency | &amp;cache-&gt;lock -&gt; &amp;pool-&gt;lock -&gt; &amp;cache-&gt;lock |');
    expect(markdown.stdout).toBe((await runCli(['check', '-f', 'markdown', 'examples/abba.jsonl'])).stdout);
    const github = await runCli(['report', saved, '-f', 'github', '--exit-zero']);
    expect(github.status).toBe(0);
    expect(github.stdout).toMatch(/^::error file=examples\/abba\.jsonl,line=9,/);
  });

  it('names file:line:col for a broken result file', async () => {
    const broken = file('broken.json', ['{"version": 1,', '  "violations": [}']);
    const run = await runCli(['report', broken, '-f', 'text']);
    expect(run.status).toBe(2);
    expect(run.stderr.trim()).toBe(`${broken}:2:18: invalid JSON: unexpected "}" (is this file complete and written by lockdep?)`);
    const wrong = file('wrong.json', ['{"version": 2, "violations": [], "summary": {}}']);
    const shape = await runCli(['report', wrong]);
    expect(shape.status).toBe(2);
    expect(shape.stderr).toContain(`${wrong}:1: not a lockdep result`);
  });

  it('applies --max-warnings and --exit-zero to warnings and errors', async () => {
    const result = {
      version: 1,
      violations: [
        { kind: 'rule-violation', rule: 'r1', severity: 'warning', fingerprint: 'w1', message: 'w', classes: ['A'], events: [{ task: 't' }] },
        { kind: 'rule-violation', rule: 'r1', severity: 'warning', fingerprint: 'w2', message: 'w', classes: ['B'], events: [{ task: 't' }] },
      ],
      summary: { events: 1, tasks: 1, classes: 2, dependencies: 0, violations: 2 },
    };
    const warnings = file('warnings.json', [JSON.stringify(result)]);
    expect((await runCli(['report', warnings, '-f', 'json'])).status).toBe(0);
    expect((await runCli(['report', warnings, '-f', 'json', '--max-warnings', '2'])).status).toBe(0);
    expect((await runCli(['report', warnings, '-f', 'json', '--max-warnings', '1'])).status).toBe(1);
    expect((await runCli(['report', warnings, '-f', 'json', '--max-warnings', '1', '--exit-zero'])).status).toBe(0);
    expect((await runCli(['report', warnings, '--max-warnings', '-1'])).status).toBe(2);
  });
});

describe('baselines', { timeout: 60_000 }, () => {
  it('baselined findings do not fail; stale entries are reported, fail under --strict-baseline, and are pruned', async () => {
    const cyclic = file('cyclic.jsonl', [...AB, ...BA]);
    const baselineFile = join(dir, 'lockdep-baseline.json');
    const write = await runCli(['baseline', cyclic, '-o', baselineFile]);
    expect(write.status).toBe(0);
    expect(write.stderr).toContain('wrote 1 finding(s)');
    const text = readFileSync(baselineFile, 'utf8');
    expect(JSON.parse(text).findings).toHaveLength(1);
    // Stable: writing again gives the same bytes.
    expect((await runCli(['baseline', cyclic, '-o', baselineFile])).status).toBe(0);
    expect(readFileSync(baselineFile, 'utf8')).toBe(text);

    const known = await runCli(['check', '--baseline', baselineFile, '-f', 'json', cyclic]);
    expect(known.status, `${known.stderr}\n${known.stdout}\n${text}`).toBe(0);
    expect(JSON.parse(known.stdout).violations[0].baselined).toBe(true);
    // A new cycle still fails.
    const more = file('more.jsonl', [...AB, ...BA, ...CD, ...DC]);
    expect((await runCli(['check', '--baseline', baselineFile, more])).status).toBe(1);

    const fixed = file('fixed.jsonl', AB);
    const stale = await runCli(['check', '--baseline', baselineFile, fixed]);
    expect(stale.status).toBe(0);
    expect(stale.stderr).toMatch(new RegExp(`^${baselineFile.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:6: stale baseline entry [0-9a-f]+ \\(circular-dependency: A, B\\) matches no finding`));
    expect((await runCli(['check', '--baseline', baselineFile, '--strict-baseline', fixed])).status).toBe(1);
    const prune = await runCli(['check', '--baseline', baselineFile, '--prune-baseline', fixed]);
    expect(prune.status).toBe(0);
    expect(prune.stderr).toContain('removed 1 stale entry');
    expect(JSON.parse(readFileSync(baselineFile, 'utf8')).findings).toEqual([]);
    expect((await runCli(['check', '--baseline', baselineFile, '--strict-baseline', fixed])).status).toBe(0);
  });

  it('needs --baseline for the baseline flags', async () => {
    const run = await runCli(['check', '--strict-baseline', 'examples/clean.jsonl']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--strict-baseline needs --baseline FILE');
  });
});

describe('save-graph and merge', { timeout: 60_000 }, () => {
  it('finds a cycle whose halves come from different runs and names each origin', async () => {
    const run1 = file('run1.jsonl', AB);
    const run2 = file('run2.jsonl', BA);
    const g1 = join(dir, 'g1.json');
    const g2 = join(dir, 'g2.json');
    expect((await runCli(['check', '--save-graph', g1, run1])).status).toBe(0);
    expect((await runCli(['check', '--save-graph', g2, run2])).status).toBe(0);
    const merged = await runCli(['merge', g1, g2, '-f', 'json']);
    expect(merged.status).toBe(1);
    const result = JSON.parse(merged.stdout);
    expect(result.violations).toHaveLength(1);
    expect(result.violations[0].kind).toBe('circular-dependency');
    expect(result.violations[0].message).toContain(`A -> B from ${g1} (${run1}:2)`);
    expect(result.violations[0].message).toContain(`B -> A from ${g2} (${run2}:2)`);
    expect(result.traces.map((t: { file: string }) => t.file)).toEqual([g1, g2]);
    expect(result.summary.events).toBe(8);
    // The merged graph renders with the full graph.
    const dot = await runCli(['merge', g1, g2, '-f', 'dot', '--exit-zero']);
    expect(dot.status).toBe(0);
    expect(dot.stdout).toContain('"A" -> "B" [label="EN", color="#c62828"');
  });

  it('does not report again a cycle that one run already had', async () => {
    const both = file('both.jsonl', [...AB, ...BA]);
    const other = file('other.jsonl', CD);
    const g3 = join(dir, 'g3.json');
    const g4 = join(dir, 'g4.json');
    expect((await runCli(['check', '--save-graph', g3, both])).status).toBe(1);
    expect((await runCli(['check', '--save-graph', g4, other])).status).toBe(0);
    const merged = await runCli(['merge', g3, g4, '-f', 'json']);
    expect(merged.status).toBe(0);
    expect(JSON.parse(merged.stdout).violations).toEqual([]);
  });

  const spinlocks = (...locks: string[]) => locks.map((lock) => `{"op":"init","lock":"${lock}","type":"spinlock"}`);
  const irq = (task: string, action: string) => `{"op":"irq","task":"${task}","kind":"hardirq","action":"${action}"}`;

  /** Saves the graph of each trace (each run clean on its own) and merges them as JSON. */
  const mergeRuns = async (name: string, traces: ReadonlyArray<readonly string[]>, mergeArgs: readonly string[] = []) => {
    const runs = traces.map((lines, i) => file(`${name}-run${i + 1}.jsonl`, lines));
    const graphs = runs.map((_, i) => join(dir, `${name}-g${i + 1}.json`));
    for (const [i, run] of runs.entries()) {
      expect((await runCli(['check', ...mergeArgs, '--save-graph', graphs[i] as string, run])).status).toBe(0);
    }
    const merged = await runCli(['merge', ...mergeArgs, ...graphs, '-f', 'json']);
    return { runs, graphs, status: merged.status, violations: JSON.parse(merged.stdout).violations as Array<{ kind: string; rule: string | null; message: string }> };
  };

  it('finds a rule violation whose dependency path comes from different runs (--rules)', async () => {
    const rules = file('order-a-b.yaml', ['version: 1', 'rules:', '  - id: a-before-b', '    kind: order', '    outer: A', '    inner: B', '    description: A is taken outside B']);
    const BX = ['{"op":"acquire","task":"t1","lock":"B"}', '{"op":"acquire","task":"t1","lock":"X"}', '{"op":"release","task":"t1","lock":"X"}', '{"op":"release","task":"t1","lock":"B"}'];
    const XA = ['{"op":"acquire","task":"t2","lock":"X"}', '{"op":"acquire","task":"t2","lock":"A"}', '{"op":"release","task":"t2","lock":"A"}', '{"op":"release","task":"t2","lock":"X"}'];
    const { runs, graphs, status, violations } = await mergeRuns('rule', [BX, XA], ['--rules', rules]);
    expect(status).toBe(1);
    expect(violations).toHaveLength(1);
    expect(violations[0]?.kind).toBe('rule-violation');
    expect(violations[0]?.rule).toBe('a-before-b');
    expect(violations[0]?.message).toContain(`B -> X from ${graphs[0]} (${runs[0]}:2)`);
    expect(violations[0]?.message).toContain(`X -> A from ${graphs[1]} (${runs[1]}:2)`);
  });

  it('finds an irq-safe to irq-unsafe order whose dependency path comes from different runs', async () => {
    const nested = (task: string, outer: string, inner: string) => [
      irq(task, 'disable'),
      `{"op":"acquire","task":"${task}","lock":"${outer}"}`, `{"op":"acquire","task":"${task}","lock":"${inner}"}`,
      `{"op":"release","task":"${task}","lock":"${inner}"}`, `{"op":"release","task":"${task}","lock":"${outer}"}`,
      irq(task, 'enable'),
    ];
    // Run 1: A is taken in a hardirq (hardirq-safe), then A -> X with irqs off.
    const safeA = [...spinlocks('A', 'X'), irq('t1', 'enter'), '{"op":"acquire","task":"t1","lock":"A"}', '{"op":"release","task":"t1","lock":"A"}', irq('t1', 'exit'), ...nested('t1', 'A', 'X')];
    // Run 2: X -> B with irqs off, then B is taken with irqs on (hardirq-unsafe).
    const unsafeB = [...spinlocks('X', 'B'), ...nested('t2', 'X', 'B'), '{"op":"acquire","task":"t2","lock":"B"}', '{"op":"release","task":"t2","lock":"B"}'];
    const { runs, graphs, status, violations } = await mergeRuns('irq', [safeA, unsafeB]);
    expect(status).toBe(1);
    expect(violations).toHaveLength(1);
    expect(violations[0]?.kind).toBe('irq-safe-to-unsafe');
    expect(violations[0]?.message).toContain(`A -> X from ${graphs[0]} (${runs[0]}:9)`);
    expect(violations[0]?.message).toContain(`X -> B from ${graphs[1]} (${runs[1]}:5)`);
  });

  it('finds an irq inversion whose edge comes from one run and whose irq-unsafe use from another', async () => {
    const take = (task: string, lock: string) => [`{"op":"acquire","task":"${task}","lock":"${lock}"}`, `{"op":"release","task":"${task}","lock":"${lock}"}`];
    // Run 1: A is hardirq-safe, and A -> B is taken with irqs off: nothing wrong yet.
    const edge = [...spinlocks('A', 'B'), irq('t1', 'enter'), ...take('t1', 'A'), irq('t1', 'exit'), irq('t1', 'disable'),
      '{"op":"acquire","task":"t1","lock":"A"}', ...take('t1', 'B'), '{"op":"release","task":"t1","lock":"A"}', irq('t1', 'enable')];
    // Run 2: B alone, with irqs on (hardirq-unsafe); no edge at all.
    const unsafeB = [...spinlocks('B'), ...take('t2', 'B')];
    const { status, violations } = await mergeRuns('irq-usage', [edge, unsafeB]);
    expect(status).toBe(1);
    expect(violations.map((v) => v.kind)).toEqual(['irq-lock-inversion']);
  });

  it('report renders a saved graph with its findings and the full graph', async () => {
    const g = join(dir, 'gfull.json');
    expect((await runCli(['check', '--save-graph', g, file('gfull.jsonl', [...AB, ...CD])])).status).toBe(0);
    const graphml = await runCli(['report', g, '-f', 'graphml']);
    expect(graphml.status).toBe(0);
    const document = parseXml(graphml.stdout);
    const names = new Map(descendants(document, 'node').map((node) => [node.attributes['id'], node.children.find((data) => data.attributes['key'] === 'name')?.text]));
    expect([...names.values()].sort()).toEqual(['A', 'B', 'C', 'D']);
    const edges = descendants(document, 'edge').map((edge) => `${names.get(edge.attributes['source'])}->${names.get(edge.attributes['target'])}`);
    expect(edges.sort()).toEqual(['A->B', 'C->D']);
  });

  it('refuses a merge of one graph, and non-graph files', async () => {
    expect((await runCli(['merge', join(dir, 'g1.json')])).status).toBe(2);
    const notGraph = file('not-graph.json', ['{"format":"other"}']);
    const run = await runCli(['merge', notGraph, notGraph]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('not a lockdep graph');
  });
});

describe('parallel checking', { timeout: 60_000 }, () => {
  it('gives the same result, in input order, on worker threads as in one thread', () => {
    const traces = [file('p1.jsonl', [...AB, ...BA]), file('p2.jsonl', CD), file('p3.jsonl', [...CD, ...DC]), file('p4.jsonl', BA)];
    const serial = spawnCli(['check', '--jobs', '1', '-f', 'json', ...traces]);
    const parallel = spawnCli(['check', '--jobs', '3', '-f', 'json', ...traces]);
    expect(serial.status, serial.stderr).toBe(1);
    expect(parallel.status, parallel.stderr).toBe(1);
    expect(parallel.stdout).toBe(serial.stdout);
    expect(JSON.parse(parallel.stdout).traces.map((t: { file: string }) => t.file)).toEqual(traces);
  });

  it('reports the input error of the first bad trace in input order (exit 2)', () => {
    const good = file('good.jsonl', AB);
    const bad1 = file('bad1.jsonl', ['{"op":"acquire","task":"t"}']);
    const bad2 = file('bad2.jsonl', ['{"op":"nope"}']);
    const run = spawnCli(['check', '--jobs', '2', good, bad1, bad2]);
    expect(run.status).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain(`${bad1}:1:`);
  });
});
