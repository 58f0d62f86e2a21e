// The chain every API route shares (lib/api.ts), around one-line routes on in-memory fakes: what every answer
// carries, how errors become envelopes (docs/contract.md section 5), GET only, the request's deadline, the route's
// own parts, and the request log.
import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyResult, Context } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { withApi, type ApiHandler, type ApiOptions, type Route } from '../../lib/api.ts';
import { digestToken, type OwnerContext } from '../../lib/auth.ts';
import { createError } from '@middy/util';
import { badRequest, DependencyUnavailableError, instanceNotFound } from '../../lib/errors.ts';
import type { SuccessBody } from '../../lib/responses.ts';
import { cachedVerifier } from '../../lib/verifiers.ts';
import { apiEvent, invoke, lambdaContext, type EventOptions } from '../../harness/events.ts';
import { CREDENTIAL_VARY, SECURITY_HEADERS } from '../support/oracle.ts';
import { ERROR_HEADERS, JSON_CONTENT_TYPE, MESSAGE, errorBody } from '../support/contract.ts';
import { fakeInstances, fakeVerifier } from '../support/fakes.ts';

const OWNER = 'b1f5c3d2-0000-4000-8000-000000000001';
const TOKEN = 'a-good-token';
const auth = { authorization: `Token ${TOKEN}` };
const silent = new Logger({ serviceName: 'lambda-instances-api', logLevel: 'SILENT' });
const BODY: SuccessBody = { status: { short_description: 'Lambda instances', code: 200 }, data: [{ id: 1 }] };

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

/** The chain around a route, with a verifier that knows TOKEN (and a cache in front of it, as deployed). */
function api(route: Route<OwnerContext>, options: Partial<ApiOptions> = {}): ApiHandler {
  const verifier = cachedVerifier(fakeVerifier({ [TOKEN]: { owner: OWNER } }), { maxEntries: 10, ttlSeconds: 60 });
  return withApi({ verifier, requestDeadlineMs: 2500, logger: silent, ...options }, route);
}

/** A route answering `body`, or failing with `error`. */
const answering = (body: SuccessBody = BODY): Route<OwnerContext> => ({ handle: () => Promise.resolve(body) });
const failing = (error: Error): Route<OwnerContext> => ({ handle: () => Promise.reject(error) });

/** Every line the console gets from a logger at `level`, parsed. */
function logged(level: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR'): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  for (const method of ['debug', 'info', 'warn', 'error', 'log'] as const) {
    vi.spyOn(console, method).mockImplementation(
      (line: unknown) => void lines.push(JSON.parse(String(line)) as Record<string, unknown>),
    );
  }
  return { logger: new Logger({ serviceName: 'lambda-instances-api', logLevel: level }), lines };
}

const lowerCased = ({ headers = {} }: APIGatewayProxyResult) =>
  Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));

describe('a route’s answer', () => {
  it('is a 200 of its body in JSON, revalidated privately, varying on the credential headers, with an ETag', async () => {
    const answer = await invoke(api(answering()), { headers: auth });
    expect([answer.statusCode, answer.json]).toEqual([200, BODY]);
    expect(lowerCased(answer)).toEqual({
      'content-type': JSON_CONTENT_TYPE,
      'cache-control': 'private, no-cache',
      vary: CREDENTIAL_VARY.join(', '),
      etag: expect.stringMatching(/^"[\w-]{32}"$/) as unknown,
      ...SECURITY_HEADERS,
    });
  });

  it('the same body has the same ETag; If-None-Match holding it is a 304 without a body', async () => {
    const handler = api(answering());
    const { headers } = await invoke(handler, { headers: auth });
    expect((await invoke(handler, { headers: auth })).headers?.ETag).toBe(headers?.ETag);
    const poll = await invoke(handler, { headers: { ...auth, 'if-none-match': String(headers?.ETag) } });
    expect([poll.statusCode, poll.body, poll.headers?.ETag]).toEqual([304, '', headers?.ETag]);
    expect(lowerCased(poll)).toMatchObject({ 'cache-control': 'private, no-cache', ...SECURITY_HEADERS });
  });

  it('the route reads every value of each query parameter, the path’s parameters, the owner and the signal', async () => {
    const handle = vi.fn<Route<OwnerContext>['handle']>(() => Promise.resolve(BODY));
    const handler = api({ handle });
    await invoke(handler, { headers: auth, query: { status: ['1', '2'] }, id: 'some-id' });
    await invoke(handler, { headers: auth });
    const [[first, firstContext], [second]] = handle.mock.calls as [
      Parameters<typeof handle>,
      Parameters<typeof handle>,
    ];
    expect(first).toEqual({ query: { status: ['1', '2'] }, pathParameters: { id: 'some-id' } });
    expect([firstContext.owner, firstContext.signal.aborted]).toEqual([OWNER, false]);
    expect(second).toEqual({ query: {}, pathParameters: {} });
  });

  it('a page of a paged answer carries its Link header, made of the request’s own path (stage prefix) and query', async () => {
    const paged = { ...BODY, pagination: { page: 2, limit: 1, count: 3, pages: 3 } };
    const event = apiEvent({ headers: auth, query: { limit: '1', page: '2' } });
    event.requestContext = { ...event.requestContext, path: '/prod/backend/lambda-instances' };
    const answer = await api(answering(paged))(event, lambdaContext());
    const link = (page: number, rel: string) => `</prod/backend/lambda-instances?limit=1&page=${page}>; rel="${rel}"`;
    expect(answer.headers?.Link).toBe([link(1, 'first'), link(1, 'prev'), link(3, 'next'), link(3, 'last')].join(', '));
    expect((await invoke(api(answering()), { headers: auth })).headers).not.toHaveProperty('Link');
  });
});

describe('errors (docs/contract.md section 5)', () => {
  const expectEnvelope = (answer: Awaited<ReturnType<typeof invoke>>, status: number, ...details: string[]) => {
    expect([answer.statusCode, answer.json]).toEqual([
      status,
      { errors: details.map((detail) => ({ status, detail })) },
    ]);
    const [name, value] = ERROR_HEADERS[status] ?? [];
    expect(lowerCased(answer)).toEqual({
      'content-type': JSON_CONTENT_TYPE,
      'cache-control': 'no-store',
      ...SECURITY_HEADERS,
      ...(name && { [name.toLowerCase()]: value }),
    });
  };

  it('a missing or refused token is the 401, asking for a token', async () => {
    for (const headers of [{}, { authorization: 'Token another-token' }, { authorization: `Basic ${TOKEN}` }])
      expectEnvelope(await invoke(api(answering()), { headers }), 401, MESSAGE.unauthorized);
  });

  it('an error shown to the client keeps its status, and a 400 has one entry per problem', async () => {
    expectEnvelope(await invoke(api(failing(instanceNotFound())), { headers: auth }), 404, MESSAGE.instanceNotFound);
    const problems = badRequest(MESSAGE.badPagination, MESSAGE.badStatus);
    expectEnvelope(
      await invoke(api(failing(problems)), { headers: auth }),
      400,
      MESSAGE.badPagination,
      MESSAGE.badStatus,
    );
  });

  it('a dependency unavailable is a 503 with Retry-After, logged as a warning with its reason and cause only', async () => {
    const { logger, lines } = logged('WARN');
    const cause = Object.assign(new Error(`token ${TOKEN} throttled`), { name: 'ThrottlingException' });
    const error = new DependencyUnavailableError('DynamoDB unavailable: ThrottlingException', { cause });
    expectEnvelope(await invoke(api(failing(error), { logger }), { headers: auth }), 503, MESSAGE.unavailable);
    expect(lines).toEqual([
      expect.objectContaining({
        level: 'WARN',
        message: 'Dependency unavailable',
        reason: 'DynamoDB unavailable: ThrottlingException',
        cause: 'ThrottlingException',
      }),
    ]);
    expect(JSON.stringify(lines)).not.toContain(TOKEN);
  });

  it.each([
    ['an error', new TypeError('secret internals')],
    ['an error that looks exposed but has no status', Object.assign(new Error('secret internals'), { expose: true })],
    ['an HTTP error not to be shown (a 5xx)', createError(500, 'secret internals')],
    // What a library might throw.
    ['a value that is no error', 'secret internals' as unknown as Error],
  ])('anything else (%s) is the 500, logged, its message never shown', async (_, thrown) => {
    const { logger, lines } = logged('ERROR');
    const answer = await invoke(api(failing(thrown), { logger }), { headers: auth });
    expectEnvelope(answer, 500, MESSAGE.internalError);
    expect(answer.body).not.toContain('secret');
    expect(lines).toEqual([expect.objectContaining({ level: 'ERROR', message: 'Unhandled error' })]);
    expect(JSON.stringify(lines)).toContain('secret internals');
  });

  it.each(['POST', 'PUT', 'DELETE', 'PATCH', 'HEAD'])(
    '%s is the 405 with Allow: GET, before the token',
    async (method) => {
      expectEnvelope(await invoke(api(answering()), { method }), 405, MESSAGE.methodNotAllowed);
      expectEnvelope(await invoke(api(answering()), { method, headers: auth }), 405, MESSAGE.methodNotAllowed);
    },
  );

  it('errors carry no ETag and are never a 304, whatever If-None-Match holds', async () => {
    const answer = await invoke(api(failing(instanceNotFound())), { headers: { ...auth, 'if-none-match': '*' } });
    expectEnvelope(answer, 404, MESSAGE.instanceNotFound);
  });
});

describe('the request’s deadline (REQUEST_DEADLINE_MS)', () => {
  /** A route reading from a store that never answers, until the request's signal aborts. */
  function waiting(): { route: Route<OwnerContext>; signals: (AbortSignal | undefined)[] } {
    const store = fakeInstances();
    store.faults.list = 'no answer';
    const route = {
      handle: async (_: unknown, { owner, signal }: OwnerContext) => {
        await store.list(owner, { atMost: 1 }, { signal });
        return BODY;
      },
    };
    return { route, signals: store.signals };
  }

  /** The answer, and whether it has come, for a request given this much remaining time. */
  function sent(handler: ApiHandler, options: EventOptions, remainingMs = 6000) {
    const progress: { answer?: APIGatewayProxyResult } = {};
    const context: Context = { ...lambdaContext(), getRemainingTimeInMillis: () => remainingMs };
    const answer = handler(apiEvent(options), context).then((response) => (progress.answer = response));
    return { answer, progress };
  }

  it('a call that never answers is cut short at the deadline: a 503, not a moment before', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { route, signals } = waiting();
    const { answer, progress } = sent(api(route), { headers: auth });
    await vi.advanceTimersByTimeAsync(2499);
    expect([progress.answer, signals[0]?.aborted]).toEqual([undefined, false]);
    await vi.advanceTimersByTimeAsync(1);
    expect((await answer).statusCode).toBe(503);
    expect(JSON.parse((await answer).body)).toEqual(errorBody(503, MESSAGE.unavailable));
    expect(signals[0]?.reason).toMatchObject({ name: 'TimeoutError', message: 'The request deadline passed' });
  });

  it('never runs past the function’s remaining time, less 250 ms to answer', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { answer, progress } = sent(api(waiting().route), { headers: auth }, 1000);
    await vi.advanceTimersByTimeAsync(749);
    expect(progress.answer).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect((await answer).statusCode).toBe(503);
  });

  it('with less than those 250 ms left, has passed already', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { answer } = sent(api(waiting().route), { headers: auth }, 200);
    await vi.advanceTimersByTimeAsync(0);
    expect((await answer).statusCode).toBe(503);
  });

  it('leaves no timer behind once answered, a 200 or an error', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    for (const route of [answering(), failing(instanceNotFound())]) {
      await invoke(api(route), { headers: auth });
      expect(vi.getTimerCount()).toBe(0);
    }
  });

  it('an error answered early cancels what the request still reads', async () => {
    const store = fakeInstances();
    store.faults.get = 'no answer';
    const route: Route<OwnerContext> = {
      beforeTokenCheck: [{ before: ({ context }) => void store.get('x', { signal: context.signal }).catch(() => {}) }],
      handle: () => Promise.resolve(BODY),
    };
    expect((await invoke(api(route), { headers: { authorization: 'Token refused' } })).statusCode).toBe(401);
    expect(store.signals[0]?.aborted).toBe(true);
  });
});

describe('a route’s own parts', () => {
  it('its middlewares run before the token check, with the presented token’s digest', async () => {
    const seen: (string | undefined)[] = [];
    const route: Route<OwnerContext> = {
      beforeTokenCheck: [{ before: ({ context }) => void seen.push(context.token?.digest) }],
      handle: () => Promise.resolve(BODY),
    };
    expect((await invoke(api(route), { headers: { authorization: 'Token refused' } })).statusCode).toBe(401);
    expect((await invoke(api(route), {})).statusCode).toBe(401);
    expect(seen).toEqual([digestToken('refused'), undefined]);
  });
});

describe('the request log', () => {
  it('one line per request at DEBUG: request id, route, method, status and latency, never a token or digest', async () => {
    const { logger, lines } = logged('DEBUG');
    const slowly: Route<OwnerContext> = { handle: () => new Promise((resolve) => setTimeout(() => resolve(BODY), 5)) };
    const handler = api(slowly, { logger });
    const requests: [EventOptions, number][] = [
      [{ headers: auth, id: 'x', resource: '/api/lambda-instances/{id}' }, 200],
      [{ headers: { 'x-api-key': `${TOKEN}x` } }, 401],
      [{ method: 'POST', headers: auth }, 405],
    ];
    for (const [options, status] of requests) {
      const context = lambdaContext();
      lines.length = 0;
      const started = performance.now();
      expect((await handler(apiEvent(options), context)).statusCode).toBe(status);
      const tookMs = performance.now() - started;
      expect(lines).toEqual([
        expect.objectContaining({
          level: 'DEBUG',
          message: 'request',
          function_request_id: context.awsRequestId,
          route: options.resource ?? '/backend/lambda-instances',
          method: options.method ?? 'GET',
          status,
          latencyMs: expect.any(Number) as unknown,
        }),
      ]);
      const { latencyMs } = lines[0] as { latencyMs: number };
      expect(latencyMs).toBeGreaterThanOrEqual(status === 200 ? 4 : 0);
      expect(latencyMs).toBeLessThanOrEqual(Math.ceil(tookMs));
      for (const secret of [TOKEN, digestToken(TOKEN), digestToken(`${TOKEN}x`)])
        expect(JSON.stringify(lines)).not.toContain(secret);
    }
  });

  it('at the default level (INFO), a request that goes well logs nothing: API Gateway’s access log has its line', async () => {
    const { logger, lines } = logged('INFO');
    expect((await invoke(api(answering(), { logger }), { headers: auth })).statusCode).toBe(200);
    expect(lines).toEqual([]);
  });
});
