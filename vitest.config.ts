import { defineConfig } from 'vitest/config';

// Five suites: pure functions; the data module and handlers on DynamoDB Local (fresh tables per file); the API over
// HTTP through `serverless offline start`; the output of `serverless package`; and a smoke run of `npm run bench`.
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['tests/unit/**/*.test.ts'] } },
      {
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          globalSetup: ['tests/support/dynamodb-local.global.ts'],
          setupFiles: ['tests/support/fresh-tables.ts'],
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          globalSetup: ['tests/support/offline.global.ts'],
          hookTimeout: 180_000,
        },
      },
      {
        test: {
          name: 'package',
          include: ['tests/package/**/*.test.ts'],
          hookTimeout: 300_000,
        },
      },
      {
        test: {
          name: 'bench',
          include: ['tests/bench/**/*.test.ts'],
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
