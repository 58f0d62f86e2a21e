import { availableParallelism } from 'node:os';
import { parse } from 'yaml';
import { defineConfig, type Plugin } from 'vitest/config';

/** `import document from './file.yaml'`, as plugins/esbuild-plugins.cjs builds it into the functions: its value. */
const yamlAsJson: Plugin = {
  name: 'yaml-as-json',
  transform: (text, id) =>
    /\.ya?ml$/.test(id) ? { code: `export default ${JSON.stringify(parse(text))};`, map: null } : undefined,
};

// Four projects: pure functions; the data module and handlers on DynamoDB Local (fresh tables per file); the API over
// HTTP and WebSockets through `serverless offline start`, with a smoke run of `npm run bench`; and the output of
// `serverless package`.
export default defineConfig({
  plugins: [yamlAsJson],
  test: {
    // Logs go through the global console (so tests can watch them), errors only unless a test asks for more.
    env: { POWERTOOLS_DEV: 'true', POWERTOOLS_LOG_LEVEL: 'ERROR' },
    // One worker more than the cores, not vitest's one less: a file spends much of its time waiting on DynamoDB
    // Local, serverless-offline or a browser, processes of their own (on 2 cores, 2026-12-06: 117 s with 2 workers,
    // 81 s with 3, 77 s with 4).
    maxWorkers: availableParallelism() + 1,
    projects: [
      // Files of a project share a worker's loaded modules (isolate: false) where none mocks a module and each one
      // restores what it spies on: a fresh import of the AWS SDK per file was a tenth of the run.
      {
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts'],
          isolate: false,
          // The reference page's stylesheet as its bundle carries it (vitest empties CSS imports otherwise, ?raw too).
          css: { include: [/swagger-ui\.css/] },
        },
      },
      {
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          globalSetup: ['tests/support/dynamodb-local.global.ts'],
          // One DynamoDB Local for all files, each on tables of its own, so they run side by side.
          isolate: false,
        },
      },
      {
        test: {
          name: 'e2e',
          // The bench's smoke run too: its push rows use this stack's serverless-offline rather than start another.
          include: ['tests/e2e/**/*.test.ts', 'tests/bench/**/*.test.ts'],
          globalSetup: ['tests/support/offline.global.ts'],
          hookTimeout: 300_000,
          // A browser's clicks and a few HTTP round trips: seconds on a busy 2-core machine.
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'package',
          include: ['tests/package/**/*.test.ts'],
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
