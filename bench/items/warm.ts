// Warm requests: the real handlers in one process (the token cached) against the raw document-client call each
// cannot do without, interleaved sample by sample; their latency, their CPU, and their DynamoDB calls.
import type { CaseCounts, CaseTiming } from '../support/cases.ts';
import {
  countingSpec,
  cpuUs,
  detailCase,
  inProcess,
  listCase,
  summarize,
  table,
  timingSpec,
  timingSummary,
  verdict,
  type BenchContext,
  type SummaryRow,
} from '../support/context.ts';
import { medianRatio, round } from '../support/stats.ts';

const LATENCY_TARGET = 1.15;
const CPU_TARGET = 1.1;

export async function measure(context: BenchContext) {
  context.log('warm: handlers in-process against raw GetItem / Query, interleaved');
  const cases = [detailCase, listCase];
  const timing = await inProcess<CaseTiming>(context, timingSpec(context, cases));
  const counts = await inProcess<CaseCounts>(context, countingSpec(cases));
  const row = (name: string, floor: string) => {
    const cpu = { handlerCpuUs: cpuUs(timing[name]!, 'handler'), floorCpuUs: cpuUs(timing[name]!, floor) };
    return {
      ...timingSummary(timing[name]!, floor),
      ...cpu,
      cpuRatio: round(medianRatio(timing[name]!.cpuUs.handler ?? [], timing[name]!.cpuUs[floor] ?? [])),
      firstRequestCalls: summarize(counts[name]!.first),
      secondRequestCalls: summarize(counts[name]!.second),
      floorCalls: summarize(counts[name]!.floors[floor] ?? []),
    };
  };
  return {
    latencyTarget: LATENCY_TARGET,
    cpuTarget: CPU_TARGET,
    samples: context.config.samples,
    warmup: context.config.warmup,
    detail: row('detail', 'getItem'),
    list: row('list', 'query'),
  };
}

export type WarmResult = Awaited<ReturnType<typeof measure>>;
type WarmRow = WarmResult['detail'];

const FLOOR_NAMES = { detail: 'GetItem', list: 'Query' } as const;

export function summaryRows(warm: WarmResult): SummaryRow[] {
  const rows: SummaryRow[] = [];
  for (const name of ['detail', 'list'] as const) {
    const row = warm[name];
    rows.push(
      [
        `warm ${name}, latency`,
        `${row.handlerMs} ms vs ${FLOOR_NAMES[name]} ${row.floorMs} ms: **${row.ratio} x** (median ratio of ${row.runs} runs)`,
        `<= ${warm.latencyTarget} x`,
        verdict(row.ratio <= warm.latencyTarget),
      ],
      [
        `warm ${name}, CPU per request`,
        `${row.handlerCpuUs} µs vs ${FLOOR_NAMES[name]} ${row.floorCpuUs} µs: **${row.cpuRatio} x**`,
        `<= ${warm.cpuTarget} x`,
        verdict(row.cpuRatio <= warm.cpuTarget),
      ],
    );
  }
  const { detail, list } = warm;
  const listCalls = list.firstRequestCalls;
  rows.push(
    [
      'calls, detail',
      `${detail.secondRequestCalls.dataCalls} GetItem`,
      '1',
      verdict(detail.secondRequestCalls.dataCalls === 1),
    ],
    [
      'calls, list',
      `${listCalls.dataCalls} Query for ${(listCalls.bytesRead / 1024).toFixed(1)} KB read`,
      '1 per 1 MB page',
      verdict(listCalls.dataCalls <= Math.max(1, Math.ceil(listCalls.bytesRead / 2 ** 20))),
    ],
    [
      'calls, token not cached',
      `${detail.firstRequestCalls.tokenCalls} GetItem`,
      '1',
      verdict(detail.firstRequestCalls.tokenCalls === 1),
    ],
    [
      'calls, token cached',
      `${detail.secondRequestCalls.tokenCalls} GetItem (second request, same process)`,
      '0',
      verdict(detail.secondRequestCalls.tokenCalls === 0),
    ],
  );
  return rows;
}

export function section(warm: WarmResult, listInstances: number): string {
  const timingRow = (name: string, row: WarmRow, floorName: string): string[] => [
    name,
    `${row.handlerMs} ms`,
    `${row.handlerP99Ms} ms`,
    `${floorName} ${row.floorMs} ms`,
    `**${row.ratio} x**`,
    `${row.handlerCpuUs} µs / ${row.floorCpuUs} µs`,
    `**${row.cpuRatio} x**`,
  ];
  const callsRow = (name: string, row: WarmRow): string[] => [
    name,
    `${row.firstRequestCalls.tokenCalls} + ${row.firstRequestCalls.operations.join(', ')}`,
    `${row.secondRequestCalls.tokenCalls} + ${row.secondRequestCalls.operations.join(', ')}`,
    String(row.secondRequestCalls.dataReadUnits),
    String(row.floorCalls.readUnits),
  ];
  return `## Warm request (${warm.detail.runs} runs of ${warm.samples} interleaved samples, after ${warm.warmup} warm-up requests)

The exported handler, invoked in-process with an API Gateway event (the whole middy chain, real DynamoDB Local,
the token already in the container's cache), against the raw document-client call it cannot do without, in the
same process. CPU is this process's user + system time for one request (\`process.cpuUsage\`, median): on
loopback DynamoDB Local answers in well under a millisecond, so the SDK's own work (signing, middleware stack,
HTTP) is most of the floor, and the handler's extra CPU (middy chain, token digest and cache, shaping, ETag) is
what the CPU ratio measures. On Lambda at 256 MB a function has about a seventh of a vCPU: CPU time is billed time.

${table(
  [
    'case',
    'handler p50',
    'handler p99',
    'floor',
    `ratio (<= ${warm.latencyTarget})`,
    'CPU handler / floor',
    `CPU ratio (<= ${warm.cpuTarget})`,
  ],
  [timingRow('detail', warm.detail, 'GetItem'), timingRow(`list (${listInstances} instances)`, warm.list, 'Query')],
)}

### DynamoDB calls per request

Counted by a loopback proxy between the process and DynamoDB Local (tests/support/dynamodb-proxy.ts), by
\`X-Amz-Target\` and table; it adds \`ReturnConsumedCapacity: TOTAL\` to each read so that DynamoDB Local reports
the read units of the handler's own calls. "token + data calls".

${table(
  ['case', 'first request with a token', 'second request', 'data RCU', 'floor RCU'],
  [callsRow('detail', warm.detail), callsRow('list', warm.list)],
)}`;
}
