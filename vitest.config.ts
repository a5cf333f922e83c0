// The test runner's configuration: one build of dist/ before any test file runs (the spawned-CLI
// tests and the simulation modules use the built package), and the suite's time budgets.
import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    globalSetup: ['test/setup/build-dist.ts'],
    // The suite must pass on a loaded 2-core machine, where a test doing real work (a check of
    // a generated trace, a spawned CLI) takes several times its idle time: vitest's 5 s default
    // fails such tests for the load, not for the code. A hang still fails, after 30 s (tests
    // that spawn the CLI give their own budget, SPAWN_TIMEOUT_MS in test/cli/run-cli.ts).
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Vitest's default is cores - 1 workers, one on 2 cores, which leaves a core idle while a
    // file waits on a spawned CLI or on its imports; two workers ran a sample of eight files in
    // 30 s instead of 48 s on the loaded 2-core machine.
    maxWorkers: Math.max(2, availableParallelism() - 1),
  },
});
