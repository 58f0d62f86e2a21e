// The functions configured with TOKEN_VERIFIER=astakos, against a stand-in Astakos on loopback, with every
// DynamoDB call counted by a pass-through proxy: what a cold, a warm, a revoked and a refused token cost. Astakos's
// other answers are tests/unit/verifiers.test.ts's, and tests/integration/faults.test.ts's in time.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ApiHandler } from '../../lib/api.ts';
import { digestToken } from '../../lib/auth.ts';
import type { LambdaInstance } from '../../lib/items.ts';
import { testApi } from '../support/api.ts';
import { invoke } from '../../harness/events.ts';
import { startDynamoDbProxy, type DynamoDbProxy } from '../../harness/dynamodb-proxy.ts';
import { IDENTITY_USERS, startIdentityService, type IdentityService } from '../support/identity-service.ts';

const [coldToken, revokedToken, warmToken] = Object.keys(IDENTITY_USERS) as [string, string, string];
const OWNER = IDENTITY_USERS[coldToken]!;
const INSTANCE: LambdaInstance = {
  uuid: '0a57a05e-0000-4000-8000-000000000001',
  id: 1,
  name: 'Astakos user instance',
  owner: OWNER,
  instanceInfo: {},
  status: '0',
  failureMessage: '',
  applications: [],
};

let identity: IdentityService;
let dynamoDb: DynamoDbProxy;
let detail: ApiHandler;
const costs: Record<string, { dynamoDbCalls: string[]; remoteCalls: number }> = {};

beforeAll(async () => {
  identity = await startIdentityService(3000);
  dynamoDb = await startDynamoDbProxy(inject('dynamoDbEndpoint'));
  let operator;
  ({ detail, operator } = await testApi({
    dynamoDbEndpoint: dynamoDb.endpoint,
    env: { TOKEN_VERIFIER: 'astakos', IDENTITY_URL: identity.url, IDENTITY_TIMEOUT_MS: '500' },
  }));
  await operator.instances.put([INSTANCE]);
  await operator.tokens.put({
    digest: digestToken(revokedToken),
    owner: IDENTITY_USERS[revokedToken]!,
    createdAt: 0,
    expiresAt: 4102444800,
    revoked: true,
  });
});

afterAll(async () => {
  console.info('calls per request:', JSON.stringify(costs));
  await Promise.all([identity.close(), dynamoDb.close()]);
});

async function measured(name: string, token: string) {
  dynamoDb.take();
  const remoteBefore = identity.asked.length;
  const response = await invoke(detail, { headers: { authorization: `Token ${token}` }, id: INSTANCE.uuid });
  costs[name] = {
    dynamoDbCalls: dynamoDb.take().map(({ operation }) => operation),
    remoteCalls: identity.asked.length - remoteBefore,
  };
  return { response, ...costs[name] };
}

describe('TOKEN_VERIFIER=astakos through the detail function', () => {
  it('a cold token: the token lookup and the instance read side by side, one remote call, one write to remember it', async () => {
    const { response, dynamoDbCalls, remoteCalls } = await measured('cold token', coldToken);
    expect(response.statusCode).toBe(200);
    expect(remoteCalls).toBe(1);
    expect([...dynamoDbCalls].sort()).toEqual(['GetItem', 'GetItem', 'PutItem']);
  });

  it('a warm token: no token work at all, only the instance', async () => {
    expect((await measured('warming a token', warmToken)).remoteCalls).toBe(1);
    const { response, dynamoDbCalls, remoteCalls } = await measured('warm token', warmToken);
    expect(response.statusCode).toBe(200);
    expect(remoteCalls).toBe(0);
    expect(dynamoDbCalls).toEqual(['GetItem']);
  });

  it('a revoked token: one lookup (and the instance read beside it), no remote call, 401', async () => {
    const { response, dynamoDbCalls, remoteCalls } = await measured('revoked token', revokedToken);
    expect(response.statusCode).toBe(401);
    expect(response.headers?.['WWW-Authenticate']).toBe('Token');
    expect(remoteCalls).toBe(0);
    expect(dynamoDbCalls).toEqual(['GetItem', 'GetItem']);
  });

  it('a token Astakos refuses is 401, and the container remembers the refusal: Astakos is asked once', async () => {
    const asked = identity.asked.length;
    for (let n = 0; n < 3; n += 1) {
      const response = await invoke(detail, {
        headers: { authorization: 'Token astakos-refuses-this' },
        id: INSTANCE.uuid,
      });
      expect(response.statusCode).toBe(401);
    }
    expect(identity.asked.length).toBe(asked + 1);
  });
});
