// The test runner's configuration: one build of dist/ before any test file runs (the spawned-CLI
// tests and the simulation modules use the built package), and the suite's time budgets.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    globalSetup: ['test/setup/build-dist.ts'],
  },
});
