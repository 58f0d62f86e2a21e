// `npm run bench`: every measured item (bench/items/), each against a floor measured in the same run on the same
// machine, then report.json and REPORT.md (bench/ for a full run; bench/tmp/smoke/ for `npm run bench:smoke`).
// Sizes and repetitions: bench/support/config.ts (environment variables BENCH_*).
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { startLocalStack } from '../local/stack.ts';
import * as bundles from './items/bundles.ts';
import * as coldStart from './items/cold-start.ts';
import * as conditional from './items/conditional.ts';
import { estimateCost } from './items/cost.ts';
import * as docsPage from './items/docs-page.ts';
import * as offline from './items/offline.ts';
import * as paging from './items/paging.ts';
import * as scale from './items/scale.ts';
import * as statuses from './items/statuses.ts';
import * as uncachedToken from './items/uncached-token.ts';
import * as warm from './items/warm.ts';
import { ROOT } from './support/bundles.ts';
import { createContext, STAGE } from './support/context.ts';
import { gitCommit, machine, renderReport, updateReadme, type Report } from './support/report.ts';
import { round } from './support/stats.ts';

const context = createContext();
const { config, log, tmp } = context;
const started = Date.now();
const loadAverageBefore = loadavg().map(round);
rmSync(tmp, { recursive: true, force: true });
mkdirSync(tmp, { recursive: true });

const built = await bundles.measure(context);
log('DynamoDB Local: starting, tables from serverless.yml');
const stack = await startLocalStack({ stage: STAGE });
try {
  context.dynamoDbEndpoint = stack.dynamoDbEndpoint;
  await scale.prepare(context, uncachedToken.uncachedTokensNeeded(context));
  await paging.prepare(context);

  const scaleResult = await scale.measure(context);
  const warmResult = await warm.measure(context);
  const uncachedResult = await uncachedToken.measure(context);
  const conditionalResult = await conditional.measure(context);
  const statusesResult = await statuses.measure(context);
  const pagingResult = await paging.measure(context);
  const coldStartResult = await coldStart.measure(context, built);
  const docsPageResult = await docsPage.measure(context, built);
  const offlineResult = await offline.measure(context);

  const { outputDirectory, ...reportedConfig } = config;
  const report: Report = {
    generatedAt: new Date().toISOString(),
    commit: gitCommit(),
    smoke: config.smoke,
    durationSeconds: Math.round((Date.now() - started) / 1000),
    machine: { ...machine(), loadAverageBefore, loadAverageAfter: loadavg().map(round) },
    config: reportedConfig,
    bundles: { functions: built.functions, floorKib: built.floorKib },
    coldStart: coldStartResult,
    warm: warmResult,
    uncachedToken: uncachedResult,
    conditional: conditionalResult,
    statuses: statusesResult,
    scale: scaleResult,
    paging: pagingResult,
    docsPage: docsPageResult,
    offline: offlineResult,
    cost: estimateCost(warmResult, uncachedResult, conditionalResult),
  };
  mkdirSync(outputDirectory, { recursive: true });
  writeFileSync(join(outputDirectory, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(outputDirectory, 'REPORT.md'), renderReport(report));
  // A full run into bench/ also puts its summary table into README.md.
  if (!config.smoke && process.env.BENCH_OUTPUT_DIR === undefined) updateReadme(join(ROOT, 'README.md'), report);
  log(`done: ${join(outputDirectory, 'REPORT.md')}`);
} finally {
  await stack.stop().catch(() => undefined);
  if (config.smoke) rmSync(tmp, { recursive: true, force: true });
}
process.exit(0);
