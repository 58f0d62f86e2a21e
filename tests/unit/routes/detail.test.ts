// GET /api/lambda-instances/{id} and /backend/lambda-instances/{id} (docs/contract.md sections 3, 5.2, 7.1, 7.7): the
// real details route on the sample data in memory; every answer is the oracle's. The instance is read beside the token
// check while the token must be read, and only then.
import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { digestToken } from '../../../lib/auth.ts';
import { DependencyUnavailableError } from '../../../lib/errors.ts';
import { detailRoute } from '../../../lib/routes/detail.ts';
import { OWNER_ONE, SAMPLE_INSTANCES, SEED_DETAILS_INSTANCE } from '../../../local/sample-data.ts';
import { apiEvent, headersOf, invoke, lambdaContext } from '../../../harness/events.ts';
import { DESTROYED_UUID, DETAILS_UUID, MESSAGE, OWNER_TWO_UUID, TOKEN_ONE, errorBody } from '../../support/contract.ts';
import { auth, fakeAstakos, fakeDependencies, REFUSED_CREDENTIALS, SAMPLE_TOKEN_RECORDS } from '../../support/fakes.ts';
import {
  NOT_MODIFIED_HEADERS,
  expectedDetails,
  headerBytes,
  queryValues,
  type KnownInstance,
} from '../../support/oracle.ts';

/** The details seed's instance as a build that failed: created PENDING, CLUSTER_FAILED a minute later (7.7). */
const TIMED: KnownInstance = {
  ...SEED_DETAILS_INSTANCE,
  createdAt: '2026-11-30T01:00:00.000Z',
  updatedAt: '2026-11-30T01:01:00.000Z',
  statusHistory: [
    { code: '11', at: '2026-11-30T01:01:00.000Z', failureMessage: SEED_DETAILS_INSTANCE.failureMessage },
    { code: '2', at: '2026-11-30T01:00:00.000Z', failureMessage: '' },
  ],
};
const INSTANCES = SAMPLE_INSTANCES.map((instance) => (instance.uuid === TIMED.uuid ? TIMED : instance));
const OTHER_UUID = SAMPLE_INSTANCES[0]!.uuid;
const UNKNOWN_UUID = '00000000-0000-4000-8000-000000000000';
const APP = 'https://app.example.org';
/** Lets every pending callback run (the fakes answer in microtasks). */
const settled = () => new Promise((resolve) => setImmediate(resolve));

afterEach(() => vi.useRealTimers());

function detailOn(instances: KnownInstance[] = INSTANCES, env: Record<string, string> = {}) {
  const fakes = fakeDependencies({ instances, tokens: SAMPLE_TOKEN_RECORDS, env });
  return { detail: detailRoute(fakes.dependencies), ...fakes };
}

describe('the caller’s instance (5.2, 7.7)', () => {
  const { detail } = detailOn();

  it.each([
    ['the whole instance: info, status and applications', DETAILS_UUID, {}],
    ['filter=info: the info only', DETAILS_UUID, { filter: 'info' }],
    ['filter=status: the status with the id and name', DETAILS_UUID, { filter: 'status' }],
    [
      'include=history: the timeline, newest first, beside what the filter shows',
      DETAILS_UUID,
      { include: 'history', filter: 'status' },
    ],
    ['an instance stored before times were kept: null times and an empty history', OTHER_UUID, { include: 'history' }],
    ['a DESTROYED instance, still served', DESTROYED_UUID, { filter: 'status' }],
    ['the id in upper case', DETAILS_UUID.toUpperCase(), {}],
    ['someone else’s instance: the 404, as if it did not exist', OWNER_TWO_UUID, {}],
    ['an unknown uuid: the 404', UNKNOWN_UUID, {}],
    ['an id that is not a UUID: the 404', '8', {}],
    ['an empty filter: the 400', DETAILS_UUID, { filter: '' }],
    ['filter=INFO: the 400 (values are exact)', DETAILS_UUID, { filter: 'INFO' }],
    ['another include: the 400', DETAILS_UUID, { include: 'status' }],
    ['another include on an unknown uuid: the 400 before the 404', UNKNOWN_UUID, { include: 'x' }],
    ['a bad filter and include: one entry each', DETAILS_UUID, { filter: 'all', include: 'all' }],
    ['a filter repeated with different values: the 400', DETAILS_UUID, { filter: ['info', 'status'] }],
  ])('%s', async (_, id, query) => {
    const answer = await invoke(detail, { headers: auth(), id, query });
    expect({ status: answer.statusCode, body: answer.json }).toEqual(
      expectedDetails(INSTANCES, OWNER_ONE, id, queryValues(query)),
    );
  });
});

describe('the order of checks: 401, then 400, then 404 (5)', () => {
  it.each(REFUSED_CREDENTIALS)('%s is the 401 before the 400 and the 404', async (_, headers) => {
    const answer = await invoke(detailOn().detail, { headers, id: 'nope', query: { filter: 'bad' } });
    expect([answer.statusCode, answer.json]).toEqual([401, errorBody(401, MESSAGE.unauthorized)]);
  });

  it('a bad filter is the 400 before the 404 of an unknown id', async () => {
    const answer = await invoke(detailOn().detail, { headers: auth(), id: UNKNOWN_UUID, query: { filter: 'x' } });
    expect([answer.statusCode, answer.json]).toEqual([400, errorBody(400, MESSAGE.badFilter)]);
  });
});

describe('the read beside the token check', () => {
  it('a token that must be read: the instance is read by its uuid while the token is looked up, once', async () => {
    const { detail, instances, tokens } = detailOn();
    let release = () => {};
    tokens.hold = new Promise<void>((resolve) => (release = resolve));
    const answer = invoke(detail, { headers: auth(), id: DETAILS_UUID.toUpperCase() });
    await settled();
    expect([instances.calls, tokens.calls]).toEqual([[`get ${DETAILS_UUID}`], [`find ${digestToken(TOKEN_ONE)}`]]);
    release();
    expect((await answer).statusCode).toBe(200);
    expect(instances.calls).toEqual([`get ${DETAILS_UUID}`]);
  });

  it('a token the container knows is checked at once: the 400 comes before any read, a 200 reads once', async () => {
    const { detail, instances, tokens } = detailOn();
    await invoke(detail, { headers: auth(), id: DETAILS_UUID });
    instances.calls.length = tokens.calls.length = 0;
    expect((await invoke(detail, { headers: auth(), id: DETAILS_UUID, query: { filter: 'x' } })).statusCode).toBe(400);
    expect(instances.calls).toEqual([]);
    expect((await invoke(detail, { headers: auth(), id: DETAILS_UUID })).statusCode).toBe(200);
    expect([instances.calls, tokens.calls]).toEqual([[`get ${DETAILS_UUID}`], []]);
  });

  it('a token refused moments ago reads nothing at all', async () => {
    const { detail, instances, tokens } = detailOn();
    const refused = { headers: auth('refused-token'), id: DETAILS_UUID };
    expect((await invoke(detail, refused)).statusCode).toBe(401);
    instances.calls.length = tokens.calls.length = 0;
    expect((await invoke(detail, refused)).statusCode).toBe(401);
    expect([instances.calls, tokens.calls]).toEqual([[], []]);
  });

  it('no token reads nothing; an id that is not a UUID is never read', async () => {
    const { detail, instances } = detailOn();
    expect((await invoke(detail, { id: DETAILS_UUID })).statusCode).toBe(401);
    expect((await invoke(detail, { headers: auth(), id: 'not-a-uuid' })).statusCode).toBe(404);
    expect((await invoke(detail, { headers: auth(), id: 'not-a-uuid' })).statusCode).toBe(404);
    expect(instances.calls).toEqual([]);
  });

  it('an event without path parameters (a hand-made one) is the 404, read or not', async () => {
    const { detail } = detailOn();
    for (let n = 0; n < 2; n += 1) {
      const answer = await invoke(detail, { headers: auth(), resource: '/api/lambda-instances/{id}' });
      expect([answer.statusCode, answer.json]).toEqual([404, errorBody(404, MESSAGE.instanceNotFound)]);
    }
  });

  it('a refused token cancels the read started beside it', async () => {
    const { detail, instances } = detailOn();
    instances.faults.get = 'no answer';
    expect((await invoke(detail, { headers: auth('refused-token'), id: DETAILS_UUID })).statusCode).toBe(401);
    expect(instances.signals.map((signal) => signal?.aborted)).toEqual([true]);
  });

  it('a read beside that fails is the 503 for a good token, and nothing (the 401) for a refused one', async () => {
    const { detail, instances } = detailOn();
    instances.faults.get = new DependencyUnavailableError('DynamoDB unavailable: ThrottlingException');
    const good = await invoke(detail, { headers: auth(), id: DETAILS_UUID });
    expect([good.statusCode, good.json, good.headers?.['Retry-After']]).toEqual([
      503,
      errorBody(503, MESSAGE.unavailable),
      '1',
    ]);
    expect((await invoke(detail, { headers: auth('refused-token'), id: DETAILS_UUID })).statusCode).toBe(401);
  });

  it('a container reused for the next request carries nothing of the one before', async () => {
    const { detail } = detailOn();
    const context = lambdaContext();
    await detail(apiEvent({ headers: auth(), id: DETAILS_UUID }), context);
    const next = await detail(apiEvent({ headers: auth(), id: OTHER_UUID, query: { filter: 'info' } }), context);
    expect(JSON.parse(next.body)).toEqual(expectedDetails(INSTANCES, OWNER_ONE, OTHER_UUID, { filter: ['info'] }).body);
  });
});

describe('a dependency unavailable (5)', () => {
  it('the instance read failing once the token is known is the 503', async () => {
    const { detail, instances } = detailOn();
    await invoke(detail, { headers: auth(), id: DETAILS_UUID });
    instances.faults.get = new DependencyUnavailableError('DynamoDB unavailable: TimeoutError');
    expect((await invoke(detail, { headers: auth(), id: DETAILS_UUID })).statusCode).toBe(503);
  });

  it('the token lookup failing is the 503, not a refusal', async () => {
    const { detail, tokens } = detailOn();
    tokens.faults.find = new DependencyUnavailableError('DynamoDB unavailable: ThrottlingException');
    expect((await invoke(detail, { headers: auth(), id: DETAILS_UUID })).statusCode).toBe(503);
  });

  it('an instance read that never answers is the 503 at REQUEST_DEADLINE_MS', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { detail, instances } = detailOn(INSTANCES, { REQUEST_DEADLINE_MS: '1000' });
    instances.faults.get = 'no answer';
    let answer: APIGatewayProxyResult | undefined;
    void detail(apiEvent({ headers: auth(), id: DETAILS_UUID }), lambdaContext()).then((sent) => (answer = sent));
    await vi.advanceTimersByTimeAsync(999);
    expect(answer).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(answer?.statusCode).toBe(503);
  });
});

describe('TOKEN_VERIFIER=astakos (2)', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
  });

  it('a wrong IDENTITY_URL (Synnefo’s 404) is the 503, with one warning naming the status and path, never the token', async () => {
    const warnings: string[] = [];
    vi.spyOn(console, 'warn').mockImplementation((line: unknown) => void warnings.push(String(line)));
    const astakos = fakeAstakos({});
    astakos.answer = () =>
      new Response('<h1>Not Found</h1>', { status: 404, headers: { 'Content-Type': 'text/html' } });
    vi.stubGlobal('fetch', astakos.fetch);
    const { dependencies } = fakeDependencies({
      instances: INSTANCES,
      env: { TOKEN_VERIFIER: 'astakos', IDENTITY_URL: 'https://accounts.example.org/v2.0' },
      logger: new Logger({ serviceName: 'lambda-instances-api', logLevel: 'WARN' }),
    });
    const answer = await invoke(detailRoute(dependencies), { headers: auth(), id: DETAILS_UUID });
    expect([answer.statusCode, answer.json]).toEqual([503, errorBody(503, MESSAGE.unavailable)]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('identity service answered 404 to POST /v2.0/tokens');
    expect(warnings[0]).not.toContain(TOKEN_ONE);
    expect(warnings[0]).not.toContain(digestToken(TOKEN_ONE));
  });
});

describe('conditional requests (7.1)', () => {
  it('a 304 poll from a listed origin: its caching, CORS and security headers only, at most 600 bytes', async () => {
    const { detail } = detailOn(INSTANCES, { CORS_ORIGINS: APP });
    const headers = { ...auth(), origin: APP };
    const tag = String((await invoke(detail, { headers, id: DETAILS_UUID })).headers?.ETag);
    const poll = await invoke(detail, { headers: { ...headers, 'if-none-match': tag }, id: DETAILS_UUID });
    const sent = [...headersOf(poll)];
    expect(sent.map(([name]) => name).sort()).toEqual([...NOT_MODIFIED_HEADERS].sort());
    expect(headerBytes(sent)).toBeLessThanOrEqual(600);
  });

  it('a change to the instance changes its ETag: the next poll is a 200 with the new body', async () => {
    const stored = [...INSTANCES];
    const { detail } = detailOn(stored);
    const before = await invoke(detail, { headers: auth(), id: DETAILS_UUID });
    stored[stored.indexOf(TIMED)] = { ...TIMED, name: 'Renamed while polled' };
    const after = await invoke(detail, {
      headers: { ...auth(), 'if-none-match': String(before.headers?.ETag) },
      id: DETAILS_UUID,
    });
    expect(after.statusCode).toBe(200);
    expect(after.headers?.ETag).not.toBe(before.headers?.ETag);
    expect((after.json.data as { info: { name: string } }[])[0]?.info.name).toBe('Renamed while polled');
  });

  it('with and without the history are two answers, two ETags; each revalidates to a 304', async () => {
    const { detail } = detailOn();
    for (const query of [{}, { include: 'history' }]) {
      const { headers } = await invoke(detail, { headers: auth(), id: DETAILS_UUID, query });
      const poll = await invoke(detail, {
        headers: { ...auth(), 'if-none-match': String(headers?.ETag) },
        id: DETAILS_UUID,
        query,
      });
      expect(poll.statusCode).toBe(304);
    }
    const tags = await Promise.all(
      [{}, { include: 'history' }].map(
        async (query) => (await invoke(detail, { headers: auth(), id: DETAILS_UUID, query })).headers?.ETag,
      ),
    );
    expect(tags[0]).not.toBe(tags[1]);
  });

  it('the 404 comes before the 304: errors carry no-store and no ETag', async () => {
    const answer = await invoke(detailOn().detail, {
      headers: { ...auth(), 'if-none-match': '*' },
      id: UNKNOWN_UUID,
    });
    expect([answer.statusCode, answer.headers?.['Cache-Control']]).toEqual([404, 'no-store']);
    expect(answer.headers).not.toHaveProperty('ETag');
  });
});
