/**
 * yargs renders a command's whole help text after running its handler, in case the handler asks
 * for it (src/cli/run-lockdep.ts, `skipHelpCache`). A command line that cannot ask for help
 * renders none; one that asks still gets it, and failures stay one line without help.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildCli } from '../../src/cli/run-lockdep.js';
import { REPO_ROOT, runCliInProcess } from './run-cli.js';

interface Usage {
  help(): string;
}

/** Parses `args` with the CLI (stdout muted) and counts the help texts yargs renders meanwhile. */
async function helpRenders(args: readonly string[]): Promise<number> {
  const cli = buildCli(args);
  const usage = (cli as unknown as { getInternalMethods(): { getUsageInstance(): Usage } }).getInternalMethods().getUsageInstance();
  const render = usage.help.bind(usage);
  let renders = 0;
  usage.help = () => {
    renders++;
    return render();
  };
  const previousDirectory = process.cwd();
  const previousExitCode = process.exitCode;
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  try {
    process.chdir(REPO_ROOT);
    await cli.parseAsync(args, {}, () => undefined);
  } finally {
    process.chdir(previousDirectory);
    process.exitCode = previousExitCode;
  }
  return renders;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('the help text yargs caches after a command', () => {
  it('is not rendered for a command line that cannot ask for help', async () => {
    expect(await helpRenders(['check', '--no-config', 'examples/abba.jsonl'])).toBe(0);
    expect(await helpRenders(['graph', 'cycles', 'examples/abba.jsonl'])).toBe(0);
  });

  it('is rendered when the command line asks for help, and shown', async () => {
    expect(await helpRenders(['check', '--help'])).toBeGreaterThan(0);
    const help = await runCliInProcess(['check', '--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('lockdep check <trace...>');
  });

  it('leaves a usage error one line, without help', async () => {
    const run = await runCliInProcess(['check', '--no-config', '--max-classes', 'many', 'examples/abba.jsonl']);
    expect(run.status).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stdout).toBe('');
  });
});
