// What a client repeating a refused token costs: the container remembers a refusal for a few seconds, so the token is
// read once, and on the details the instance too, by the first request only. Every DynamoDB call is counted by a
// pass-through proxy in front of DynamoDB Local.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ApiHandler } from '../../lib/api.ts';
import type { Tables } from '../../lib/config.ts';
import { TOKENS } from '../fixtures/tenancy.ts';
import { testApi } from '../support/api.ts';
import { DETAILS_UUID, MESSAGE, errorBody } from '../support/contract.ts';
import { startDynamoDbProxy, type DynamoDbProxy } from '../../harness/dynamodb-proxy.ts';
import { invoke } from '../../harness/events.ts';

/** Requests in a row with one token: far fewer than the refusal's seconds allow, even on a busy machine. */
const REQUESTS = 20;

let dynamoDb: DynamoDbProxy;
let list: ApiHandler;
let detail: ApiHandler;
let tables: Tables;

beforeAll(async () => {
  dynamoDb = await startDynamoDbProxy(inject('dynamoDbEndpoint'));
  ({ list, detail, tables } = await testApi({ sampleData: true, dynamoDbEndpoint: dynamoDb.endpoint }));
});

afterAll(() => dynamoDb.close());

/** The statuses of REQUESTS requests in a row with this token, and the DynamoDB reads they made (operation table). */
async function repeated(handler: ApiHandler, token: string, id?: string) {
  dynamoDb.take();
  const statuses = new Set<number>();
  for (let n = 0; n < REQUESTS; n += 1) {
    const response = await invoke(handler, { headers: { authorization: `Token ${token}` }, ...(id && { id }) });
    expect(response.json).toEqual(errorBody(401, MESSAGE.unauthorized));
    statuses.add(response.statusCode);
  }
  const reads = dynamoDb.take().map(({ operation, target }) => `${operation} ${target}`);
  return { statuses: [...statuses], reads };
}

describe(`${REQUESTS} requests in a row with one refused token`, () => {
  it('the list: every one a 401, for one read of the token', async () => {
    const { statuses, reads } = await repeated(list, 'unknown-token-of-the-list');
    expect(statuses).toEqual([401]);
    expect(reads).toEqual([`GetItem ${tables.tokens}`]);
  });

  it('the details: every one a 401, for one read of the token and one of the instance, the first request’s', async () => {
    const { statuses, reads } = await repeated(detail, 'unknown-token-of-the-details', DETAILS_UUID);
    expect(statuses).toEqual([401]);
    expect(reads.sort()).toEqual([`GetItem ${tables.instances}`, `GetItem ${tables.tokens}`].sort());
  });

  it('a revoked token and an expired one: the same single read each', async () => {
    for (const token of [TOKENS.revoked, TOKENS.expired]) {
      expect((await repeated(list, token)).reads).toEqual([`GetItem ${tables.tokens}`]);
    }
  });
});

it('a DynamoDB fault is no refusal: its 503 is not remembered, and the next request reads the token', async () => {
  const token = 'unknown-token-met-by-a-fault';
  dynamoDb.mode = 'server-error';
  try {
    expect((await invoke(list, { headers: { authorization: `Token ${token}` } })).statusCode).toBe(503);
  } finally {
    dynamoDb.mode = 'pass';
  }
  dynamoDb.take();
  expect((await invoke(list, { headers: { authorization: `Token ${token}` } })).statusCode).toBe(401);
  expect(dynamoDb.take().map(({ operation }) => operation)).toEqual(['GetItem']);
});
