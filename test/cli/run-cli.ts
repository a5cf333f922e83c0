/**
 * Runs the CLI for a test, two ways. `runCliInProcess` calls `runLockdep` from src/ in this
 * process, with stdout and stderr captured, NO_COLOR=1 and `cwd` as the working directory: no
 * Node start-up, no build, so a test's time does not depend on the machine's load. `runCli`
 * spawns the built binary (`node bin/lockdep.js`, built once by test/setup/build-dist.ts) with a
 * minimal environment (PATH, NO_COLOR=1), as a user runs it: for tests about the process
 * boundary (stdin, signals, exit codes of the process, output when stdout is a pipe).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { runLockdep } from '../../src/cli/run-lockdep.js';

export const REPO_ROOT = join(import.meta.dirname, '..', '..');
export const BIN = join(REPO_ROOT, 'bin', 'lockdep.js');

/** A spawned CLI run that takes longer than this is hung (the inputs of the tests are small). */
export const SPAWN_TIMEOUT_MS = 60_000;

export interface CliRun {
  status: number | null;
  /** The signal that ended the process, if one did. */
  signal?: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliRunOptions {
  /** Standard input (spawned runs only). */
  input?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export function runCli(args: readonly string[], options: CliRunOptions = {}): CliRun {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? REPO_ROOT,
    env: { PATH: process.env['PATH'] ?? '', NO_COLOR: '1', ...options.env },
    input: options.input ?? '',
    encoding: 'utf8',
    timeout: SPAWN_TIMEOUT_MS,
  });
  return { status: result.status, signal: result.signal, stdout: result.stdout, stderr: result.stderr };
}

type Write = typeof process.stdout.write;

/** Sends what is written to `stream` to `chunks` instead, until the returned function is called. */
function capture(stream: NodeJS.WriteStream, chunks: string[]): () => void {
  const original = Object.getOwnPropertyDescriptor(stream, 'write');
  const write = (chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    const callback = rest.find((arg): arg is (error?: Error | null) => void => typeof arg === 'function');
    if (callback !== undefined) queueMicrotask(() => callback());
    return true;
  };
  stream.write = write;
  return () => {
    if (original === undefined) delete (stream as { write?: Write }).write;
    else Object.defineProperty(stream, 'write', original);
  };
}

/** Sets (or, for `undefined`, removes) environment variables until the returned function is called. */
function withEnv(changes: NodeJS.ProcessEnv): () => void {
  const saved = Object.keys(changes).map((key) => [key, process.env[key]] as const);
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  return () => {
    for (const [key, value] of saved) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
}

/**
 * Runs `lockdep ARGS` in this process (src/, not dist/) from `cwd` (default: the repository
 * root; vitest's default `forks` pool allows `process.chdir`). Standard input is not available,
 * and checks on worker threads (`--jobs` above 1 with several traces, or several large traces)
 * need the built worker: such tests spawn with `runCli`.
 */
export async function runCliInProcess(args: readonly string[], options: Omit<CliRunOptions, 'input'> = {}): Promise<CliRun> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const previousDirectory = process.cwd();
  const restoreEnv = withEnv({ NO_COLOR: '1', FORCE_COLOR: undefined, ...options.env });
  const restoreStdout = capture(process.stdout, stdout);
  const restoreStderr = capture(process.stderr, stderr);
  let status: number;
  try {
    process.chdir(options.cwd ?? REPO_ROOT);
    status = await runLockdep(args);
  } finally {
    process.chdir(previousDirectory);
    restoreStderr();
    restoreStdout();
    restoreEnv();
  }
  return { status, stdout: stdout.join(''), stderr: stderr.join('') };
}
