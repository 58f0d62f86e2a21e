// What the orchestrator asks bench/in-process.ts to measure, and what it answers.
import type { Tables } from '../../lib/config.ts';
import type { CountedCall } from '../../tests/support/dynamodb-proxy.ts';

/** One raw DynamoDB call of a floor. */
export type FloorStep =
  | { kind: 'get'; table: string; key: Record<string, string>; consistent: boolean }
  | {
      kind: 'query';
      table: string;
      index: string;
      owner: string;
      limit?: number;
      exclusiveStartKey?: Record<string, string | number>;
    };

export interface InProcessCase {
  name: string;
  function: 'detail' | 'list';
  token: string;
  /** Instead of `token`, a token the process has not seen for every request: uncachedToken(from), (from + 1), ... */
  uncachedTokensFrom?: number;
  /** Every request carries If-None-Match with the ETag of a first, unmeasured answer (a client polling). */
  revalidate?: boolean;
  id?: string;
  query?: Record<string, string>;
  expectStatus: number;
  /** Named floors, each a sequence of raw calls timed as one. */
  floors: Record<string, FloorStep[]>;
}

export interface InProcessSpec {
  mode: 'timing' | 'counting';
  dynamoDbEndpoint: string;
  tables: Tables;
  cases: InProcessCase[];
  /** Time the cases' requests interleaved with each other too, rather than one case after the other. */
  interleaveCases?: boolean;
  runs: number;
  samples: number;
  warmup: number;
}

export interface CaseTiming {
  /** Per run: the median and 99th percentile of the handler's latency (ms). */
  handler: number[];
  handlerP99: number[];
  /** Per run and floor: the median latency (ms). */
  floors: Record<string, number[]>;
  /** Per run, for the handler and each floor: the median CPU time of one request in this process (µs). */
  cpuUs: Record<string, number[]>;
}

export interface CaseCounts {
  /** The first request in the process with this token (the token is not cached). */
  first: CountedCall[];
  /** The same request again (the token would be cached). */
  second: CountedCall[];
  floors: Record<string, CountedCall[]>;
}

/** The requests a case makes in one in-process run: warm-up and samples, or the counted two. */
export const requestsPerCase = ({
  mode,
  warmup,
  runs,
  samples,
}: Pick<InProcessSpec, 'mode' | 'warmup' | 'runs' | 'samples'>): number =>
  mode === 'counting' ? 2 : warmup + runs * samples;
