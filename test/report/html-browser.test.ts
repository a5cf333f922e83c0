/**
 * The HTML report opened in a real browser: headless Chromium (Debian's `chromium` package,
 * installed when missing by `npm test`'s pretest step, scripts/ensure-chromium.sh) loads the
 * file offline and dumps the rendered DOM. The test asserts that the inline SVG graph and the
 * findings render, that the page's script ran, and that a hostile class name produced no
 * element. It fails (never skips) when there is no browser.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { renderHtml } from '../../src/report/html.js';
import { hostile, mixed, mixedSnapshot } from './fixtures.js';

const CHROMIUM = process.env['LOCKDEP_CHROMIUM'] ?? '/usr/bin/chromium';
const workDir = mkdtempSync(join(tmpdir(), 'lockdep-html-'));

afterAll(() => rmSync(workDir, { recursive: true, force: true }));

function dumpDom(file: string): Promise<string> {
  const profile = mkdtempSync(join(workDir, 'profile-'));
  const args = [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--disable-dev-shm-usage', `--user-data-dir=${profile}`, '--dump-dom', pathToFileURL(file).href,
  ];
  return new Promise((resolve, reject) => {
    execFile(CHROMIUM, args, { timeout: 120_000, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${CHROMIUM} failed: ${error.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

describe('html report in headless Chromium', { timeout: 180_000 }, () => {
  it('has a browser to test with (install Debian package chromium)', () => {
    expect(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install -y chromium`).toBe(true);
  });

  it('renders the SVG graph with highlighted cycle and rule edges, and every finding', async () => {
    const file = join(workDir, 'mixed.html');
    writeFileSync(file, await renderHtml(mixed, mixedSnapshot));
    const dom = await dumpDom(file);
    expect(dom).toContain('data-rendered="true"');
    expect(dom).toMatch(/<svg[^>]*>/);
    // The page's script counted the drawn classes in the live DOM: all four.
    expect(dom).toContain('<span id="drawn-classes">4</span>');
    const nodes = dom.match(/<g id="node-\d+" class="node cls[^"]*"/g) ?? [];
    expect(nodes).toHaveLength(4);
    const cycleEdges = dom.match(/<g id="edge-\d+" class="edge dep deadlock cycle[^"]*"/g) ?? [];
    expect(cycleEdges).toHaveLength(2);
    expect(dom).toMatch(/<g id="edge-\d+" class="edge dep rule f1"/);
    const findings = dom.match(/<article class="finding [^"]*"/g) ?? [];
    expect(findings).toHaveLength(4);
    expect(dom).toContain('possible circular locking dependency: A -&gt; B -&gt; A');
    expect(dom).toContain('t1.jsonl:3 task t1: acquire A (lock a) at src/db.ts:17');
  });

  it('renders hostile names as text, never as elements', async () => {
    const file = join(workDir, 'hostile.html');
    writeFileSync(file, await renderHtml(hostile));
    const dom = await dumpDom(file);
    expect(dom).toContain('data-rendered="true"');
    expect(dom).not.toMatch(/<img/i);
    expect(dom).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(dom.match(/<article class="finding [^"]*"/g) ?? []).toHaveLength(2);
    expect(dom).toContain('<span id="drawn-classes">5</span>');
  });
});
