// A warm container and a token it has not cached: every request presents a stored token the process has not seen.
// The details look the token up beside the instance's GetItem (one round trip); the list needs the token's owner
// before its Query (two, by design). Also the read units of a valid and of an invalid uncached token.
import { digestToken } from '../../lib/auth.ts';
import { stageTables } from '../../local/serverless-yml.ts';
import {
  requestsPerCase,
  type CaseCounts,
  type CaseTiming,
  type FloorStep,
  type InProcessCase,
} from '../support/cases.ts';
import {
  countingSpec,
  cpuUs,
  detailCase,
  getInstance,
  DETAIL_UUID,
  inProcess,
  listCase,
  queryOwner,
  STAGE,
  summarize,
  table,
  timingSpec,
  timingSummary,
  verdict,
  type BenchContext,
  type CallSummary,
  type SummaryRow,
} from '../support/context.ts';
import { startDynamoDbProxy } from '../../tests/support/dynamodb-proxy.ts';
import { BENCH_TOKENS, SCALE_OWNER } from '../support/data.ts';
import { median, medianRatio, round } from '../support/stats.ts';

const TARGET = 1.2;
const INVALID_TOKEN = 'bench-invalid-token-0000000000000000000';

/** A token lookup as the floor makes it: one GetItem of a stored token. */
const getToken: FloorStep = {
  kind: 'get',
  table: stageTables(STAGE).tokens,
  key: { digest: digestToken(BENCH_TOKENS.detail.token) },
  consistent: false,
};

/** An in-region DynamoDB round trip, simulated by a proxy that holds each call this long. */
const NETWORK_ROUND_TRIP_MS = 5;

const detailUncached = (from: number): InProcessCase => ({
  ...detailCase,
  uncachedTokensFrom: from,
  floors: { getItem: [getInstance(DETAIL_UUID)], tokenThenGetItem: [getToken, getInstance(DETAIL_UUID)] },
});
const listUncached = (from: number): InProcessCase => ({
  ...listCase,
  uncachedTokensFrom: from,
  floors: { query: [queryOwner(SCALE_OWNER)], tokenThenQuery: [getToken, queryOwner(SCALE_OWNER)] },
});

/** The cases of each measurement, on disjoint ranges of uncached tokens (each request presents its own). */
function uncachedCases(context: BenchContext) {
  const timed = requestsPerCase(timingSpec(context, []));
  const counted = requestsPerCase(countingSpec([]));
  let next = 0;
  const take = (count: number): number => ((next += count), next - count);
  return {
    loopback: [detailUncached(take(timed)), listUncached(take(timed))],
    network: [detailUncached(take(timed)), listUncached(take(timed))],
    counting: [detailUncached(take(counted)), listUncached(take(counted))],
    tokens: next,
  };
}

/** How many uncached tokens the tables must hold for this run. */
export const uncachedTokensNeeded = (context: BenchContext): number => uncachedCases(context).tokens;

function timingRow(timing: CaseTiming, floor: string, sequentialFloor: string) {
  return {
    ...timingSummary(timing, floor),
    /** The handler's CPU per request: an uncached token's lookup and (the list) its second call cost CPU too. */
    handlerCpuUs: cpuUs(timing, 'handler'),
    sequentialFloorMs: round(median(timing.floors[sequentialFloor] ?? [])),
    overSequentialFloor: round(medianRatio(timing.handler, timing.floors[sequentialFloor] ?? [])),
  };
}

/** The timings through a proxy that holds each DynamoDB call as long as a network round trip would. */
async function overNetwork(context: BenchContext, cases: InProcessCase[]): Promise<Record<string, CaseTiming>> {
  const proxy = await startDynamoDbProxy(context.dynamoDbEndpoint);
  proxy.mode = 'lagging';
  proxy.lagMs = NETWORK_ROUND_TRIP_MS;
  try {
    return await inProcess<CaseTiming>({ ...context, dynamoDbEndpoint: proxy.endpoint }, timingSpec(context, cases));
  } finally {
    await proxy.close();
  }
}

export async function measure(context: BenchContext) {
  context.log('uncached token: every request with a token the process has not seen, on loopback and over a network');
  const cases = uncachedCases(context);
  const loopback = await inProcess<CaseTiming>(context, timingSpec(context, cases.loopback));
  const network = await overNetwork(context, cases.network);
  const counts = await inProcess<CaseCounts>(context, countingSpec(cases.counting));
  const invalid = (testCase: InProcessCase): InProcessCase => ({
    ...testCase,
    token: INVALID_TOKEN,
    expectStatus: 401,
    floors: {},
  });
  const invalidCounts = await inProcess<CaseCounts>(context, countingSpec([invalid(detailCase), invalid(listCase)]));
  const row = (name: 'detail' | 'list', floor: string, sequentialFloor: string) => ({
    loopback: timingRow(loopback[name]!, floor, sequentialFloor),
    network: timingRow(network[name]!, floor, sequentialFloor),
    validCalls: summarize(counts[name]!.first),
    invalidCalls: summarize(invalidCounts[name]!.first),
  });
  return {
    target: TARGET,
    roundTripMs: NETWORK_ROUND_TRIP_MS,
    samples: context.config.samples,
    detail: row('detail', 'getItem', 'tokenThenGetItem'),
    list: row('list', 'query', 'tokenThenQuery'),
  };
}

export type UncachedTokenResult = Awaited<ReturnType<typeof measure>>;

const units = (calls: CallSummary): string =>
  `${calls.readUnits} RCU (${calls.tokenCalls} token + ${calls.operations.join(', ') || 'no data call'})`;

export function summaryRows({ target, roundTripMs, detail, list }: UncachedTokenResult): SummaryRow[] {
  const over = `with a ${roundTripMs} ms round trip`;
  return [
    [
      'uncached token, detail',
      `${over}: ${detail.network.handlerMs} ms vs one GetItem ${detail.network.floorMs} ms: **${detail.network.ratio} x** (on loopback, where a call is mostly the SDK's CPU: ${detail.loopback.ratio} x)`,
      `<= ${target} x`,
      verdict(detail.network.ratio <= target),
    ],
    [
      'uncached token, list',
      `${over}: ${list.network.handlerMs} ms vs GetItem then Query ${list.network.sequentialFloorMs} ms: **${list.network.overSequentialFloor} x** (vs Query alone ${list.network.ratio} x: the Query needs the token's owner)`,
      `<= ${target} x of its two round trips`,
      verdict(list.network.overSequentialFloor <= target),
    ],
    [
      'uncached token, read units per request',
      `detail: valid ${detail.validCalls.readUnits}, invalid ${detail.invalidCalls.readUnits}; list: valid ${list.validCalls.readUnits}, invalid ${list.invalidCalls.readUnits}`,
      'invalid: at most 1 RCU beyond the token lookup',
      verdict(detail.invalidCalls.dataReadUnits <= 1 && list.invalidCalls.dataReadUnits <= 1),
    ],
  ];
}

export function section({ target, roundTripMs, samples, detail, list }: UncachedTokenResult): string {
  const rows = (where: 'network' | 'loopback') => {
    const d = detail[where];
    const l = list[where];
    return [
      [
        `detail, ${where}`,
        `${d.handlerMs} ms`,
        `${d.handlerP99Ms} ms`,
        `GetItem ${d.floorMs} ms`,
        `**${d.ratio} x**`,
        `${d.sequentialFloorMs} ms`,
        `${d.overSequentialFloor} x`,
      ],
      [
        `list, ${where}`,
        `${l.handlerMs} ms`,
        `${l.handlerP99Ms} ms`,
        `Query ${l.floorMs} ms`,
        `${l.ratio} x`,
        `${l.sequentialFloorMs} ms`,
        `**${l.overSequentialFloor} x**`,
      ],
    ];
  };
  return `## Uncached token

A warm process, and a token it has not seen for every request (stored, valid, the scale owner's): what a
low-traffic API sees on most requests, each container's cache being empty after a quiet minute. ${samples} samples a
run. The details start the instance's GetItem beside the token's (the instance's owner is checked once both are
in); the list cannot, its Query is keyed by the owner that the token gives. An invalid token costs its own lookup
and, for the details, the instance read that was already under way; a malformed or absent token costs nothing.

"network": every DynamoDB call, the floors' too, passes a proxy in the bench's own process that holds it
${roundTripMs} ms, as an in-region round trip would; this is where reading side by side pays, and the target (<= ${target} x)
applies. "loopback": straight to DynamoDB Local, where a call is mostly the SDK's CPU in this one thread (signing,
serialising, parsing), which two calls in parallel cannot share.

${table(
  ['case', 'handler p50', 'handler p99', 'one data call', 'ratio', 'token, then data call', 'ratio'],
  [...rows('network'), ...rows('loopback')],
)}

${table(
  ['case', 'valid token, not cached', 'invalid token'],
  [
    ['detail', units(detail.validCalls), units(detail.invalidCalls)],
    ['list', units(list.validCalls), units(list.invalidCalls)],
  ],
)}`;
}
