/**
 * The project is self-contained: no document, comment or script in the repository points at a
 * file outside it (the design notes and specification it was built from), so every pointer a
 * reader follows resolves inside the repository (docs/ says what users need).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, test } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const SCANNED = ['README.md', 'docs', 'src', 'examples', 'bench', 'test', 'scripts', 'rules', 'schema', 'package.json'];
const TEXT = /\.(md|ts|js|mjs|json|yaml|yml|c|sh)$/;
/** Names of files outside the repository (written with a few of their usual prefixes). */
const OUTSIDE = /\.\.\/shared|shared\/spec|spec\/trace-format\.md|reference\/[\w-]+\.md|\b(lockdep|kvm-history|peers|ecosystem)\.md\b/;

function* files(path: string): Generator<string> {
  if (statSync(path).isDirectory()) {
    for (const entry of readdirSync(path)) yield* files(join(path, entry));
  } else if (TEXT.test(path)) {
    yield path;
  }
}

describe('self-contained repository', () => {
  test('no file names a document outside the repository', () => {
    const offending: string[] = [];
    for (const top of SCANNED) {
      for (const file of files(join(ROOT, top))) {
        if (file === import.meta.filename) continue;
        readFileSync(file, 'utf8')
          .split('\n')
          .forEach((line, index) => {
            if (OUTSIDE.test(line)) offending.push(`${relative(ROOT, file)}:${index + 1}: ${line.trim()}`);
          });
      }
    }
    expect(offending).toEqual([]);
  });

  test('the pattern catches the pointers it is meant to catch', () => {
    for (const pointer of ['see shared/spec/trace-format.md', '(reference/lockdep.md §1.5)', 'kvm-history.md §3', '../shared/DESIGN.md']) {
      expect(OUTSIDE.test(pointer)).toBe(true);
    }
    expect(OUTSIDE.test('docs/trace-format.md')).toBe(false);
  });
});
