// Hostile input, property-based: generated API Gateway (REST, payload 1.0) events with arbitrary path ids, query
// strings and headers (generators.ts) go through the real handlers on DynamoDB Local. Every answer must be
// 200/400/401/404 (405 for another method, 503 on an injected DynamoDB fault) with a valid JSON envelope
// (docs/contract.md section 5, openapi.yaml), never a 500, never an exception, never input echoed back (checks.ts).
// Where the request settles the outcome, the exact status and body are the shared oracle's (tests/support/oracle.ts).
//
// Seeded: FUZZ_SEED=<n> replays another run; a failure prints the seed and fast-check's shrunk counterexample.
import type { APIGatewayProxyResult } from 'aws-lambda';
import fc from 'fast-check';
import { afterAll, describe, expect, inject, it, vi } from 'vitest';
import { digestToken, readToken } from '../../../lib/auth.ts';
import { OWNER_TWO, SAMPLE_TOKENS } from '../../../local/sample-data.ts';
import { testApi } from '../../support/api.ts';
import { startDynamoDbProxy } from '../../../harness/dynamodb-proxy.ts';
import { lambdaContext } from '../../../harness/events.ts';
import { UNAUTHORIZED, check, compact, expectedAnswer, type Expected, type Outcome } from './checks.ts';
import {
  GATEWAY_LINES,
  detailQuery,
  eitherEndpoint,
  listQuery,
  ownUuid,
  pathId,
  plainHeaders,
  request,
  stressedHeaders,
} from './generators.ts';
import {
  ALL_UUIDS,
  CURRENT_TAG,
  LISTED_ORIGINS,
  REFUSED_TOKENS,
  VALID_TOKENS,
  credentialVerdict,
  toEvent,
  withCurrentTag,
  type Endpoint,
  type HostileRequest,
} from './requests.ts';

// The handlers' DynamoDB traffic goes through a loopback proxy that can cut it (the injected fault).
const proxy = await startDynamoDbProxy(inject('dynamoDbEndpoint'));
const { list, detail, dependencies, operator } = await testApi({
  sampleData: true,
  dynamoDbEndpoint: proxy.endpoint,
  env: { CORS_ORIGINS: LISTED_ORIGINS.join(',') },
});
// The oracle's data: the sample data as stored, with the times the load gave it (changed_since, include=history).
const stored = await operator.instances.all();
const oracle = (request: HostileRequest, tag?: string): Expected => expectedAnswer(request, stored, tag);

const SEED = Number(process.env.FUZZ_SEED ?? 20_240_611);
/** FUZZ_SCALE=10 for a deeper run; the default's 6,000 cases take a few seconds. */
const SCALE = Number(process.env.FUZZ_SCALE ?? 1);
const RUNS = {
  detail: 2000 * SCALE,
  list: 2000 * SCALE,
  headers: 2000 * SCALE,
  severalCredentials: 300,
  fault: 40,
} as const;

type Answer = { response?: APIGatewayProxyResult; thrown?: unknown };

async function invoke(request: HostileRequest): Promise<Answer> {
  const handler = request.endpoint === 'list' ? list : detail;
  try {
    return { response: await handler(toEvent(request), lambdaContext()) };
  } catch (thrown) {
    return { thrown };
  }
}

/**
 * Sends a request; one whose If-None-Match names CURRENT_TAG is first sent without If-None-Match to learn the tag
 * of its answer (there may be none), which then takes the placeholder's place.
 */
async function send(generated: HostileRequest): Promise<{ request: HostileRequest; answer: Answer; tag?: string }> {
  if (!generated.headers.some(({ value }) => value.includes(CURRENT_TAG)))
    return { request: generated, answer: await invoke(generated) };
  const probe = withCurrentTag(
    { ...generated, headers: generated.headers.filter(({ name }) => name.toLowerCase() !== 'if-none-match') },
    '',
  );
  const tag = (await invoke(probe)).response?.headers?.ETag;
  const request = withCurrentTag(generated, typeof tag === 'string' ? tag : '"no-current-tag"');
  return { request, answer: await invoke(request), ...(typeof tag === 'string' && { tag }) };
}

/** Sends, then checks the answer against the oracle's with the statuses allowed. */
async function sendAndCheck(
  generated: HostileRequest,
  allowed: ReadonlySet<number>,
  expected?: (request: HostileRequest, tag?: string) => Expected,
): Promise<Outcome> {
  const { request, answer, tag } = await send(generated);
  return check(request, answer, allowed, expected ? expected(request, tag) : {});
}

// ---------------------------------------------------------------------------------------------------------------
// Running the properties.

const statistics = new Map<string, Map<number | 'threw', number>>();
const exactChecks = new Map<string, number>();
const VALID_STATUSES: ReadonlySet<number> = new Set([200, 204, 304, 400, 401, 404, 405]);

function tally(property: string, status: number | 'threw'): void {
  const counts = statistics.get(property) ?? new Map<number | 'threw', number>();
  counts.set(status, (counts.get(status) ?? 0) + 1);
  statistics.set(property, counts);
}

const total = (property: string): number =>
  [...(statistics.get(property)?.values() ?? [])].reduce((sum, n) => sum + n, 0);

async function assertProperty(
  name: string,
  seed: number,
  numRuns: number,
  arbitrary: fc.Arbitrary<HostileRequest>,
  verify: (request: HostileRequest) => Promise<Outcome>,
  options: { timeLimit?: number } = {},
): Promise<void> {
  const started = Date.now();
  try {
    await fc.assert(
      fc.asyncProperty(arbitrary, async (request) => {
        const { status, problems, exact } = await verify(request);
        tally(name, status);
        if (exact) exactChecks.set(name, (exactChecks.get(name) ?? 0) + 1);
        if (problems.length > 0) throw new Error(`${problems.join('\n')}\nrequest: ${compact(request)}`);
      }),
      { seed, numRuns, ...(options.timeLimit !== undefined && { skipAllAfterTimeLimit: options.timeLimit }) },
    );
  } catch (error) {
    console.error(`hostile-input: property "${name}" failed with seed ${seed} (FUZZ_SEED=${SEED})`);
    throw error;
  } finally {
    console.info(
      `hostile-input: ${name}: ${total(name)} cases (${exactChecks.get(name) ?? 0} with the exact status known) in ` +
        `${Date.now() - started} ms, seed ${seed}, statuses ${JSON.stringify(Object.fromEntries(statistics.get(name) ?? []))}`,
    );
  }
}

const normal = (request: HostileRequest): Promise<Outcome> => sendAndCheck(request, VALID_STATUSES, oracle);

console.info(`hostile-input: seed ${SEED} (replay with FUZZ_SEED=${SEED})`);

afterAll(async () => {
  const cases = [...statistics.keys()].map((name) => `${name} ${total(name)}`);
  const sum = [...statistics.keys()].reduce((n, name) => n + total(name), 0);
  console.info(`hostile-input: ${sum} generated cases in total (${cases.join(', ')}), seed ${SEED}`);
  await proxy.close();
});

describe('hostile input through the real handlers', () => {
  it('arbitrary path ids on the details', { timeout: 60_000 }, async () => {
    await assertProperty(
      'detail ids',
      SEED,
      RUNS.detail,
      request('detail', { id: pathId, query: detailQuery, headers: plainHeaders }),
      normal,
    );
    expect(total('detail ids')).toBeGreaterThanOrEqual(RUNS.detail);
    expect([...statistics.get('detail ids')!.keys()]).toEqual(
      expect.arrayContaining([200, 204, 304, 400, 401, 404, 405]),
    );
  });

  it('arbitrary query strings on the list', { timeout: 60_000 }, async () => {
    await assertProperty(
      'list queries',
      SEED + 1,
      RUNS.list,
      request('list', { id: fc.constant(''), query: listQuery, headers: plainHeaders }),
      normal,
    );
    expect(total('list queries')).toBeGreaterThanOrEqual(RUNS.list);
    expect([...statistics.get('list queries')!.keys()]).toEqual(
      expect.arrayContaining([200, 204, 304, 400, 401, 404, 405]),
    );
  });

  it('arbitrary headers on both endpoints', { timeout: 60_000 }, async () => {
    await assertProperty('headers', SEED + 2, RUNS.headers, eitherEndpoint(pathId, stressedHeaders), normal);
    expect(total('headers')).toBeGreaterThanOrEqual(RUNS.headers);
    expect([...statistics.get('headers')!.keys()]).toEqual(expect.arrayContaining([200, 400, 401, 404, 405]));
  });

  // API Gateway's console test (and a hand-made invocation) sends `headers: null` and `multiValueHeaders: null` when
  // there are none: that is a request without a token, a 401, not a crash.
  it('an event without any headers is a 401 envelope', async () => {
    for (const endpoint of ['list', 'detail'] as const) {
      const bare: HostileRequest = {
        endpoint,
        method: 'GET',
        prefix: '/api',
        slash: false,
        id: ALL_UUIDS[0]!,
        query: [],
        headers: [],
      };
      const event = { ...toEvent(bare), headers: null, multiValueHeaders: null } as unknown as ReturnType<
        typeof toEvent
      >;
      const handler = endpoint === 'list' ? list : detail;
      const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
      const answer = await handler(event, lambdaContext()).then(
        (response) => ({ response }),
        (thrown: unknown) => ({ thrown }),
      );
      logged.mockRestore();
      const outcome = check(bare, answer, VALID_STATUSES, UNAUTHORIZED);
      expect(outcome.problems, `${endpoint}: ${JSON.stringify(outcome)}`).toEqual([]);
    }
  });

  // docs/decisions.md: "a client that sends two credentials has a bug worth surfacing" (401), and a query parameter
  // repeated with different values is a 400. The same rule for the credential header: repeated with one value it
  // counts once; with different values it is ambiguous (a proxy may check one, the API use another) and a 401.
  it('a credential header repeated with different values is a 401', { timeout: 60_000 }, async () => {
    const several = fc
      .tuple(
        fc.constantFrom('Authorization', 'Authentication', 'X-Api-Key'),
        fc.uniqueArray(fc.constantFrom(...VALID_TOKENS, ...REFUSED_TOKENS.map((token) => ({ token, owner: '' }))), {
          minLength: 2,
          maxLength: 3,
          selector: ({ token }) => token,
        }),
        fc.constantFrom<Endpoint>('list', 'detail'),
      )
      .chain(([name, tokens, endpoint]) =>
        request(endpoint, {
          id: ownUuid,
          query: fc.constant([]),
          headers: fc.constant([
            ...GATEWAY_LINES,
            ...tokens.map(({ token }) => ({ name, value: name === 'X-Api-Key' ? token : `Token ${token}` })),
          ]),
        }).map((generated) => ({ ...generated, method: 'GET' })),
      );
    await assertProperty('several credential values', SEED + 3, RUNS.severalCredentials, several, async (generated) =>
      sendAndCheck(generated, VALID_STATUSES, () => UNAUTHORIZED),
    );
  });
});

describe('injected DynamoDB faults', () => {
  const FAULT_STATUSES: ReadonlySet<number> = new Set([204, 401, 405, 503]);
  // A valid token verified earlier in this file is in the container's token cache: its request gets as far as its
  // own 400 or a non-UUID id's 404 without DynamoDB; anything that reads DynamoDB is a 503.
  const CACHED_TOKEN_STATUSES: ReadonlySet<number> = new Set([400, 404, 503]);

  const REMEMBERED_REFUSAL: ReadonlySet<number> = new Set([401, 503]);
  const refusedMomentsAgo = (request: HostileRequest): boolean => {
    // Header names in lower case, as http-header-normalizer hands them to the token reader.
    const headers = request.headers.map((line) => ({ ...line, name: line.name.toLowerCase() }));
    const token = readToken(toEvent({ ...request, headers }));
    return token !== undefined && dependencies.verifier.recall(digestToken(token)) === null;
  };

  /** With DynamoDB down: 405 and malformed credentials still answer; anything that needs DynamoDB is a 503. */
  const faulty = async (request: HostileRequest): Promise<Outcome> => {
    const verdict = credentialVerdict(request);
    let expected: Expected = {};
    if (request.method !== 'GET') expected = expectedAnswer(request, stored);
    else if (verdict !== undefined && verdict !== 'several') {
      if ('owner' in verdict) return sendAndCheck(request, CACHED_TOKEN_STATUSES);
      // A token refused moments ago is remembered: a 401 without DynamoDB (or a 503 if forgotten in the meantime).
      if (verdict.refused === 'lookup' && refusedMomentsAgo(request)) return sendAndCheck(request, REMEMBERED_REFUSAL);
      if (verdict.refused === 'lookup') expected = { status: 503 };
      else if (verdict.refused === 'no-lookup') expected = { status: 401 };
    }
    return sendAndCheck(request, FAULT_STATUSES, () => expected);
  };

  it('DynamoDB unreachable (connections reset): 503 with Retry-After, never a 500', { timeout: 60_000 }, async () => {
    proxy.mode = 'reset';
    try {
      const arbitrary = eitherEndpoint(ownUuid, plainHeaders);
      await assertProperty('DynamoDB unreachable', SEED + 4, RUNS.fault, arbitrary, faulty, { timeLimit: 30_000 });
    } finally {
      proxy.mode = 'pass';
    }
  });

  // A DynamoDB that answers slowly or not at all is tests/integration/faults.test.ts's (with the production timeout).

  it('answers 503 while DynamoDB is gone, and normally again once it is back', async () => {
    const back: HostileRequest = {
      endpoint: 'list',
      method: 'GET',
      prefix: '/backend',
      slash: true,
      id: '',
      query: [],
      headers: [...GATEWAY_LINES, { name: 'X-Api-Key', value: SAMPLE_TOKENS[1]!.token, verdict: { owner: OWNER_TWO } }],
    };
    proxy.mode = 'reset';
    try {
      expect(await sendAndCheck(back, FAULT_STATUSES, () => ({ status: 503 }))).toMatchObject({
        status: 503,
        problems: [],
      });
    } finally {
      proxy.mode = 'pass';
    }
    const outcome = await sendAndCheck(back, VALID_STATUSES, oracle);
    expect(outcome).toEqual({ status: 200, problems: [], exact: true });
  });
});
