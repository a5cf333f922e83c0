/**
 * The HTML report: one self-contained, offline file. It holds the summary, the dependency graph
 * as inline SVG (laid out by Graphviz at report time) with the edges of reported deadlock cycles
 * in red, other cycles (closed only by recursive reads, or joining traces that were checked
 * separately) in purple and rule-violation edges
 * dashed orange, and every finding with its witnesses; clicking a finding highlights its
 * edges. Invariants: every user-supplied text is escaped (escapeHtml; inside the SVG, Graphviz
 * escapes and only synthetic ids/classes are used); the page references no URL at all and a
 * Content-Security-Policy (`default-src 'none'`) forbids loading anything; a graph larger than
 * MAX_DRAWN_NODES is drawn restricted to the classes on cycles or named by findings.
 */
import { severityCounts } from '../engine/finding.js';
import type { Finding } from '../engine/finding.js';
import type { CheckResult } from '../engine/result.js';
import type { GraphSnapshot } from '../engine/snapshot.js';
import { renderDotForSvg } from './dot.js';
import { escapeHtml } from './escape.js';
import { buildReportGraph, type ReportGraph } from './report-graph.js';
import { findingTitle } from './rule-catalog.js';
import { renderSvg } from './svg-render.js';
import { findingDetails, type FindingDetail } from './witnesses.js';

export const MAX_DRAWN_NODES = 1500;

const STYLE = `
:root { color-scheme: light; font-family: system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; }
body { margin: 0 auto; max-width: 1200px; padding: 1rem 2rem; color: #1d1d1f; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.2rem; margin-top: 2rem; }
.verdict { font-weight: 600; padding: .5rem .75rem; border-radius: 6px; display: inline-block; }
.verdict.fail { background: #fdecea; color: #b71c1c; } .verdict.pass { background: #e8f5e9; color: #1b5e20; }
table.summary { border-collapse: collapse; margin: 1rem 0; } table.summary td, table.summary th { border: 1px solid #ddd; padding: .25rem .6rem; text-align: right; }
#graph .canvas { overflow: auto; border: 1px solid #ddd; border-radius: 6px; padding: .5rem; background: #fff; }
#graph svg { max-width: 100%; height: auto; }
.legend > span { margin-right: 1.2rem; } .legend .dl { color: #c62828; } .legend .cyc { color: #8e24aa; } .legend .rul { color: #ef6c00; }
svg g.dep.active path, svg g.dep.active polygon { stroke: #1565c0 !important; stroke-width: 4px; }
article.finding { border-left: 4px solid #999; padding: .25rem 1rem; margin: 1rem 0; background: #fafafa; cursor: pointer; }
article.finding.error { border-color: #c62828; } article.finding.warning { border-color: #ef6c00; } article.finding.info { border-color: #1565c0; }
article.finding.baselined { opacity: .65; } article.finding.selected { background: #e3f2fd; }
article.finding h3 { font-size: 1rem; margin: .5rem 0; } .classes, .fingerprint, .witnesses { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: .85rem; }
.fingerprint { color: #666; }
`;

const SCRIPT = `
(function () {
  var svg = document.querySelector('#graph svg');
  var drawn = svg ? svg.querySelectorAll('g.node').length : 0;
  var counter = document.getElementById('drawn-classes');
  if (counter) counter.textContent = String(drawn);
  document.body.setAttribute('data-rendered', 'true');
  var findings = document.querySelectorAll('article.finding');
  for (var i = 0; i < findings.length; i++) {
    findings[i].addEventListener('click', function (event) {
      var article = event.currentTarget;
      var index = article.getAttribute('data-index');
      var active = document.querySelectorAll('svg g.dep.active');
      for (var j = 0; j < active.length; j++) active[j].classList.remove('active');
      var selected = document.querySelectorAll('article.finding.selected');
      for (var k = 0; k < selected.length; k++) selected[k].classList.remove('selected');
      article.classList.add('selected');
      if (svg) {
        var edges = svg.querySelectorAll('g.dep.f' + index);
        for (var m = 0; m < edges.length; m++) edges[m].classList.add('active');
      }
    });
  }
})();
`;

/** Restricts a large graph to classes on cycles or named by findings. */
function drawableGraph(graph: ReportGraph): { graph: ReportGraph; restricted: boolean } {
  if (graph.nodes.length <= MAX_DRAWN_NODES) return { graph, restricted: false };
  const keep = new Set(graph.nodes.filter((node) => node.cycle || node.flagged).map((node) => node.name));
  return {
    graph: {
      ...graph,
      nodes: graph.nodes.filter((node) => keep.has(node.name)),
      edges: graph.edges.filter((edge) => keep.has(edge.from) && keep.has(edge.to)),
    },
    restricted: true,
  };
}

function findingArticle(finding: Finding, index: number): string {
  const classes = ['finding', finding.severity, finding.baselined === true ? 'baselined' : ''].filter((c) => c !== '').join(' ');
  const lines = [
    `<article class="${classes}" id="finding-${index + 1}" data-index="${index}" data-kind="${escapeHtml(finding.kind)}">`,
    `<h3>${index + 1}. ${escapeHtml(finding.severity)}${finding.baselined === true ? ' (baselined)' : ''}: ${escapeHtml(findingTitle(finding))}</h3>`,
    `<p class="message">${escapeHtml(finding.message)}</p>`,
  ];
  const details = findingDetails(finding);
  const ofPart = (part: FindingDetail['part']): FindingDetail[] => details.filter((detail) => detail.part === part);
  for (const detail of ofPart('classes')) lines.push(`<p class="classes">${escapeHtml(detail.text)}</p>`);
  if (finding.ruleDetail) {
    const source = finding.ruleDetail.source === undefined ? '' : ` <span class="source">(source: ${escapeHtml(finding.ruleDetail.source)})</span>`;
    lines.push(`<p class="rule">${escapeHtml(finding.ruleDetail.description)}${source}</p>`);
  }
  const witnesses = ofPart('witness');
  if (witnesses.length > 0) {
    lines.push('<ol class="witnesses">');
    for (const witness of witnesses) lines.push(`<li><span class="role">${escapeHtml(witness.label)}</span>: ${escapeHtml(witness.text)}</li>`);
    lines.push('</ol>');
  }
  for (const detail of ofPart('fingerprint')) lines.push(`<p class="fingerprint">${escapeHtml(detail.label)} ${escapeHtml(detail.text)}</p>`);
  lines.push('</article>');
  return lines.join('\n');
}

/** Renders the self-contained HTML report. */
export async function renderHtml(result: CheckResult, snapshot?: GraphSnapshot | null): Promise<string> {
  const fullGraph = buildReportGraph(result, snapshot);
  const { graph, restricted } = drawableGraph(fullGraph);
  const emptyText = restricted ? 'No class is on a cycle or named by a finding.' : 'No lock classes.';
  const svg = graph.nodes.length > 0 ? await renderSvg(renderDotForSvg(graph)) : `<p>${emptyText}</p>`;
  const counts = severityCounts(result.violations);
  const s = result.summary;
  const notes: string[] = [];
  if (fullGraph.partial) notes.push('Partial graph: only the classes and edges named by findings (run <code>lockdep check --save-graph</code> and report that file for the full graph).');
  if (restricted) notes.push(`The graph has ${fullGraph.nodes.length} classes; only the ${graph.nodes.length} on cycles or named by findings are drawn.`);
  const tool = result.tool ? `${result.tool.name} ${result.tool.version}` : 'lockdep';
  const body = [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<title>lockdep report</title>',
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    `<h1>lockdep report</h1>`,
    `<p class="verdict ${counts.error > 0 ? 'fail' : 'pass'}" id="verdict">${counts.error > 0 ? `${counts.error} error(s)` : 'No lock-order errors'}, ${counts.warning} warning(s), ${counts.info} info, ${counts.baselined} baselined</p>`,
    '<table class="summary" id="summary"><tr><th>events</th><th>tasks</th><th>classes</th><th>dependencies</th><th>findings</th></tr>',
    `<tr><td>${s.events}</td><td>${s.tasks}</td><td>${s.classes}</td><td>${s.dependencies}</td><td>${result.violations.length}</td></tr></table>`,
  ];
  if (result.traces && result.traces.length > 0) {
    body.push('<h2>Traces</h2>', '<ul id="traces">');
    for (const trace of result.traces) body.push(`<li>${escapeHtml(trace.file)}: ${trace.summary.events} events, ${trace.summary.violations} finding(s)</li>`);
    body.push('</ul>');
  }
  body.push(
    '<section id="graph">',
    '<h2>Dependency graph</h2>',
    `<p class="legend"><span class="dl">&#9473; red: on a reported lock-order cycle</span><span class="cyc">&#9473; purple: on a cycle no finding reports (closed by recursive reads, or made of edges from traces checked separately: see lockdep merge)</span><span class="rul">&#9476; dashed orange: named by a rule violation</span><span>filled: class named by a finding</span><span><span id="drawn-classes">${graph.nodes.length}</span> classes drawn</span></p>`,
    ...notes.map((note) => `<p class="note">${note}</p>`),
    `<div class="canvas">${svg}</div>`,
    '</section>',
    '<section id="findings">',
    `<h2>Findings (${result.violations.length})</h2>`,
  );
  if (result.violations.length === 0) body.push('<p>No findings.</p>');
  result.violations.forEach((finding, index) => body.push(findingArticle(finding, index)));
  body.push('</section>', `<footer><p>Generated by ${escapeHtml(tool)}.</p></footer>`, `<script>${SCRIPT}</script>`, '</body>', '</html>', '');
  return body.join('\n');
}
