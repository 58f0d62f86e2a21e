// Scale: the list of one owner's instances with more and more other owners' instances in the same table. One table
// per level (so that the levels can be measured in alternation, with DynamoDB Local's JVM equally warm for all).
import { createTables } from '../../local/stack.ts';
import { stageTables } from '../../local/serverless-yml.ts';
import type { CaseCounts, CaseTiming, InProcessCase } from '../support/cases.ts';
import {
  countingSpec,
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
  type SummaryRow,
} from '../support/context.ts';
import { SCALE_OWNER } from '../support/data.ts';
import { round } from '../support/stats.ts';
import { levelStage, load } from '../support/tables.ts';

const TARGET = 1.2;

/** Creates and fills each level's tables (the last level's are the main stage's, which exist). */
export async function prepare(context: BenchContext, uncachedTokens: number): Promise<void> {
  const { otherInstances: levels, ownerInstances } = context.config;
  context.log(`scale: tables with ${levels.join(', ')} other owners' instances`);
  for (const [index, level] of levels.entries()) {
    const stage = levelStage(context, index);
    if (stage !== STAGE) await createTables(context.dynamoDbEndpoint, stage);
    const tokens = { uncached: stage === STAGE ? uncachedTokens : 0 };
    await load(context, stage, { tokens, scaleOwner: ownerInstances, others: [0, level] });
  }
}

export async function measure(context: BenchContext) {
  const { config } = context;
  const levels = config.otherInstances;
  context.log(`scale: list of ${config.ownerInstances} instances, ${config.runs} rounds over the levels`);
  const listAt = (index: number): InProcessCase => ({
    ...listCase,
    floors: { query: [queryOwner(SCALE_OWNER, undefined, stageTables(levelStage(context, index)).instances)] },
  });
  const timings = levels.map((): CaseTiming => ({ handler: [], handlerP99: [], floors: { query: [] }, cpuUs: {} }));
  for (let round_ = 0; round_ < config.runs; round_++) {
    for (let k = 0; k < levels.length; k++) {
      const index = (round_ + k) % levels.length;
      const spec = { ...timingSpec(context, [listAt(index)]), runs: 1 };
      const { list } = await inProcess<CaseTiming>(context, spec, levelStage(context, index));
      const timing = timings[index]!;
      timing.handler.push(...(list?.handler ?? []));
      timing.handlerP99.push(...(list?.handlerP99 ?? []));
      timing.floors.query!.push(...(list?.floors.query ?? []));
    }
  }
  const rows = [];
  for (const [index, level] of levels.entries()) {
    const stage = levelStage(context, index);
    const counted = (await inProcess<CaseCounts>(context, countingSpec([listAt(index)]), stage)).list!;
    rows.push({
      otherInstances: level,
      ...timingSummary(timings[index]!, 'query'),
      handlerCalls: summarize(counted.second, stage),
      floorCalls: summarize(counted.floors.query ?? [], stage),
    });
  }
  const first = rows[0]!;
  const last = rows.at(-1)!;
  return {
    ownerInstances: config.ownerInstances,
    samples: config.samples,
    warmup: config.warmup,
    levels: rows,
    latencyGrowth: round(last.handlerMs / first.handlerMs),
    ratioGrowth: round(last.ratio / first.ratio),
    floorGrowth: round(last.floorMs / first.floorMs),
    readUnitGrowth: round(last.handlerCalls.dataReadUnits / first.handlerCalls.dataReadUnits),
    target: TARGET,
  };
}

export type ScaleResult = Awaited<ReturnType<typeof measure>>;

export const summaryRows = (scale: ScaleResult): SummaryRow[] => {
  const atLevels = scale.levels.map((level) => level.otherInstances).join(' / ');
  return [
    [
      'scale, list latency',
      `${scale.levels.map((level) => `${level.handlerMs} ms`).join(' / ')} at ${atLevels} other instances: **${scale.latencyGrowth} x**`,
      `<= ${scale.target} x`,
      verdict(scale.latencyGrowth <= scale.target),
    ],
    [
      'scale, list read units',
      `${scale.levels.map((level) => level.handlerCalls.dataReadUnits).join(' / ')} RCU: **${scale.readUnitGrowth} x**`,
      `<= ${scale.target} x`,
      verdict(scale.readUnitGrowth <= scale.target),
    ],
  ];
};

export function section(scale: ScaleResult): string {
  return `## Scale

List of one owner's ${scale.ownerInstances} instances with other owners' instances (20 per owner, 1 in 10 DESTROYED)
in the same table: one table per level, measured in alternation (${scale.levels[0]?.runs ?? 0} rounds, a fresh process per
level and round, ${scale.samples} samples after ${scale.warmup} warm-up requests).

${table(
  ['other instances', 'handler p50', 'Query floor', 'ratio', 'calls', 'RCU (handler)', 'RCU (floor)'],
  scale.levels.map((level) => [
    level.otherInstances,
    `${level.handlerMs} ms`,
    `${level.floorMs} ms`,
    `${level.ratio} x`,
    level.handlerCalls.operations.join(', '),
    level.handlerCalls.dataReadUnits,
    level.floorCalls.readUnits,
  ]),
)}

Growth from smallest to largest: latency ${scale.latencyGrowth} x (the raw Query floor: ${scale.floorGrowth} x; handler / floor ratio: ${scale.ratioGrowth} x), read units ${scale.readUnitGrowth} x (target <= ${scale.target} x).`;
}
