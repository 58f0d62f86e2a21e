// The push's handshake (docs/contract.md section 7.8) on an in-memory verifier and connections: where the token may
// come from, 401 and nothing stored for a bad one, the connection kept (with the token's digest, never the token) for
// a good one.
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { digestToken, type CachingVerifier } from '../../../lib/auth.ts';
import { DependencyUnavailableError } from '../../../lib/errors.ts';
import { connectRoute, handshakeToken } from '../../../lib/push/connect.ts';
import type { Connection, ConnectionStore } from '../../../lib/push/connections.ts';
import { apiEvent, lambdaContext } from '../../../harness/events.ts';
import { MESSAGE, errorBody } from '../../support/contract.ts';

const TOKEN = 'a-good-token';
const OWNER = 'b1f5c3d2-0000-4000-8000-000000000001';

/** A handshake as API Gateway hands it to $connect: headers (names in lower case after the chain), query, id. */
const handshake = ({
  headers = {},
  query,
}: {
  headers?: Record<string, string>;
  query?: Record<string, string | string[]>;
}) => {
  const event = apiEvent({ headers, ...(query && { query }) });
  return {
    ...event,
    requestContext: { connectionId: 'Zx1-connection=', eventType: 'CONNECT' },
  } as APIGatewayProxyEvent;
};

describe('the handshake’s token', () => {
  it.each([
    ['token= in the query (a browser cannot set headers)', { query: { token: TOKEN } }],
    ['Authorization: Token', { headers: { authorization: `Token ${TOKEN}` } }],
    ['Authentication: Token', { headers: { authentication: `Token ${TOKEN}` } }],
    ['X-Api-Key', { headers: { 'x-api-key': TOKEN } }],
    ['X-Auth-Token', { headers: { 'x-auth-token': TOKEN } }],
    ['token= repeated with the same value', { query: { token: [TOKEN, TOKEN] } }],
  ])('comes from %s', (_, given) => expect(handshakeToken(handshake(given))).toBe(TOKEN));

  it.each([
    ['nothing', {}],
    ['an empty token=', { query: { token: '' } }],
    ['token= repeated with different values', { query: { token: [TOKEN, 'another'] } }],
    ['a token= that cannot be a token', { query: { token: 'has spaces in it' } }],
    [
      'token= beside a credential header (two credentials)',
      { query: { token: TOKEN }, headers: { 'x-api-key': TOKEN } },
    ],
    ['a malformed header', { headers: { authorization: TOKEN } }],
  ])('is none from %s', (_, given) => expect(handshakeToken(handshake(given))).toBeUndefined());
});

function connect(verify: CachingVerifier['verify']) {
  const stored: Connection[] = [];
  const signals: (AbortSignal | undefined)[] = [];
  const connections: ConnectionStore = {
    add: (connection, options) => {
      signals.push(options?.signal);
      return Promise.resolve(void stored.push(connection));
    },
    ofOwner: () => Promise.reject(new Error('not on connect')),
    forget: () => Promise.reject(new Error('not on connect')),
    forgetById: () => Promise.reject(new Error('not on connect')),
  };
  const verifier: CachingVerifier = { verify, recall: () => undefined };
  const handler = connectRoute({ verifier, connections, requestDeadlineMs: 2500 });
  return {
    stored,
    signals,
    answer: (given: Parameters<typeof handshake>[0], event = handshake(given)) => handler(event, lambdaContext()),
  };
}

const owns = (token: string) => (presented: { value: string }) =>
  Promise.resolve(presented.value === token ? { owner: OWNER } : undefined);

describe('$connect', () => {
  it('keeps a good token’s connection with its owner and the token’s digest, never the token', async () => {
    const { stored, signals, answer } = connect(owns(TOKEN));
    expect(await answer({ query: { token: TOKEN } })).toMatchObject({ statusCode: 200, body: '' });
    expect(stored).toEqual([{ owner: OWNER, connectionId: 'Zx1-connection=', tokenDigest: digestToken(TOKEN) }]);
    expect(JSON.stringify(stored)).not.toContain(TOKEN);
    // Within the request's deadline, as every call of the API is.
    expect(signals[0]).toBeInstanceOf(AbortSignal);
  });

  it('answers an event that is not a WebSocket handshake (no connection id) with the 500, and stores nothing', async () => {
    const { stored, answer } = connect(owns(TOKEN));
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const event = { ...handshake({ query: { token: TOKEN } }), requestContext: {} } as APIGatewayProxyEvent;
    const answered = await answer({}, event);
    expect(answered.statusCode).toBe(500);
    expect(JSON.parse(answered.body)).toEqual(errorBody(500, MESSAGE.internalError));
    expect(stored).toEqual([]);
    // Logged, without the token.
    expect(logged.mock.calls.join(' ')).toContain('without a connection id');
    expect(logged.mock.calls.join(' ')).not.toContain(TOKEN);
    logged.mockRestore();
  });

  it.each([
    ['no token', {}],
    ['an unknown, revoked or expired token', { query: { token: 'refused-token' } }],
  ])('refuses %s with the API’s 401 and stores nothing', async (_, given) => {
    const { stored, answer } = connect(owns(TOKEN));
    const refused = await answer(given);
    expect(refused.statusCode).toBe(401);
    expect(refused.headers?.['WWW-Authenticate']).toBe('Token');
    expect(JSON.parse(refused.body)).toEqual(errorBody(401, MESSAGE.unauthorized));
    expect(stored).toEqual([]);
  });

  it('answers 503 when the verifier cannot tell (DynamoDB or Astakos down), and stores nothing', async () => {
    const { stored, answer } = connect(() => Promise.reject(new DependencyUnavailableError('down')));
    expect((await answer({ headers: { 'x-api-key': TOKEN } })).statusCode).toBe(503);
    expect(stored).toEqual([]);
  });
});
