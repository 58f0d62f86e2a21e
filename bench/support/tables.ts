// The bench's tables: which stage holds which scale level, and writing the bench's data into a stage's tables.
import { localDocumentClient } from '../../local/stack.ts';
import { createOperatorStore } from '../../operators/store.ts';
import { stageTables } from '../../local/serverless-yml.ts';
import { STAGE, type BenchContext } from './context.ts';
import { otherInstances, pagedOwnerInstances, putInstances, putTokens, scaleOwnerInstances } from './data.ts';

/** The stage of the table for scale level `index`: the last (largest) level is the main bench stage. */
export const levelStage = ({ config }: BenchContext, index: number): string =>
  index === config.otherInstances.length - 1 ? STAGE : `${STAGE}${index}`;

export interface LoadSpec {
  /** The measured cases' tokens, and this many uncached tokens. */
  tokens?: { uncached: number };
  scaleOwner?: number;
  /** Other owners' instances [from, to). */
  others?: [number, number];
  paged?: number;
}

/** Writes the bench's data into a stage's tables, in batches from several workers. */
export async function load(context: BenchContext, stage: string, spec: LoadSpec): Promise<void> {
  const started = performance.now();
  const client = localDocumentClient(context.dynamoDbEndpoint);
  const operator = createOperatorStore({ client, tables: stageTables(stage) });
  const { loadConcurrency } = context.config;
  if (spec.tokens) await putTokens(operator, spec.tokens.uncached);
  if (spec.scaleOwner) await putInstances(operator, scaleOwnerInstances(spec.scaleOwner), loadConcurrency);
  if (spec.paged) await putInstances(operator, pagedOwnerInstances(spec.paged), loadConcurrency);
  if (spec.others) {
    const [from, to] = spec.others;
    for (let at = from; at < to; at += 20_000)
      await putInstances(operator, otherInstances(at, Math.min(to, at + 20_000)), loadConcurrency);
  }
  client.destroy();
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  context.log(`  loaded ${stage}: ${JSON.stringify(spec)} in ${seconds} s`);
}
