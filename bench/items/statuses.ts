// The list with the status filter and with statuses in its items (SPEC 7.2): the index projects what both need,
// so neither reads more than the plain list. Timed in the same process as the plain list.
import type { CaseCounts, CaseTiming, InProcessCase } from '../support/cases.ts';
import {
  countingSpec,
  inProcess,
  listCase,
  summarize,
  table,
  timingSpec,
  verdict,
  type BenchContext,
  type SummaryRow,
} from '../support/context.ts';
import { median, medianRatio, round } from '../support/stats.ts';

const TARGET = 1.1;

/** The scale owner's instances are all CLUSTER_FAILED: `failed` keeps every one, PENDING none (the list's 404). */
const VARIANTS: Record<string, { query: Record<string, string>; expectStatus: number }> = {
  'include=status': { query: { include: 'status' }, expectStatus: 200 },
  'status=failed&include=status': { query: { status: 'failed', include: 'status' }, expectStatus: 200 },
  'status=PENDING': { query: { status: 'PENDING' }, expectStatus: 404 },
};

const variant = (name: string, { query, expectStatus }: (typeof VARIANTS)[string]): InProcessCase => ({
  ...listCase,
  name,
  query,
  expectStatus,
  floors: {},
});

export async function measure(context: BenchContext) {
  context.log('statuses: the list with include=status and status filters, against the plain list');
  const cases = [{ ...listCase, floors: {} }, ...Object.entries(VARIANTS).map(([name, query]) => variant(name, query))];
  const timing = await inProcess<CaseTiming>(context, { ...timingSpec(context, cases), interleaveCases: true });
  const counts = await inProcess<CaseCounts>(context, countingSpec(cases));
  const plain = timing.list!;
  const plainCalls = summarize(counts.list!.second);
  const rows = Object.keys(VARIANTS).map((name) => {
    const calls = summarize(counts[name]!.second);
    return {
      query: name,
      handlerMs: round(median(timing[name]!.handler)),
      overPlain: round(medianRatio(timing[name]!.handler, plain.handler)),
      dataReadUnits: calls.dataReadUnits,
      operations: calls.operations,
    };
  });
  return {
    target: TARGET,
    plainMs: round(median(plain.handler)),
    plainReadUnits: plainCalls.dataReadUnits,
    rows,
  };
}

export type StatusesResult = Awaited<ReturnType<typeof measure>>;

export const summaryRows = ({ target, plainMs, plainReadUnits, rows }: StatusesResult): SummaryRow[] => [
  [
    'list with statuses and filters',
    `${rows.map((row) => `${row.query}: ${row.overPlain} x, ${row.dataReadUnits} RCU`).join('; ')} (plain list ${plainMs} ms, ${plainReadUnits} RCU)`,
    `<= ${target} x the plain list, same RCU`,
    verdict(rows.every((row) => row.overPlain <= target && row.dataReadUnits === plainReadUnits)),
  ],
];

export function section({ plainMs, plainReadUnits, rows }: StatusesResult): string {
  return `## The list with statuses and status filters

The scale owner's list with \`include=status\`, with a filter that keeps every instance and with one that keeps
none (the list's 404), each timed in the same process as the plain list (${plainMs} ms, ${plainReadUnits} RCU): the index
\`listed-by-owner\` projects the status and its failure message, so the same one Query serves all of them.

${table(
  ['query', 'handler p50', 'vs the plain list', 'calls', 'RCU'],
  rows.map((row) => [
    `?${row.query}`,
    `${row.handlerMs} ms`,
    `${row.overPlain} x`,
    row.operations.join(', '),
    row.dataReadUnits,
  ]),
)}`;
}
