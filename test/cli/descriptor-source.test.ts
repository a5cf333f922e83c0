/**
 * `lockdep check -` reads standard input through its descriptor (src/events/descriptor-source.ts):
 * from a pipe, from a redirected file, and from a socket whose `process.stdin` another owner
 * created first (made non-blocking), in several reads with lines cut across them, it gives
 * the output of the same trace checked by path, in JSONL and in STD (detected from the first
 * bytes); so does a named pipe given as the trace. A producer that writes a bad line and then
 * stalls (its end left open) does not hold the check: the error is reported and the process
 * exits 2 at once, from a pipe, a named pipe and a socket. Spawned: standard input is the process
 * boundary.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, REPO_ROOT, runCliInProcess, SPAWN_TIMEOUT_MS } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'lockdep-stdin-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** About 1.5 MB of JSONL: many reads of a pipe, lines cut across them, and one ABBA cycle among 40 classes. */
function jsonlTrace(): string {
  const lines: string[] = [];
  for (let round = 0; round < 6_000; round++) {
    const task = `task-${round % 7}`;
    const outer = `L${round % 40}`;
    const inner = `L${(round % 40) + 1 + (round % 3)}`;
    lines.push(JSON.stringify({ op: 'acquire', task, lock: outer, site: `outer_${round % 11}+0x10/0x40` }));
    lines.push(JSON.stringify({ op: 'acquire', task, lock: inner, site: `inner_${round % 13}+0x22/0x80` }));
    lines.push(JSON.stringify({ op: 'release', task, lock: inner }), JSON.stringify({ op: 'release', task, lock: outer }));
  }
  lines.push(...['acquire L42', 'acquire L0', 'release L0', 'release L42'].map((step) => {
    const [op, lock] = step.split(' ');
    return JSON.stringify({ op, task: 'late', lock });
  }));
  return `${lines.join('\n')}\n`;
}

/** The same kind of program as STD (`thread|acq(lock)|location`), no trailing newline. */
function stdTrace(): string {
  const lines: string[] = [];
  for (let round = 0; round < 20_000; round++) {
    const thread = round % 5;
    lines.push(`T${thread}|acq(L${round % 30})|${round * 4}`, `T${thread}|acq(L${(round % 30) + 1})|${round * 4 + 1}`);
    lines.push(`T${thread}|rel(L${(round % 30) + 1})|${round * 4 + 2}`, `T${thread}|rel(L${round % 30})|${round * 4 + 3}`);
  }
  lines.push('T9|acq(L30)|1', 'T9|acq(L0)|2', 'T9|rel(L0)|3', 'T9|rel(L30)|4');
  return lines.join('\n');
}

const traces = [
  { name: 'JSONL', file: join(dir, 'trace.jsonl'), text: jsonlTrace() },
  { name: 'STD', file: join(dir, 'trace.std'), text: stdTrace() },
];
for (const trace of traces) writeFileSync(trace.file, trace.text);

/** What `check FILE` prints, with the file's name as standard input's. */
async function expectedOutput(file: string): Promise<{ status: number | null; stdout: string }> {
  const run = await runCliInProcess(['check', '--no-config', file]);
  return { status: run.status, stdout: run.stdout.replaceAll(file, '<stdin>') };
}

const ENV = { PATH: process.env['PATH'] ?? '', NO_COLOR: '1' };

describe.each(traces)('lockdep check - with $name on standard input', { timeout: SPAWN_TIMEOUT_MS }, ({ file, text }) => {
  it('from a pipe, as from the file', async () => {
    const run = spawnSync('sh', ['-c', `cat "$TRACE" | "${process.execPath}" "${BIN}" check --no-config -`], {
      cwd: REPO_ROOT, env: { ...ENV, TRACE: file }, encoding: 'utf8', timeout: SPAWN_TIMEOUT_MS,
    });
    const expected = await expectedOutput(file);
    expect(expected.status).toBe(1);
    expect({ status: run.status, stdout: run.stdout }).toEqual(expected);
  });

  it('from a named pipe given as the trace (`<(producer)`), its format detected on its first bytes', async () => {
    const fifo = join(dir, `fifo-${basename(file)}`);
    const run = spawnSync('sh', ['-c', `mkfifo "$FIFO" && { cat "$TRACE" > "$FIFO" & } && "${process.execPath}" "${BIN}" check --no-config "$FIFO"`], {
      cwd: REPO_ROOT, env: { ...ENV, TRACE: file, FIFO: fifo }, encoding: 'utf8', timeout: SPAWN_TIMEOUT_MS,
    });
    const expected = await runCliInProcess(['check', '--no-config', file]);
    expect({ status: run.status, stdout: run.stdout }).toEqual({ status: expected.status, stdout: expected.stdout.replaceAll(file, fifo) });
  });

  it('from a redirected file, as from the file', async () => {
    const fd = openSync(file, 'r');
    try {
      const run = spawnSync(process.execPath, [BIN, 'check', '--no-config', '-'], {
        cwd: REPO_ROOT, env: ENV, stdio: [fd, 'pipe', 'pipe'], encoding: 'utf8', timeout: SPAWN_TIMEOUT_MS,
      });
      expect({ status: run.status, stdout: run.stdout }).toEqual(await expectedOutput(file));
    } finally {
      closeSync(fd);
    }
  });

  it('from a socket whose process.stdin exists already (non-blocking), fed in slow parts', async () => {
    // Touching process.stdin first makes the descriptor non-blocking and gives it a second owner;
    // the bytes arrive in three parts, the first shorter than format detection reads.
    const touch = `data:text/javascript,${encodeURIComponent('process.stdin.pause();')}`;
    const child = spawn(process.execPath, ['--import', touch, BIN, 'check', '--no-config', '-'], { cwd: REPO_ROOT, env: ENV });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk; });
    const bytes = Buffer.from(text);
    const parts = [bytes.subarray(0, 100), bytes.subarray(100, 300_000), bytes.subarray(300_000)];
    const status = new Promise<number | null>((resolve) => child.on('close', resolve));
    for (const part of parts) {
      await new Promise((resolve) => setTimeout(resolve, 150));
      child.stdin.write(part);
    }
    child.stdin.end();
    expect({ status: await status, stdout }).toEqual(await expectedOutput(file));
  });
});

it('the traces take several reads of a pipe (64 KiB each)', () => {
  for (const trace of traces) expect(readFileSync(trace.file).length).toBeGreaterThan(300_000);
});

/** Lines of the JSONL trace, then one acquire without its lock (a bad line), and no end. */
function badAfter(goodLines: number): { bytes: Buffer; badLine: number } {
  const lines = jsonlTrace().split('\n').slice(0, goodLines);
  lines.push(JSON.stringify({ op: 'acquire', task: 'stalled' }), '');
  return { bytes: Buffer.from(lines.join('\n')), badLine: goodLines + 1 };
}

/** Waits for the check to exit; fails (and kills it) if it is still running after the producer has stalled for a while. */
function exitOf(child: ChildProcess): Promise<{ status: number | null; stderr: string }> {
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; });
  return new Promise((resolve) => {
    const watchdog = setTimeout(() => child.kill('SIGKILL'), SPAWN_TIMEOUT_MS / 2);
    child.on('close', (status) => {
      clearTimeout(watchdog);
      resolve({ status, stderr });
    });
  });
}

const BAD_LINE_ERROR = 'acquire event is missing required field "lock"';

describe('a producer that writes a bad line and then stalls', { timeout: SPAWN_TIMEOUT_MS }, () => {
  it('on a pipe: the check reports the line and exits 2 while the pipe stays open', async () => {
    const fifo = join(dir, 'stalled-fifo');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const writeEnd = openSync(fifo, 'r+'); // opening for writing alone would wait for a reader
    const readEnd = openSync(fifo, 'r');
    try {
      const { bytes, badLine } = badAfter(20); // fits in the pipe: the write does not wait
      writeSync(writeEnd, bytes);
      const child = spawn(process.execPath, [BIN, 'check', '--no-config', '--input-format', 'jsonl', '-'], { cwd: REPO_ROOT, env: ENV, stdio: [readEnd, 'ignore', 'pipe'] });
      const run = await exitOf(child);
      expect(run.status).toBe(2);
      expect(run.stderr).toContain(`<stdin>:${badLine}: ${BAD_LINE_ERROR}`);
    } finally {
      closeSync(readEnd);
      closeSync(writeEnd);
    }
  });

  it('on a named pipe given as the trace: the check reports the line and exits 2 while the pipe stays open', async () => {
    const fifo = join(dir, 'stalled-named-fifo');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const writeEnd = openSync(fifo, 'r+'); // the check opens the pipe itself; this end keeps it open
    try {
      const { bytes, badLine } = badAfter(20);
      writeSync(writeEnd, bytes);
      const child = spawn(process.execPath, [BIN, 'check', '--no-config', '--input-format', 'jsonl', fifo], { cwd: REPO_ROOT, env: ENV, stdio: ['ignore', 'ignore', 'pipe'] });
      const run = await exitOf(child);
      expect(run.status).toBe(2);
      expect(run.stderr).toContain(`${fifo}:${badLine}: ${BAD_LINE_ERROR}`);
    } finally {
      closeSync(writeEnd);
    }
  });

  it('on a socket, the format detected first: the lines read so far are checked without waiting for more', async () => {
    // More than format detection reads (64 KiB), less than the 256 KiB blocks a file is read in.
    const { bytes, badLine } = badAfter(3_000);
    expect(bytes.length).toBeGreaterThan(64 * 1024);
    expect(bytes.length).toBeLessThan(256 * 1024);
    const child = spawn(process.execPath, [BIN, 'check', '--no-config', '-'], { cwd: REPO_ROOT, env: ENV, stdio: ['pipe', 'ignore', 'pipe'] });
    child.stdin.on('error', () => undefined); // the check may exit before taking every byte
    child.stdin.write(bytes);
    const run = await exitOf(child);
    child.stdin.destroy();
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(`<stdin>:${badLine}: ${BAD_LINE_ERROR}`);
  });
});
