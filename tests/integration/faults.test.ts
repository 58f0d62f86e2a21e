// DynamoDB faults through the real handlers: every one answers 503 with Retry-After and the envelope within 3 s,
// never a 500 or an exception. The functions reach DynamoDB Local through a fault-injecting proxy.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ApiHandler } from '../../lib/api.ts';
import { testApi } from '../support/api.ts';
import { DETAILS_UUID, MESSAGE, TOKEN_ONE, errorBody } from '../support/contract.ts';
import { startDynamoDbProxy, type DynamoDbProxy, type FaultMode } from '../support/dynamodb-proxy.ts';
import { invoke } from '../support/events.ts';

const ANSWER_BUDGET_MS = 3000;
const UNAVAILABLE = errorBody(503, MESSAGE.unavailable);

let proxy: DynamoDbProxy;
let list: ApiHandler;
let detail: ApiHandler;
const worst: Record<string, number> = {};

beforeAll(async () => {
  proxy = await startDynamoDbProxy(inject('dynamoDbEndpoint'));
  // The handlers reach DynamoDB through the proxy, with the production timeout (lib/config.ts's default).
  ({ list, detail } = await testApi({
    sampleData: true,
    dynamoDbEndpoint: proxy.endpoint,
    env: { DYNAMODB_REQUEST_TIMEOUT_MS: '600' },
  }));
});

afterAll(async () => {
  console.info('worst answer time per fault (ms):', worst);
  await proxy.close();
});

// The details instance's owner; once verified, the token stays in the container's cache, as in production.
const ownerHeaders = { authorization: `Token ${TOKEN_ONE}` };

async function expectUnavailable(fault: string, call: () => ReturnType<typeof invoke>): Promise<void> {
  const started = performance.now();
  const response = await call();
  const elapsed = performance.now() - started;
  worst[fault] = Math.max(worst[fault] ?? 0, Math.round(elapsed));
  expect(response.statusCode).toBe(503);
  expect(response.headers?.['Retry-After']).toBe('1');
  expect(response.headers?.['Content-Type']).toBe('application/json; charset=utf-8');
  expect(response.json).toEqual(UNAVAILABLE);
  expect(elapsed).toBeLessThan(ANSWER_BUDGET_MS);
}

describe.each<FaultMode>(['throttle', 'throttling', 'server-error', 'reset', 'slow'])('DynamoDB fault: %s', (mode) => {
  it('the token check answers 503 in time', async () => {
    proxy.mode = mode;
    await expectUnavailable(mode, () => invoke(list, { headers: { authorization: `Token not-cached-${mode}` } }));
  });

  it('the list answers 503 in time once the token is cached', async () => {
    proxy.mode = 'pass';
    const headers = ownerHeaders;
    expect((await invoke(list, { headers })).statusCode).toBe(200);
    proxy.mode = mode;
    await expectUnavailable(mode, () => invoke(list, { headers }));
  });

  it('the details answer 503 in time once the token is cached', async () => {
    proxy.mode = 'pass';
    const headers = ownerHeaders;
    expect((await invoke(detail, { headers, id: DETAILS_UUID })).statusCode).toBe(200);
    proxy.mode = mode;
    await expectUnavailable(mode, () => invoke(detail, { headers, id: DETAILS_UUID }));
  });
});

it('the service recovers when DynamoDB does', async () => {
  proxy.mode = 'pass';
  expect((await invoke(detail, { headers: ownerHeaders, id: DETAILS_UUID })).statusCode).toBe(200);
});

it('a closed port (DynamoDB gone) answers 503 in time', async () => {
  await proxy.close();
  await expectUnavailable('closed port', () =>
    invoke(list, { headers: { authorization: 'Token after-the-port-closed' } }),
  );
});
