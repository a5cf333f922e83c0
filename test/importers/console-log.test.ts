/**
 * Console logs as CI inputs: prefixes stripped, fingerprints that survive another boot, one
 * finding per bug however often the log repeats it, cut reports marked incomplete (never an
 * input error), circular reports' edges in the saved graph for `merge`, and baselines and the
 * machine formats working on kernel logs as on traces.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkTrace } from '../../src/check/check-trace.js';
import type { Finding } from '../../src/engine/finding.js';
import { consoleText } from '../../src/events/console-line.js';
import { ConsoleLogScanner } from '../../src/events/dmesg-reader.js';
import { MAX_REPORT_LINES } from '../../src/events/splat-builder.js';
import type { KernelSplat } from '../../src/events/kernel-splat.js';
import { REPO_ROOT, runCli, runCliInProcess } from '../cli/run-cli.js';

const SPLATS = join(REPO_ROOT, 'test', 'fixtures', 'real', 'kernel', 'splats');
const dir = mkdtempSync(join(tmpdir(), 'lockdep-dmesg-'));
const luck = readFileSync(join(SPLATS, 'luck-2025-circular-continuation.txt'), 'utf8');
const trojanowski = readFileSync(join(SPLATS, 'trojanowski-2009-circular-2.6.30.txt'), 'utf8');

/** A made-up report of another machine: &q->q_usage_counter(io) -> fs_reclaim -> &w->lock -> back. */
const OTHER_MACHINE = `======================================================
WARNING: possible circular locking dependency detected
6.15.0 #1 Not tainted
------------------------------------------------------
kworker/0:1/77 is trying to acquire lock:
ffff888100000001 (&q->q_usage_counter(io)){++++}-{0:0}, at: blk_queue_enter+0x10/0x20

but task is already holding lock:
ffff888100000002 (&w->lock){+.+.}-{3:3}, at: w_work+0x10/0x20

which lock already depends on the new lock.

the existing dependency chain (in reverse order) is:

-> #2 (&w->lock){+.+.}-{3:3}:
       w_work+0x10/0x20
-> #1 (fs_reclaim){+.+.}-{0:0}:
       fs_reclaim_acquire+0x9d/0xd0
-> #0 (&q->q_usage_counter(io)){++++}-{0:0}:
       blk_queue_enter+0x10/0x20

other info that might help us debug this:

stack backtrace:
CPU: 0 PID: 77 Comm: kworker/0:1 Not tainted 6.15.0 #1
`;

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

async function findings(text: string, name = 'console.log'): Promise<Finding[]> {
  return (await checkTrace(file(name, text), { inputFormat: 'dmesg' })).violations;
}

function scan(text: string): KernelSplat[] {
  const splats: KernelSplat[] = [];
  const scanner = new ConsoleLogScanner((splat) => splats.push(splat));
  text.split('\n').forEach((line, index) => scanner.line(line, index + 1));
  scanner.end();
  return splats;
}

/** The same report on another boot: other addresses, timestamps, pid and offsets. */
function anotherBoot(text: string): string {
  return text
    .replace(/\b(?:ff2f|ffff)[0-9a-f]{12}\b/g, (address) => `ffff8881${address.slice(8)}`)
    .replace(/\[\s*(\d+)\.(\d+)\]/g, (_stamp, seconds: string, micros: string) => `[${String(Number(seconds) + 1000).padStart(5)}.${micros}]`)
    .replace(/\/2100\b/g, '/31337')
    .replace(/\+0x[0-9a-f]+\/0x[0-9a-f]+/g, '+0x10/0x80');
}

describe('console prefixes', () => {
  it.each([
    ['<4>[   13.815387] swapper/0/1 is trying to acquire lock:', 'swapper/0/1 is trying to acquire lock:'],
    ['[   75.968288][  T141] WARNING: inconsistent lock state', 'WARNING: inconsistent lock state'],
    ['[ 75.969889][ T141] ffff888113a9d958 (&ep->lock){+-.-}-{2:2}', 'ffff888113a9d958 (&ep->lock){+-.-}-{2:2}'],
    ['[    1.000000][    C3] #0: x', '#0: x'],
    ['>>   WARNING: possible recursive locking detected', '  WARNING: possible recursive locking detected'],
    ['Apr  9 16:20:26 kern.warn kernel: [   65.630294] WARNING: inconsistent lock state', 'WARNING: inconsistent lock state'],
    ['Nov  2 07:49:50 sienna kernel:  <3>BUG: sleeping function', ' <3>BUG: sleeping function'],
    ['CPU: 0 PID: 1 Comm: swapper/0', 'CPU: 0 PID: 1 Comm: swapper/0'],
    ['[<ffffffff80256c37>] __queue_work+0x1d/0x43', '[<ffffffff80256c37>] __queue_work+0x1d/0x43'],
  ])('%j -> %j', (line, text) => {
    expect(consoleText(line)).toBe(text);
  });
});

describe('fingerprints of console-log findings', () => {
  it('depend on the kind and the class names only: the same report on another boot has the same fingerprint', async () => {
    const other = anotherBoot(luck);
    expect(other).not.toBe(luck);
    expect(other).toContain('(udev-worker)/31337');
    const [first] = (await findings(luck, 'boot1.log')) as [Finding];
    const [second] = (await findings(other, 'boot2.log')) as [Finding];
    expect(second.fingerprint).toBe(first.fingerprint);
    expect(second.task).toBe('(udev-worker)/31337');
  });

  it('differ when a class differs, or when the kind differs over the same classes', async () => {
    const [first] = (await findings(luck)) as [Finding];
    const [renamed] = (await findings(luck.replaceAll('fs_reclaim', 'fs_reclaim#2'))) as [Finding];
    expect(renamed.fingerprint).not.toBe(first.fingerprint);
    const recursive = readFileSync(join(SPLATS, 'syrjala-2023-recursive-intel-ci.txt'), 'utf8');
    const [asRecursive] = (await findings(recursive)) as [Finding];
    const [asCircular] = (await findings(recursive.replace('possible recursive locking detected', 'possible circular locking dependency detected'))) as [Finding];
    expect(asCircular.kind).toBe('circular-dependency');
    expect(asCircular.fingerprint).not.toBe(asRecursive.fingerprint);
  });

  it('a circular report has the fingerprint the engine gives the same cycle in a trace', async () => {
    const [fromLog] = (await findings(luck)) as [Finding];
    const acquire = (task: string, lock: string): string => JSON.stringify({ op: 'acquire', task, lock, class: lock });
    const release = (task: string, lock: string): string => JSON.stringify({ op: 'release', task, lock });
    const [e, f, q] = ['&q->elevator_lock', 'fs_reclaim', '&q->q_usage_counter(io)'] as const;
    const trace = [
      acquire('a', e), acquire('a', f), release('a', f), release('a', e),
      acquire('b', f), acquire('b', q), release('b', q), release('b', f),
      acquire('c', q), acquire('c', e), release('c', e), release('c', q),
    ].join('\n');
    const [fromTrace] = (await checkTrace(file('cycle.jsonl', `${trace}\n`))).violations as [Finding];
    expect(fromTrace.kind).toBe('circular-dependency');
    expect(fromTrace.fingerprint).toBe(fromLog.fingerprint);
  });

  it('the same bug twice in one log (two boots concatenated) is one finding seen twice; another bug is another finding', async () => {
    const log = `${luck}\n${anotherBoot(luck)}\n${trojanowski}`;
    const result = await findings(log);
    expect(result.map((f) => [f.kind, f.classes.length, f.occurrences])).toEqual([
      ['circular-dependency', 3, 2],
      ['circular-dependency', 2, 1],
    ]);
  });
});

describe('cut reports', () => {
  const complete = ['luck-2025-circular-continuation.txt', 'syzbot-2022-inconsistent-sync-timeline.txt', 'chen-2024-sleeping-rt-loongarch.txt', 'king-2019-still-has-locks-arm.txt'];

  it.each(complete)('%s cut after any line gives at most one report, incomplete unless the cut is past its end, never an error', (name) => {
    const lines = readFileSync(join(SPLATS, name), 'utf8').split('\n');
    const whole = scan(lines.join('\n'));
    expect(whole).toHaveLength(1);
    const end = whole[0]?.lastLine ?? 0;
    for (let cut = 0; cut <= lines.length; cut++) {
      const splats = scan(lines.slice(0, cut).join('\n'));
      expect(splats.length).toBeLessThanOrEqual(1);
      const [splat] = splats;
      if (splat === undefined) continue;
      // Complete once the report reached its backtrace; the backtrace itself may be cut.
      const reachedEnd = splat.complete;
      expect(reachedEnd || cut < end).toBe(true);
      if (cut < (whole[0]?.firstLine ?? 0)) expect(splats).toHaveLength(0);
    }
  });

  it('the lines of every real report, shuffled, are read without an error into well-formed reports', () => {
    const all = readdirSync(SPLATS).filter((name) => name.endsWith('.txt')).flatMap((name) => readFileSync(join(SPLATS, name), 'utf8').split('\n'));
    let seed = 17;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    for (let round = 0; round < 20; round++) {
      const lines = [...all];
      for (let i = lines.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [lines[i], lines[j]] = [lines[j] as string, lines[i] as string];
      }
      const splats = scan(lines.join('\n'));
      expect(splats.length).toBeGreaterThan(0);
      for (const splat of splats) {
        expect(splat.lastLine).toBeGreaterThanOrEqual(splat.firstLine);
        for (const cls of [splat.acquiring, splat.holding, splat.other, ...splat.held]) expect(cls?.class ?? 'x').not.toBe('');
      }
    }
  });

  it('a report cut by the next report is incomplete, and the next one is read whole', async () => {
    const cut = luck.split('\n').slice(0, 30).join('\n');
    const result = await findings(`${cut}\n${trojanowski}`);
    expect(result.map((f) => [f.kind, f.splat?.incomplete, f.classes])).toEqual([
      ['circular-dependency', true, ['&q->elevator_lock', 'fs_reclaim', '&q->q_usage_counter(io)']],
      ['circular-dependency', false, ['&cwq->lock', '&q->lock']],
    ]);
    expect(result[0]?.message).toMatch(/\(incomplete report\)$/);
  });

  it('a header whose report never comes stops holding the log after MAX_REPORT_LINES lines', () => {
    const noise = Array.from({ length: MAX_REPORT_LINES + 10 }, (_, i) => `[ ${String(i).padStart(5)}.000000] usb 1-1: reset high-speed USB device`);
    const splats = scan(['WARNING: possible recursive locking detected', ...noise, trojanowski].join('\n'));
    expect(splats.map((s) => [s.kind, s.complete, s.lastLine - s.firstLine <= MAX_REPORT_LINES])).toEqual([
      ['recursive-locking', false, true],
      ['circular-dependency', true, true],
    ]);
  });

  it('a log without any report is a clean input (exit 0), and text around reports is ignored', async () => {
    const clean = file('clean.log', '[    0.000000] Linux version 6.8.0\n[    1.000000] random: crng init done\nnot a kernel line at all { "op": "acquire" }\n');
    const run = await runCliInProcess(['check', '--no-config', clean]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });
});

describe('console logs in CI', { timeout: 60_000 }, () => {
  it('the example console log (examples/kernel/console.log) holds two reports: exit 1, a finding each', async () => {
    const run = await runCliInProcess(['check', '--no-config', '-f', 'json', 'examples/kernel/console.log']);
    expect(run.status).toBe(1);
    const result = JSON.parse(run.stdout) as { violations: Finding[] };
    expect(result.violations.map((f) => [f.kind, f.splat?.title, f.events[0]?.line])).toEqual([
      ['sleep-in-atomic', 'BUG: sleeping function called from invalid context in __rmqueue_pcplist', 3],
      ['circular-dependency', 'possible deadlock in elv_iosched_store', 34],
    ]);
  });

  it('a circular report saves its chain as dependencies; merge finds the cycle two machines\' reports close together', async () => {
    const graph = join(dir, 'luck-graph.json');
    const checked = await runCliInProcess(['check', '--no-config', '--input-format', 'dmesg', '--save-graph', graph, '-f', 'json', file('luck.log', luck)]);
    expect(checked.status).toBe(1);
    const [finding] = JSON.parse(checked.stdout).violations as [Finding];
    // The engine finds the report's own cycle again in its edges: still one occurrence.
    expect(finding.occurrences).toBe(1);
    const saved = JSON.parse(readFileSync(graph, 'utf8')) as { dependencies: { from: string; to: string }[] };
    expect(saved.dependencies.map((d) => `${d.from} -> ${d.to}`).sort()).toEqual([
      '&q->elevator_lock -> fs_reclaim',
      '&q->q_usage_counter(io) -> &q->elevator_lock',
      'fs_reclaim -> &q->q_usage_counter(io)',
    ]);
    // Another machine reports a cycle through &q->q_usage_counter(io) -> fs_reclaim: with the
    // first machine's fs_reclaim -> &q->q_usage_counter(io), the two close a cycle neither printed.
    const otherGraph = join(dir, 'other-graph.json');
    expect((await runCliInProcess(['check', '--no-config', '--save-graph', otherGraph, file('other.log', OTHER_MACHINE)])).status).toBe(1);
    const merged = await runCliInProcess(['merge', '--no-config', graph, otherGraph, '-f', 'json']);
    expect(merged.status).toBe(1);
    const cycles = JSON.parse(merged.stdout).violations as Finding[];
    expect(cycles).toHaveLength(1);
    expect(cycles[0]?.kind).toBe('circular-dependency');
    expect([...(cycles[0]?.classes ?? [])].sort()).toEqual(['&q->q_usage_counter(io)', 'fs_reclaim']);
    expect(cycles[0]?.message).toContain(`from ${graph}`);
    expect(cycles[0]?.message).toContain(`from ${otherGraph}`);
  });

  it('a baseline of one boot silences the same bug on the next boot, not a new one', async () => {
    const boot1 = file('boot1.log', luck);
    const boot2 = file('boot2.log', `${anotherBoot(luck)}\n${trojanowski}`);
    const baseline = join(dir, 'baseline.json');
    const made = await runCliInProcess(['baseline', '--no-config', '--input-format', 'dmesg', '-o', baseline, boot1]);
    expect(made.status).toBe(0);
    const run = await runCliInProcess(['check', '--no-config', '--baseline', baseline, '-f', 'json', boot2]);
    expect(run.status).toBe(1);
    const result = JSON.parse(run.stdout) as { violations: Finding[] };
    expect(result.violations.map((f) => [f.classes[0], f.baselined === true])).toEqual([
      ['&q->elevator_lock', true],
      ['&cwq->lock', false],
    ]);
  });

  it('through the binary: `dmesg | lockdep check -` detects the console log on standard input', () => {
    const run = runCli(['check', '--no-config', '-'], { input: `[    0.000000] Linux version 6.14.0+\n${luck}` });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('[error] circular-dependency: possible deadlock in elv_iosched_store');
  });

  it('convert says a console log holds reports, not lock events, and writes an empty trace', async () => {
    const log = file('convert.log', trojanowski);
    const run = await runCliInProcess(['convert', '--no-config', log]);
    expect(run.status).toBe(0);
    expect(run.stderr).toBe(`${log}:4: warning: a lockdep report (circular-dependency) is no lock event, nothing converted (lockdep check reads console logs)\n`);
    expect(run.stdout.trim().split('\n')).toHaveLength(1);
  });

  it('SARIF and JUnit carry the report with its syzbot-style title and its log line', async () => {
    const log = file('sarif.log', trojanowski);
    const sarif = await runCliInProcess(['check', '--no-config', '-f', 'sarif', log]);
    const result = JSON.parse(sarif.stdout).runs[0].results[0] as { ruleId: string; message: { text: string }; locations: { physicalLocation: { region: { startLine: number } } }[] };
    expect(result.ruleId).toBe('lockdep/circular-dependency');
    expect(result.message.text).toContain('possible deadlock in __queue_work');
    // The line of the lock being acquired: ` (&cwq->lock){..-...}, at: [<ffffffff80256c37>] __queue_work+0x1d/0x43`.
    expect(result.locations[0]?.physicalLocation.region.startLine).toBe(8);
    const junit = await runCliInProcess(['check', '--no-config', '-f', 'junit', log]);
    expect(junit.stdout).toContain('possible deadlock in __queue_work');
  });
});
