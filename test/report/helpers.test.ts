/**
 * Unit tests of the reporters' helpers: source positions, the report graph (cycle marking by an
 * iterative SCC, rule edges), rule ids, color decisions, witnesses.
 */
import { describe, expect, it } from 'vitest';
import type { CheckResult } from '../../src/engine/result.js';
import type { GraphSnapshot } from '../../src/engine/snapshot.js';
import { colorEnabled, createPalette, stripAnsi } from '../../src/report/color.js';
import { buildReportGraph } from '../../src/report/report-graph.js';
import { MAX_DRAWN_NODES, renderHtml } from '../../src/report/html.js';
import { renderReport } from '../../src/report/registry.js';
import { ruleIdOf } from '../../src/report/rule-catalog.js';
import { fileUri } from '../../src/report/sarif.js';
import { codePosition, parseSourcePosition } from '../../src/report/source-position.js';
import { witnessesOf } from '../../src/report/witnesses.js';
import { mixed, mixedSnapshot } from './fixtures.js';

const empty: CheckResult = { version: 1, violations: [], summary: { events: 0, tasks: 0, classes: 0, dependencies: 0, violations: 0 } };

function chainSnapshot(length: number, closeCycle: boolean): GraphSnapshot {
  const name = (i: number) => `c${i}`;
  const witness = (from: string, to: string) => ({ from, to, types: ['EN'], task: 't', prev: { task: 't' }, next: { task: 't' } });
  const dependencies = Array.from({ length: length - 1 }, (_, i) => ({ from: name(i), to: name(i + 1), mask: 8, types: ['EN'], witness: witness(name(i), name(i + 1)) }));
  if (closeCycle) dependencies.push({ from: name(length - 1), to: name(0), mask: 8, types: ['EN'], witness: witness(name(length - 1), name(0)) });
  return {
    format: 'lockdep-graph', version: 1, sources: [],
    classes: Array.from({ length }, (_, i) => ({ name: name(i), type: 'mutex', usage: '{....}', usageMask: 0, usageAt: [] })),
    dependencies,
  } as unknown as GraphSnapshot;
}

describe('source positions', () => {
  it('parses file:line[:col] sites and stack frames, not kernel sites', () => {
    expect(parseSourcePosition('src/kvm.ts:88')).toEqual({ file: 'src/kvm.ts', line: 88 });
    expect(parseSourcePosition('at f (src/kvm.ts:88:5)')).toEqual({ file: 'src/kvm.ts', line: 88, column: 5 });
    expect(parseSourcePosition('file:///repo/a.js:3:1')).toEqual({ file: '/repo/a.js', line: 3, column: 1 });
    expect(parseSourcePosition('install_new_memslots+0x5a/0x120')).toBeNull();
    expect(parseSourcePosition('node:internal/process:12:3')).toBeNull();
    expect(parseSourcePosition('a.ts:0')).toBeNull();
    expect(codePosition({ task: 't', site: 'k+0x1/0x2', stack: ['k+0x1/0x2', 'at g (lib/x.ts:4:2)'] })).toEqual({ file: 'lib/x.ts', line: 4, column: 2 });
  });

  it('turns paths into SARIF URIs', () => {
    expect(fileUri('src/a b.ts')).toBe('src/a%20b.ts');
    expect(fileUri('./src/x.ts')).toBe('src/x.ts');
    expect(fileUri('/abs/p#1.ts')).toBe('file:///abs/p%231.ts');
    expect(fileUri('C:\\w\\a.ts')).toBe('file:///C:/w/a.ts');
  });
});

describe('report graph', () => {
  it('marks cycle edges from the graph itself and rule edges from findings', () => {
    const graph = buildReportGraph(mixed, mixedSnapshot);
    expect(graph.partial).toBe(false);
    expect(graph.nodes.map((n) => n.name)).toEqual(['A', 'B', 'C', 'D']);
    const edge = (from: string, to: string) => graph.edges.find((e) => e.from === from && e.to === to);
    expect(edge('A', 'B')?.cycle).toBe(true);
    expect(edge('A', 'B')?.deadlock).toBe(true);
    expect(edge('B', 'A')?.cycle).toBe(true);
    expect(edge('C', 'B')?.cycle).toBe(false);
    expect(edge('C', 'B')?.rules).toEqual(['kvm-slots-before-mmu']);
    expect(edge('C', 'D')?.rules).toEqual([]);
    // D is only in a baselined finding: not flagged.
    expect(graph.nodes.find((n) => n.name === 'D')?.flagged).toBe(false);
  });

  it('finds a 50,000-class cycle without recursion, and no cycle in an open chain', () => {
    const cyclic = buildReportGraph(empty, chainSnapshot(50_000, true));
    expect(cyclic.edges).toHaveLength(50_000);
    expect(cyclic.edges.every((e) => e.cycle)).toBe(true);
    // No finding reports this cycle (as when recursive reads close it): a cycle, not a deadlock.
    expect(cyclic.edges.some((e) => e.deadlock)).toBe(false);
    const open = buildReportGraph(empty, chainSnapshot(50_000, false));
    expect(open.edges).toHaveLength(49_999);
    expect(open.edges.some((e) => e.cycle)).toBe(false);
  });

  it('rebuilds a partial graph from findings when there is no snapshot', () => {
    const graph = buildReportGraph(mixed, null);
    expect(graph.partial).toBe(true);
    expect(graph.edges.map((e) => `${e.from}->${e.to}`)).toEqual(['A->B', 'B->A']);
  });
});

describe('rule ids and witnesses', () => {
  it('gives stable ids', () => {
    expect(ruleIdOf({ kind: 'circular-dependency', rule: null })).toBe('lockdep/circular-dependency');
    expect(ruleIdOf({ kind: 'rule-violation', rule: 'kvm-order' })).toBe('rule/kvm-order');
  });

  it('lists each witness once, trigger first', () => {
    const witnesses = witnessesOf(mixed.violations[0]!);
    expect(witnesses[0]?.role).toBe('trigger');
    expect(witnesses).toHaveLength(4);
  });
});

describe('color', () => {
  it('follows --color, FORCE_COLOR, NO_COLOR, TERM and the TTY, in that order', () => {
    const tty = { isTTY: true };
    const pipe = { isTTY: false };
    expect(colorEnabled(tty, {})).toBe(true);
    expect(colorEnabled(pipe, {})).toBe(false);
    expect(colorEnabled(tty, { NO_COLOR: '1' })).toBe(false);
    expect(colorEnabled(tty, { NO_COLOR: '' })).toBe(true);
    expect(colorEnabled(tty, { TERM: 'dumb' })).toBe(false);
    expect(colorEnabled(pipe, { FORCE_COLOR: '1' })).toBe(true);
    expect(colorEnabled(tty, { FORCE_COLOR: '0' })).toBe(false);
    expect(colorEnabled(pipe, { FORCE_COLOR: '1', NO_COLOR: '1' })).toBe(true);
    expect(colorEnabled(tty, {}, false)).toBe(false);
    expect(colorEnabled(pipe, { NO_COLOR: '1' }, true)).toBe(true);
  });

  it('styles only when enabled', () => {
    expect(createPalette(false).red('x')).toBe('x');
    const red = createPalette(true).red('x');
    expect(red).not.toBe('x');
    expect(stripAnsi(red)).toBe('x');
  });

  it('renderReport takes `color`, and still the former spelling `colour` (`color` wins)', async () => {
    const plain = await renderReport('text', mixed);
    expect(plain).not.toContain('\u001b[');
    const colored = await renderReport('text', mixed, { color: true });
    expect(colored).toContain('\u001b[');
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- the former spelling is what this test is about
    expect(await renderReport('text', mixed, { colour: true })).toBe(colored);
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- the former spelling is what this test is about
    expect(await renderReport('text', mixed, { color: false, colour: true })).toBe(plain);
  });
});

describe('html size limit', () => {
  it('draws only the classes on cycles of a graph larger than MAX_DRAWN_NODES', async () => {
    const snapshot = chainSnapshot(MAX_DRAWN_NODES + 100, false);
    // Close a 3-class cycle at the start of the chain: c2 -> c0.
    (snapshot.dependencies as unknown[]).push({ from: 'c2', to: 'c0', mask: 8, types: ['EN'], witness: { from: 'c2', to: 'c0', types: ['EN'], task: 't', prev: { task: 't' }, next: { task: 't' } } });
    const html = await renderHtml(empty, snapshot);
    expect(html).toContain('<span id="drawn-classes">3</span>');
    expect(html).toContain(`The graph has ${MAX_DRAWN_NODES + 100} classes; only the 3 on cycles or named by findings are drawn.`);
    expect(html.match(/<g id="node&#45;\d+" class="node cls cycle"/g)).toHaveLength(3);
  });
});
