// What every measured item of the bench shares: its sizes, its log, DynamoDB Local's endpoint and the stage's
// tables, the in-process child, and how a request's DynamoDB traffic is summed up.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { LISTED_BY_OWNER } from '../../lib/items.ts';
import { stageTables } from '../../local/serverless-yml.ts';
import type { CountedCall } from '../../tests/support/dynamodb-proxy.ts';
import { ROOT } from './bundles.ts';
import type { CaseTiming, FloorStep, InProcessCase, InProcessSpec } from './cases.ts';
import { benchConfig, type BenchConfig } from './config.ts';
import { BENCH_TOKENS, SCALE_OWNER, uuidOf } from './data.ts';
import { lastJson, runChild } from './spawn.ts';
import { median, medianRatio, round } from './stats.ts';

/** The main stage: its tables hold the largest scale level, the paged owner and the bench's tokens. */
export const STAGE = 'bench';
export const INSTANCES_TABLE = stageTables(STAGE).instances;

export interface BenchContext {
  config: BenchConfig;
  log: (message: string) => void;
  /** Bundles and metafiles; inside the repository, so that a bundle with external packages finds node_modules. */
  tmp: string;
  dynamoDbEndpoint: string;
}

export function createContext(dynamoDbEndpoint = ''): BenchContext {
  const config = benchConfig();
  const started = Date.now();
  const tmp = join(ROOT, 'bench/tmp', config.smoke ? `smoke-run-${process.pid}` : 'run');
  mkdirSync(tmp, { recursive: true });
  const log = (message: string): void =>
    console.log(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${message}`);
  return { config, log, tmp, dynamoDbEndpoint };
}

type CaseSpec = Omit<InProcessSpec, 'dynamoDbEndpoint' | 'tables'>;

/** Runs bench/in-process.ts in a fresh process on a stage's tables. */
export async function inProcess<T>(context: BenchContext, spec: CaseSpec, stage = STAGE): Promise<Record<string, T>> {
  const full: InProcessSpec = { ...spec, dynamoDbEndpoint: context.dynamoDbEndpoint, tables: stageTables(stage) };
  return lastJson<Record<string, T>>(await runChild('in-process.ts', [JSON.stringify(full)], {}));
}

/** The in-process spec of a timing with the configured runs, samples and warm-up. */
export const timingSpec = (
  context: BenchContext,
  cases: InProcessCase[],
  samples = context.config.samples,
): CaseSpec => ({
  mode: 'timing',
  cases,
  runs: context.config.runs,
  samples,
  warmup: context.config.warmup,
});

export const countingSpec = (cases: InProcessCase[]): CaseSpec => ({
  mode: 'counting',
  cases,
  runs: 1,
  samples: 1,
  warmup: 0,
});

/** Calls, read units and items of a request's DynamoDB traffic (on the stage's tables), token lookups apart. */
export function summarize(calls: readonly CountedCall[], stage = STAGE) {
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

export type CallSummary = ReturnType<typeof summarize>;

/** A handler's latency against a floor's, each a median of per-run medians, and the median per-run ratio. */
export function timingSummary(timing: CaseTiming, floorName: string) {
  const floor = timing.floors[floorName] ?? [];
  return {
    handlerMs: round(median(timing.handler)),
    handlerP99Ms: round(median(timing.handlerP99)),
    floorMs: round(median(floor)),
    ratio: round(medianRatio(timing.handler, floor)),
    runs: timing.handler.length,
  };
}

/** Median CPU of one request (µs) of the handler or a floor, over the runs. */
export const cpuUs = (timing: CaseTiming, name: string): number => round(median(timing.cpuUs[name] ?? []));

/** An instance read as the details read it: strongly consistent. */
export const getInstance = (uuid: string): FloorStep => ({
  kind: 'get',
  table: INSTANCES_TABLE,
  key: { uuid },
  consistent: true,
});

export const queryOwner = (
  owner: string,
  page?: { limit: number; exclusiveStartKey?: Record<string, string | number> },
  table = INSTANCES_TABLE,
): FloorStep => ({
  kind: 'query',
  table,
  index: LISTED_BY_OWNER,
  owner,
  ...(page && { limit: page.limit }),
  ...(page?.exclusiveStartKey && { exclusiveStartKey: page.exclusiveStartKey }),
});

/** The scale owner's first instance: what the detail requests read. */
export const DETAIL_UUID = uuidOf('a', 1);

export const detailCase: InProcessCase = {
  name: 'detail',
  function: 'detail',
  token: BENCH_TOKENS.detail.token,
  id: DETAIL_UUID,
  expectStatus: 200,
  floors: { getItem: [getInstance(DETAIL_UUID)] },
};

export const listCase: InProcessCase = {
  name: 'list',
  function: 'list',
  token: BENCH_TOKENS.list.token,
  expectStatus: 200,
  floors: { query: [queryOwner(SCALE_OWNER)] },
};

export const verdict = (met: boolean): string => (met ? 'met' : '**missed**');
export const table = (header: string[], rows: (string | number)[][]): string =>
  [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');

/** One row of the summary table: item, figure, target, verdict. */
export type SummaryRow = [string, string, string, string];
