import { defineConfig } from 'vitest/config';

// The load suite (`npm run test:load`), kept out of `npm test`: 50 concurrent clients for 10 s against
// `serverless offline start` on DynamoDB Local, the same stack as the e2e suite's.
export default defineConfig({
  test: {
    name: 'load',
    include: ['tests/load/**/*.test.ts'],
    globalSetup: ['tests/support/offline.global.ts'],
    hookTimeout: 180_000,
    testTimeout: 120_000,
  },
});
