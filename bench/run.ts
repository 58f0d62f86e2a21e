// `npm run bench`: the functions against floors and baselines measured in the same run on the same machine, one
// figure per row, into bench/results.json (git-ignored; BENCH_RESULTS names another file) and a table on the console.
// `npm run bench:smoke` (BENCH_SMOKE=1) runs it tiny, into bench/tmp/: every row, no figure worth quoting.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { startLocalStack } from '../local/stack.ts';
import { createTables } from '../infra/dynamodb.ts';
import { startDynamoDbProxy } from '../harness/dynamodb-proxy.ts';
import { buildBundle } from './bundles.ts';
import { dashboardHour } from './cost.ts';
import { fill } from './data.ts';
import { coldStart } from './items/cold-start.ts';
import { bigOwner } from './items/big-owner.ts';
import { imports } from './items/imports.ts';
import { lists } from './items/lists.ts';
import { polling } from './items/polling.ts';
import { push, type PushStack } from './items/push.ts';
import { freshTokensNeeded, warm } from './items/warm.ts';
import { valueRow, type Row } from './rows.ts';
import type { Setup, Sizes } from './setup.ts';

const smoke = process.env.BENCH_SMOKE === '1';
/** A row's timing: rounds of `iterations` timed requests, each round after `warmup` untimed ones. */
const seven = (iterations: number, warmup: number) => ({ rounds: 7, iterations, warmup });
const once = (iterations: number) => ({ rounds: 1, iterations, warmup: 1 });
const sizes: Sizes = smoke
  ? {
      others: 200,
      paged: 60,
      lastPage: 3,
      big: 1500,
      bigPages: once(1),
      imported: 100,
      coldRuns: 1,
      warm: once(5),
      network: once(2),
      pages: once(2),
      push: { changes: 3, connections: 5, fanOuts: 1 },
    }
  : {
      others: 10_000,
      paged: 2000,
      lastPage: 100,
      big: 100_000,
      bigPages: once(3),
      imported: 5000,
      coldRuns: 31,
      warm: seven(200, 50),
      network: seven(40, 10),
      pages: seven(10, 3),
      push: { changes: 60, connections: 1000, fanOuts: 5 },
    };
const STAGE = 'bench';
const BUNDLE_TARGET_KIB = 600;
const results =
  process.env.BENCH_RESULTS ??
  fileURLToPath(new URL(smoke ? 'tmp/results.smoke.json' : 'results.json', import.meta.url));
const root = fileURLToPath(new URL('..', import.meta.url));

const started = performance.now();
const log = (message: string): void =>
  console.log(`[bench ${((performance.now() - started) / 1000).toFixed(0).padStart(3)} s] ${message}`);
const loadBefore = loadavg();
mkdirSync(`${root}bench/tmp`, { recursive: true });
const directory = mkdtempSync(`${root}bench/tmp/run-`);

log('DynamoDB Local, the bundles, the tables');
// Built while DynamoDB Local starts; awaited (and a failure reported) once it has.
const building = Promise.all([
  buildBundle('detail', 'functions/detail.ts', directory),
  buildBundle('list', 'functions/list.ts', directory),
  buildBundle('floor', 'bench/floor-function.ts', directory),
]);
building.catch(() => undefined);
// The push's functions, built to be weighed only.
const pushBundles = Promise.all(
  ['connect', 'disconnect', 'client-messages', 'push'].map((name) =>
    buildBundle(name, `functions/${name}.ts`, directory),
  ),
);
pushBundles.catch(() => undefined);
const stack = await startLocalStack({ stage: STAGE });
const proxy = await startDynamoDbProxy(stack.dynamoDbEndpoint);
try {
  const endpoint = stack.dynamoDbEndpoint;
  const freshTokens = freshTokensNeeded(sizes);
  const [detail, list, floor] = await building;
  const setup: Setup = {
    sizes,
    freshTokens,
    stage: STAGE,
    tables: stack.tables!,
    smallTables: await createTables(endpoint, `${STAGE}small`),
    dynamoDbEndpoint: endpoint,
    proxy,
    bundles: { detail, list, floor },
    // The e2e suite's stack, when it runs the smoke run (tests/bench/smoke.test.ts).
    pushStack: process.env.BENCH_PUSH_STACK ? (JSON.parse(process.env.BENCH_PUSH_STACK) as PushStack) : undefined,
  };
  await Promise.all([
    fill(endpoint, setup.tables, { owned: 20, paged: sizes.paged, big: sizes.big, others: sizes.others, freshTokens }),
    fill(endpoint, setup.smallTables, { owned: 20, paged: 0, big: 0, others: 10, freshTokens: 0 }),
  ]);
  const rows: Row[] = [];
  const items = { 'cold starts': coldStart, warm, lists, polling, bigOwner, imports, push };
  for (const [name, item] of Object.entries(items)) {
    log(name);
    rows.push(...(await item(setup)));
  }
  rows.push(...dashboardHour(rows));
  for (const name of ['detail', 'list'] as const)
    rows.push(valueRow(`bundle, ${name}`, setup.bundles[name].bytes / 1024, 'KiB', BUNDLE_TARGET_KIB));
  for (const { name, bytes } of await pushBundles)
    rows.push(valueRow(`bundle, ${name}`, bytes / 1024, 'KiB', BUNDLE_TARGET_KIB));
  const git = (...args: string[]): string => execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim();
  const machine = {
    cpu: cpus()[0]?.model,
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    os: `${process.platform} ${release()}`,
    node: process.version,
    loadAverage: { before: loadBefore, after: loadavg() },
    commit: `${git('rev-parse', '--short', 'HEAD')}${git('status', '--porcelain', '--untracked-files=no') ? ' (modified)' : ''}`,
    date: new Date().toISOString(),
    seconds: Math.round((performance.now() - started) / 1000),
    sizes,
  };
  writeFileSync(results, `${JSON.stringify({ machine, rows }, null, 2)}\n`);
  console.table(rows);
  log(`done: ${results}`);
} finally {
  await proxy.close();
  await stack.stop();
  rmSync(directory, { recursive: true, force: true });
}
