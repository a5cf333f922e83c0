/**
 * The demo scripts of package.json, run by `sh` as npm runs them, with `npm` and `node` replaced
 * by stubs that exit with a chosen status: a demo passes only when the build succeeds and the
 * demo exits 1 (it reports the bundled deadlock); a failed build fails it.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './run-cli.js';

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

describe.each(['demo', 'demo:sim'])('npm run %s', (name) => {
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
