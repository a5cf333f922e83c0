/**
 * The format registry: every output format by name, with what it needs. `-f NAME`, `lockdep
 * report -f NAME` and the docs all read this one table. Invariants: every renderer is a pure
 * function of the CheckResult, the graph snapshot (for graph formats; absent means the graph is
 * reconstructed from the findings) and the color decision (text only); names are lower case.
 * A renderer's module is loaded when its format is first rendered (a check that prints text
 * never loads the HTML, SVG or SARIF code).
 */
import type { CheckResult } from '../engine/result.js';
import type { GraphSnapshot } from '../engine/snapshot.js';

export interface RenderContext {
  /** The engine's graph snapshot, when the run kept one (`--save-graph`, `lockdep merge`). */
  snapshot?: GraphSnapshot | null;
  /** Color decided by the CLI for this destination (text only). */
  color?: boolean;
  /** @deprecated The former spelling of `color`, still accepted (`color` wins when both are given). */
  colour?: boolean;
}

export interface ReportFormat {
  name: string;
  description: string;
  /** Usual file extension, for docs and examples. */
  extension: string;
  /** Draws the dependency graph (better with a snapshot). */
  graph: boolean;
  render(result: CheckResult, context: RenderContext): string | Promise<string>;
}

const FORMATS: readonly ReportFormat[] = [
  { name: 'text', description: 'kernel-style reports and a summary line (default)', extension: 'txt', graph: false, render: async (result, context) => {
    const [{ renderText }, { withNoticeLines }] = await Promise.all([import('./text.js'), import('./text-notices.js')]);
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- reads the former spelling on purpose, for callers that still pass it
    return withNoticeLines(renderText(result, { color: (context.color ?? context.colour) === true }), result);
  } },
  { name: 'json', description: 'the machine-readable result of the spec (re-render it with lockdep report)', extension: 'json', graph: false, render: async (result) => (await import('./json.js')).renderJson(result) },
  { name: 'sarif', description: 'SARIF 2.1.0 for GitHub code scanning', extension: 'sarif', graph: false, render: async (result) => (await import('./sarif.js')).renderSarif(result) },
  { name: 'github', description: 'GitHub Actions annotations (10 per level) and a summary line', extension: 'txt', graph: false, render: async (result) => (await import('./github.js')).renderGithub(result) },
  { name: 'junit', description: 'JUnit XML, one testcase per trace', extension: 'xml', graph: false, render: async (result) => (await import('./junit.js')).renderJunit(result) },
  { name: 'markdown', description: 'Markdown for $GITHUB_STEP_SUMMARY', extension: 'md', graph: false, render: async (result) => (await import('./markdown.js')).renderMarkdown(result) },
  { name: 'dot', description: 'Graphviz DOT of the class dependency graph, cycles in red', extension: 'dot', graph: true, render: async (result, context) => (await import('./dot.js')).renderDot(result, context.snapshot ?? null) },
  { name: 'graphml', description: 'GraphML of the class dependency graph', extension: 'graphml', graph: true, render: async (result, context) => (await import('./graphml.js')).renderGraphml(result, context.snapshot ?? null) },
  { name: 'html', description: 'self-contained offline HTML report with the graph as SVG', extension: 'html', graph: true, render: async (result, context) => (await import('./html.js')).renderHtml(result, context.snapshot ?? null) },
];

export const REPORT_FORMATS: ReadonlyMap<string, ReportFormat> = new Map(FORMATS.map((format) => [format.name, format]));

export const FORMAT_NAMES: ReadonlySet<string> = new Set(REPORT_FORMATS.keys());

/** Renders a result in a named format (the name must be in REPORT_FORMATS). */
export async function renderReport(format: string, result: CheckResult, context: RenderContext = {}): Promise<string> {
  const entry = REPORT_FORMATS.get(format);
  if (!entry) throw new Error(`unknown report format ${format}`);
  return entry.render(result, context);
}
