/**
 * Writes the conformance suite to disk: test/conformance/cases/<family>/<name>.jsonl and
 * test/conformance/manifest.json, from the catalog (catalog.ts) via render.ts.
 * Usage: `npx tsx test/conformance/generate.ts`. Stale case files (no longer in the catalog) are
 * removed. Each file is written atomically (temp file in the same directory, then rename).
 * Invariant: after a run, the directory holds exactly what renderAll() returns; the
 * conformance test fails when the committed files differ from it.
 */
import { mkdirSync, readdirSync, renameSync, rmSync, writeFileSync, existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderAll } from './render.js';

export const CONFORMANCE_DIR = dirname(fileURLToPath(import.meta.url));

/** Relative paths (with `/`) of every generated file currently on disk. */
export function listGeneratedFiles(root: string = CONFORMANCE_DIR): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.jsonl')) found.push(relative(root, path).split(sep).join('/'));
    }
  };
  walk(join(root, 'cases'));
  if (existsSync(join(root, 'manifest.json'))) found.push('manifest.json');
  return found.sort();
}

function writeAtomically(path: string, content: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, content);
  renameSync(temp, path);
}

export function generate(root: string = CONFORMANCE_DIR): { written: number; removed: number; unchanged: number } {
  const files = renderAll();
  let written = 0;
  let unchanged = 0;
  let removed = 0;
  for (const [rel, content] of files) {
    const path = join(root, rel);
    if (existsSync(path) && readFileSync(path, 'utf8') === content) {
      unchanged++;
      continue;
    }
    writeAtomically(path, content);
    written++;
  }
  for (const rel of listGeneratedFiles(root)) {
    if (!files.has(rel)) {
      rmSync(join(root, rel));
      removed++;
    }
  }
  // Drop family directories left empty by removed cases.
  const casesDir = join(root, 'cases');
  for (const entry of readdirSync(casesDir, { withFileTypes: true })) {
    const dir = join(casesDir, entry.name);
    if (entry.isDirectory() && readdirSync(dir).length === 0) rmSync(dir, { recursive: true });
  }
  return { written, removed, unchanged };
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { written, removed, unchanged } = generate();
  console.log(`conformance: ${written} written, ${unchanged} unchanged, ${removed} removed`);
}
