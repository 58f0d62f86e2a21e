import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, inject, it, vi } from 'vitest';
import { localClient } from '../../infra/dynamodb.ts';
import { testApi } from '../support/api.ts';
import { DETAILS_UUID, MESSAGE, TOKEN_ONE, errorBody } from '../support/contract.ts';
import { invoke } from '../../harness/events.ts';

const { list } = await testApi({ sampleData: true });

const ownerOne = { authorization: `Token ${TOKEN_ONE}` };
const NOT_FOUND_LIST = errorBody(404, MESSAGE.noInstances);

// The list's store on DynamoDB Local: its index, id order and pages. What the routes make of a store's answers (the
// order of checks, the 400s, the 404s, the 405, tenancy's 404) is tests/unit/routes/*.test.ts's, on in-memory stores.
describe('list handler', () => {
  it('lists the caller’s instances in id order, DESTROYED left out', async () => {
    const response = await invoke(list, { headers: ownerOne });
    expect(response.statusCode).toBe(200);
    expect(response.headers?.['Content-Type']).toBe('application/json; charset=utf-8');
    expect((response.json.data as { id: number }[]).map(({ id }) => id)).toEqual([1, 3, 4, 5, 7, 8]);
  });

  it('pages with limit and page and reports the pagination', async () => {
    const response = await invoke(list, { headers: ownerOne, query: { limit: '4', page: '2' } });
    expect((response.json.data as { id: number }[]).map(({ id }) => id)).toEqual([7, 8]);
    expect(response.json.pagination).toEqual({ page: 2, limit: 4, count: 6, pages: 2 });
  });

  it('a page past the end is 404', async () => {
    const response = await invoke(list, { headers: ownerOne, query: { limit: '4', page: '3' } });
    expect(response.statusCode).toBe(404);
    expect(response.json).toEqual(NOT_FOUND_LIST);
  });

  it('a page too large for a safe integer is past the end: 404, not a crash', async () => {
    const response = await invoke(list, { headers: ownerOne, query: { limit: '2', page: '9'.repeat(400) } });
    expect([response.statusCode, response.json]).toEqual([404, NOT_FOUND_LIST]);
  });
});

// On tables of its own, which it drops to make DynamoDB fail for real: an error the SDK does not call transient.
it('a DynamoDB failure is a 500 envelope without internals, never an exception', async () => {
  const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
  const doomed = await testApi({ sampleData: true });
  const client = localClient(inject('dynamoDbEndpoint'));
  await client.send(new DeleteTableCommand({ TableName: doomed.tables.instances }));
  client.destroy();
  for (const handler of [doomed.list, doomed.detail]) {
    const response = await invoke(handler, { headers: ownerOne, id: DETAILS_UUID });
    expect(response.statusCode).toBe(500);
    expect(response.headers?.['Content-Type']).toBe('application/json; charset=utf-8');
    expect(response.json).toEqual(errorBody(500, MESSAGE.internalError));
  }
  expect(logged).toHaveBeenCalled();
  logged.mockRestore();
});
