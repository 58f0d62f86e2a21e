// What the service's real clients do (docs/contract.md sections 7.1 to 7.4), through the real handlers on DynamoDB
// Local: poll with If-None-Match, filter the list by status and show statuses, follow paging links, call from another
// origin.
import { describe, expect, it } from 'vitest';
import { OWNER_ONE, SAMPLE_INSTANCES, SEED_DETAILS_INSTANCE } from '../../local/sample-data.ts';
import { testApi } from '../support/api.ts';
import { DETAILS_UUID, MESSAGE, TOKEN_ONE, errorBody } from '../support/contract.ts';
import { apiEvent, headersOf, invoke, lambdaContext } from '../../harness/events.ts';
import { SECURITY_HEADERS, expectedList } from '../support/oracle.ts';

const APP = 'https://app.example.org';
const { list, detail, operator } = await testApi({
  sampleData: true,
  env: { CORS_ORIGINS: `${APP},http://localhost:5173` },
});
const auth = { authorization: `Token ${TOKEN_ONE}` };

describe('conditional requests (7.1)', () => {
  it('a 200 carries a strong ETag of its body, private revalidation and Vary on the credential headers', async () => {
    const answer = await invoke(detail, { headers: auth, id: DETAILS_UUID });
    expect(answer.statusCode).toBe(200);
    expect(answer.headers).toMatchObject({
      ETag: expect.stringMatching(/^"[^"]+"$/) as unknown,
      'Cache-Control': 'private, no-cache',
      Vary: 'Authorization, Authentication, X-Api-Key, X-Auth-Token',
    });
    expect((await invoke(detail, { headers: auth, id: DETAILS_UUID })).headers?.ETag).toBe(answer.headers?.ETag);
  });

  it.each([
    ['the tag', (tag: string) => tag],
    ['the tag marked weak', (tag: string) => `W/${tag}`],
    ['a list holding the tag', (tag: string) => `"stale", ${tag}`],
    ['*', () => '*'],
  ])('If-None-Match with %s is a 304 without a body, with the same caching headers', async (_, ifNoneMatch) => {
    const first = await invoke(list, { headers: auth });
    const tag = String(first.headers?.ETag);
    const answer = await invoke(list, { headers: { ...auth, 'if-none-match': ifNoneMatch(tag) } });
    expect(answer.statusCode).toBe(304);
    expect(answer.body).toBe('');
    expect(answer.headers).toMatchObject({
      ETag: tag,
      'Cache-Control': 'private, no-cache',
      Vary: first.headers?.Vary,
    });
    expect(answer.headers).not.toHaveProperty('Content-Type');
  });

  it.each([
    ['details', detail, { id: DETAILS_UUID }],
    ['list', list, {}],
  ])(
    'a 304 poll of the %s from a listed origin: its caching, CORS and security headers only, at most 600 bytes',
    async (_, handler, path) => {
      const headers = { ...auth, origin: APP };
      const tag = String((await invoke(handler, { headers, ...path })).headers?.ETag);
      const poll = await invoke(handler, { headers: { ...headers, 'if-none-match': tag }, ...path });
      expect(poll.statusCode).toBe(304);
      const sent = [...headersOf(poll)];
      expect(sent.map(([name]) => name).sort()).toEqual(
        [
          'etag',
          'cache-control',
          'vary',
          'access-control-allow-origin',
          'access-control-expose-headers',
          ...Object.keys(SECURITY_HEADERS),
        ].sort(),
      );
      // Each header line as HTTP/1.1 sends it: name, ": ", value, CRLF.
      const bytes = sent.reduce((sum, [name, value]) => sum + Buffer.byteLength(`${name}: ${value}\r\n`), 0);
      expect(bytes).toBeLessThanOrEqual(600);
    },
  );

  it('another tag is a 200 with the body', async () => {
    const answer = await invoke(list, { headers: { ...auth, 'if-none-match': '"stale"' } });
    expect(answer.statusCode).toBe(200);
    expect(answer.json).toEqual(expectedList(SAMPLE_INSTANCES, OWNER_ONE).body);
  });

  it('the 401, 400 and 404 come first, whatever If-None-Match holds', async () => {
    const star = { 'if-none-match': '*' };
    expect((await invoke(list, { headers: { authorization: 'Token nope', ...star } })).statusCode).toBe(401);
    expect((await invoke(list, { headers: { ...auth, ...star }, query: { limit: '0', page: '1' } })).statusCode).toBe(
      400,
    );
    expect(
      (await invoke(detail, { headers: { ...auth, ...star }, id: '00000000-0000-4000-8000-000000000000' })).statusCode,
    ).toBe(404);
  });

  it('errors keep no-store and carry no ETag', async () => {
    const answer = await invoke(detail, { headers: auth, id: 'not-a-uuid' });
    expect(answer.headers?.['Cache-Control']).toBe('no-store');
    expect(answer.headers).not.toHaveProperty('ETag');
  });

  it('a change to the instance changes its ETag: the next poll is a 200 with the new body', async () => {
    // Owner one's, for its token; DESTROYED, so that the list the other tests expect stays the sample data's.
    const uuid = crypto.randomUUID();
    const destroyed = { ...SEED_DETAILS_INSTANCE, uuid, id: 900, status: '6' as const };
    await operator.instances.put([destroyed]);
    const before = await invoke(detail, { headers: auth, id: uuid });
    // DESTROYED is final (7.6): an operator who says so (--revive) may still rename it, keeping it DESTROYED.
    const { id: _, ...record } = destroyed;
    await operator.instances.importInstances([{ ...record, name: 'Renamed while polled' }], {
      replace: true,
      revive: true,
    });
    const after = await invoke(detail, {
      headers: { ...auth, 'if-none-match': String(before.headers?.ETag) },
      id: uuid,
    });
    expect(after.statusCode).toBe(200);
    expect(after.headers?.ETag).not.toBe(before.headers?.ETag);
    expect((after.json.data as { info: { name: string } }[])[0]?.info.name).toBe('Renamed while polled');
  });
});

describe('status filter and statuses in the list (7.2)', () => {
  const ids = (answer: Awaited<ReturnType<typeof invoke>>) =>
    (answer.json.data as { id: number }[]).map(({ id }) => id);

  it('filters by code, message in any case, or failed; the status block is the details’ one', async () => {
    const failed = await invoke(list, { headers: auth, query: { status: 'failed', include: 'status' } });
    expect(failed.json).toEqual(
      expectedList(SAMPLE_INSTANCES, OWNER_ONE, { status: ['failed'], include: ['status'] }).body,
    );
    expect(ids(failed)).toEqual([8]);
    expect(ids(await invoke(list, { headers: auth, query: { status: 'cluster_failed,0' } }))).toEqual([
      1, 3, 4, 5, 7, 8,
    ]);
    expect(ids(await invoke(list, { headers: auth, query: { status: '11' } }))).toEqual([8]);
  });

  it('filters before paging: count and pages are those of the matching instances', async () => {
    const answer = await invoke(list, { headers: auth, query: { status: 'STARTED', limit: '2', page: '3' } });
    expect(ids(answer)).toEqual([7]);
    expect(answer.json.pagination).toEqual({ page: 3, limit: 2, count: 5, pages: 3 });
  });

  it('nothing matching is the 404; DESTROYED is valid and never matches', async () => {
    for (const status of ['9', 'DESTROYED']) {
      const answer = await invoke(list, { headers: auth, query: { status } });
      expect([answer.statusCode, answer.json]).toEqual([404, errorBody(404, MESSAGE.noInstances)]);
    }
  });

  it('a 400 names every wrong parameter, one entry each', async () => {
    const answer = await invoke(list, { headers: auth, query: { limit: '2', status: 'running', include: 'info' } });
    expect(answer.statusCode).toBe(400);
    expect(answer.json).toEqual({
      errors: [MESSAGE.badPagination, MESSAGE.badStatus, MESSAGE.badInclude].map((detail) => ({ status: 400, detail })),
    });
  });
});

describe('paging links (7.3)', () => {
  it('first, prev, next and last: the request’s own path and query with only page changed', async () => {
    const answer = await invoke(list, {
      headers: auth,
      query: { status: 'started', limit: '2', page: '2' },
      path: '/backend/lambda-instances/',
    });
    const target = (page: number) => `</backend/lambda-instances/?status=started&limit=2&page=${page}>`;
    expect(answer.headers?.Link).toBe(
      `${target(1)}; rel="first", ${target(1)}; rel="prev", ${target(3)}; rel="next", ${target(3)}; rel="last"`,
    );
  });

  it('keep the stage prefix of a deployed API (requestContext.path)', async () => {
    const event = apiEvent({ headers: auth, query: { limit: '5', page: '1' } });
    event.requestContext = { ...event.requestContext, path: '/prod/backend/lambda-instances' };
    const answer = await list(event, lambdaContext());
    expect(answer.headers?.Link).toBe(
      '</prod/backend/lambda-instances?limit=5&page=1>; rel="first", </prod/backend/lambda-instances?limit=5&page=2>; rel="next", ' +
        '</prod/backend/lambda-instances?limit=5&page=2>; rel="last"',
    );
  });

  it('an answer that is not paged has none', async () => {
    expect((await invoke(list, { headers: auth })).headers).not.toHaveProperty('Link');
  });
});

describe('browsers on another origin (7.4)', () => {
  const CORS = {
    'Access-Control-Allow-Origin': APP,
    'Access-Control-Expose-Headers': 'ETag, Link, Retry-After, WWW-Authenticate',
  };

  it('a listed origin gets its CORS headers and Vary: Origin on answers and errors alike', async () => {
    const ok = await invoke(detail, { headers: { ...auth, origin: APP }, id: DETAILS_UUID });
    expect(ok.headers).toMatchObject({
      ...CORS,
      Vary: 'Authorization, Authentication, X-Api-Key, X-Auth-Token, Origin',
    });
    const refused = await invoke(list, { headers: { Origin: APP } });
    expect(refused.statusCode).toBe(401);
    expect(refused.headers).toMatchObject({ ...CORS, Vary: 'Origin', 'WWW-Authenticate': 'Token' });
  });

  it.each(['https://evil.example.org', 'https://APP.example.org', `${APP}/`, 'null'])(
    'an origin not listed exactly (%s) gets no CORS header at all',
    async (origin) => {
      const answer = await invoke(list, { headers: { ...auth, origin } });
      expect(answer.statusCode).toBe(200);
      expect(Object.keys(answer.headers ?? {}).filter((name) => name.startsWith('Access-Control-'))).toEqual([]);
    },
  );

  it('a preflight from a listed origin is a 204 without a token', async () => {
    const answer = await invoke(detail, {
      method: 'OPTIONS',
      id: DETAILS_UUID,
      headers: {
        Origin: APP,
        'Access-Control-Request-Method': 'GET',
        'Access-Control-Request-Headers': 'authorization',
      },
    });
    expect(answer.statusCode).toBe(204);
    expect(answer.body).toBe('');
    expect(answer.headers).toMatchObject({
      ...CORS,
      'Access-Control-Allow-Methods': 'GET',
      'Access-Control-Allow-Headers': 'Authorization, Authentication, X-Api-Key, X-Auth-Token, If-None-Match',
      'Access-Control-Max-Age': '600',
      'X-Content-Type-Options': 'nosniff',
    });
  });

  it.each([
    ['another origin', { Origin: 'https://evil.example.org' }],
    ['no origin', {}],
  ])('an OPTIONS from %s is the 405 of any other method', async (_, headers: Record<string, string>) => {
    const answer = await invoke(list, { method: 'OPTIONS', headers });
    expect([answer.statusCode, answer.json]).toEqual([405, errorBody(405, MESSAGE.methodNotAllowed)]);
    expect(answer.headers?.Allow).toBe('GET');
  });

  it('without CORS_ORIGINS, no origin gets CORS headers and every OPTIONS is a 405', async () => {
    const closed = await testApi({ sampleData: true });
    const answer = await invoke(closed.list, { headers: { ...auth, Origin: APP } });
    expect(Object.keys(answer.headers ?? {}).filter((name) => name.startsWith('Access-Control-'))).toEqual([]);
    expect((await invoke(closed.list, { method: 'OPTIONS', headers: { Origin: APP } })).statusCode).toBe(405);
  });
});
