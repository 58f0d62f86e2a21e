// docs/contract.md sections 7.1 to 7.4 over HTTP through serverless-offline, as a polling browser client on another
// origin sees them: locally the API must answer as it will behind API Gateway (serverless-offline's own CORS is off).
import { describe, expect, it } from 'vitest';
import { OWNER_ONE, SAMPLE_INSTANCES } from '../../local/sample-data.ts';
import { DETAILS_UUID, E2E_ORIGIN, MESSAGE, TOKEN_ONE, errorBody } from '../support/contract.ts';
import { call } from '../support/http.ts';
import { openApiViolations } from '../support/openapi.ts';
import { expectedList } from '../support/oracle.ts';

const AUTH = { Authorization: `Token ${TOKEN_ONE}` };
const DETAILS = `/api/lambda-instances/${DETAILS_UUID}/`;
const corsHeaders = (headers: Headers) => [...headers.keys()].filter((name) => name.startsWith('access-control-'));

describe('conditional requests', () => {
  it('an unchanged poll is a 304 without a body, carrying the same ETag, Cache-Control and Vary', async () => {
    const first = await call(DETAILS, { headers: AUTH });
    const tag = first.headers.get('etag');
    expect(tag).toMatch(/^"[^"]+"$/);
    const again = await call(DETAILS, { headers: { ...AUTH, 'If-None-Match': tag! } });
    expect(again.status).toBe(304);
    expect(again.body).toBeUndefined();
    for (const name of ['etag', 'cache-control']) expect(again.headers.get(name)).toBe(first.headers.get(name));
    expect(first.headers.get('cache-control')).toBe('private, no-cache');
    // serverless-offline's HTTP server appends its own accept-encoding to Vary; API Gateway does not.
    for (const answer of [first, again]) {
      expect(answer.headers.get('vary')).toMatch(/^Authorization, Authentication, X-Api-Key, X-Auth-Token\b/);
    }
    expect(openApiViolations('/api/lambda-instances/{id}', again)).toEqual([]);
  });
});

describe('status filter, statuses and paging links', () => {
  // Locally there is no stage prefix, and serverless-offline drops the trailing slash before routing: the links'
  // path has none (both paths answer).
  it('a filtered page with statuses, its pagination counting the matching ones, and links without a stage prefix', async () => {
    const path = '/backend/lambda-instances/?status=STARTED&include=status&limit=2&page=2';
    const answer = await call(path, { headers: AUTH });
    const expected = expectedList(SAMPLE_INSTANCES, OWNER_ONE, {
      status: ['STARTED'],
      include: ['status'],
      limit: ['2'],
      page: ['2'],
    });
    expect({ status: answer.status, body: answer.body }).toEqual(expected);
    const link = (page: number) => `</backend/lambda-instances?status=STARTED&include=status&limit=2&page=${page}>`;
    expect(answer.headers.get('link')).toBe(
      `${link(1)}; rel="first", ${link(1)}; rel="prev", ${link(3)}; rel="next", ${link(3)}; rel="last"`,
    );
    expect(openApiViolations('/backend/lambda-instances', answer)).toEqual([]);
  });

  it('a 400 names every wrong parameter', async () => {
    const answer = await call('/api/lambda-instances?status=&include=all', { headers: AUTH });
    expect(answer.body).toEqual({
      errors: [errorBody(400, MESSAGE.badStatus).errors[0], errorBody(400, MESSAGE.badInclude).errors[0]],
    });
  });
});

describe('CORS, as API Gateway answers it', () => {
  it('a listed origin gets Access-Control-Allow-Origin, the exposed headers and Vary: Origin, on a 200 and a 401', async () => {
    for (const headers of [AUTH, {}]) {
      const answer = await call(DETAILS, { headers: { ...headers, Origin: E2E_ORIGIN } });
      expect(answer.headers.get('access-control-allow-origin')).toBe(E2E_ORIGIN);
      expect(answer.headers.get('access-control-expose-headers')).toBe('ETag, Link, Retry-After, WWW-Authenticate');
      expect(answer.headers.get('vary')).toMatch(/Origin$/);
      expect(answer.headers.get('access-control-allow-credentials')).toBeNull();
    }
  });

  it('another origin gets no CORS header at all', async () => {
    const answer = await call(DETAILS, { headers: { ...AUTH, Origin: 'https://evil.example.org' } });
    expect(answer.status).toBe(200);
    expect(corsHeaders(answer.headers)).toEqual([]);
  });

  it('a browser’s preflight from the listed origin is a 204 without a token', async () => {
    const answer = await call(DETAILS, {
      method: 'OPTIONS',
      headers: {
        Origin: E2E_ORIGIN,
        'Access-Control-Request-Method': 'GET',
        'Access-Control-Request-Headers': 'authorization,if-none-match',
      },
    });
    expect(answer.status).toBe(204);
    expect(answer.body).toBeUndefined();
    expect(Object.fromEntries(corsHeaders(answer.headers).map((name) => [name, answer.headers.get(name)]))).toEqual({
      'access-control-allow-origin': E2E_ORIGIN,
      'access-control-allow-methods': 'GET',
      'access-control-allow-headers': 'Authorization, Authentication, X-Api-Key, X-Auth-Token, If-None-Match',
      'access-control-max-age': '600',
      'access-control-expose-headers': 'ETag, Link, Retry-After, WWW-Authenticate',
    });
    expect(openApiViolations('/api/lambda-instances/{id}', answer, 'options')).toEqual([]);
  });

  it.each([
    ['another origin', { Origin: 'https://evil.example.org', 'Access-Control-Request-Method': 'GET' }],
    ['no origin', {}],
  ])('an OPTIONS from %s is the 405 of any other method', async (_, headers: Record<string, string>) => {
    const answer = await call('/backend/lambda-instances', { method: 'OPTIONS', headers });
    expect([answer.status, answer.body]).toEqual([405, errorBody(405, MESSAGE.methodNotAllowed)]);
    expect(answer.headers.get('allow')).toBe('GET');
    expect(corsHeaders(answer.headers)).toEqual([]);
  });
});
