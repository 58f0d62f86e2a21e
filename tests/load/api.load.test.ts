// Load: 50 concurrent clients for 10 s over HTTP through `serverless offline start` (loopback only), on both
// functions and all four paths, valid and invalid tokens mixed. Every answer is checked in full against the answer
// its request must get (status, Content-Type, the contract's headers, the whole JSON body): 0 errors, 0 wrong answers.
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { OWNER_ONE, OWNER_TWO, SAMPLE_INSTANCES } from '../../local/sample-data.ts';
import { EMPTY_OWNER, TOKENS } from '../fixtures/tenancy.ts';
import {
  DETAILS_UUID,
  JSON_CONTENT_TYPE,
  MESSAGE,
  OWNER_TWO_UUID,
  TOKEN_ONE as ONE,
  TOKEN_TWO as TWO,
  errorBody,
} from '../support/contract.ts';
import { baseUrl } from '../support/http.ts';
import { expectedDetails, expectedList, type QueryValues } from '../support/oracle.ts';

const CLIENTS = 50;
const DURATION_MS = 10_000;
const REQUEST_TIMEOUT_MS = 10_000;

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
    const response = await fetch(`${baseUrl}${kind.path}`, {
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

/** `clients` concurrent clients, each sending the kinds in turn (starting at its own offset) until `ms` have passed. */
async function drive(clients: number, ms: number): Promise<Result[]> {
  const results: Result[] = [];
  const deadline = Date.now() + ms;
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      for (let turn = client; Date.now() < deadline; turn += 1) results.push(await send(KINDS[turn % KINDS.length]!));
    }),
  );
  return results;
}

const failures = (results: readonly Result[]) =>
  results.filter(({ error, wrong }) => error !== undefined || wrong !== undefined);

describe(`load: ${CLIENTS} concurrent clients for ${DURATION_MS / 1000} s through serverless offline`, () => {
  it('answers every request, and every one right', async () => {
    // Warm-up, not measured: serverless offline starts one worker thread per concurrent invocation of a function
    // (a cold start each), so the concurrency is raised in steps, as traffic would grow, rather than 100 cold starts
    // at once on a small machine. Its failures are printed, not asserted.
    const warmUp: Result[] = [];
    for (const clients of [1, 10, 20, 35, CLIENTS]) warmUp.push(...(await drive(clients, 2000)));
    const warmUpFailures = failures(warmUp);
    console.info(
      [
        `load: warm-up ${warmUp.length} requests, ${warmUpFailures.length} failed (not asserted)`,
        ...warmUpFailures.slice(0, 5).map(({ kind, error, wrong }) => `load: warm-up ${kind}: ${error ?? wrong}`),
      ].join('\n'),
    );

    const started = Date.now();
    const results = await drive(CLIENTS, DURATION_MS);
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
        ...failures(results)
          .slice(0, 10)
          .map(({ kind, error, wrong }) => `load: ${kind}: ${error ?? wrong}`),
      ].join('\n'),
    );

    expect(results.length).toBeGreaterThan(CLIENTS);
    expect(errors.map(({ kind, error }) => `${kind}: ${error}`)).toEqual([]);
    expect(wrong.map(({ kind, wrong }) => `${kind}: ${wrong}`)).toEqual([]);
    expect([...perKind.keys()].sort()).toEqual(KINDS.map(({ name }) => name).sort());
  });
});
