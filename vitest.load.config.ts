import { defineConfig } from 'vitest/config';

// The load suite (`npm run test:load`), kept out of `npm test`: a fresh `npm start` of its own under 50 concurrent
// clients (its first burst, then 10 s of every kind of request), and its end when DynamoDB Local dies; then another,
// through npm, as a process: its own leftover DynamoDB Local removed, its output, its end on SIGTERM.
export default defineConfig({
  test: {
    name: 'load',
    include: ['tests/load/**/*.test.ts'],
    // One npm start at a time: another one starting would be in the load's measurements.
    fileParallelism: false,
    // npm start: DynamoDB Local, the bundles, serverless-offline and the warm-up, on a busy 2-core machine.
    hookTimeout: 240_000,
    testTimeout: 120_000,
  },
});
