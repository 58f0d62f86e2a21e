// Security headers on every answer, and the structured request log: one line per request with its id, route,
// status and latency, and never a token or a digest.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { digestToken } from '../../lib/auth.ts';
import { Logger } from '@aws-lambda-powertools/logger';
import { testApi } from '../support/api.ts';
import { DETAILS_UUID, TOKEN_ONE as TOKEN } from '../support/contract.ts';
import { apiEvent, headersOf, lambdaContext } from '../../harness/events.ts';
import { SECURITY_HEADERS } from '../support/oracle.ts';

// The functions' logger at DEBUG, where the request log line is written (at INFO, API Gateway's access log has it).
const { list, detail } = await testApi({
  sampleData: true,
  logger: new Logger({ serviceName: 'lambda-instances-api', logLevel: 'DEBUG' }),
});

const logged: string[] = [];

beforeAll(() => {
  for (const level of ['debug', 'info', 'warn', 'error', 'log'] as const) {
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void logged.push(args.map(String).join(' ')));
  }
});

afterAll(() => vi.restoreAllMocks());

const requests = [
  { name: 'a list', handler: list, options: { headers: { authorization: `Token ${TOKEN}` } }, status: 200 },
  {
    name: 'a page',
    handler: list,
    options: { headers: { 'x-api-key': TOKEN }, query: { limit: '2', page: '9' } },
    status: 404,
  },
  {
    name: 'details',
    handler: detail,
    options: { headers: { authentication: `Token ${TOKEN}` }, id: DETAILS_UUID },
    status: 200,
  },
  {
    name: 'a bad filter',
    handler: detail,
    options: { headers: { authorization: `Token ${TOKEN}` }, id: DETAILS_UUID, query: { filter: 'x' } },
    status: 400,
  },
  {
    name: 'a bad token',
    handler: detail,
    options: { headers: { authorization: `Token ${TOKEN}x` }, id: DETAILS_UUID },
    status: 401,
  },
  {
    name: 'a POST',
    handler: list,
    options: { method: 'POST', headers: { authorization: `Token ${TOKEN}` } },
    status: 405,
  },
];

const SECRETS = [TOKEN, `${TOKEN}x`, digestToken(TOKEN), digestToken(TOKEN).slice(0, 16)];

describe.each(requests)('$name', ({ handler, options, status }) => {
  it(`answers ${status} with the REST security headers only and logs one line without secrets`, async () => {
    const context = lambdaContext();
    const before = logged.length;
    const response = await handler(apiEvent(options), context);
    expect(response.statusCode).toBe(status);
    const headers = headersOf(response);
    expect(Object.fromEntries(headers)).toMatchObject({
      'content-type': 'application/json; charset=utf-8',
      'cache-control': status === 200 ? 'private, no-cache' : 'no-store',
      ...SECURITY_HEADERS,
    });
    for (const name of ['permissions-policy', 'cross-origin-embedder-policy', 'report-to'])
      expect(headers.has(name)).toBe(false);

    for (const line of logged.slice(before)) for (const secret of SECRETS) expect(line).not.toContain(secret);
    const lines = logged.slice(before).map((line) => JSON.parse(line) as Record<string, unknown>);
    const access = lines.filter(({ message }) => message === 'request');
    expect(access).toHaveLength(1);
    expect(access[0]).toMatchObject({
      level: 'DEBUG',
      function_request_id: context.awsRequestId,
      route: options.id === undefined ? '/backend/lambda-instances' : '/api/lambda-instances/{id}',
      method: options.method ?? 'GET',
      status,
    });
    expect(access[0]?.latencyMs).toEqual(expect.any(Number));
  });
});

it('at the default level (INFO), a request that goes well logs nothing: API Gateway’s access log has its line', async () => {
  const quiet = await testApi({
    sampleData: true,
    logger: new Logger({ serviceName: 'lambda-instances-api', logLevel: 'INFO' }),
  });
  const before = logged.length;
  expect(
    (await quiet.list(apiEvent({ headers: { authorization: `Token ${TOKEN}` } }), lambdaContext())).statusCode,
  ).toBe(200);
  expect(logged.slice(before)).toEqual([]);
});
