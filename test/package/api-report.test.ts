/**
 * The API report: what a consumer's TypeScript sees from each package entry (package.json
 * `exports`), read from the built declaration files the package ships, with `@internal` names
 * and members already stripped. Each exported name with its kind, and for a class its public
 * members, sorted, must equal test/package/api-report.txt, so an accidental change to the public
 * API fails here. The declarations must also type-check on their own (a consumer with
 * `skipLibCheck: false` compiles them), which catches a public type that names a stripped one.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { expect, test } from 'vitest';
import { REPO_ROOT } from '../cli/run-cli.js';

const REPORT_FILE = join(REPO_ROOT, 'test', 'package', 'api-report.txt');
const UPDATE_COMMAND = 'LOCKDEP_UPDATE_API_REPORT=1 npx vitest run test/package/api-report.test.ts';

/** Each entry with types: `lockdep`, `lockdep/async-mutex`... and its declaration file. */
function typedEntries(): Array<{ entry: string; file: string }> {
  const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { exports: Record<string, string | { types?: string }> };
  return Object.entries(manifest.exports).flatMap(([key, target]) =>
    typeof target === 'object' && target.types !== undefined ? [{ entry: key === '.' ? 'lockdep' : `lockdep/${key.slice(2)}`, file: join(REPO_ROOT, target.types) }] : [],
  );
}

function declarationKind(symbol: ts.Symbol): string {
  const flags = symbol.flags;
  if (flags & ts.SymbolFlags.Class) return 'class';
  if (flags & ts.SymbolFlags.Function) return 'function';
  if (flags & ts.SymbolFlags.Variable) return 'const';
  if (flags & ts.SymbolFlags.Interface) return 'interface';
  if (flags & ts.SymbolFlags.TypeAlias) return 'type';
  return 'other';
}

function isPublicMember(symbol: ts.Symbol): boolean {
  if (symbol.name.startsWith('#') || symbol.name.startsWith('__')) return false;
  return (symbol.declarations ?? []).every((declaration) => (ts.getCombinedModifierFlags(declaration) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) === 0);
}

/** One line per exported name: `kind Name`, a class followed by its public instance and static members. */
function exportedApi(checker: ts.TypeChecker, moduleSymbol: ts.Symbol): string[] {
  const lines: string[] = [];
  for (const exported of checker.getExportsOfModule(moduleSymbol)) {
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    const kind = declarationKind(symbol);
    lines.push(`${kind} ${exported.name}`);
    if (kind !== 'class') continue;
    const instance = checker.getPropertiesOfType(checker.getDeclaredTypeOfSymbol(symbol)).filter(isPublicMember);
    const statics = [...(symbol.exports?.values() ?? [])].filter((member) => member.name !== 'prototype' && isPublicMember(member));
    const members = [...instance.map((member) => member.name), ...statics.map((member) => `static ${member.name}`)];
    lines.push(...members.sort().map((member) => `  ${exported.name}.${member}`));
  }
  // Sort by name, keeping each class's members under it.
  const groups: string[][] = [];
  for (const line of lines) {
    if (line.startsWith('  ')) groups[groups.length - 1]!.push(line);
    else groups.push([line]);
  }
  const nameOf = (group: string[]): string => group[0]!.slice(group[0]!.indexOf(' ') + 1);
  return groups.sort((a, b) => (nameOf(a) < nameOf(b) ? -1 : nameOf(a) > nameOf(b) ? 1 : 0)).flat();
}

function apiReport(): { report: string; diagnostics: string[] } {
  const entries = typedEntries();
  const program = ts.createProgram(
    entries.map((entry) => entry.file),
    {
      strict: true,
      noEmit: true,
      skipLibCheck: false,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      exactOptionalPropertyTypes: true,
      types: ['node'],
    },
  );
  const checker = program.getTypeChecker();
  const sections = entries.map(({ entry, file }) => {
    const source = program.getSourceFile(file);
    const moduleSymbol = source === undefined ? undefined : checker.getSymbolAtLocation(source);
    if (moduleSymbol === undefined) throw new Error(`${file}: no declarations (is dist/ built?)`);
    return [`# ${entry}`, ...exportedApi(checker, moduleSymbol)].join('\n');
  });
  const ownFiles = program.getSourceFiles().filter((file) => file.fileName.startsWith(join(REPO_ROOT, 'dist')));
  const diagnostics = ownFiles
    .flatMap((file) => [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)])
    .map((diagnostic) => `${diagnostic.file?.fileName ?? ''}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`);
  return { report: `${sections.join('\n\n')}\n`, diagnostics };
}

test('the exported names of every package entry match test/package/api-report.txt', { timeout: 60_000 }, () => {
  const { report, diagnostics } = apiReport();
  expect(diagnostics).toEqual([]);
  if (process.env['LOCKDEP_UPDATE_API_REPORT'] === '1') writeFileSync(REPORT_FILE, report);
  const committed = readFileSync(REPORT_FILE, 'utf8');
  expect(
    report,
    `The public API changed. If the change is intended, run\n  ${UPDATE_COMMAND}\nand commit test/package/api-report.txt (say why in the commit).`,
  ).toBe(committed);
});

test('internal members stay out of the published types', () => {
  const validator = readFileSync(join(REPO_ROOT, 'dist', 'engine', 'validator.d.ts'), 'utf8');
  // The engine's class registry and dependency graph are not part of the Validator's API.
  expect(validator).not.toMatch(/^ {4}(readonly )?(classes|deps|core)\b/m);
  expect(validator).toMatch(/^ {4}process\(/m);
  const runtime = readFileSync(join(REPO_ROOT, 'dist', 'sim', 'runtime.d.ts'), 'utf8');
  for (const member of ['registerLock(', 'emit(', 'reportDeadlock(']) expect(runtime).not.toContain(member);
  expect(runtime).toContain('runTask<T>(');
});
