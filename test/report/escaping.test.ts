/**
 * Hostile names come out escaped: in html and markdown no tag survives; in github annotations
 * no name can start a workflow command of its own, and @actions/core's escaping is applied; junit
 * and graphml stay well-formed XML (read back by a strict XML parser, every name intact); dot
 * strings stay closed.
 */
import { describe, expect, it } from 'vitest';
import { escapeData, escapeProperty, renderGithub } from '../../src/report/github.js';
import { renderHtml } from '../../src/report/html.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { renderJunit } from '../../src/report/junit.js';
import { renderGraphml } from '../../src/report/graphml.js';
import { dotString, renderDot } from '../../src/report/dot.js';
import { escapeHtml, escapeMarkdown, escapeXml } from '../../src/report/escape.js';
import { HOSTILE_NAMES, hostile, XSS } from './fixtures.js';
import { descendants, parseXml } from './xml-document.js';

describe('escaping', () => {
  it('html: the <img> name appears only entity-escaped, and no URL is referenced', async () => {
    const html = await renderHtml(hostile);
    expect(html).not.toContain(XSS);
    expect(html).not.toMatch(/<img/i);
    expect(html).not.toMatch(/onerror=alert\(1\)>/);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/\s(src|href|xlink:href)="/i);
    // Only our own script block.
    expect(html.match(/<script/g)?.length).toBe(1);
  });

  it('markdown: the <img> name is entity-escaped and Markdown punctuation is literal', () => {
    const markdown = renderMarkdown(hostile);
    expect(markdown).not.toContain(XSS);
    expect(markdown).not.toMatch(/<img/i);
    expect(markdown).toContain('&lt;img src=x onerror=alert(1)&gt;');
    // A table row stays one row: names with | or newlines cannot split it.
    for (const line of markdown.split('\n').filter((l) => l.startsWith('| '))) expect(line.endsWith(' |')).toBe(true);
    expect(escapeMarkdown('a|b*c_[x](y)`~')).toBe('a\\|b\\*c\\_\\[x\\](y)\\`\\~');
  });

  it('github: @actions/core escaping and no injected workflow command', () => {
    expect(escapeData('50%\r\nnext')).toBe('50%25%0D%0Anext');
    expect(escapeProperty('a:b,c%\n')).toBe('a%3Ab%2Cc%25%0A');
    const output = renderGithub(hostile);
    const lines = output.trimEnd().split('\n');
    // Two annotations and the summary line, whatever the names contain.
    expect(lines).toHaveLength(3);
    expect(lines.filter((line) => line.startsWith('::'))).toHaveLength(2);
    expect(output).not.toContain('\n::error file=x::injected');
    expect(output).toContain('%0A::error file=x::injected');
    expect(output).not.toMatch(/\r/);
    // The <img> name is carried as escaped command data, never raw in a property.
    const warning = lines.find((line) => line.startsWith('::warning')) as string;
    const properties = warning.slice('::warning '.length, warning.indexOf('::', 2));
    expect(properties).toBe('file=src/a%2Cb%3Ac.ts,line=5,title=lockdep%3A rule <img src=x onerror=alert(1)>');
    expect(properties.split(',').map((p) => p.split('=')[0])).toEqual(['file', 'line', 'title']);
  });

  it('xml formats escape names: a strict XML parser reads every name back exactly', () => {
    for (const xml of [renderJunit(hostile), renderGraphml(hostile)]) {
      expect(xml).not.toContain(XSS);
      expect(xml).toContain('&lt;img src=x onerror=alert(1)&gt;');
      // A raw CR would reach a reader as LF (XML end-of-line handling): it must be a reference.
      expect(xml).not.toMatch(/\r/);
    }
    const junit = parseXml(renderJunit(hostile));
    expect(junit.name).toBe('testsuites');
    expect(descendants(junit, 'testcase').map((testcase) => testcase.attributes['name'])).toEqual([`${XSS}.jsonl`, 'a,b:c%.jsonl']);
    const [failure, ...otherFailures] = descendants(junit, 'failure');
    expect(otherFailures).toEqual([]);
    expect(failure?.attributes['message']).toBe(`circular-dependency: ${hostile.violations[0]?.message}`);
    expect(failure?.text).toContain(`classes: ${HOSTILE_NAMES[0]} -> ${HOSTILE_NAMES[1]} -> ${HOSTILE_NAMES[2]}`);
    expect(descendants(junit, 'system-out')[0]?.text).toContain(`warning: rule ${XSS}: ${hostile.violations[1]?.message}`);
    const graphml = parseXml(renderGraphml(hostile));
    const nodeNames = descendants(graphml, 'node').map((node) => node.children.find((data) => data.attributes['key'] === 'name')?.text);
    expect(nodeNames.sort()).toEqual([...HOSTILE_NAMES].sort());
    expect(escapeXml('a\u0000b\u001bc')).toBe('a\uFFFDb\uFFFDc');
    // The reader the tests use is strict: what it accepts is well-formed.
    for (const broken of ['<a>\u0001</a>', '<a><b></a>', '<a>&foo;</a>', '<a x="<"/>', '<a/><b/>', '<a>& b</a>']) {
      expect(() => parseXml(broken), JSON.stringify(broken)).toThrow(/not well-formed XML/);
    }
    expect(escapeHtml(`<"'&>`)).toBe('&lt;&quot;&#39;&amp;&gt;');
  });

  it('dot: quotes, backslashes and newlines cannot close a string', () => {
    expect(dotString('a"b\\c\nd')).toBe('"a\\"b\\\\c\\nd"');
    const dot = renderDot(hostile);
    for (const line of dot.split('\n').slice(5, -2)) {
      // Every statement line is one line and ends its statement.
      expect(line.trimEnd().endsWith(';')).toBe(true);
    }
  });
});
