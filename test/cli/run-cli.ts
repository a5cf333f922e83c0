/**
 * Spawns the built CLI (`node bin/lockdep.js`) from the repository root with a minimal
 * environment (PATH, NO_COLOR=1), as a user would run it. `npm test` builds dist/ first; when
 * dist/ is missing (running vitest directly), it is built once here.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const REPO_ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(REPO_ROOT, 'bin', 'lockdep.js');

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function ensureBuilt(): void {
  if (existsSync(join(REPO_ROOT, 'dist', 'cli', 'main.js'))) return;
  try {
    execFileSync('npx', ['tsc', '-p', '.'], { cwd: REPO_ROOT, stdio: 'ignore' });
  } catch {
    // tsc emits even with type errors elsewhere; the tests below fail if the CLI is unusable.
  }
}

export function runCli(args: readonly string[], options: { input?: string; env?: NodeJS.ProcessEnv } = {}): CliRun {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd: REPO_ROOT,
    env: { PATH: process.env['PATH'] ?? '', NO_COLOR: '1', ...options.env },
    input: options.input ?? '',
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
