// What every item of the bench is given: its sizes, the functions' handlers as lib/dependencies.ts assembles them
// with the floors beside them, on DynamoDB Local or through the loopback proxy, and the requests they answer.
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import type { ApiHandler } from '../lib/api.ts';
import { readSettings, type Tables } from '../lib/config.ts';
import { assemble } from '../lib/dependencies.ts';
import { detailRoute } from '../lib/routes/detail.ts';
import { listRoute } from '../lib/routes/list.ts';
import { localDocumentClient } from '../infra/dynamodb.ts';
import type { DynamoDbProxy } from '../harness/dynamodb-proxy.ts';
import { apiEvent, lambdaContext, type EventOptions } from '../harness/events.ts';
import type { Bundle } from './bundles.ts';
import type { PushSizes, PushStack } from './items/push.ts';
import { freshToken } from './data.ts';
import { createFloors } from './floor.ts';
import type { Rounds, Task } from './timing.ts';

export interface Sizes {
  /** Other owners' instances in the full table, besides the big owner's (the scale row compares a table with 10). */
  others: number;
  /** The paged owner's instances, and the last page read at limit 20. */
  paged: number;
  lastPage: number;
  /** The big owner's instances (docs/contract.md section 5.1), and the rounds of each of its pages. */
  big: number;
  bigPages: Rounds;
  /** New instances of the import's throughput. */
  imported: number;
  /** Fresh processes per cold-start variant. */
  coldRuns: number;
  /** Warm timings on loopback; through the proxy that holds each call 5 ms; of pages of the long list. */
  warm: Rounds;
  network: Rounds;
  pages: Rounds;
  push: PushSizes;
}

export interface Setup {
  sizes: Sizes;
  /** How many tokens the tables hold that no request has presented yet (freshToken(0), (1), ...). */
  freshTokens: number;
  /** The stage whose tables hold the full table (what a deployed function of it would read). */
  stage: string;
  tables: Tables;
  /** The tables with the same owners but only 10 other instances. */
  smallTables: Tables;
  dynamoDbEndpoint: string;
  proxy: DynamoDbProxy;
  bundles: Record<'detail' | 'list' | 'floor', Bundle>;
  /** A running stack for the push rows (the e2e suite's, for the smoke run); without it they start their own. */
  pushStack?: PushStack | undefined;
}

/**
 * The deployed settings but for the time limits, relaxed as the tests relax them (a busy machine's DynamoDB Local may
 * take more than 600 ms to answer): a limit costs nothing until it is reached.
 */
export const RELAXED_LIMITS = { DYNAMODB_REQUEST_TIMEOUT_MS: '5000', REQUEST_DEADLINE_MS: '15000' };

/** A fresh container of each function, and the floors, on `endpoint` (DynamoDB Local unless given). */
export function functions(setup: Setup, { endpoint = setup.dynamoDbEndpoint, tables = setup.tables } = {}) {
  const settings = readSettings({ INSTANCES_TABLE: tables.instances, TOKENS_TABLE: tables.tokens, ...RELAXED_LIMITS });
  const client = localDocumentClient(endpoint, settings.dynamoDbRequestTimeoutMs);
  const dependencies = assemble(settings, client);
  return { detail: detailRoute(dependencies), list: listRoute(dependencies), floors: createFloors(client, tables) };
}

export const auth = (token: string) => ({ authorization: `Token ${token}` });

/**
 * One call of a handler or a floor, with a context of its own as Lambda gives each invocation (the chain keeps what it
 * started for a request on it), checked: a wrong status stops the bench rather than timing an error.
 */
export const request =
  (
    target: (event: APIGatewayProxyEvent, context: Context) => Promise<{ statusCode: number }>,
    event: () => APIGatewayProxyEvent,
    status = 200,
  ): Task =>
  async () => {
    const response = await target(event(), lambdaContext());
    if (response.statusCode !== status) throw new Error(`status ${response.statusCode}, expected ${status}`);
  };

/** A request with the same event every time (a warm container caches its token after the first). */
export const same = (options: EventOptions): (() => APIGatewayProxyEvent) => {
  const event = apiEvent(options);
  return () => event;
};

let fresh = 0;
/** A request whose token no earlier request presented: not in the container's cache. */
export const withFreshToken =
  (setup: Setup, options: EventOptions = {}) =>
  (): APIGatewayProxyEvent => {
    if (fresh >= setup.freshTokens) throw new Error('more requests with a fresh token than fresh tokens');
    return apiEvent({ ...options, headers: auth(freshToken(fresh++)) });
  };

/** One answer of a handler, outside any timing. */
export const answer = (handler: ApiHandler, options: EventOptions) => handler(apiEvent(options), lambdaContext());

/** The read units of one request through the counting proxy (its token cached by a request before). */
export async function readUnits(handler: ApiHandler, options: EventOptions, proxy: DynamoDbProxy) {
  await answer(handler, options);
  proxy.take();
  await answer(handler, options);
  return proxy.take().reduce((sum, call) => sum + call.readUnits, 0);
}
