/**
 * The demo scripts of package.json, run by `sh` as npm runs them. With `npm` and `node` replaced
 * by stubs that exit with a chosen status: a demo passes only when the build succeeds and the
 * demo exits 1 (it reports the bundled deadlock); a failed build fails it. Then for real, with
 * the real `node` (only `npm run build` is a stub that succeeds: the global setup has built
 * dist/, and rebuilding it here would rewrite files other test files are running): each demo
 * prints the KVM cycle it is there to show and the script succeeds.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, SPAWN_TIMEOUT_MS } from './run-cli.js';

const stubs = mkdtempSync(join(tmpdir(), 'lockdep-scripts-'));
afterAll(() => rmSync(stubs, { recursive: true, force: true }));
for (const [command, variable] of [['npm', 'STUB_NPM_STATUS'], ['node', 'STUB_NODE_STATUS']] as const) {
  writeFileSync(join(stubs, command), `#!/bin/sh\nexit "$${variable}"\n`);
  chmodSync(join(stubs, command), 0o755);
}

const scripts = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;

function runScript(name: string, npmStatus: number, nodeStatus: number): number | null {
  const script = scripts[name];
  if (script === undefined) throw new Error(`package.json has no ${name} script`);
  return spawnSync('sh', ['-c', script], {
    cwd: REPO_ROOT,
    env: { PATH: `${stubs}:/usr/bin:/bin`, STUB_NPM_STATUS: String(npmStatus), STUB_NODE_STATUS: String(nodeStatus) },
    stdio: 'ignore',
  }).status;
}

describe.each(['demo', 'demo:sim'])('npm run %s', { timeout: SPAWN_TIMEOUT_MS }, (name) => {
  it('passes when the build succeeds and the demo reports the deadlock (exit 1)', () => {
    expect(runScript(name, 0, 1)).toBe(0);
  });

  it.each([
    ['the build fails', 1, 1],
    ['the demo finds nothing (exit 0)', 0, 0],
    ['the demo fails with an error (exit 2)', 0, 2],
  ])('fails when %s', (_case, npmStatus, nodeStatus) => {
    expect(runScript(name, npmStatus, nodeStatus)).not.toBe(0);
  });
});

describe('the demos, run for real', { timeout: SPAWN_TIMEOUT_MS }, () => {
  const realRun = mkdtempSync(join(tmpdir(), 'lockdep-demo-'));
  afterAll(() => rmSync(realRun, { recursive: true, force: true }));
  // `npm run build --silent` succeeds (dist/ is built); any other npm command fails the demo.
  writeFileSync(join(realRun, 'npm'), '#!/bin/sh\n[ "$*" = "run build --silent" ] || { echo "unexpected: npm $*" >&2; exit 97; }\n');
  chmodSync(join(realRun, 'npm'), 0o755);

  function runDemo(name: string): { status: number | null; stdout: string; stderr: string } {
    const run = spawnSync('sh', ['-c', scripts[name] ?? `echo no ${name} script; exit 98`], {
      cwd: REPO_ROOT,
      env: { PATH: `${realRun}:${dirname(process.execPath)}:/usr/bin:/bin`, NO_COLOR: '1' },
      encoding: 'utf8',
      timeout: SPAWN_TIMEOUT_MS,
    });
    return { status: run.status, stdout: run.stdout, stderr: run.stderr };
  }

  /** The cycle of the 2021 design, as lockdep reported it on 19 April 2021. */
  const CYCLE = '[error] circular-dependency: possible circular locking dependency: mmu_notifier_invalidate_range_start -> &kvm->mmu_notifier_slots_lock -> mmu_notifier_invalidate_range_start';

  it('npm run demo reports the recorded KVM trace\'s one cycle (check exits 1, the script 0)', () => {
    const run = runDemo('demo');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('WARNING: possible circular locking dependency detected');
    expect(run.stdout).toContain('qemu-system-x86/3069 is trying to acquire lock:\n(mmu_notifier_invalidate_range_start){+.+.}');
    expect(run.stdout).toContain('but task is already holding lock:\n(&kvm->mmu_notifier_slots_lock){++++}');
    expect(run.stdout).toContain('[examples/kvm/kvm-2021.jsonl:56]');
    expect(run.stdout).toContain(CYCLE);
    expect(run.stdout).toMatch(/lockdep: 116 events, 5 tasks, 7 classes, 15 dependencies; 1 finding \(1 error, 0 warnings, 0 info\)\n$/);
  });

  it('npm run demo:sim simulates every design and variant, with the verdicts and the real deadlock', () => {
    const run = runDemo('demo:sim');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('WARNING: possible circular locking dependency detected');
    expect(run.stdout).toContain(CYCLE);
    const verdicts = run.stdout.slice(run.stdout.indexOf('verdicts:\n')).split('\n').slice(1, 8).map((line) => line.trim().split(/\s{2,}/));
    expect(verdicts).toEqual([
      ['design 2021-fair', 'circular-dependency'],
      ['design 2021-reader-preference', 'clean'],
      ['design 5.15', 'clean'],
      ['variant slots-lock-outside-write-side', 'slots-lock-outside-write-side'],
      ['variant no-slots-lock-in-notifiers', 'no-slots-lock-in-notifiers, circular-dependency, circular-dependency'],
      ['variant no-new-writers', 'no-new-writers'],
      ['variant notifier-count-under-mmu-lock', 'notifier-count-under-mmu-lock'],
    ]);
    expect(run.stdout).toContain('WARNING: real deadlock: every runnable task is blocked');
    expect(run.stdout).toContain('qemu-kvm-ioctl waits for &kvm->mmu_notifier_slots_lock (write), held by qemu-system-x86/3069 (read)');
  });
});
