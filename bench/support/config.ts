// The bench's sizes and repetition counts, from the environment so that the smoke run can shrink them. Defaults are
// the figures of issue 4; `npm run bench:smoke` (BENCH_SMOKE=1) sets small ones for every value not given.

const smoke = process.env.BENCH_SMOKE === '1';

function integer(name: string, full: number, small: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return smoke ? small : full;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer, not ${text}`);
  return value;
}

function integers(name: string, full: number[], small: number[]): number[] {
  const text = process.env[name];
  if (text === undefined || text === '') return smoke ? small : full;
  return text.split(',').map((part) => {
    const value = Number(part.trim());
    if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a comma-separated list of integers`);
    return value;
  });
}

export interface BenchConfig {
  smoke: boolean;
  /** Instances of other owners in the table at each scale level (item 4); the detail, cold-start and offline phases run on the largest. */
  otherInstances: number[];
  /** Instances of the owner whose list is measured at each scale level. */
  ownerInstances: number;
  /** Instances of the paged owner (item 4, page N at limit 20). */
  pagedInstances: number;
  pageLimit: number;
  /** Pages of the paged owner that are measured (the ones past its last page are dropped). */
  pages: number[];
  /** Fresh processes per cold-start variant (item 1) and per import-time bundle (item 5). */
  coldRuns: number;
  /** Runs of each in-process timing (items 2 and 4); each run is `samples` interleaved handler / floor pairs. */
  runs: number;
  samples: number;
  warmup: number;
  /** autocannon (item 6); 0 seconds skips serverless-offline. */
  offlineSeconds: number;
  offlineConnections: number;
  /** Concurrent BatchWriteItem workers when loading the table. */
  loadConcurrency: number;
  /** Take the functions' bundles from `serverless package` (0: from the identical esbuild build, faster). */
  serverlessPackage: boolean;
  /** Where report.json and REPORT.md go: bench/ for a full run, bench/tmp/ for a smoke run unless given. */
  outputDirectory: string;
}

export function benchConfig(): BenchConfig {
  return {
    smoke,
    otherInstances: integers('BENCH_OTHER_INSTANCES', [10, 10_000, 100_000], [10, 200]),
    ownerInstances: integer('BENCH_OWNER_INSTANCES', 20, 20),
    pagedInstances: integer('BENCH_PAGED_INSTANCES', 2000, 60),
    pageLimit: integer('BENCH_PAGE_LIMIT', 20, 20),
    pages: integers('BENCH_PAGES', [1, 10, 50, 100], [1, 3]),
    coldRuns: integer('BENCH_COLD_RUNS', 31, 1),
    runs: integer('BENCH_RUNS', 7, 1),
    samples: integer('BENCH_SAMPLES', 100, 10),
    warmup: integer('BENCH_WARMUP', 100, 5),
    offlineSeconds: integer('BENCH_OFFLINE_SECONDS', 10, 0),
    offlineConnections: integer('BENCH_OFFLINE_CONNECTIONS', 20, 4),
    loadConcurrency: integer('BENCH_LOAD_CONCURRENCY', 8, 4),
    serverlessPackage: integer('BENCH_SERVERLESS_PACKAGE', 1, 0) === 1,
    outputDirectory:
      process.env.BENCH_OUTPUT_DIR ?? new URL(smoke ? './tmp/smoke/' : './', new URL('..', import.meta.url)).pathname,
  };
}
