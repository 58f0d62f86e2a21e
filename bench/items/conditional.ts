// A polling client: every request carries If-None-Match with the ETag of the answer it already has, and the
// answer is a bodiless 304. The data is still read (the tag is the answer's hash); the body is not sent. Each 304
// is timed in the same process as the 200 it replaces.
import type { CaseCounts, CaseTiming, InProcessCase } from '../support/cases.ts';
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
/** A 304 may cost no more CPU than its 200; the figure's run-to-run noise is about this much either way. */
const CPU_NOISE = 0.02;

const polling = (testCase: InProcessCase): InProcessCase => ({
  ...testCase,
  name: `${testCase.name} 304`,
  revalidate: true,
  expectStatus: 304,
});
const plain = (testCase: InProcessCase): InProcessCase => ({ ...testCase, name: `${testCase.name} 200`, floors: {} });

export async function measure(context: BenchContext) {
  context.log('conditional: If-None-Match with the current ETag (304), against its 200 and raw GetItem / Query');
  const cases = [plain(detailCase), polling(detailCase), plain(listCase), polling(listCase)];
  const timing = await inProcess<CaseTiming>(context, { ...timingSpec(context, cases), interleaveCases: true });
  const counts = await inProcess<CaseCounts>(context, countingSpec(cases.filter(({ revalidate }) => revalidate)));
  const row = (name: string, floor: string) => {
    const poll = timing[`${name} 304`]!;
    const full = timing[`${name} 200`]!;
    return {
      ...timingSummary(poll, floor),
      handlerCpuUs: cpuUs(poll, 'handler'),
      floorCpuUs: cpuUs(poll, floor),
      okCpuUs: cpuUs(full, 'handler'),
      cpuOverOk: round(medianRatio(poll.cpuUs.handler ?? [], full.cpuUs.handler ?? [])),
      calls: summarize(counts[`${name} 304`]!.second),
    };
  };
  return {
    latencyTarget: LATENCY_TARGET,
    cpuNoise: CPU_NOISE,
    detail: row('detail', 'getItem'),
    list: row('list', 'query'),
  };
}

export type ConditionalResult = Awaited<ReturnType<typeof measure>>;

export const summaryRows = ({ latencyTarget, cpuNoise, detail, list }: ConditionalResult): SummaryRow[] =>
  (
    [
      ['detail', detail, 'GetItem'],
      ['list', list, 'Query'],
    ] as const
  ).flatMap(([name, row, floor]): SummaryRow[] => [
    [
      `304 poll, ${name}: CPU`,
      `${row.handlerCpuUs} µs vs its 200's ${row.okCpuUs} µs: **${row.cpuOverOk} x**, ${row.calls.dataReadUnits} RCU, no body`,
      `<= 1 x (noise ±${cpuNoise * 100} %)`,
      verdict(row.cpuOverOk <= 1 + cpuNoise),
    ],
    [
      `304 poll, ${name}: latency`,
      `${row.handlerMs} ms vs ${floor} ${row.floorMs} ms: **${row.ratio} x**`,
      `<= ${latencyTarget} x`,
      verdict(row.ratio <= latencyTarget),
    ],
  ]);

export function section({ detail, list }: ConditionalResult): string {
  const row = (name: string, each: typeof detail, floor: string) => [
    name,
    `${each.handlerMs} ms`,
    `${floor} ${each.floorMs} ms`,
    `${each.ratio} x`,
    `${each.handlerCpuUs} µs`,
    `${each.okCpuUs} µs`,
    `**${each.cpuOverOk} x**`,
    `${each.floorCpuUs} µs`,
    each.calls.operations.join(', '),
    each.calls.dataReadUnits,
  ];
  return `## Conditional requests (a client polling with If-None-Match)

The same warm requests with the ETag of the current answer in If-None-Match: a 304 without a body, timed in the
same process as the 200 it replaces (the same request without If-None-Match). The data is read as for a 200 (the
ETag is the hash of the answer's body), so the read units are the same; what the 304 saves is the body on the wire
and the client's parsing.

${table(
  ['case', '304 p50', 'floor', 'ratio', 'CPU 304', 'CPU 200', 'CPU 304 / 200', 'CPU floor', 'calls', 'RCU'],
  [row('detail', detail, 'GetItem'), row('list', list, 'Query')],
)}`;
}
