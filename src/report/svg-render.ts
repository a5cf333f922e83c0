/**
 * DOT -> inline SVG with Graphviz compiled to WebAssembly (@hpcc-js/wasm-graphviz, which embeds
 * its wasm: no download, works offline). It is an optional dependency, loaded on first use only,
 * so the library entry never loads it; without it the html format fails with an install hint. Invariants: the returned markup starts at `<svg`, has
 * no XML prolog, DOCTYPE, comments or namespace URLs (inline SVG in HTML needs none), so the
 * page that embeds it references no external resource. Graphviz escapes labels and tooltips
 * itself; callers still pass only synthetic ids and classes (see renderDotForSvg).
 */
import type { Graphviz } from '@hpcc-js/wasm-graphviz';

let graphviz: Promise<Graphviz> | null = null;

/** Loads Graphviz once, on first use (the module embeds 2 MB of wasm: keep it off CLI startup). */
function loadGraphviz(): Promise<Graphviz> {
  graphviz ??= import('@hpcc-js/wasm-graphviz').then(
    (module) => module.Graphviz.load(),
    (error: unknown) => {
      graphviz = null;
      throw new Error('drawing the graph as SVG (the html format) needs @hpcc-js/wasm-graphviz, an optional dependency of lockdep: install it (npm i -D @hpcc-js/wasm-graphviz)', { cause: error });
    },
  );
  return graphviz;
}

/** Strips what an inline SVG does not need and what would name an external URL. */
function inlineSvg(svgDocument: string): string {
  const start = svgDocument.indexOf('<svg');
  if (start < 0) throw new Error('graphviz produced no <svg> element');
  return svgDocument
    .slice(start)
    .replace(/<!--[\s\S]*?-->\n?/g, '')
    .replace(/\s+xmlns(?::xlink)?="[^"]*"/g, '')
    .trim();
}

/** Lays out a DOT graph and returns inline SVG markup. */
export async function renderSvg(dot: string): Promise<string> {
  const instance = await loadGraphviz();
  return inlineSvg(instance.dot(dot, 'svg'));
}
