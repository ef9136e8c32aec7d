import { defineConfig } from 'vitest/config';

// Test tiers as vitest projects. `npm test` runs them all;
// `npx vitest run --project unit` runs one.
const tier = (name: string, timeoutMs: number) => ({
  test: { name, include: [`tests/${name}/**/*.test.ts`], testTimeout: timeoutMs },
});

export default defineConfig({
  test: {
    // The tests that run the `dunghan` command run its bundle: built first from the current sources.
    globalSetup: ['tests/support/build-dist.ts'],
    projects: [tier('unit', 10_000), tier('workflow', 120_000), tier('infra', 120_000), tier('e2e', 300_000)],
  },
});
