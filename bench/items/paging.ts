// Page N of an owner with a long list: what the list reads for a late page against a Query of that page alone,
// the owner's whole index partition, and the pages up to N.
import type { CaseCounts, CaseTiming, InProcessCase } from '../support/cases.ts';
import {
  countingSpec,
  inProcess,
  queryOwner,
  STAGE,
  summarize,
  table,
  timingSpec,
  timingSummary,
  verdict,
  type BenchContext,
  type SummaryRow,
} from '../support/context.ts';
import { BENCH_TOKENS, PAGED_OWNER, uuidOf } from '../support/data.ts';
import { median, medianRatio, round } from '../support/stats.ts';
import { load } from '../support/tables.ts';

/** Page `page` of the paged owner: the handler, the ideal Query of only that page, and the whole partition. */
function pageCase({ config }: BenchContext, page: number, counting: boolean): InProcessCase {
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

export const prepare = (context: BenchContext): Promise<void> =>
  load(context, STAGE, { paged: context.config.pagedInstances });

export async function measure(context: BenchContext) {
  const { config } = context;
  const pages = config.pages.filter((page) => (page - 1) * config.pageLimit < config.pagedInstances);
  context.log(`paging: pages ${pages.join(', ')} of ${config.pagedInstances} instances at limit ${config.pageLimit}`);
  const samples = Math.max(1, Math.round(config.samples / 8));
  const timingCases = pages.map((page) => pageCase(context, page, false));
  const timing = await inProcess<CaseTiming>(context, {
    ...timingSpec(context, timingCases, samples),
    warmup: Math.min(config.warmup, 10),
  });
  const counts = await inProcess<CaseCounts>(context, countingSpec(pages.map((page) => pageCase(context, page, true))));
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

export type PagingResult = Awaited<ReturnType<typeof measure>>;

export const summaryRows = (paging: PagingResult): SummaryRow[] => [
  [
    `page N of ${paging.instances} at limit ${paging.limit}`,
    `pages ${paging.rows.map((row) => row.page).join(' / ')}: ${paging.rows.map((row) => `${row.handlerMs} ms`).join(' / ')}, ${paging.rows.map((row) => row.handlerCalls.dataReadUnits).join(' / ')} RCU (one page alone: ${paging.rows[0]?.pageQueryCalls.dataReadUnits ?? '?'} RCU)`,
    "bounded in N, no earlier pages' full items",
    verdict(!paging.readsFullItems && paging.readUnitGrowth <= 1.2),
  ],
];

export function section(paging: PagingResult): string {
  return `## Paging

Page N of an owner with ${paging.instances} instances at limit ${paging.limit} (${paging.samplesPerRun} samples a run).
"One page" is a Query of that page alone (Limit ${paging.limit}, ExclusiveStartKey of the page before): what a
keyset read of the page would cost. "Whole partition" is one raw Query of the owner's index partition. "Through
page N" is a Query with Limit N x ${paging.limit}: what the list would read if it stopped at the requested page
(it would then need the count from elsewhere, for the pagination block).

${table(
  [
    'page',
    'handler p50',
    'one page p50',
    'ratio',
    'whole partition p50',
    'ratio',
    'handler calls',
    'items read',
    'RCU handler',
    'RCU one page',
    'RCU whole partition',
    'RCU through page N',
  ],
  paging.rows.map((row) => [
    row.page,
    `${row.handlerMs} ms`,
    `${row.floorMs} ms`,
    `${row.ratio} x`,
    `${row.wholePartitionMs} ms`,
    `${row.overWholePartition} x`,
    row.handlerCalls.operations.join(', '),
    row.handlerCalls.itemsRead,
    row.handlerCalls.dataReadUnits,
    row.pageQueryCalls.dataReadUnits,
    row.wholePartitionCalls.dataReadUnits,
    row.throughPageCalls.dataReadUnits,
  ]),
)}

From page ${paging.rows[0]?.page} to page ${paging.rows.at(-1)?.page}: latency ${paging.latencyGrowth} x, read units ${paging.readUnitGrowth} x. Reads full items or the base table: ${paging.readsFullItems ? 'yes' : 'no'}.`;
}
