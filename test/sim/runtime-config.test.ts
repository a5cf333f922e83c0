// `lockdep.config.yaml` for the library: `new LockdepRuntime({config})` applies the file's rules
// (with strictOrder) and maxDepth; `config: true` finds the nearest file as the CLI does; the
// default runtime (the async-mutex drop-in's) finds it from the working directory.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError, LockdepRuntime, Mutex } from '../../src/index.js';
import { configFileOf } from '../../src/sim/runtime-config.js';
import { REPO_ROOT } from '../cli/run-cli.js';

const LEAF_RULE = `rules:
  - id: audit-is-a-leaf
    kind: leaf
    lock: [audit]
    description: nothing is taken while the audit lock is held
`;

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'lockdep-config-'));
  writeFileSync(join(dir, 'rules.yaml'), LEAF_RULE);
  writeFileSync(join(dir, 'lockdep.config.yaml'), 'rules: [rules.yaml]\nmaxDepth: 2\n');
  mkdirSync(join(dir, 'nested', 'deeper'), { recursive: true });
  writeFileSync(join(dir, 'bad.yaml'), 'maxDepth: zero\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('LockdepRuntime({config})', () => {
  it("applies the file's rules and maxDepth", async () => {
    const rt = new LockdepRuntime({ config: join(dir, 'lockdep.config.yaml') });
    const [audit, ledger, extra] = [new Mutex(rt, 'audit'), new Mutex(rt, 'ledger'), new Mutex(rt, 'extra')];
    await audit.with(null, () => ledger.with(null, () => undefined));
    expect(rt.findings.map((f) => f.rule ?? f.kind)).toEqual(['audit-is-a-leaf']);
    await ledger.with(null, () => extra.with(null, () => audit.with(null, () => undefined)));
    expect(rt.findings.map((f) => f.kind)).toContain('lock-depth-exceeded');
  });

  it('an explicit maxDepth wins over the file; without `config` the file is ignored', async () => {
    const rt = new LockdepRuntime({ config: join(dir, 'lockdep.config.yaml'), maxDepth: 10 });
    const [a, b, c] = [new Mutex(rt, 'a'), new Mutex(rt, 'b'), new Mutex(rt, 'c')];
    await a.with(null, () => b.with(null, () => c.with(null, () => undefined)));
    expect(rt.findings).toEqual([]);
    const plain = new LockdepRuntime();
    const [audit, ledger] = [new Mutex(plain, 'audit'), new Mutex(plain, 'ledger')];
    await audit.with(null, () => ledger.with(null, () => undefined));
    expect(plain.findings).toEqual([]);
  });

  it('`true` finds the nearest file from the working directory up, or none', () => {
    expect(configFileOf(true, join(dir, 'nested', 'deeper'))?.file).toBe(join(dir, 'lockdep.config.yaml'));
    expect(configFileOf(true, '/')).toBeUndefined();
    expect(configFileOf(false, dir)).toBeUndefined();
  });

  it('a bad config file is an input error naming file:line:col', () => {
    let error: unknown;
    try {
      new LockdepRuntime({ config: join(dir, 'bad.yaml') });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InputError);
    expect(String(error)).toMatch(/bad\.yaml:1:\d+: /);
  });
});

describe('the default runtime', { timeout: 60_000 }, () => {

  it('applies the lockdep.config.yaml of the working directory to a plain node run', () => {
    const program = join(REPO_ROOT, 'test', 'sim', 'fixtures', 'config-program.tmp.mjs');
    writeFileSync(
      program,
      [
        "import { Mutex } from 'lockdep/async-mutex';",
        "const audit = new Mutex('audit');",
        "const ledger = new Mutex('ledger');",
        'await audit.runExclusive(() => ledger.runExclusive(() => undefined));',
      ].join('\n'),
    );
    try {
      const run = spawnSync(process.execPath, [program], { cwd: dir, env: { PATH: process.env['PATH'] ?? '', NO_COLOR: '1' }, encoding: 'utf8', timeout: 60_000 });
      expect(run.stderr).toContain('[error] rule-violation');
      expect(run.stderr).toContain('audit-is-a-leaf');
      expect(run.status).toBe(1);
    } finally {
      rmSync(program, { force: true });
    }
  });
});
