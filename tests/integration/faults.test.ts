// Faults of DynamoDB and of Astakos, alone and together, through the real handlers with the production settings
// (600 ms per DynamoDB attempt, 2 s for Astakos, a 2.5 s deadline per request): every one answers 503 with
// Retry-After and the envelope within 3 s, never a 500 or an exception. DynamoDB Local sits behind a loopback proxy
// that injects the faults it cannot produce itself; Astakos is a stand-in that can be slow or wrong.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ApiHandler } from '../../lib/api.ts';
import { testApi } from '../support/api.ts';
import { DETAILS_UUID, MESSAGE, TOKEN_ONE, errorBody } from '../support/contract.ts';
import { startDynamoDbProxy, type DynamoDbProxy, type FaultMode } from '../../harness/dynamodb-proxy.ts';
import { invoke } from '../../harness/events.ts';
import {
  MISBEHAVING,
  SLOW_BUT_VALID,
  startIdentityService,
  type IdentityService,
} from '../support/identity-service.ts';

const ANSWER_BUDGET_MS = 3000;
const UNAVAILABLE = errorBody(503, MESSAGE.unavailable);
/** The production settings (lib/config.ts's defaults), which the other suites relax for a busy machine. */
const PRODUCTION = { DYNAMODB_REQUEST_TIMEOUT_MS: '600', REQUEST_DEADLINE_MS: '2500', IDENTITY_TIMEOUT_MS: '2000' };

let proxy: DynamoDbProxy;
let identity: IdentityService;
let list: ApiHandler;
let detail: ApiHandler;
let astakosDetail: ApiHandler;
const worst: Record<string, number> = {};

beforeAll(async () => {
  proxy = await startDynamoDbProxy(inject('dynamoDbEndpoint'));
  identity = await startIdentityService(10_000, 1_950);
  ({ list, detail } = await testApi({ sampleData: true, dynamoDbEndpoint: proxy.endpoint, env: PRODUCTION }));
  ({ detail: astakosDetail } = await testApi({
    sampleData: true,
    dynamoDbEndpoint: proxy.endpoint,
    env: { ...PRODUCTION, TOKEN_VERIFIER: 'astakos', IDENTITY_URL: identity.url },
  }));
});

afterAll(async () => {
  console.info(`worst answer time per fault (ms, all 503s, budget ${ANSWER_BUDGET_MS}):`);
  console.table(worst);
  await Promise.all([proxy.close(), identity.close()]);
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
    await expectUnavailable(`DynamoDB ${mode}: token`, () =>
      invoke(list, { headers: { authorization: `Token not-cached-${mode}` } }),
    );
  });

  it('the list answers 503 in time once the token is cached', async () => {
    proxy.mode = 'pass';
    expect((await invoke(list, { headers: ownerHeaders })).statusCode).toBe(200);
    proxy.mode = mode;
    await expectUnavailable(`DynamoDB ${mode}: list`, () => invoke(list, { headers: ownerHeaders }));
  });

  it('the details answer 503 in time once the token is cached', async () => {
    proxy.mode = 'pass';
    expect((await invoke(detail, { headers: ownerHeaders, id: DETAILS_UUID })).statusCode).toBe(200);
    proxy.mode = mode;
    await expectUnavailable(`DynamoDB ${mode}: details`, () =>
      invoke(detail, { headers: ownerHeaders, id: DETAILS_UUID }),
    );
  });
});

describe('Astakos faults, DynamoDB well', () => {
  it.each(Object.entries(MISBEHAVING))('Astakos %s: 503 in time', async (name, token) => {
    proxy.mode = 'pass';
    await expectUnavailable(`Astakos ${name}`, () =>
      invoke(astakosDetail, { headers: { authorization: `Token ${token}` }, id: DETAILS_UUID }),
    );
  });
});

describe('DynamoDB and Astakos faults together', () => {
  // An uncached Astakos token: the tokens table first (failing or hanging), then Astakos (slowly).
  it.each<FaultMode>(['slow', 'throttle', 'server-error'])(
    'DynamoDB %s and Astakos slow, an uncached token: 503 in time',
    async (mode) => {
      proxy.mode = mode;
      await expectUnavailable(`DynamoDB ${mode} + Astakos slow`, () =>
        invoke(astakosDetail, { headers: { authorization: `Token ${MISBEHAVING.slow}` }, id: DETAILS_UUID }),
      );
    },
  );

  // Every call succeeds, each within its own timeout: the token lookup (0.55 s, the instance read beside it), Astakos
  // (1.95 s of its 2 s) and remembering the token (0.55 s) add up to 3.05 s. Only the request's deadline, which cuts
  // Astakos short at 2.5 s, keeps the answer under the budget.
  it('DynamoDB lagging and Astakos slow but answering: the deadline answers 503 in time', async () => {
    proxy.mode = 'lagging';
    proxy.lagMs = 550;
    await expectUnavailable('DynamoDB lagging + Astakos slow, both answering', () =>
      invoke(astakosDetail, { headers: { authorization: `Token ${SLOW_BUT_VALID.token}` }, id: DETAILS_UUID }),
    );
  });
});

it('the service recovers when DynamoDB does', async () => {
  const ask = async () => (await invoke(detail, { headers: ownerHeaders, id: DETAILS_UUID })).statusCode;
  proxy.mode = 'server-error';
  expect(await ask()).toBe(503);
  proxy.mode = 'pass';
  expect(await ask()).toBe(200);
});

it('a closed port (DynamoDB gone) answers 503 in time', async () => {
  await proxy.close();
  await expectUnavailable('DynamoDB closed port', () =>
    invoke(list, { headers: { authorization: 'Token after-the-port-closed' } }),
  );
});
