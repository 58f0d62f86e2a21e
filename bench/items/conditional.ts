// A polling client: every request carries If-None-Match with the ETag of the answer it already has, and the
// answer is a bodiless 304. The data is still read (the tag is the answer's hash); the body is not sent.
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

const TARGET = 1.15;

const polling = (testCase: InProcessCase): InProcessCase => ({ ...testCase, revalidate: true, expectStatus: 304 });

export async function measure(context: BenchContext) {
  context.log('conditional: If-None-Match with the current ETag (304), against raw GetItem / Query');
  const cases = [polling(detailCase), polling(listCase)];
  const timing = await inProcess<CaseTiming>(context, timingSpec(context, cases));
  const counts = await inProcess<CaseCounts>(context, countingSpec(cases));
  const row = (name: string, floor: string) => ({
    ...timingSummary(timing[name]!, floor),
    handlerCpuUs: cpuUs(timing[name]!, 'handler'),
    floorCpuUs: cpuUs(timing[name]!, floor),
    calls: summarize(counts[name]!.second),
  });
  return { target: TARGET, detail: row('detail', 'getItem'), list: row('list', 'query') };
}

export type ConditionalResult = Awaited<ReturnType<typeof measure>>;

export const summaryRows = ({ target, detail, list }: ConditionalResult): SummaryRow[] =>
  (
    [
      ['detail', detail, 'GetItem'],
      ['list', list, 'Query'],
    ] as const
  ).map(([name, row, floor]) => [
    `304 poll, ${name}`,
    `${row.handlerMs} ms vs ${floor} ${row.floorMs} ms: **${row.ratio} x**, ${row.handlerCpuUs} µs CPU, ${row.calls.dataReadUnits} RCU, no body`,
    `<= ${target} x`,
    verdict(row.ratio <= target),
  ]);

export function section({ detail, list }: ConditionalResult): string {
  return `## Conditional requests (a client polling with If-None-Match)

The same warm requests with the ETag of the current answer in If-None-Match: a 304 without a body. The data is
read as for a 200 (the ETag is the hash of the answer's body), so the read units are the same; what the 304 saves
is the body on the wire and the client's parsing.

${table(
  ['case', 'handler p50', 'floor', 'ratio', 'CPU handler / floor', 'calls', 'RCU'],
  [
    [
      'detail',
      `${detail.handlerMs} ms`,
      `GetItem ${detail.floorMs} ms`,
      `${detail.ratio} x`,
      `${detail.handlerCpuUs} µs / ${detail.floorCpuUs} µs`,
      detail.calls.operations.join(', '),
      detail.calls.dataReadUnits,
    ],
    [
      'list',
      `${list.handlerMs} ms`,
      `Query ${list.floorMs} ms`,
      `${list.ratio} x`,
      `${list.handlerCpuUs} µs / ${list.floorCpuUs} µs`,
      list.calls.operations.join(', '),
      list.calls.dataReadUnits,
    ],
  ],
)}`;
}
