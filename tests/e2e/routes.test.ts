// Every route, with and without the trailing slash, answering every status of the contract over HTTP: each answer
// is the shared oracle's for the sample data, and conforms to openapi.yaml. Any other path is the 404 envelope.
import { describe, expect, it } from 'vitest';
import { OWNER_ONE, SAMPLE_INSTANCES } from '../../local/sample-data.ts';
import { TOKENS } from '../fixtures/tenancy.ts';
import {
  DETAILS_UUID,
  E2E_ORIGIN,
  JSON_CONTENT_TYPE,
  MESSAGE,
  TOKEN_ONE as TOKEN,
  errorBody,
} from '../support/contract.ts';
import { call, type HttpAnswer } from '../support/http.ts';
import { openApiViolations } from '../support/openapi.ts';
import { SECURITY_HEADERS, expectedDetails, expectedList, type Expected, type QueryValues } from '../support/oracle.ts';

const AUTH = { Authorization: `Token ${TOKEN}` };

const LIST_TEMPLATES = ['/backend/lambda-instances', '/api/lambda-instances'];
const DETAIL_TEMPLATES = ['/api/lambda-instances/{id}', '/backend/lambda-instances/{id}'];

/** A JSON answer with the contract's caching and the REST security headers. */
function jsonAnswer(answer: HttpAnswer): void {
  expect(answer.headers.get('content-type')).toBe(JSON_CONTENT_TYPE);
  expect(answer.headers.get('cache-control')).toBe(answer.status === 200 ? 'private, no-cache' : 'no-store');
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) expect(answer.headers.get(name)).toBe(value);
}

function conforms(template: string, answer: HttpAnswer): void {
  jsonAnswer(answer);
  expect(openApiViolations(template, answer)).toEqual([]);
}

/** The answer is the oracle's, whole, and conforms to the document. */
function answers(template: string, answer: HttpAnswer, expected: Expected): void {
  expect({ status: answer.status, body: answer.body }).toEqual(expected);
  conforms(template, answer);
}

const query = (text: string): QueryValues => {
  const values: Record<string, string[]> = {};
  for (const [name, value] of new URLSearchParams(text)) (values[name] ??= []).push(value);
  return values;
};

const errorDetail = (answer: HttpAnswer): string | undefined =>
  (answer.body as { errors: { detail: string }[] }).errors[0]?.detail;

describe.each(LIST_TEMPLATES)('list at %s', (template) => {
  it.each(['', '/'])('answers 200 with the list (trailing "%s")', async (slash) => {
    answers(template, await call(`${template}${slash}`, { headers: AUTH }), expectedList(SAMPLE_INSTANCES, OWNER_ONE));
  });

  it.each(['limit=5&page=2', 'limit=2&page=2', 'limit=1000&page=1'])(
    'answers a page with its pagination: %s',
    async (q) => {
      const answer = await call(`${template}/?${q}`, { headers: AUTH });
      answers(template, answer, expectedList(SAMPLE_INSTANCES, OWNER_ONE, query(q)));
    },
  );

  it.each([
    ['limit=2', MESSAGE.badPagination],
    ['limit=0&page=1', MESSAGE.badPagination],
    ['limit=2.5&page=1', MESSAGE.badPagination],
    ['limit=1001&page=1', MESSAGE.limitTooLarge],
    ['limit=2&page=1&limit=3', MESSAGE.badPagination],
  ])('400 for %s', async (q, message) => {
    const answer = await call(`${template}?${q}`, { headers: AUTH });
    expect(errorDetail(answer)).toBe(message);
    answers(template, answer, expectedList(SAMPLE_INSTANCES, OWNER_ONE, query(q)));
  });

  it('404 for a page past the end', async () => {
    const answer = await call(`${template}?limit=5&page=3`, { headers: AUTH });
    expect(errorDetail(answer)).toBe(MESSAGE.noInstances);
    answers(template, answer, expectedList(SAMPLE_INSTANCES, OWNER_ONE, query('limit=5&page=3')));
  });

  it('404 for an owner without instances', async () => {
    const answer = await call(template, { headers: { Authorization: `Token ${TOKENS.emptyOwner}` } });
    expect(answer.status).toBe(404);
    conforms(template, answer);
  });
});

describe.each(DETAIL_TEMPLATES)('details at %s', (template) => {
  const path = (id: string, slash = '/') => `${template.replace('{id}', id)}${slash}`;

  it.each(['', '/'])('answers 200 with the details (trailing "%s")', async (slash) => {
    const answer = await call(path(DETAILS_UUID, slash), { headers: AUTH });
    answers(template, answer, expectedDetails(SAMPLE_INSTANCES, OWNER_ONE, DETAILS_UUID));
  });

  it.each(['info', 'status'])('answers filter=%s', async (filter) => {
    const answer = await call(`${path(DETAILS_UUID)}?filter=${filter}`, { headers: AUTH });
    answers(template, answer, expectedDetails(SAMPLE_INSTANCES, OWNER_ONE, DETAILS_UUID, { filter: [filter] }));
  });

  it.each(['', 'all', 'INFO'])('400 for filter=%s', async (filter) => {
    const answer = await call(`${path(DETAILS_UUID)}?filter=${filter}`, { headers: AUTH });
    expect(errorDetail(answer)).toBe(MESSAGE.badFilter);
    answers(template, answer, expectedDetails(SAMPLE_INSTANCES, OWNER_ONE, DETAILS_UUID, { filter: [filter] }));
  });

  it.each(['00000000-0000-4000-8000-000000000000', '8', 'not-a-uuid'])('404 for id %s', async (id) => {
    const answer = await call(path(id), { headers: AUTH });
    expect(errorDetail(answer)).toBe(MESSAGE.instanceNotFound);
    answers(template, answer, expectedDetails(SAMPLE_INSTANCES, OWNER_ONE, id));
  });
});

describe('authentication', () => {
  const templates = [...LIST_TEMPLATES, ...DETAIL_TEMPLATES];
  const path = (template: string) => `${template.replace('{id}', 'not-a-uuid')}/?limit=x&filter=bad`;

  it.each([
    ['no header', {}],
    ['an unknown token', { Authorization: 'Token unknown-token' }],
    ['another scheme', { Authorization: `Basic ${TOKEN}` }],
    ['a revoked token', { Authorization: `Token ${TOKENS.revoked}` }],
    ['an expired token', { Authentication: `Token ${TOKENS.expired}` }],
  ])('%s is 401 on every route, before 400 and 404', async (_, headers: Record<string, string>) => {
    for (const template of templates) {
      const answer = await call(path(template), { headers });
      expect(answer.status).toBe(401);
      expect(answer.headers.get('www-authenticate')).toBe('Token');
      expect(errorDetail(answer)).toBe(MESSAGE.unauthorized);
      conforms(template, answer);
    }
  });

  it.each([
    ['Authorization: Token', { Authorization: `Token ${TOKEN}` }],
    ['Authorization: Bearer', { authorization: `bearer ${TOKEN}` }],
    ['Authentication: Token', { AUTHENTICATION: `Token ${TOKEN}` }],
    ['X-Api-Key', { 'X-Api-Key': TOKEN }],
    ['X-Auth-Token', { 'x-auth-token': TOKEN }],
  ])('the token is accepted from %s', async (_, headers: Record<string, string>) => {
    expect((await call('/backend/lambda-instances', { headers })).status).toBe(200);
  });
});

describe('other methods', () => {
  it.each(['POST', 'PUT', 'DELETE', 'PATCH'])('%s is 405 on every route', async (method) => {
    for (const template of [...LIST_TEMPLATES, ...DETAIL_TEMPLATES]) {
      const answer = await call(template.replace('{id}', DETAILS_UUID), { method, headers: AUTH });
      expect(answer.status).toBe(405);
      expect(answer.headers.get('allow')).toBe('GET');
      conforms(template, answer);
    }
  });
});

describe('any other path', () => {
  const PATHS = [
    '/',
    '/nope',
    '/api',
    '/backend/',
    '/api/lambda-instances/3f763964-d519-4fd2-916d-b5cfbe3b878b/x',
    '/backend/lambda-instances/8/applications/',
    '/api/docs/assets/x.js',
    '/Backend/lambda-instances',
  ];
  const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'];

  it.each(PATHS)('%s is the 404 envelope for every method, with or without a token', async (path) => {
    for (const method of METHODS) {
      for (const headers of [{}, AUTH, { Origin: E2E_ORIGIN }]) {
        const answer = await call(path, { method, headers });
        expect([method, answer.status, answer.body]).toEqual([method, 404, errorBody(404, MESSAGE.noSuchResource)]);
        jsonAnswer(answer);
      }
    }
  });

  it('a HEAD is the 404 without a body', async () => {
    const answer = await call('/nope', { method: 'HEAD' });
    expect([answer.status, answer.body]).toEqual([404, undefined]);
  });
});
