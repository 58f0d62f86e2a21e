// Loads one stage's tables (named by INSTANCES_TABLE / TOKENS_TABLE in the environment, as the functions see them)
// through lib/data.ts, in a process of its own because lib/config.ts reads the table names once per process.
// Usage: node bench/load.ts '<LoadSpec JSON>'
import {
  otherInstances,
  pagedOwnerInstances,
  putInstances,
  putTokens,
  scaleOwnerInstances,
} from './support/data.ts';

export interface LoadSpec {
  tokens?: boolean;
  scaleOwner?: number;
  /** Other owners' instances [from, to). */
  others?: [number, number];
  paged?: number;
  concurrency: number;
}

const spec = JSON.parse(process.argv[2] ?? '') as LoadSpec;
const started = performance.now();
if (spec.tokens) await putTokens();
if (spec.scaleOwner) await putInstances(scaleOwnerInstances(spec.scaleOwner), spec.concurrency);
if (spec.paged) await putInstances(pagedOwnerInstances(spec.paged), spec.concurrency);
if (spec.others) {
  const [from, to] = spec.others;
  for (let at = from; at < to; at += 20_000) {
    await putInstances(otherInstances(at, Math.min(to, at + 20_000)), spec.concurrency);
  }
}
process.stdout.write(`${JSON.stringify({ seconds: (performance.now() - started) / 1000 })}\n`);
process.exit(0);
