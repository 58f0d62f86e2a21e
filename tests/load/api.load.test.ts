// The local stack under load, as a developer meets it, over loopback only and bounded in count and time. A fresh
// `npm start` holds its first burst: 50 clients, 3,000 requests, list and details alternating, every answer a 200 and
// the right one, p99 at most 1.5 s, serverless-offline under 1 GB. Then 50 clients for 10 s on both functions and all
// four paths, valid and invalid tokens mixed, every answer checked in full against the answer its request must get
// (status, Content-Type, the contract's headers, the whole JSON body): 0 errors, 0 wrong answers. Last, DynamoDB Local
// dies: npm start says so, stops serverless-offline and exits non-zero.
import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OWNER_ONE, OWNER_TWO, SAMPLE_INSTANCES } from '../../local/sample-data.ts';
import { stageTables } from '../../infra/serverless-yml.ts';
import { localDocumentClient } from '../../infra/dynamodb.ts';
import { createOperatorStore } from '../../operators/store.ts';
import { EMPTY_OWNER, TOKENS, loadFixtures } from '../fixtures/tenancy.ts';
import {
  DETAILS_UUID,
  JSON_CONTENT_TYPE,
  MESSAGE,
  OWNER_TWO_UUID,
  TOKEN_ONE as ONE,
  TOKEN_TWO as TWO,
  errorBody,
} from '../support/contract.ts';
import { npmStart, type NpmStart } from '../support/npm-start.ts';
import { expectedDetails, expectedList, type QueryValues } from '../support/oracle.ts';

const CLIENTS = 50;
const BURST_REQUESTS = 3000;
const BURST_P99_MS = 1500;
const OFFLINE_PEAK_RSS_MB = 1024;
const DURATION_MS = 10_000;
const REQUEST_TIMEOUT_MS = 10_000;

let stack: NpmStart;

beforeAll(async () => {
  stack = await npmStart(240_000);
});

afterAll(() => stack?.stop());

interface Kind {
  name: string;
  path: string;
  headers: Record<string, string>;
  status: number;
  body: unknown;
  /** Headers the answer must carry besides Content-Type. */
  required?: Record<string, string>;
}

/** A request by a token's owner: the answer is the oracle's for the sample data. */
function asOwner(name: string, path: string, headers: Record<string, string>, owner: string): Kind {
  const url = new URL(path, 'http://api');
  const query: QueryValues = Object.fromEntries(
    [...url.searchParams.keys()].map((key) => [key, url.searchParams.getAll(key)]),
  );
  const id = /\/lambda-instances\/([^/]+)/.exec(url.pathname)?.[1];
  const expected =
    id === undefined
      ? expectedList(SAMPLE_INSTANCES, owner, query)
      : expectedDetails(SAMPLE_INSTANCES, owner, id, query);
  return { name, path, headers, ...expected };
}

const unauthorized = (name: string, path: string, headers: Record<string, string>): Kind => ({
  name,
  path,
  headers,
  status: 401,
  body: errorBody(401, MESSAGE.unauthorized),
  required: { 'www-authenticate': 'Token' },
});

/** Every kind of request the clients send, with the answer it must get. */
const KINDS: Kind[] = [
  asOwner('list, whole', '/backend/lambda-instances/', { Authentication: `Token ${ONE}` }, OWNER_ONE),
  asOwner('list, page 2 of 3', '/api/lambda-instances?limit=2&page=2', { Authorization: `Token ${ONE}` }, OWNER_ONE),
  asOwner('list, second owner', '/api/lambda-instances/', { 'X-Api-Key': TWO }, OWNER_TWO),
  asOwner(
    'list, owner without instances',
    '/backend/lambda-instances',
    { Authorization: `Bearer ${TOKENS.emptyOwner}` },
    EMPTY_OWNER,
  ),
  asOwner(
    'list, page past the end',
    '/backend/lambda-instances?limit=5&page=3',
    { Authorization: `Token ${ONE}` },
    OWNER_ONE,
  ),
  asOwner('list, bad pagination', '/api/lambda-instances?limit=2', { Authorization: `Token ${ONE}` }, OWNER_ONE),
  asOwner('details, whole', `/api/lambda-instances/${DETAILS_UUID}/`, { Authorization: `Token ${ONE}` }, OWNER_ONE),
  asOwner(
    'details, status',
    `/backend/lambda-instances/${DETAILS_UUID}?filter=status`,
    { Authorization: `Token ${ONE}` },
    OWNER_ONE,
  ),
  asOwner(
    'details, info, upper-case id',
    `/api/lambda-instances/${DETAILS_UUID.toUpperCase()}?filter=info`,
    { 'X-Api-Key': TOKENS.notExpiredYet },
    OWNER_ONE,
  ),
  asOwner(
    'details, another owner’s',
    `/api/lambda-instances/${DETAILS_UUID}`,
    { Authorization: `Token ${TWO}` },
    OWNER_TWO,
  ),
  asOwner(
    'details, another owner’s (reverse)',
    `/backend/lambda-instances/${OWNER_TWO_UUID}/`,
    { Authentication: `Token ${ONE}` },
    OWNER_ONE,
  ),
  asOwner(
    'details, bad filter',
    `/api/lambda-instances/${DETAILS_UUID}?filter=all`,
    { Authorization: `Token ${ONE}` },
    OWNER_ONE,
  ),
  unauthorized('list, unknown token', '/api/lambda-instances', { Authorization: `Token ${ONE.slice(0, -1)}Z` }),
  unauthorized('list, revoked token', '/backend/lambda-instances/', { Authorization: `Token ${TOKENS.revoked}` }),
  unauthorized('list, no token', '/backend/lambda-instances', {}),
  unauthorized('details, expired token', `/api/lambda-instances/${DETAILS_UUID}`, {
    Authentication: `Token ${TOKENS.expired}`,
  }),
  unauthorized('details, another scheme', `/backend/lambda-instances/${DETAILS_UUID}/`, {
    Authorization: `Basic ${ONE}`,
  }),
  unauthorized('details, unknown token', `/api/lambda-instances/${DETAILS_UUID}/`, {
    'X-Api-Key': 'no-such-token-0000',
  }),
];

/** The first burst's requests: the sample owner's list and details, in turn. */
const BURST_KINDS = [KINDS[0]!, KINDS.find(({ name }) => name === 'details, whole')!];

interface Result {
  kind: string;
  ms: number;
  /** A transport failure or a 5xx. */
  error?: string;
  /** An answer that is not the one the request must get. */
  wrong?: string;
}

async function send(kind: Kind): Promise<Result> {
  const started = performance.now();
  try {
    const response = await fetch(`${stack.url}${kind.path}`, {
      headers: kind.headers,
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await response.text();
    const ms = performance.now() - started;
    if (response.status >= 500) return { kind: kind.name, ms, error: `${response.status} ${text.slice(0, 200)}` };
    const problems: string[] = [];
    if (response.status !== kind.status) problems.push(`status ${response.status}, expected ${kind.status}`);
    const contentType = response.headers.get('content-type');
    if (contentType !== JSON_CONTENT_TYPE) problems.push(`Content-Type ${contentType}`);
    for (const [name, value] of Object.entries(kind.required ?? {})) {
      if (response.headers.get(name) !== value) problems.push(`${name}: ${response.headers.get(name)}`);
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      problems.push('body is not JSON');
    }
    if (!isDeepStrictEqual(body, kind.body)) problems.push(`body ${text.slice(0, 300)}`);
    return { kind: kind.name, ms, ...(problems.length > 0 && { wrong: problems.join('; ') }) };
  } catch (failure) {
    return { kind: kind.name, ms: performance.now() - started, error: String(failure) };
  }
}

const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;

/** `clients` concurrent clients, each sending `kinds` in turn (starting at its own offset) while `more()` says so. */
async function drive(clients: number, kinds: readonly Kind[], more: () => boolean): Promise<Result[]> {
  const results: Result[] = [];
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      for (let turn = client; more(); turn += 1) results.push(await send(kinds[turn % kinds.length]!));
    }),
  );
  return results;
}

/** The most memory a process has held (its resident set's high-water mark), in MB. */
const peakRssMb = (pid: number): number =>
  Number(/^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) / 1024;

const failures = (results: readonly Result[]) =>
  results.filter(({ error, wrong }) => error !== undefined || wrong !== undefined);

const problems = (results: readonly Result[]) =>
  failures(results)
    .slice(0, 10)
    .map(({ kind, error, wrong }) => `${kind}: ${error ?? wrong}`);

describe('load on a fresh npm start', () => {
  it(`holds its first burst: ${CLIENTS} clients, ${BURST_REQUESTS} requests, list and details alternating`, async () => {
    let sent = 0;
    const started = Date.now();
    const results = await drive(CLIENTS, BURST_KINDS, () => sent++ < BURST_REQUESTS);
    const elapsed = (Date.now() - started) / 1000;
    const latencies = results.map(({ ms }) => ms).sort((a, b) => a - b);
    const p99 = percentile(latencies, 99);
    const offlineRssMb = peakRssMb(stack.childPid('serverless'));
    console.info(
      [
        `load: first burst: ${results.length} requests in ${elapsed.toFixed(1)} s from ${CLIENTS} clients, ${failures(results).length} not right`,
        `load: first burst: latency p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, max ${(latencies.at(-1) ?? NaN).toFixed(1)} ms; serverless-offline peak RSS ${offlineRssMb.toFixed(0)} MB`,
        ...problems(results).map((problem) => `load: first burst: ${problem}`),
      ].join('\n'),
    );

    expect(results.length).toBe(BURST_REQUESTS);
    expect(problems(results)).toEqual([]);
    expect(p99).toBeLessThanOrEqual(BURST_P99_MS);
    expect(offlineRssMb).toBeLessThan(OFFLINE_PEAK_RSS_MB);
  });

  it(`answers every request, and every one right: ${CLIENTS} clients for ${DURATION_MS / 1000} s, all kinds`, async () => {
    const client = localDocumentClient(stack.dynamoDbEndpoint);
    await loadFixtures(createOperatorStore({ client, tables: stageTables('local') }));
    client.destroy();

    const started = Date.now();
    const deadline = started + DURATION_MS;
    const results = await drive(CLIENTS, KINDS, () => Date.now() < deadline);
    const elapsed = (Date.now() - started) / 1000;

    const errors = results.filter(({ error }) => error !== undefined);
    const wrong = results.filter(({ wrong }) => wrong !== undefined);
    const latencies = results.map(({ ms }) => ms).sort((a, b) => a - b);
    const perKind = new Map<string, number>();
    for (const { kind } of results) perKind.set(kind, (perKind.get(kind) ?? 0) + 1);
    console.info(
      [
        `load: ${results.length} requests in ${elapsed.toFixed(1)} s (${(results.length / elapsed).toFixed(0)}/s) from ${CLIENTS} clients, ${KINDS.length} kinds`,
        `load: ${errors.length} errors, ${wrong.length} wrong answers`,
        `load: latency p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms, max ${(latencies.at(-1) ?? NaN).toFixed(1)} ms`,
        `load: per kind ${JSON.stringify(Object.fromEntries(perKind))}`,
        ...problems(results).map((problem) => `load: ${problem}`),
      ].join('\n'),
    );

    expect(results.length).toBeGreaterThan(CLIENTS);
    expect(errors.map(({ kind, error }) => `${kind}: ${error}`)).toEqual([]);
    expect(wrong.map(({ kind, wrong }) => `${kind}: ${wrong}`)).toEqual([]);
    expect([...perKind.keys()].sort()).toEqual(KINDS.map(({ name }) => name).sort());
  });

  it('says so when DynamoDB Local dies, stops serverless-offline and exits non-zero', async () => {
    const offline = stack.childPid('serverless');
    process.kill(stack.childPid('DynamoDBLocal.jar'), 'SIGKILL');

    await expect(stack.exited).resolves.toBe(1);
    expect(stack.output()).toMatch(
      /DynamoDB Local exited on SIGKILL; its last lines:\n.*\nStopping serverless-offline\./s,
    );
    expect(() => process.kill(offline, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
  });
});
