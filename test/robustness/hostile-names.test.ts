/**
 * Hostile names end to end: `__proto__`, `constructor`, `toString`, HTML, ANSI escapes and
 * control characters as class, lock, task, var, site and stack names, through the JSONL reader,
 * the engine with a rule file that names them too, and every output format.
 * Asserts: no prototype pollution; the findings are exactly those of the same trace with benign
 * names; text output carries no control character (names are shown escaped) and no extra line;
 * json and sarif round-trip every name exactly; html, markdown, github, junit, graphml and dot
 * neutralize them (no live tag, no injected workflow command, well-formed XML that a strict
 * parser reads back with every name intact, DOT that Graphviz parses).
 */
import { describe, expect, it } from 'vitest';
import { Validator } from '../../src/engine/validator.js';
import type { CheckResult } from '../../src/engine/result.js';
import type { GraphSnapshot } from '../../src/engine/snapshot.js';
import { parseTraceText } from '../../src/events/jsonl-reader.js';
import { renderDot } from '../../src/report/dot.js';
import { renderGithub } from '../../src/report/github.js';
import { renderGraphml } from '../../src/report/graphml.js';
import { renderHtml } from '../../src/report/html.js';
import { renderJson } from '../../src/report/json.js';
import { renderJunit } from '../../src/report/junit.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { renderSarif } from '../../src/report/sarif.js';
import { renderText } from '../../src/report/text.js';
import { loadRuleTexts } from '../../src/rules/loader.js';
import { createRuleHooks } from '../../src/rules/rule-hooks.js';
import { TERMINAL_CONTROL, expectNoPrototypePollution } from '../fuzz/fuzz-support.js';
import { descendants, parseXml } from '../report/xml-document.js';

const XSS = '<img src=x onerror=alert(1)>';
const ESC_RED = '\u001b[31mred\u001b[0m';
/** Names for the classes (C), tasks (T), var (V) and sites (S) of the trace below. */
const HOSTILE = {
  C0: '__proto__',
  C1: XSS,
  C2: 'constructor',
  C3: ESC_RED,
  C4: 'toString',
  C5: 'line\nbreak\rreturn',
  T0: 'hasOwnProperty',
  T1: '\u001b[2J\u001b[Hclear',
  T2: 'valueOf',
  T3: 'bell\u0007nul\u0000del\u007f',
  V0: `${XSS}\u202e`,
  S0: '<script>alert(1)</script>+0x1/0x2',
  S1: '\u001b]8;;http://evil\u0007link\u001b]8;;\u0007',
};
type Key = keyof typeof HOSTILE;
/** The hostile names of one kind: classes (C), tasks (T), vars (V) or sites (S). */
const namesOf = (kind: 'C' | 'T' | 'V' | 'S'): string[] =>
  (Object.keys(HOSTILE) as Key[]).filter((key) => key.startsWith(kind)).map((key) => HOSTILE[key]);
const BENIGN = Object.fromEntries(Object.keys(HOSTILE).map((key) => [key, `name_${key}`])) as Record<Key, string>;

/** A trace that yields a cycle, held-at-exit, bad unlock, a rule violation and irq findings. */
function traceText(n: Record<Key, string>): string {
  const events: object[] = [
    { op: 'init', lock: 'l0', class: n.C0, type: 'mutex', site: n.S0 },
    { op: 'init', lock: 'l1', class: n.C1, type: 'mutex' },
    { op: 'init', lock: 'l2', class: n.C2, type: 'spinlock' },
    { op: 'init', lock: 'l3', class: n.C3, type: 'spinlock' },
    { op: 'init', lock: n.C4, class: n.C4 },
    { op: 'init', lock: n.C5, class: n.C5 },
    { op: 'acquire', task: n.T0, lock: 'l0', site: n.S0, stack: [n.S0, n.S1] },
    { op: 'acquire', task: n.T0, lock: 'l1', site: n.S1 },
    { op: 'release', task: n.T0, lock: 'l1' },
    { op: 'release', task: n.T0, lock: 'l0' },
    { op: 'acquire', task: n.T1, lock: 'l1' },
    { op: 'acquire', task: n.T1, lock: 'l0' },
    { op: 'release', task: n.T1, lock: 'l0' },
    { op: 'release', task: n.T1, lock: 'l1' },
    { op: 'acquire', task: n.T2, lock: 'l2' },
    { op: 'acquire', task: n.T2, lock: 'l3' },
    { op: 'release', task: n.T2, lock: 'l3' },
    { op: 'release', task: n.T2, lock: 'l2' },
    { op: 'irq', task: n.T3, kind: 'hardirq', action: 'enter' },
    { op: 'acquire', task: n.T3, lock: 'l3' },
    { op: 'acquire', task: n.T3, lock: 'l2' },
    { op: 'release', task: n.T3, lock: 'l2' },
    { op: 'release', task: n.T3, lock: 'l3' },
    { op: 'irq', task: n.T3, kind: 'hardirq', action: 'exit' },
    { op: 'access', task: n.T0, var: n.V0, write: true, site: n.S0 },
    { op: 'acquire', task: n.T0, lock: n.C4, site: n.S1 },
    { op: 'acquire', task: n.T0, lock: n.C4 },
    { op: 'acquire', task: n.T2, lock: n.C5 },
    { op: 'release', task: n.T2, lock: n.C5 },
    { op: 'release', task: n.T2, lock: n.C5 },
    { op: 'exit', task: n.T0 },
  ];
  return events.map((event) => JSON.stringify(event)).join('\n');
}

/** A rule file whose classes and var have the same names (single-quoted YAML scalars). */
function ruleText(n: Record<Key, string>): string {
  const q = (text: string): string => JSON.stringify(text);
  return [
    'classes:',
    `  ${q(n.C0)}: mutex`,
    `  ${q(n.C1)}: mutex`,
    `  ${q(n.C4)}: mutex`,
    'rules:',
    '  - id: guarded',
    '    kind: guarded-by',
    `    var: ${q(n.V0)}`,
    `    lock: ${q(n.C4)}`,
    `    description: ${q(`${n.V0} is written under ${n.C4}`)}`,
    '  - id: order',
    '    kind: order',
    `    outer: ${q(n.C0)}`,
    `    inner: ${q(n.C1)}`,
    `    description: ${q(`${n.C0} before ${n.C1}`)}`,
    '',
  ].join('\n');
}

function check(n: Record<Key, string>): { result: CheckResult; snapshot: GraphSnapshot } {
  const rules = loadRuleTexts([{ file: 'hostile.yaml', text: ruleText(n) }]);
  const validator = new Validator({ file: 'hostile.jsonl', hooks: [createRuleHooks(rules, { strictOrder: false })] });
  for (const { event, origin } of parseTraceText(traceText(n), 'hostile.jsonl').records) validator.process(event, origin);
  validator.end();
  return { result: validator.result(), snapshot: validator.snapshot() };
}

const hostile = check(HOSTILE);
const benign = check(BENIGN);
const toBenign = new Map(Object.keys(HOSTILE).map((key) => [HOSTILE[key as Key], BENIGN[key as Key]]));

/** The parts of a SARIF result that carry names. */
interface SarifResult {
  message: { text: string };
  properties: { classes: string[]; task?: string };
  relatedLocations?: { message: { text: string } }[];
}

function shape(result: CheckResult, rename: (name: string) => string): string[] {
  return result.violations.map((f) => `${f.kind}|${f.rule ?? ''}|${f.classes.map(rename).join(',')}|${f.task ?? ''}`.replace(/\n/g, '')).sort();
}

describe('hostile names', () => {
  it('do not pollute prototypes, and give the same findings as benign names', () => {
    expectNoPrototypePollution();
    expect(hostile.result.violations.length).toBeGreaterThanOrEqual(5);
    const kinds = new Set(hostile.result.violations.map((f) => f.kind));
    for (const kind of ['circular-dependency', 'held-lock-at-exit', 'bad-unlock-balance', 'rule-violation', 'recursive-locking']) expect(kinds).toContain(kind);
    const renamed = (name: string): string => toBenign.get(name) ?? name;
    const hostileShape = shape(hostile.result, renamed).map((line) => {
      let out = line;
      for (const [from, to] of toBenign) out = out.split(from.replace(/\n/g, '')).join(to);
      return out;
    });
    expect(hostileShape).toEqual(shape(benign.result, (name) => name));
    expect(hostile.result.summary).toEqual(benign.result.summary);
    // The engine keeps names in Maps: every hostile class is a real node with its exact name.
    const classNames = new Set(hostile.snapshot.classes.map((c) => c.name));
    for (const key of ['C0', 'C1', 'C2', 'C3', 'C4', 'C5'] as const) expect(classNames).toContain(HOSTILE[key]);
  });

  it('text: no control character or ANSI sequence from a name, no extra line, names shown escaped', () => {
    const text = renderText(hostile.result, { color: false });
    for (const line of text.split('\n')) expect(line).not.toMatch(TERMINAL_CONTROL);
    expect(text.split('\n').length).toBe(renderText(benign.result, { color: false }).split('\n').length);
    expect(text).toContain('\\e[31mred\\e[0m');
    expect(text).toContain('__proto__');
    // Colored output has only the palette's own SGR codes, never a name's.
    const colored = renderText(hostile.result, { color: true });
    expect(colored).not.toContain('\u001b[2J');
    expect(colored).not.toContain('\u001b]8;');
  });

  it('json and sarif round-trip every name exactly', () => {
    const json = JSON.parse(renderJson(hostile.result)) as CheckResult;
    expect(json.violations.map((f) => f.classes)).toEqual(hostile.result.violations.map((f) => f.classes));
    expect(json.violations.map((f) => f.task)).toEqual(hostile.result.violations.map((f) => f.task));
    expect(json.violations.map((f) => f.message)).toEqual(hostile.result.violations.map((f) => f.message));
    expectNoPrototypePollution();
    const sarif = JSON.parse(renderSarif(hostile.result)) as { runs: { results: SarifResult[] }[] };
    const results = sarif.runs.flatMap((run) => run.results);
    // Messages name the classes and the var; properties carry every class and task exactly;
    // the related locations' messages name the call sites.
    const messages = results.map((r) => r.message.text).join('\n');
    for (const name of [...namesOf('C'), ...namesOf('V')]) expect(messages).toContain(name);
    expect(new Set(results.flatMap((r) => r.properties.classes))).toEqual(new Set(namesOf('C')));
    expect(new Set(results.map((r) => r.properties.task))).toEqual(new Set(namesOf('T')));
    const related = results.flatMap((r) => (r.relatedLocations ?? []).map((location) => location.message.text)).join('\n');
    for (const name of namesOf('S')) expect(related).toContain(name);
  });

  it('html and markdown: no live tag from a name', async () => {
    const html = await renderHtml(hostile.result, hostile.snapshot);
    const benignHtml = await renderHtml(benign.result, benign.snapshot);
    expect(html).not.toContain(XSS);
    expect(html).not.toContain('<script>alert(1)');
    expect(html.match(/<script/g)?.length ?? 0).toBe(benignHtml.match(/<script/g)?.length ?? 0);
    expect(html.match(/<img/g)?.length ?? 0).toBe(0);
    // The inline SVG is XML (Graphviz got control pictures instead of forbidden characters).
    const svg = html.slice(html.indexOf('<svg'), html.lastIndexOf('</svg>') + '</svg>'.length);
    expect(parseXml(svg).name).toBe('svg');
    const markdown = renderMarkdown(hostile.result);
    expect(markdown).not.toContain(XSS);
    expect(markdown).not.toContain('<script');
  });

  it('github: no name starts a workflow command or breaks a line', () => {
    const github = renderGithub(hostile.result);
    const benignGithub = renderGithub(benign.result);
    expect(github.split('\n').length).toBe(benignGithub.split('\n').length);
    expect(github.split('\n').filter((line) => line.startsWith('::')).length).toBe(benignGithub.split('\n').filter((line) => line.startsWith('::')).length);
    expect(github).not.toMatch(/\r/);
  });

  it('junit, graphml: well-formed XML carrying every name, no raw tag; dot: Graphviz parses it', async () => {
    const junitText = renderJunit(hostile.result);
    const graphmlText = renderGraphml(hostile.result, hostile.snapshot);
    for (const xml of [junitText, graphmlText]) {
      expect(xml).not.toContain(XSS);
      expect(xml).not.toContain('<script');
    }
    // What an XML reader gets back: each name, with the characters XML cannot carry as U+FFFD.
    // eslint-disable-next-line no-control-regex -- finds the control characters XML forbids
    const asXmlCarriesIt = (name: string): string => name.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '\uFFFD');
    const graphml = parseXml(graphmlText);
    const nodeNames = descendants(graphml, 'node').map((node) => node.children.find((data) => data.attributes['key'] === 'name')?.text);
    expect(nodeNames.sort()).toEqual(hostile.snapshot.classes.map((c) => asXmlCarriesIt(c.name)).sort());
    expect(descendants(graphml, 'edge')).toHaveLength(hostile.snapshot.dependencies.length);
    const junit = parseXml(junitText);
    const errors = hostile.result.violations.filter((v) => v.severity === 'error');
    const failure = descendants(junit, 'failure')[0];
    expect(failure?.attributes['type']).toBe(errors[0]?.kind);
    for (const finding of errors) expect(failure?.text).toContain(asXmlCarriesIt(finding.message));
    const dot = renderDot(hostile.result, hostile.snapshot);
    const { Graphviz } = await import('@hpcc-js/wasm-graphviz');
    const graphviz = await Graphviz.load();
    const svg = graphviz.dot(dot);
    expect(svg).toContain('<svg');
    expect(svg).not.toContain(XSS);
    // One node per class: the hostile names did not split or merge nodes.
    expect(svg.match(/class="node"/g)?.length).toBe(graphviz.dot(renderDot(benign.result, benign.snapshot)).match(/class="node"/g)?.length);
  });
});
