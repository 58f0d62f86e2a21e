// What every answer to a hostile request must be (docs/contract.md sections 5 and 7, openapi.yaml), and, where the
// request's verdict settles it, exactly what the shared oracle says it is.
import { isDeepStrictEqual } from 'node:util';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { SAMPLE_INSTANCES } from '../../../local/sample-data.ts';
import { ERROR_HEADERS, JSON_CONTENT_TYPE, MESSAGE, errorBody } from '../../support/contract.ts';
import { openApiViolations } from '../../support/openapi.ts';
import {
  CORS_HEADERS,
  CREDENTIAL_VARY,
  PREFLIGHT_HEADERS,
  REVALIDATION_HEADERS,
  expectedDetails,
  expectedList,
  noneMatchHolds,
  oneValue,
  type KnownInstance,
} from '../../support/oracle.ts';
import {
  LISTED_ORIGINS,
  TEMPLATES,
  credentialVerdict,
  ifNoneMatchOf,
  originOf,
  possibleOwners,
  queryValues,
  type HostileRequest,
} from './requests.ts';

/** The fixed messages each error status may carry. */
const DETAILS: Readonly<Record<number, readonly string[]>> = {
  400: [
    MESSAGE.badPagination,
    MESSAGE.limitTooLarge,
    MESSAGE.badFilter,
    MESSAGE.badStatus,
    MESSAGE.badInclude,
    MESSAGE.badDetailInclude,
    MESSAGE.badChangedSince,
  ],
  401: [MESSAGE.unauthorized],
  404: [MESSAGE.instanceNotFound, MESSAGE.noInstances],
  405: [MESSAGE.methodNotAllowed],
};

/** The answer where the request settles it: the status, and the body where the oracle knows it. */
export interface Expected {
  status?: number;
  body?: unknown;
}

export const UNAUTHORIZED: Expected = { status: 401, body: errorBody(401, MESSAGE.unauthorized) };
const METHOD_NOT_ALLOWED: Expected = { status: 405, body: errorBody(405, MESSAGE.methodNotAllowed) };

const listedOrigin = (request: HostileRequest): boolean => LISTED_ORIGINS.includes(originOf(request) ?? '');

/**
 * The oracle's answer to a request, where its credential settles it, given the stored instances (read back from the
 * table, with their times). `tag` is the entity-tag of the answer the same request gets without If-None-Match, when
 * that was asked.
 */
export function expectedAnswer(request: HostileRequest, stored: readonly KnownInstance[], tag?: string): Expected {
  if (request.method === 'OPTIONS') return listedOrigin(request) ? { status: 204, body: '' } : METHOD_NOT_ALLOWED;
  if (request.method !== 'GET') return METHOD_NOT_ALLOWED;
  const verdict = credentialVerdict(request);
  if (verdict === undefined || verdict === 'several') return {};
  if ('refused' in verdict) return UNAUTHORIZED;
  const query = queryValues(request);
  const expected =
    request.endpoint === 'list'
      ? expectedList(stored, verdict.owner, query)
      : expectedDetails(stored, verdict.owner, request.id, query);
  const ifNoneMatch = ifNoneMatchOf(request);
  const notModified = expected.status === 200 && ifNoneMatch !== undefined && noneMatchHolds(ifNoneMatch, tag);
  return notModified ? { status: 304, body: '' } : expected;
}

export const compact = (value: unknown): string => {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 600 ? `${text.slice(0, 600)}... (${text.length} chars)` : text;
};

export interface Outcome {
  status: number | 'threw';
  problems: string[];
  /** Whether the oracle knew the exact status (otherwise only the invariant was checked). */
  exact?: boolean;
}

export function check(
  request: HostileRequest,
  answer: { response?: APIGatewayProxyResult; thrown?: unknown },
  allowed: ReadonlySet<number>,
  expected: Expected,
): Outcome {
  const { response } = answer;
  if (!response)
    return {
      status: 'threw',
      problems: [`the handler threw instead of answering: ${String(answer.thrown)}`],
      exact: expected.status !== undefined,
    };
  const problems: string[] = [];
  const status = response.statusCode;
  if (!allowed.has(status)) problems.push(`status ${status} is not one of ${[...allowed].join('/')}`);
  if (expected.status !== undefined && status !== expected.status)
    problems.push(`status ${status}, expected ${expected.status}`);

  const headers = new Headers(Object.entries(response.headers ?? {}).map(([name, value]) => [name, String(value)]));
  problems.push(...headerProblems(request, status, headers));
  if (response.multiValueHeaders) problems.push('multiValueHeaders in the response');
  const template = TEMPLATES[request.endpoint][request.prefix];
  const conforms = (body: unknown): string[] =>
    openApiViolations(template, { status, headers, body }, request.method === 'OPTIONS' ? 'options' : 'get').map(
      (violation) => `openapi: ${violation}`,
    );
  if (status === 204 || status === 304) {
    problems.push(...conforms(response.body));
    return { status, problems, exact: expected.status !== undefined };
  }

  if (response.body.includes('<')) problems.push('the body contains "<"');
  let body: unknown;
  try {
    body = JSON.parse(response.body);
  } catch {
    problems.push(`the body is not JSON: ${compact(response.body)}`);
    return { status, problems, exact: expected.status !== undefined };
  }
  problems.push(...conforms(body));

  if (status === 200) {
    const success = body as { status?: { code?: unknown }; data?: unknown; pagination?: unknown };
    if (success.status?.code !== 200) problems.push('status.code is not 200');
    if (!Array.isArray(success.data)) problems.push('data is not an array');
    const paged =
      request.endpoint === 'list' &&
      (oneValue(queryValues(request), 'limit') !== undefined || oneValue(queryValues(request), 'page') !== undefined);
    if ((success.pagination !== undefined) !== paged) problems.push(`pagination ${paged ? 'missing' : 'unexpected'}`);
    problems.push(...(request.endpoint === 'detail' ? checkDetails(request, body) : checkList(request, body)));
  } else {
    // One entry per problem found: one, or for a 400 one per wrong parameter, never the same twice.
    const errors = (body as { errors?: { status?: unknown; detail?: unknown }[] }).errors ?? [];
    if (errors.length === 0 || (status !== 400 && errors.length !== 1)) problems.push(`${errors.length} errors`);
    if (new Set(errors.map(({ detail }) => detail)).size !== errors.length) problems.push('the same error twice');
    for (const error of errors) {
      if (error.status !== status) problems.push(`an error's status ${String(error.status)} differs from ${status}`);
      const known = DETAILS[status];
      // The 503's message is not fixed by the contract: it must still be a fixed text, not the request's input.
      if (known ? !known.includes(String(error.detail)) : echoes(request, String(error.detail))) {
        problems.push(`detail ${compact(error.detail)} is not a fixed message of the contract`);
      }
    }
  }
  if (expected.body !== undefined && !isDeepStrictEqual(body, expected.body)) {
    problems.push(`body ${compact(body)}, expected ${compact(expected.body)}`);
  }
  return { status, problems, exact: expected.status !== undefined };
}

/** The headers an answer of this status must (and must not) carry for this request. */
function headerProblems(request: HostileRequest, status: number, headers: Headers): string[] {
  const problems: string[] = [];
  const expect = (name: string, value: string | null): void => {
    if (headers.get(name) !== value) problems.push(`${name}: ${headers.get(name)}, expected ${value}`);
  };
  const bodiless = status === 204 || status === 304;
  expect('content-type', bodiless ? null : JSON_CONTENT_TYPE);
  expect('x-content-type-options', 'nosniff');
  const vary = (headers.get('vary') ?? '').split(/, */).filter(Boolean);
  if (status === 200 || status === 304) {
    for (const [name, value] of Object.entries(REVALIDATION_HEADERS)) expect(name, value);
    if (!/^"[^"]+"$/.test(headers.get('etag') ?? '')) problems.push(`ETag ${headers.get('etag')}`);
    if (!CREDENTIAL_VARY.every((name) => vary.includes(name))) problems.push(`Vary ${headers.get('vary')}`);
  } else if (status !== 204) {
    expect('cache-control', 'no-store');
    expect('etag', null);
  }
  const required = ERROR_HEADERS[status];
  if (required) expect(required[0], required[1]);
  // A 304 keeps the Link of the 200 it stands for.
  const answered = status === 200 || status === 304;
  const paged = request.endpoint === 'list' && answered && oneValue(queryValues(request), 'page') !== undefined;
  if (paged !== (headers.get('link') !== null))
    problems.push(`Link ${headers.get('link')}, expected ${paged ? 'one' : 'none'}`);

  const cors = [...headers.keys()].filter((name) => name.startsWith('access-control-'));
  if (listedOrigin(request)) {
    expect('access-control-allow-origin', originOf(request) ?? '');
    for (const [name, value] of Object.entries(CORS_HEADERS)) expect(name, value);
    if (!vary.includes('Origin')) problems.push(`Vary ${headers.get('vary')} without Origin`);
    for (const [name, value] of Object.entries(PREFLIGHT_HEADERS)) expect(name, status === 204 ? value : null);
  } else if (cors.length > 0) problems.push(`CORS headers for an origin not listed: ${cors.join(', ')}`);
  return problems;
}

/** Whether a text repeats a piece (8+ characters) of the request's id, query or header values. */
function echoes(request: HostileRequest, text: string): boolean {
  const inputs = [
    request.id,
    ...request.query.flatMap(([key, values]) => [key, ...values]),
    ...request.headers.map(({ value }) => value),
  ];
  return inputs.some((input) => input.length >= 8 && text.includes(input));
}

/** A list 200: instances of one owner who may be answered, none DESTROYED but with changed_since, in id order. */
function checkList(request: HostileRequest, body: unknown): string[] {
  const owners = possibleOwners(request);
  const changes = oneValue(queryValues(request), 'changed_since') !== undefined;
  const data = (body as { data: { uuid?: string }[] }).data;
  const answered = data.map(({ uuid }) => SAMPLE_INSTANCES.find((instance) => instance.uuid === uuid));
  const problems: string[] = [];
  for (const [index, instance] of answered.entries()) {
    if (!instance) problems.push(`listed an unknown instance ${String(data[index]?.uuid)}`);
    else if (!owners.includes(instance.owner))
      problems.push(`FOREIGN READ: listed ${instance.uuid} of ${instance.owner} to ${owners.join(',') || 'nobody'}`);
    else if (instance.status === '6' && !changes) problems.push(`listed the DESTROYED ${instance.uuid}`);
  }
  if (new Set(answered.map((instance) => instance?.owner)).size > 1)
    problems.push('listed instances of several owners');
  const ids = answered.map((instance) => instance?.id ?? 0);
  if (ids.some((id, index) => index > 0 && id <= ids[index - 1]!)) problems.push(`not in id order: ${ids.join(',')}`);
  return problems;
}

/** A detail 200: the caller's own instance, the id in canonical lower case, the view the filter asked for. */
function checkDetails(request: HostileRequest, body: unknown): string[] {
  const owners = possibleOwners(request);
  const [details] = (body as { data: Record<string, { id?: string }>[] }).data;
  const id = details?.info?.id ?? (details as { id?: string } | undefined)?.id;
  const instance = SAMPLE_INSTANCES.find(({ uuid }) => uuid === id);
  const problems: string[] = [];
  if (!instance) problems.push(`answered an unknown instance ${String(id)}`);
  else {
    if (!owners.includes(instance.owner))
      problems.push(`FOREIGN READ: answered ${instance.uuid} of ${instance.owner} to ${owners.join(',') || 'nobody'}`);
    if (instance.uuid !== request.id.toLowerCase())
      problems.push(`answered ${instance.uuid} for id ${compact(request.id)}`);
  }
  const filter = oneValue(queryValues(request), 'filter') ?? 'all';
  const keys = Object.keys(details ?? {})
    .sort()
    .join(',');
  const history = oneValue(queryValues(request), 'include') === 'history' ? ['timeline'] : [];
  const wanted = { all: ['applications', 'info', 'status'], info: ['info'], status: ['id', 'name', 'status'] }[filter]
    ?.concat(history)
    .sort()
    .join(',');
  if (keys !== wanted) problems.push(`details keys ${keys} for filter ${filter}`);
  return problems;
}
