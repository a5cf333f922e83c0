/**
 * Spawns the built CLI (`node bin/lockdep.js`) from the repository root (or `cwd`) with a
 * minimal environment (PATH, NO_COLOR=1), as a user would run it. `npm test` builds dist/ first; when
 * dist/ is missing (running vitest directly), it is built once here.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const REPO_ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(REPO_ROOT, 'bin', 'lockdep.js');

export interface CliRun {
  status: number | null;
  /** The signal that ended the process, if one did. */
  signal?: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Builds dist/ when it is missing or older than a source file (`npm test` builds first anyway). */
export function ensureBuilt(): void {
  const main = join(REPO_ROOT, 'dist', 'cli', 'main.js');
  if (existsSync(main) && newestSourceMtime(join(REPO_ROOT, 'src')) <= statSync(main).mtimeMs) return;
  try {
    execFileSync('npx', ['tsc', '-p', '.'], { cwd: REPO_ROOT, stdio: 'ignore' });
  } catch {
    // tsc emits even with type errors elsewhere; the tests below fail if the CLI is unusable.
  }
}

function newestSourceMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSourceMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

export function runCli(args: readonly string[], options: { input?: string; env?: NodeJS.ProcessEnv; cwd?: string } = {}): CliRun {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? REPO_ROOT,
    env: { PATH: process.env['PATH'] ?? '', NO_COLOR: '1', ...options.env },
    input: options.input ?? '',
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, signal: result.signal, stdout: result.stdout, stderr: result.stderr };
}
