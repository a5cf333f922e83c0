/**
 * examples/ci/lockdep.yml stays a valid workflow of the documented shape: a matrix check job that
 * uploads SARIF and saves graphs, and a final merge job that needs it; every lockdep command line
 * in it uses only options the CLI knows (checked against the help of the CLI, run in-process).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REPO_ROOT, runCliInProcess } from '../cli/run-cli.js';

interface Step { run?: string; uses?: string; with?: Record<string, unknown> }
interface Job { needs?: string | string[]; if?: string; strategy?: { matrix?: Record<string, unknown> }; steps: Step[] }
const workflow = parse(readFileSync(join(REPO_ROOT, 'examples', 'ci', 'lockdep.yml'), 'utf8')) as { jobs: Record<string, Job> };

describe('examples/ci/lockdep.yml', () => {
  const check = workflow.jobs['check'] as Job;
  const merge = workflow.jobs['merge'] as Job;

  it('checks traces in a matrix, uploads SARIF and keeps the graphs', () => {
    expect(Array.isArray(check.strategy?.matrix?.['trace'])).toBe(true);
    const run = check.steps.map((step) => step.run ?? '').join('\n');
    expect(run).toContain('npx lockdep check "$TRACE"');
    expect(run).toContain('--save-graph');
    expect(check.steps.some((step) => step.uses?.startsWith('github/codeql-action/upload-sarif'))).toBe(true);
    expect(check.steps.some((step) => step.uses?.startsWith('actions/upload-artifact'))).toBe(true);
  });

  it('merges the graphs in a final job', () => {
    expect(merge.needs).toBe('check');
    expect(merge.if).toBe('always()');
    expect(merge.steps.some((step) => step.uses?.startsWith('actions/download-artifact'))).toBe(true);
    expect(merge.steps.map((step) => step.run ?? '').join('\n')).toContain('npx lockdep merge graphs/graph-*.json');
  });

  it('uses only options the CLI knows', async () => {
    for (const [command, job] of [['check', check], ['merge', merge]] as const) {
      const help = (await runCliInProcess([command, '--help'])).stdout;
      const line = job.steps.map((step) => step.run ?? '').find((run) => run.includes(`lockdep ${command}`)) as string;
      const options = line.match(/(?<=\s)--?[a-z][a-z-]*/g) ?? [];
      expect(options.length).toBeGreaterThan(3);
      for (const option of options) expect(help, `${command} ${option}`).toContain(option.length === 2 ? `${option},` : option);
    }
  });
});
