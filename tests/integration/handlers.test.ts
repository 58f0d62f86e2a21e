import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, inject, it, vi } from 'vitest';
import { localClient } from '../../infra/dynamodb.ts';
import { TOKENS } from '../fixtures/tenancy.ts';
import { testApi } from '../support/api.ts';
import {
  DESTROYED_UUID,
  DETAILS_UUID,
  MESSAGE,
  OWNER_TWO_UUID,
  TOKEN_ONE,
  TOKEN_TWO,
  errorBody,
} from '../support/contract.ts';
import { startDynamoDbProxy } from '../../harness/dynamodb-proxy.ts';
import { invoke } from '../../harness/events.ts';

const { list, detail } = await testApi({ sampleData: true });

const [ownerOne, ownerTwo] = [TOKEN_ONE, TOKEN_TWO].map((token) => ({ authorization: `Token ${token}` }));
const UNAUTHORIZED = errorBody(401, MESSAGE.unauthorized);
const NOT_FOUND_DETAILS = errorBody(404, MESSAGE.instanceNotFound);
const NOT_FOUND_LIST = errorBody(404, MESSAGE.noInstances);

describe('list handler', () => {
  it('lists the caller’s instances in id order, DESTROYED left out', async () => {
    const response = await invoke(list, { headers: ownerOne! });
    expect(response.statusCode).toBe(200);
    expect(response.headers?.['Content-Type']).toBe('application/json; charset=utf-8');
    expect((response.json.data as { id: number }[]).map(({ id }) => id)).toEqual([1, 3, 4, 5, 7, 8]);
  });

  it('pages with limit and page and reports the pagination', async () => {
    const response = await invoke(list, { headers: ownerOne!, query: { limit: '4', page: '2' } });
    expect((response.json.data as { id: number }[]).map(({ id }) => id)).toEqual([7, 8]);
    expect(response.json.pagination).toEqual({ page: 2, limit: 4, count: 6, pages: 2 });
  });

  it('a page past the end is 404', async () => {
    const response = await invoke(list, { headers: ownerOne!, query: { limit: '4', page: '3' } });
    expect(response.statusCode).toBe(404);
    expect(response.json).toEqual(NOT_FOUND_LIST);
  });

  it('a page too large for a safe integer is past the end: 404, not a crash', async () => {
    const response = await invoke(list, { headers: ownerOne!, query: { limit: '2', page: '9'.repeat(400) } });
    expect([response.statusCode, response.json]).toEqual([404, NOT_FOUND_LIST]);
  });

  it('an owner with no instances gets 404', async () => {
    const response = await invoke(list, { headers: { authorization: `Token ${TOKENS.emptyOwner}` } });
    expect([response.statusCode, response.json]).toEqual([404, NOT_FOUND_LIST]);
  });

  it('bad pagination is 400', async () => {
    const response = await invoke(list, { headers: ownerOne!, query: { limit: '2' } });
    expect(response.statusCode).toBe(400);
    expect(response.json).toEqual(errorBody(400, MESSAGE.badPagination));
  });

  it('a bad token is 401 even with bad pagination', async () => {
    const response = await invoke(list, { headers: { authorization: 'Token nope' }, query: { limit: 'x' } });
    expect(response.statusCode).toBe(401);
    expect(response.headers?.['WWW-Authenticate']).toBe('Token');
    expect(response.json).toEqual(UNAUTHORIZED);
  });

  it('owner two sees only its own instances', async () => {
    const response = await invoke(list, { headers: ownerTwo! });
    expect((response.json.data as { id: number }[]).map(({ id }) => id)).toEqual([2, 6]);
  });
});

describe('detail handler', () => {
  it('answers the whole instance', async () => {
    const response = await invoke(detail, { headers: ownerOne!, id: DETAILS_UUID });
    expect(response.statusCode).toBe(200);
    const [details] = response.json.data as {
      info: { id: string };
      status: { code: string };
      applications: unknown[];
    }[];
    expect(details?.info.id).toBe(DETAILS_UUID);
    expect(details?.status.code).toBe('11');
    expect(details?.applications).toHaveLength(1);
  });

  it('serves a DESTROYED instance', async () => {
    const response = await invoke(detail, { headers: ownerOne!, id: DESTROYED_UUID, query: { filter: 'status' } });
    expect(response.statusCode).toBe(200);
    expect(response.json.data).toEqual([
      {
        status: { message: 'DESTROYED', code: '6', details: 'Lambda instance has been destroyed.' },
        id: DESTROYED_UUID,
        name: 'Destroyed Lambda Instance',
      },
    ]);
  });

  it('accepts the id in upper case', async () => {
    const response = await invoke(detail, { headers: ownerOne!, id: DETAILS_UUID.toUpperCase() });
    expect(response.statusCode).toBe(200);
  });

  it.each([
    ['someone else’s instance', OWNER_TWO_UUID],
    ['an unknown uuid', '00000000-0000-4000-8000-000000000000'],
    ['an id that is not a UUID', '8'],
  ])('%s is 404', async (_, id) => {
    const response = await invoke(detail, { headers: ownerOne!, id });
    expect([response.statusCode, response.json]).toEqual([404, NOT_FOUND_DETAILS]);
  });

  it('a bad filter is 400 before the 404 of an unknown id', async () => {
    const response = await invoke(detail, { headers: ownerOne!, id: 'nope', query: { filter: 'everything' } });
    expect(response.statusCode).toBe(400);
    expect(response.json).toEqual(errorBody(400, MESSAGE.badFilter));
  });

  it.each([
    ['no token', {}],
    ['an unknown token', { authorization: `Token ${TOKEN_ONE.slice(0, -1)}Z` }],
    ['a revoked token', { authorization: `Token ${TOKENS.revoked}` }],
    ['an expired token', { authorization: `Token ${TOKENS.expired}` }],
  ])('%s is 401 before the 400 and the 404', async (_, headers) => {
    const response = await invoke(detail, { headers, id: 'nope', query: { filter: 'bad' } });
    expect([response.statusCode, response.json]).toEqual([401, UNAUTHORIZED]);
  });

  it('reads the instance beside the token check only while the token must be read', async () => {
    const proxy = await startDynamoDbProxy(inject('dynamoDbEndpoint'));
    const { detail: counted, tables } = await testApi({ sampleData: true, dynamoDbEndpoint: proxy.endpoint });
    const reads = () => proxy.take().map(({ operation, target }) => `${operation} ${target}`);
    const badFilter = { headers: ownerOne!, id: DETAILS_UUID, query: { filter: 'bad' } };
    try {
      expect((await invoke(counted, badFilter)).statusCode).toBe(400);
      expect(reads().sort()).toEqual([`GetItem ${tables.instances}`, `GetItem ${tables.tokens}`]);
      // The token is remembered now: checked at once, the 400 comes before any read.
      expect((await invoke(counted, badFilter)).statusCode).toBe(400);
      expect(reads()).toEqual([]);
      expect((await invoke(counted, { headers: ownerOne!, id: DETAILS_UUID })).statusCode).toBe(200);
      expect(reads()).toEqual([`GetItem ${tables.instances}`]);
    } finally {
      await proxy.close();
    }
  });

  it('a token with an expiry still ahead works', async () => {
    const response = await invoke(detail, { headers: { 'X-Api-Key': TOKENS.notExpiredYet }, id: DETAILS_UUID });
    expect(response.statusCode).toBe(200);
  });
});

describe('both handlers', () => {
  it.each(['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'])('%s is 405 with Allow: GET', async (method) => {
    for (const handler of [list, detail]) {
      const response = await invoke(handler, { method, headers: ownerOne!, id: DETAILS_UUID });
      expect(response.statusCode).toBe(405);
      expect(response.headers?.Allow).toBe('GET');
      expect((response.json.errors as { status: number }[])[0]?.status).toBe(405);
    }
  });

  // On tables of its own, which it drops to make DynamoDB fail for real.
  it('a DynamoDB failure is a 500 envelope without internals, never an exception', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const doomed = await testApi({ sampleData: true });
    const client = localClient(inject('dynamoDbEndpoint'));
    await client.send(new DeleteTableCommand({ TableName: doomed.tables.instances }));
    client.destroy();
    for (const handler of [doomed.list, doomed.detail]) {
      const response = await invoke(handler, { headers: ownerOne!, id: DETAILS_UUID });
      expect(response.statusCode).toBe(500);
      expect(response.headers?.['Content-Type']).toBe('application/json; charset=utf-8');
      expect(response.json).toEqual(errorBody(500, MESSAGE.internalError));
    }
    expect(logged).toHaveBeenCalled();
    logged.mockRestore();
  });
});
