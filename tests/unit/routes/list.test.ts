// GET /backend/lambda-instances and /api/lambda-instances (docs/contract.md sections 5.1, 7.1 to 7.3, 7.7): the real
// list route on the sample data in memory; every answer is the oracle's.
import type { APIGatewayProxyResult } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DependencyUnavailableError } from '../../../lib/errors.ts';
import type { LambdaInstance } from '../../../lib/items.ts';
import { listRoute } from '../../../lib/routes/list.ts';
import { OWNER_ONE, OWNER_TWO, SAMPLE_INSTANCES } from '../../../local/sample-data.ts';
import { apiEvent, headersOf, invoke, lambdaContext } from '../../../harness/events.ts';
import { TOKENS } from '../../fixtures/tenancy.ts';
import { MESSAGE, TOKEN_TWO, errorBody } from '../../support/contract.ts';
import { auth, fakeDependencies, REFUSED_CREDENTIALS, SAMPLE_TOKEN_RECORDS, type Fault } from '../../support/fakes.ts';
import {
  NOT_MODIFIED_HEADERS,
  expectedList,
  headerBytes,
  queryValues,
  type KnownInstance,
} from '../../support/oracle.ts';

/** The sample data, each instance changed a second after the one before, from 01:00:00 on (DESTROYED at 01:00:06). */
const INSTANCES: KnownInstance[] = SAMPLE_INSTANCES.map((instance, n) => ({
  ...instance,
  updatedAt: `2026-11-30T01:00:0${n}.000Z`,
}));
const APP = 'https://app.example.org';

afterEach(() => vi.useRealTimers());

function listOn(instances: readonly KnownInstance[] = INSTANCES, env: Record<string, string> = {}) {
  const fakes = fakeDependencies({ instances, tokens: SAMPLE_TOKEN_RECORDS, env: { CORS_ORIGINS: APP, ...env } });
  return { list: listRoute(fakes.dependencies), ...fakes };
}

describe('the caller’s instances (5.1, 7.2, 7.7)', () => {
  const { list } = listOn();

  it.each([
    ['every listed instance, in id order, DESTROYED left out', {}],
    ['a page with its pagination block', { limit: '2', page: '2' }],
    ['the last page, shorter', { limit: '4', page: '2' }],
    ['a limit of 1000', { limit: '1000', page: '1' }],
    ['a parameter repeated with the same value', { limit: ['2', '2'], page: '1' }],
    ['the instances of some statuses, by code, message or failed', { status: 'failed,STARTED' }],
    ['a status filter before paging: count and pages of the matches', { status: 'started', limit: '2', page: '3' }],
    ['each instance with its status block (include=status)', { include: 'status' }],
    [
      'what changed at or after a time, DESTROYED included, with status and time',
      { changed_since: '2026-11-30T01:00:05Z' },
    ],
    ['changes since an instant given with an offset', { changed_since: '2026-11-30T03:00:05+02:00' }],
    [
      'changes of a status (DESTROYED then matches), paged',
      { changed_since: '2026-11-30T00:00:00Z', status: '6', limit: '1', page: '1' },
    ],
  ])('%s', async (_, query) => {
    const answer = await invoke(list, { headers: auth(), query });
    expect({ status: answer.statusCode, body: answer.json }).toEqual(
      expectedList(INSTANCES, OWNER_ONE, queryValues(query)),
    );
  });

  it('another owner sees only its own', async () => {
    const answer = await invoke(list, { headers: auth(TOKEN_TWO) });
    expect(answer.json).toEqual(expectedList(INSTANCES, OWNER_TWO).body);
  });

  it.each([
    ['no instances', auth(TOKENS.emptyOwner), {}],
    ['a page past the last', auth(), { limit: '4', page: '3' }],
    ['a page too large for a safe integer', auth(), { limit: '2', page: '9'.repeat(400) }],
    ['nothing of that status (DESTROYED never matches)', auth(), { status: 'DESTROYED' }],
    ['nothing changed since', auth(), { changed_since: '2026-11-30T01:00:08.001Z' }],
  ])('%s is the 404 No lambda instances found.', async (_, headers, query) => {
    const answer = await invoke(list, { headers, query });
    expect([answer.statusCode, answer.json]).toEqual([404, errorBody(404, MESSAGE.noInstances)]);
  });

  it.each([
    ['limit alone', { limit: '2' }, [MESSAGE.badPagination]],
    ['a limit over 1000', { limit: '1001', page: '1' }, [MESSAGE.limitTooLarge]],
    ['an unknown status', { status: 'running' }, [MESSAGE.badStatus]],
    ['another include', { include: 'info' }, [MESSAGE.badInclude]],
    ['a date that does not exist', { changed_since: '2026-02-30T00:00:00Z' }, [MESSAGE.badChangedSince]],
    [
      'every wrong parameter at once',
      { limit: '2', status: 'running', include: 'info', changed_since: '' },
      [MESSAGE.badPagination, MESSAGE.badStatus, MESSAGE.badInclude, MESSAGE.badChangedSince],
    ],
  ])('%s is the 400, one entry per problem, and reads nothing', async (_, query, problems) => {
    const { list: fresh, instances } = listOn();
    const answer = await invoke(fresh, { headers: auth(), query });
    expect([answer.statusCode, answer.json]).toEqual([
      400,
      { errors: problems.map((detail) => ({ status: 400, detail })) },
    ]);
    expect(instances.calls).toEqual([]);
  });
});

describe('the order of checks: 401, then 400, then 404 (5)', () => {
  it.each(REFUSED_CREDENTIALS)('%s is the 401 before a bad query, and reads no instance', async (_, headers) => {
    const { list, instances } = listOn();
    const answer = await invoke(list, { headers, query: { limit: 'x' } });
    expect([answer.statusCode, answer.json]).toEqual([401, errorBody(401, MESSAGE.unauthorized)]);
    expect(answer.headers?.['WWW-Authenticate']).toBe('Token');
    expect(instances.calls).toEqual([]);
  });

  it('a bad query is the 400 before the 404 of an owner without instances', async () => {
    const answer = await invoke(listOn().list, { headers: auth(TOKENS.emptyOwner), query: { page: '1' } });
    expect([answer.statusCode, answer.json]).toEqual([400, errorBody(400, MESSAGE.badPagination)]);
  });

  it('a token with an expiry still ahead is its owner’s', async () => {
    expect((await invoke(listOn().list, { headers: auth(TOKENS.notExpiredYet) })).statusCode).toBe(200);
  });
});

describe('what the list asks of the store', () => {
  it('the caller’s instances, of the statuses asked, changed since the time asked, one page, with the request’s signal', async () => {
    const { list, instances } = listOn();
    await invoke(list, { headers: auth(), query: { status: '0', changed_since: '2026-11-30T01:00:00Z' } });
    await invoke(list, { headers: auth(), query: { limit: '2', page: '1' } });
    expect(instances.calls).toEqual([`list ${OWNER_ONE}`, `list ${OWNER_ONE}`]);
    expect(instances.signals.map((signal) => signal instanceof AbortSignal && !signal.aborted)).toEqual([true, true]);
  });

  describe('an answer one response cannot carry (5.1)', () => {
    const many = (count: number, name = 'Lambda Instance'): LambdaInstance[] =>
      Array.from({ length: count }, (_, n) => ({ ...SAMPLE_INSTANCES[0]!, uuid: `uuid-${n}`, id: n + 1, name }));

    it('more than 10,000 without limit and page is the 400 that asks for pages; their pages are served', async () => {
      const { list } = listOn(many(10_001));
      const answer = await invoke(list, { headers: auth() });
      expect([answer.statusCode, answer.json]).toEqual([400, errorBody(400, MESSAGE.listTooLong)]);
      const page = await invoke(list, { headers: auth(), query: { limit: '1000', page: '11' } });
      expect([page.statusCode, (page.json.data as unknown[]).length]).toEqual([200, 1]);
    });

    describe('so is an answer over Lambda’s 6 MB less 16 KB for its status and headers, as a JSON string', () => {
      const LIMIT = 6 * 1024 * 1024 - 16 * 1024;
      /**
       * The list of one instance whose name, in a script of three bytes a character (UTF-8), makes its answer, as
       * Lambda carries it, `bytes` bytes long.
       */
      const sized = async (bytes: number) => {
        const { body } = await invoke(listOn(many(1, '')).list, { headers: auth() });
        const missing = bytes - Buffer.byteLength(JSON.stringify(body));
        return listOn(many(1, '名'.repeat(Math.floor(missing / 3)) + 'n'.repeat(missing % 3))).list;
      };

      it('that size is the 400', async () => {
        const answer = await (await sized(LIMIT))(apiEvent({ headers: auth() }), lambdaContext());
        expect(answer.statusCode).toBe(400);
        expect(JSON.parse(answer.body)).toEqual(errorBody(400, MESSAGE.listTooLong));
      });

      it('a byte less is sent', async () => {
        const answer = await (await sized(LIMIT - 1))(apiEvent({ headers: auth() }), lambdaContext());
        expect(answer.statusCode).toBe(200);
      });
    });
  });
});

describe('a dependency unavailable (5)', () => {
  it.each<[string, 'list' | 'find', Fault]>([
    [
      'the instances’ store failing',
      'list',
      new DependencyUnavailableError('DynamoDB unavailable: ThrottlingException'),
    ],
    ['the tokens’ store failing', 'find', new DependencyUnavailableError('DynamoDB unavailable: TimeoutError')],
  ])('%s is the 503 with Retry-After', async (_, method, fault) => {
    const { list, instances, tokens } = listOn();
    if (method === 'list') instances.faults.list = fault;
    else tokens.faults.find = fault;
    const answer = await invoke(list, { headers: auth() });
    expect([answer.statusCode, answer.json, answer.headers?.['Retry-After']]).toEqual([
      503,
      errorBody(503, MESSAGE.unavailable),
      '1',
    ]);
  });

  it('a store that never answers is the 503 at REQUEST_DEADLINE_MS', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { list, instances } = listOn(INSTANCES, { REQUEST_DEADLINE_MS: '1000' });
    instances.faults.list = 'no answer';
    let answer: APIGatewayProxyResult | undefined;
    void list(apiEvent({ headers: auth() }), lambdaContext()).then((sent) => (answer = sent));
    await vi.advanceTimersByTimeAsync(999);
    expect(answer).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(answer?.statusCode).toBe(503);
  });

  it('a token lookup that never answers is the 503 at the deadline too', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { list, tokens } = listOn(INSTANCES, { REQUEST_DEADLINE_MS: '1000' });
    tokens.faults.find = 'no answer';
    let answer: APIGatewayProxyResult | undefined;
    void list(apiEvent({ headers: auth() }), lambdaContext()).then((sent) => (answer = sent));
    await vi.advanceTimersByTimeAsync(1000);
    expect(answer?.statusCode).toBe(503);
  });

  it('a fault is no refusal: once the store answers again, so does the list', async () => {
    const { list, tokens } = listOn();
    tokens.faults.find = new DependencyUnavailableError('DynamoDB unavailable: InternalServerError');
    expect((await invoke(list, { headers: auth() })).statusCode).toBe(503);
    delete tokens.faults.find;
    expect((await invoke(list, { headers: auth() })).statusCode).toBe(200);
  });
});

describe('clients that poll, page and call from browsers (7.1, 7.3, 7.4)', () => {
  it('If-None-Match holding the ETag is a 304; the 401, 400 and 404 come first, whatever it holds', async () => {
    const { list } = listOn();
    const { headers } = await invoke(list, { headers: auth() });
    const poll = await invoke(list, { headers: { ...auth(), 'if-none-match': String(headers?.ETag) } });
    expect([poll.statusCode, poll.body]).toEqual([304, '']);
    const star = { 'if-none-match': '*' };
    expect((await invoke(list, { headers: { ...auth('nope'), ...star } })).statusCode).toBe(401);
    expect((await invoke(list, { headers: { ...auth(), ...star }, query: { limit: '0', page: '1' } })).statusCode).toBe(
      400,
    );
    expect((await invoke(list, { headers: { ...auth(TOKENS.emptyOwner), ...star } })).statusCode).toBe(404);
  });

  it('another query is another answer with its own ETag', async () => {
    const { list } = listOn();
    const tags = await Promise.all(
      [{}, { include: 'status' }, { limit: '2', page: '1' }].map(
        async (query) => (await invoke(list, { headers: auth(), query })).headers?.ETag,
      ),
    );
    expect(new Set(tags).size).toBe(3);
  });

  it('a paged answer links the first, previous, next and last pages', async () => {
    const answer = await invoke(listOn().list, {
      headers: auth(),
      query: { status: 'started', limit: '2', page: '2' },
      path: '/backend/lambda-instances/',
    });
    const target = (page: number) => `</backend/lambda-instances/?status=started&limit=2&page=${page}>`;
    expect(answer.headers?.Link).toBe(
      `${target(1)}; rel="first", ${target(1)}; rel="prev", ${target(3)}; rel="next", ${target(3)}; rel="last"`,
    );
  });

  it('a 304 poll from a listed origin: its caching, CORS and security headers only, at most 600 bytes', async () => {
    const { list } = listOn();
    const headers = { ...auth(), origin: APP };
    const tag = String((await invoke(list, { headers })).headers?.ETag);
    const poll = await invoke(list, { headers: { ...headers, 'if-none-match': tag } });
    const sent = [...headersOf(poll)];
    expect(sent.map(([name]) => name).sort()).toEqual([...NOT_MODIFIED_HEADERS].sort());
    expect(headerBytes(sent)).toBeLessThanOrEqual(600);
  });

  it('a listed origin gets its CORS headers on the 401 too', async () => {
    const refused = await invoke(listOn().list, { headers: { origin: APP } });
    expect([refused.statusCode, refused.headers?.['Access-Control-Allow-Origin']]).toEqual([401, APP]);
  });
});
