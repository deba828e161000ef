import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/testkit/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Each file gets its own database, so files run in parallel on the shared server.
    fileParallelism: true,
    maxWorkers: 2,
    // graphql 16 ships CJS and ESM: run the inspector through vite as well, so it shares the test's copy of graphql.
    server: { deps: { inline: ['@graphql-inspector/core'] } },
  },
});
