// The API through serverless-offline under load (autocannon): no errors, no timeouts, every answer a 200.
import autocannon from 'autocannon';
import { startApi } from '../../local/stack.ts';
import { DETAIL_UUID, STAGE, table, verdict, type BenchContext, type SummaryRow } from '../support/context.ts';
import { BENCH_TOKENS } from '../support/data.ts';
import { round } from '../support/stats.ts';

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

export async function measure({ config, log, dynamoDbEndpoint }: BenchContext) {
  if (config.offlineSeconds === 0) return undefined;
  log('serverless offline: starting');
  const offline = await startApi(STAGE, dynamoDbEndpoint);
  const headers = { authorization: `Token ${BENCH_TOKENS.offline.token}` };
  const endpoints = {
    detail: `${offline.url}/api/lambda-instances/${DETAIL_UUID}`,
    list: `${offline.url}/backend/lambda-instances`,
  };
  const results: Record<string, OfflineEndpoint> = {};
  const connections = config.offlineConnections;
  try {
    for (const [name, url] of Object.entries(endpoints)) {
      // Warm every worker the measured run will use: as many concurrent requests as connections, a few times.
      await autocannon({ url, headers, connections, amount: connections * 5 });
      log(`serverless offline: ${name}, ${config.offlineSeconds} s, ${connections} connections`);
      const result = await autocannon({ url, headers, connections, duration: config.offlineSeconds });
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
  return { seconds: config.offlineSeconds, connections, endpoints: results };
}

export type OfflineResult = Awaited<ReturnType<typeof measure>>;

export const summaryRows = (offline: OfflineResult): SummaryRow[] =>
  Object.entries(offline?.endpoints ?? {}).map(([name, result]) => [
    `offline, ${name}`,
    `${result.requestsPerSecond} req/s, p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms, ${result.errors} errors, ${result.non2xx} non-2xx`,
    '0 errors',
    verdict(result.met),
  ]);

export function section(offline: OfflineResult): string {
  if (!offline) return '## Through serverless-offline\n\nSkipped (BENCH_OFFLINE_SECONDS=0).';
  return `## Through serverless-offline (autocannon, ${offline.seconds} s, ${offline.connections} connections)

${table(
  ['endpoint', 'req/s', 'p50', 'p99', 'max', 'requests', 'errors', 'timeouts', 'non-2xx'],
  Object.entries(offline.endpoints).map(([name, r]) => [
    name,
    r.requestsPerSecond,
    `${r.p50Ms} ms`,
    `${r.p99Ms} ms`,
    `${r.maxMs} ms`,
    r.requests,
    r.errors,
    r.timeouts,
    r.non2xx,
  ]),
)}`;
}
