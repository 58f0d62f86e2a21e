// Browsers on other origins (docs/contract.md section 7.4): the CORS middleware and the preflight alone, then through
// the API's chain, where every answer to a listed origin carries its headers, errors included.
import { Logger } from '@aws-lambda-powertools/logger';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { withApi, type ApiHandler, type Route } from '../../lib/api.ts';
import type { OwnerContext } from '../../lib/auth.ts';
import { cors, preflight } from '../../lib/cors.ts';
import { badRequest, DependencyUnavailableError, instanceNotFound } from '../../lib/errors.ts';
import type { SuccessBody } from '../../lib/responses.ts';
import { cachedVerifier } from '../../lib/verifiers.ts';
import { apiEvent, invoke, lambdaContext } from '../../harness/events.ts';
import { MESSAGE, errorBody } from '../support/contract.ts';
import { fakeVerifier } from '../support/fakes.ts';
import { PREFLIGHT_HEADERS, SECURITY_HEADERS } from '../support/oracle.ts';

const APP = 'https://app.example.org';
const ORIGINS = new Set([APP, 'http://localhost:5173']);
const CORS = {
  'Access-Control-Allow-Origin': APP,
  'Access-Control-Expose-Headers': 'ETag, Link, Retry-After, WWW-Authenticate',
};
const accessControl = ({ headers = {} }: APIGatewayProxyResult) =>
  Object.keys(headers).filter((name) => name.toLowerCase().startsWith('access-control-'));
const NOT_LISTED_EXACTLY = ['https://evil.example.org', 'https://APP.example.org', `${APP}/`, 'http://app.example.org'];

describe('the CORS middleware', () => {
  const OK = { statusCode: 200, headers: { Vary: 'Authorization' }, body: '{}' };
  /** What the middleware makes of the route's answer (or error answer) to a request with these headers. */
  const answer = (headers: Record<string, string | string[]>, route: () => APIGatewayProxyResult = () => ({ ...OK })) =>
    middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
      .use(cors(ORIGINS))
      .handler(() => Promise.resolve(route()))(apiEvent({ headers }), lambdaContext());

  it('a listed origin gets its own origin allowed, the exposed headers, and Origin added to Vary', async () => {
    expect(await answer({ origin: APP })).toEqual({ ...OK, headers: { ...CORS, Vary: 'Authorization, Origin' } });
    expect((await answer({ origin: 'http://localhost:5173' })).headers?.['Access-Control-Allow-Origin']).toBe(
      'http://localhost:5173',
    );
  });

  it('an answer without Vary, with an empty one, or without headers gets Vary: Origin', async () => {
    const routes = [
      () => ({ statusCode: 200, body: '' }),
      () => ({ statusCode: 200, headers: {}, body: '' }),
      () => ({ statusCode: 200, headers: { Vary: '' }, body: '' }),
    ];
    for (const route of routes)
      expect((await answer({ origin: APP }, route)).headers).toEqual({ ...CORS, Vary: 'Origin' });
  });

  it.each([...NOT_LISTED_EXACTLY, 'null', ''])('an origin not listed exactly (%j) gets nothing', async (origin) => {
    expect(await answer({ origin })).toEqual(OK);
  });

  it('no Origin, or Origin repeated with different values, gets nothing', async () => {
    expect(await answer({})).toEqual(OK);
    expect(await answer({ origin: [APP, 'https://evil.example.org'] })).toEqual(OK);
    expect((await answer({ origin: [APP, APP] })).headers).toMatchObject(CORS);
  });

  it('an error’s envelope gets the same headers', async () => {
    const envelope = { statusCode: 404, headers: { 'Cache-Control': 'no-store' }, body: '{}' };
    const errorAnswer = middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
      .use(cors(ORIGINS))
      .use({ onError: (request) => void (request.response = { ...envelope }) })
      .handler(() => Promise.reject(new Error('not found')));
    expect(await errorAnswer(apiEvent({ headers: { origin: APP } }), lambdaContext())).toEqual({
      ...envelope,
      headers: { ...envelope.headers, ...CORS, Vary: 'Origin' },
    });
  });

  it('an error nobody answered stays an error', async () => {
    const unanswered = middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
      .use(cors(ORIGINS))
      .handler(() => Promise.reject(new Error('boom')));
    await expect(unanswered(apiEvent({ headers: { origin: APP } }), lambdaContext())).rejects.toThrow('boom');
  });
});

describe('the preflight', () => {
  it('from a listed origin: a 204 allowing GET with the credential headers and If-None-Match, for 10 minutes', () => {
    expect(preflight(apiEvent({ method: 'OPTIONS', headers: { origin: APP } }), ORIGINS)).toEqual({
      statusCode: 204,
      headers: {
        'Access-Control-Allow-Methods': 'GET',
        'Access-Control-Allow-Headers': 'Authorization, Authentication, X-Api-Key, X-Auth-Token, If-None-Match',
        'Access-Control-Max-Age': '600',
      },
      body: '',
    });
  });

  it.each<[string, Record<string, string>]>([
    ['no origin', {}],
    ...NOT_LISTED_EXACTLY.map((origin): [string, Record<string, string>] => [origin, { origin }]),
  ])('from %s: the 405 of any other method', (_, headers) => {
    expect(() => preflight(apiEvent({ method: 'OPTIONS', headers }), ORIGINS)).toThrow(
      expect.objectContaining({ statusCode: 405, message: MESSAGE.methodNotAllowed }),
    );
  });
});

describe('through the API’s chain (CORS_ORIGINS)', () => {
  const OWNER = 'b1f5c3d2-0000-4000-8000-000000000001';
  const auth = { authorization: 'Token good' };
  const BODY: SuccessBody = { status: { short_description: 'Lambda instances', code: 200 }, data: [] };
  const silent = new Logger({ serviceName: 'lambda-instances-api', logLevel: 'SILENT' });
  const api = (route: Route<OwnerContext>, corsOrigins: readonly string[] = [...ORIGINS]): ApiHandler =>
    withApi(
      {
        verifier: cachedVerifier(fakeVerifier({ good: { owner: OWNER } }), { maxEntries: 1, ttlSeconds: 60 }),
        requestDeadlineMs: 2500,
        corsOrigins,
        logger: silent,
      },
      route,
    );
  const answering: Route<OwnerContext> = { handle: () => Promise.resolve(BODY) };
  const failing = (error: Error): Route<OwnerContext> => ({ handle: () => Promise.reject(error) });

  it.each([
    ['a 200', answering, auth, 200],
    ['a 304', answering, { ...auth, 'if-none-match': '*' }, 304],
    ['the 401', answering, {}, 401],
    ['a 400', failing(badRequest(MESSAGE.badFilter)), auth, 400],
    ['a 404', failing(instanceNotFound()), auth, 404],
    ['the 500', failing(new Error('boom')), auth, 500],
    ['the 503', failing(new DependencyUnavailableError('DynamoDB unavailable')), auth, 503],
  ])('a listed origin gets its CORS headers on %s', async (_, route, headers, status) => {
    const answer = await invoke(api(route), { headers: { ...headers, Origin: APP } });
    expect(answer.statusCode).toBe(status);
    expect(answer.headers).toMatchObject({ ...CORS, Vary: expect.stringMatching(/(^|, )Origin$/) as unknown });
  });

  it('and on the 405 of another method', async () => {
    const answer = await invoke(api(answering), { method: 'DELETE', headers: { Origin: APP } });
    expect(answer.statusCode).toBe(405);
    expect(answer.headers).toMatchObject({ ...CORS, Vary: 'Origin', Allow: 'GET' });
  });

  it('its preflight is a 204 without a token, with the security headers', async () => {
    const answer = await invoke(api(answering), {
      method: 'OPTIONS',
      headers: {
        Origin: APP,
        'Access-Control-Request-Method': 'GET',
        'Access-Control-Request-Headers': 'authorization',
      },
    });
    expect([answer.statusCode, answer.body]).toEqual([204, '']);
    const headers = Object.fromEntries(Object.entries(answer.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
    expect(headers).toEqual({
      ...SECURITY_HEADERS,
      ...PREFLIGHT_HEADERS,
      'access-control-allow-origin': APP,
      'access-control-expose-headers': CORS['Access-Control-Expose-Headers'],
      vary: 'Origin',
    });
  });

  it.each(NOT_LISTED_EXACTLY)('an origin not listed exactly (%s) gets no CORS header at all', async (origin) => {
    const answer = await invoke(api(answering), { headers: { ...auth, Origin: origin } });
    expect([answer.statusCode, accessControl(answer)]).toEqual([200, []]);
  });

  it.each([
    ['another origin', { Origin: 'https://evil.example.org' }],
    ['no origin', {}],
  ])('an OPTIONS from %s is the 405 of any other method', async (_, headers: Record<string, string>) => {
    const answer = await invoke(api(answering), { method: 'OPTIONS', headers });
    expect([answer.statusCode, answer.json, answer.headers?.Allow]).toEqual([
      405,
      errorBody(405, MESSAGE.methodNotAllowed),
      'GET',
    ]);
    expect(accessControl(answer)).toEqual([]);
  });

  it('without CORS_ORIGINS, no origin gets a CORS header and every OPTIONS is the 405', async () => {
    const closed = api(answering, []);
    expect(accessControl(await invoke(closed, { headers: { ...auth, Origin: APP } }))).toEqual([]);
    expect((await invoke(closed, { method: 'OPTIONS', headers: { Origin: APP } })).statusCode).toBe(405);
  });
});
